import type { DeviceKind, DeviceList, MediaDevice } from 'ngx-trtc-calling/core';

/** The fields of a `MediaDeviceInfo` used here. */
export interface MediaDeviceInfoLike {
  readonly deviceId: string;
  readonly kind: string;
  readonly label: string;
  readonly groupId?: string;
}

const KINDS: Readonly<Record<string, DeviceKind>> = {
  videoinput: 'camera',
  audioinput: 'microphone',
  audiooutput: 'speaker',
};

/** Sorts `enumerateDevices()` output into the port's `DeviceList` (unknown kinds dropped). */
export function toDeviceList(infos: readonly MediaDeviceInfoLike[]): DeviceList {
  const list: Record<DeviceKind, MediaDevice[]> = { camera: [], microphone: [], speaker: [] };
  for (const info of infos) {
    const kind = KINDS[info.kind];
    if (!kind) continue;
    list[kind].push({
      deviceID: info.deviceId,
      kind,
      label: info.label,
      ...(info.groupId ? { groupID: info.groupId } : {}),
    });
  }
  return { cameras: list.camera, microphones: list.microphone, speakers: list.speaker };
}

/** The devices of one kind in a list. */
export function devicesOfKind(list: DeviceList, kind: DeviceKind): readonly MediaDevice[] {
  return kind === 'camera' ? list.cameras : kind === 'microphone' ? list.microphones : list.speakers;
}

/**
 * Whether a device is present. Before permission is granted browsers list devices with an
 * empty ID; then nothing can be said and the device counts as present.
 */
export function isDevicePresent(list: DeviceList, kind: DeviceKind, deviceID: string): boolean {
  const devices = devicesOfKind(list, kind);
  return devices.some((d) => d.deviceID === deviceID || d.deviceID === '');
}

/**
 * The device to use instead of `lostID` (gone, or its track ended): the one the user chose
 * if it is back, else the browser's `default` entry, else one of the same physical group (the
 * camera's own microphone), else the first other one; `undefined` when none is left.
 */
export function chooseFallbackDevice(
  available: readonly MediaDevice[],
  lostID: string | undefined,
  preferredID?: string,
): MediaDevice | undefined {
  const candidates = available.filter((d) => d.deviceID !== lostID && d.deviceID !== '');
  return (
    candidates.find((d) => preferredID !== undefined && d.deviceID === preferredID) ??
    candidates.find((d) => d.deviceID === 'default') ??
    candidates.find((d) => d.deviceID !== 'communications') ??
    candidates[0]
  );
}
