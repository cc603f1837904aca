/**
 * The browser APIs the WebRTC media engine uses, injectable so that tests and unusual hosts
 * (a worker-less iframe, a polyfill) can supply their own. Nothing is read at import or
 * construction time: the defaults are looked up on `globalThis` when a method needs them.
 */
export interface MediaEnvironment {
  // `undefined` is a value here, not only an absent key: an override of `undefined` says the
  // host has no such API, and the defaults are whatever `globalThis` has, possibly nothing.
  readonly mediaDevices?: MediaDevices | undefined;
  readonly RTCPeerConnection?: typeof RTCPeerConnection | undefined;
  readonly MediaStream?: typeof MediaStream | undefined;
  /** For volume levels; without it no `volume` events are emitted. */
  readonly AudioContext?: typeof AudioContext | undefined;
  /** Where views and the hidden remote-audio elements are created. */
  readonly document?: Document | undefined;
}

/** `overrides` over what `globalThis` has (each looked up now, not at import). */
export function resolveMediaEnvironment(overrides: Partial<MediaEnvironment> = {}): MediaEnvironment {
  const g = globalThis as {
    navigator?: { mediaDevices?: MediaDevices };
    RTCPeerConnection?: typeof RTCPeerConnection;
    MediaStream?: typeof MediaStream;
    AudioContext?: typeof AudioContext;
    webkitAudioContext?: typeof AudioContext;
    document?: Document;
  };
  return {
    mediaDevices: g.navigator?.mediaDevices,
    RTCPeerConnection: g.RTCPeerConnection,
    MediaStream: g.MediaStream,
    AudioContext: g.AudioContext ?? g.webkitAudioContext,
    document: g.document,
    ...overrides,
  };
}
