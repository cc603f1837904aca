import type { DeviceList, MediaDevice, ViewTarget } from 'ngx-trtc-calling/core';

/*
 * What a virtual media engine is made of and reports: its options (one user's browser), the
 * default devices, and the shapes it exposes for inspection. Apart from the engine, which is
 * long enough on its own.
 */

/** The devices of a `network.media()` engine unless told otherwise: one of each kind, stable IDs. */
export const DEFAULT_VIRTUAL_DEVICES: DeviceList = Object.freeze({
  cameras: Object.freeze([
    Object.freeze({
      deviceID: 'virtual-camera',
      kind: 'camera',
      label: 'Virtual Camera',
      groupID: 'virtual',
    }),
  ]),
  microphones: Object.freeze([
    Object.freeze({
      deviceID: 'virtual-microphone',
      kind: 'microphone',
      label: 'Virtual Microphone',
      groupID: 'virtual',
    }),
  ]),
  speakers: Object.freeze([
    Object.freeze({
      deviceID: 'virtual-speaker',
      kind: 'speaker',
      label: 'Virtual Speaker',
      groupID: 'virtual',
    }),
  ]),
}) as DeviceList;

/** Interval of `volume` events while others are in the room, ms. */
export const VIRTUAL_VOLUME_INTERVAL = 1000;

/** The volume a virtual user reports while its audio is on (0 while muted or without a microphone). */
export const VIRTUAL_SPEAKING_VOLUME = 50;

/**
 * Options of `VirtualNetwork.media()`: one user's devices and how their browser behaves, to
 * reproduce what goes wrong on a real device.
 *
 * @example
 * // bob has no camera: his video calls go on as audio, with 60004 reported.
 * const bobMedia = network.media({ userID: 'bob', devices: { cameras: [] } });
 * // carol refuses the camera only, and her browser takes 2 s to open the microphone.
 * const carolMedia = network.media({ userID: 'carol', deniedAccess: 'camera', joinDelay: 2_000 });
 */
export interface VirtualMediaOptions {
  /**
   * The devices present (kinds not given: `DEFAULT_VIRTUAL_DEVICES`). `{microphones: []}` makes
   * `join` fail with 60003; `{cameras: []}` makes a video `join` (and turning video on) fail
   * with 60004, while audio joins work.
   */
  readonly devices?: Partial<DeviceList>;
  /**
   * The user refuses access (60005, with `device` on the error): `true` or `'microphone'`:
   * every `join` fails; `'camera'`: a video `join` and turning video on fail, audio joins work.
   */
  readonly deniedAccess?: boolean | 'camera' | 'microphone';
  /** Binds the engine to a user before its first `join`, for `removeDevice`/`addDevice`/`failMedia`. */
  readonly userID?: string;
  /**
   * Virtual ms a `join` takes before it checks the devices and enters the room (default 0),
   * like a slow permission prompt or a slow media server. A `leave` or `destroy` meanwhile
   * makes the `join` reject with 90006, holding nothing.
   */
  readonly joinDelay?: number;
  /**
   * Extra virtual ms, on top of the network latency, before this engine sees what happens in
   * its room (users entering and leaving, their audio and video) (default 0): media events
   * that lag behind the signaling.
   */
  readonly eventDelay?: number;
  /** The user refuses to pick a screen: `startScreenShare` rejects as the browser's `getDisplayMedia` does (`NotAllowedError`, code 90007). */
  readonly screenShareDenied?: boolean;
}

/** A virtual local track ("getUserMedia" result), counted by `VirtualNetwork.liveTracks()`. */
export interface VirtualTrack {
  readonly id: string;
  readonly kind: 'audio' | 'video';
  readonly deviceID: string;
}

/** What a remote user publishes, as this engine has been told so far. */
export interface VirtualRemoteUser {
  readonly audio: boolean;
  readonly video: boolean;
}

/** Where this engine renders streams (recorded only; the DOM is never touched). */
export interface VirtualAttachments {
  readonly local?: ViewTarget;
  readonly remote: ReadonlyMap<string, ViewTarget>;
  /** `attachRemoteScreen` targets, by the sharing user. */
  readonly screens: ReadonlyMap<string, ViewTarget>;
}

/** The first device among the candidates that exists, else the first device. */
export function pick(
  list: readonly MediaDevice[],
  ...candidates: (string | undefined)[]
): MediaDevice | undefined {
  for (const id of candidates) {
    const found = id === undefined ? undefined : list.find((device) => device.deviceID === id);
    if (found) return found;
  }
  return list[0];
}
