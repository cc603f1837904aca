/*
 * The part of trtc-js-sdk 4.x the media adapter uses, described structurally so that the adapter
 * compiles without the SDK, accepts the real `TRTC` (checked in real-sdks.spec.ts) and tests can
 * hand it a double. Names and semantics follow trtc-js-sdk 4.15.22's index.d.ts.
 */

/** What a player may render into: an element ID, or the element. */
export type TrtcPlayTarget = string | HTMLElement;

/** `RtcError`: an `Error` with `getCode()`. */
export interface TrtcError {
  readonly message?: string;
  getCode?(): number;
}

/** Common to local and remote streams. */
export interface TrtcStream {
  play(
    target: TrtcPlayTarget,
    options?: { muted?: boolean; mirror?: boolean; objectFit?: string },
  ): Promise<void>;
  stop(): void;
  resume(): Promise<void>;
  close(): void;
  muteAudio(): boolean;
  muteVideo(): boolean;
  unmuteAudio(): boolean;
  unmuteVideo(): boolean;
  getId(): string;
  getUserId(): string;
  setAudioOutput(deviceId: string): Promise<void>;
  hasAudio(): boolean;
  hasVideo(): boolean;
  getAudioTrack(): MediaStreamTrack | null;
  getVideoTrack(): MediaStreamTrack | null;
  /** The current audio level, 0–1. */
  getAudioLevel(): number;
  on(eventName: 'error', handler: (event: TrtcError) => void): void;
  /** A screen stream's capture ended outside the app (the browser's own "Stop sharing"). */
  on(eventName: 'screen-sharing-stopped', handler: () => void): void;
  off(eventName: 'error', handler: (event: TrtcError) => void): void;
  off(eventName: 'screen-sharing-stopped', handler: () => void): void;
}

/** The custom profile form of `setVideoProfile`. */
export interface TrtcVideoProfile {
  width?: number;
  height?: number;
  frameRate?: number;
  bitrate?: number;
}

/** A stream of `TRTC.createStream`. */
export interface TrtcLocalStream extends TrtcStream {
  initialize(): Promise<void>;
  setVideoProfile(profile: TrtcVideoProfile): void;
  switchDevice(type: 'audio' | 'video', deviceId: string): Promise<void>;
  addTrack(track: MediaStreamTrack): Promise<void>;
  removeTrack(track: MediaStreamTrack): Promise<void>;
}

/** A stream of a remote user (`stream-added`). */
export interface TrtcRemoteStream extends TrtcStream {
  /** `main` (camera/mic) or `auxiliary` (screen share). */
  getType(): string;
}

/** Payload of `stream-added`, `stream-subscribed`, `stream-removed`. */
export interface TrtcStreamEvent {
  readonly stream: TrtcRemoteStream;
}

/** Payload of `peer-join`, `peer-leave`, `mute-*`, `unmute-*`. */
export interface TrtcUserEvent {
  readonly userId: string;
}

/** Payload of `audio-volume`. */
export interface TrtcAudioVolumeEvent {
  readonly result: readonly { readonly userId: string; readonly audioVolume: number }[];
}

/** Payload of `network-quality` (every 2 s): TRTC's 1–6 scale, 0 unknown. */
export interface TrtcNetworkQualityEvent {
  readonly uplinkNetworkQuality: number;
  readonly downlinkNetworkQuality: number;
}

/** `getTransportStats()`: round trips in ms. */
export interface TrtcTransportStats {
  readonly rtt: number;
  readonly downlinksRTT?: { readonly [userId: string]: number };
}

/** One stream's counters in `getLocal*Stats`/`getRemote*Stats` (cumulative, as the SDK reports them). */
export interface TrtcMediaCounters {
  readonly bytesSent?: number;
  readonly packetsSent?: number;
  readonly bytesReceived?: number;
  readonly packetsReceived?: number;
  readonly packetsLost?: number;
  readonly frameWidth?: number;
  readonly frameHeight?: number;
}

/** The `*StatsMap` results: counters by userId. */
export type TrtcStatsMap = { readonly [userId: string]: TrtcMediaCounters };

/** Payload of `client-banned`. */
export interface TrtcBannedEvent {
  readonly reason?: string;
  readonly message?: string;
}

/** The client events the adapter handles, with their payloads (`ClientEventMap`). */
export interface TrtcClientEventMap {
  'stream-added': TrtcStreamEvent;
  'stream-subscribed': TrtcStreamEvent;
  'stream-removed': TrtcStreamEvent;
  'peer-join': TrtcUserEvent;
  'peer-leave': TrtcUserEvent;
  'mute-audio': TrtcUserEvent;
  'unmute-audio': TrtcUserEvent;
  'mute-video': TrtcUserEvent;
  'unmute-video': TrtcUserEvent;
  'audio-volume': TrtcAudioVolumeEvent;
  'network-quality': TrtcNetworkQualityEvent;
  'client-banned': TrtcBannedEvent;
  error: TrtcError;
}

/** `TRTC.createClient` options (`ClientConfig`). */
export interface TrtcClientConfig {
  mode: 'rtc' | 'live';
  sdkAppId: number;
  userId: string;
  userSig: string;
  /** Subscribe to remote streams by itself (default true); the screen-share client receives nothing. */
  autoSubscribe?: boolean;
}

/** A TRTC client (`Client`), as far as the adapter uses it. */
export interface TrtcClient {
  join(options: { roomId: number }): Promise<void>;
  leave(): Promise<void>;
  publish(stream: TrtcLocalStream): Promise<void>;
  unpublish(stream: TrtcLocalStream): Promise<void>;
  subscribe(stream: TrtcRemoteStream, options?: { audio?: boolean; video?: boolean }): Promise<void>;
  enableAudioVolumeEvaluation(interval?: number): void;
  getTransportStats?(): Promise<TrtcTransportStats>;
  getLocalAudioStats?(): Promise<TrtcStatsMap>;
  getLocalVideoStats?(): Promise<TrtcStatsMap>;
  getRemoteAudioStats?(): Promise<TrtcStatsMap>;
  getRemoteVideoStats?(): Promise<TrtcStatsMap>;
  destroy?(): void;
  on<K extends keyof TrtcClientEventMap>(eventName: K, handler: (event: TrtcClientEventMap[K]) => void): void;
  off<K extends keyof TrtcClientEventMap>(
    eventName: K,
    handler: (event: TrtcClientEventMap[K]) => void,
  ): void;
}

/** `TRTC.createStream` options (`StreamConfig`). */
export interface TrtcStreamConfig {
  userId?: string;
  audio?: boolean;
  video?: boolean;
  microphoneId?: string;
  cameraId?: string;
  /** Capture the screen (`getDisplayMedia`) instead of a camera. */
  screen?: boolean;
}

/** A device as `TRTC.getCameras()` & co. report it (`MediaDeviceInfo`). */
export interface TrtcDeviceInfo {
  readonly deviceId: string;
  readonly groupId?: string;
  readonly kind?: string;
  readonly label: string;
}

/** The trtc-js-sdk module (`TRTC`). */
export interface TrtcModule {
  checkSystemRequirements(): Promise<{ readonly result: boolean } | boolean>;
  createClient(config: TrtcClientConfig): TrtcClient;
  createStream(config: TrtcStreamConfig): TrtcLocalStream;
  getCameras(): Promise<readonly TrtcDeviceInfo[]>;
  getMicrophones(): Promise<readonly TrtcDeviceInfo[]>;
  getSpeakers?(): Promise<readonly TrtcDeviceInfo[]>;
}
