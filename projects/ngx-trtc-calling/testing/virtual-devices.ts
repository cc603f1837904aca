import type { DeviceKind, DeviceList, MediaDevice } from 'ngx-trtc-calling/core';
import { DEFAULT_VIRTUAL_DEVICES, pick } from './virtual-media-options';

interface MutableDeviceList {
  cameras: MediaDevice[];
  microphones: MediaDevice[];
  speakers: MediaDevice[];
}

const LIST_OF: Record<DeviceKind, keyof MutableDeviceList> = {
  camera: 'cameras',
  microphone: 'microphones',
  speaker: 'speakers',
};

/**
 * The devices a `VirtualMediaEngine` sees, as `VirtualNetwork.addDevice`/`removeDevice` change
 * them, and the device chosen per kind (`switchDevice`, `join`, fallbacks).
 */
export class VirtualDevices {
  /** The remembered device choice per kind. */
  readonly preferred: Partial<Record<DeviceKind, string>> = {};
  readonly #lists: MutableDeviceList;

  constructor(devices: Partial<DeviceList> = {}) {
    this.#lists = {
      cameras: [...(devices.cameras ?? DEFAULT_VIRTUAL_DEVICES.cameras)],
      microphones: [...(devices.microphones ?? DEFAULT_VIRTUAL_DEVICES.microphones)],
      speakers: [...(devices.speakers ?? DEFAULT_VIRTUAL_DEVICES.speakers)],
    };
  }

  /** The first present device of `kind` among `candidates`, else the first of its kind. */
  pick(kind: DeviceKind, ...candidates: (string | undefined)[]): MediaDevice | undefined {
    return pick(this.#lists[LIST_OF[kind]], ...candidates);
  }

  /** Whether a device of `kind` with that ID is present. */
  has(kind: DeviceKind, deviceID: string): boolean {
    const list = this.#lists[LIST_OF[kind]];
    return !!list && list.some((device) => device.deviceID === deviceID);
  }

  /** The kind of a present device, if it is. */
  kindOf(deviceID: string): DeviceKind | undefined {
    return (Object.keys(LIST_OF) as DeviceKind[]).find((kind) => this.has(kind, deviceID));
  }

  /** Removes a present device of `kind`; returns the device that takes its place, if any is left. */
  remove(kind: DeviceKind, deviceID: string): string | undefined {
    const list = this.#lists[LIST_OF[kind]];
    list.splice(
      list.findIndex((device) => device.deviceID === deviceID),
      1,
    );
    return list[0]?.deviceID;
  }

  /** Adds a device; returns whether it was new. */
  add(device: MediaDevice): boolean {
    const list = this.#lists[LIST_OF[device.kind]];
    if (!list || list.some((d) => d.deviceID === device.deviceID)) return false;
    list.push(Object.freeze({ ...device }));
    return true;
  }

  /** A copy of the devices present. */
  snapshot(): DeviceList {
    return {
      cameras: [...this.#lists.cameras],
      microphones: [...this.#lists.microphones],
      speakers: [...this.#lists.speakers],
    };
  }
}
