import type { Observable } from 'rxjs';
import type { VideoProfile } from './video-profiles';

/** The device kinds a call uses. */
export type DeviceKind = 'camera' | 'microphone' | 'speaker';

/** One media device. */
export interface MediaDevice {
  readonly deviceID: string;
  readonly kind: DeviceKind;
  readonly label: string;
  readonly groupID?: string;
}

/** The devices present, by kind. */
export interface DeviceList {
  readonly cameras: readonly MediaDevice[];
  readonly microphones: readonly MediaDevice[];
  readonly speakers: readonly MediaDevice[];
}

/** What `join` needs to enter a room and publish. */
export interface JoinOptions {
  /** Numeric room (TRTC `rtc` mode). */
  readonly roomID: number;
  readonly userID: string;
  /** Credential for media backends that need one (TRTC); others ignore it. */
  readonly userSig: string;
  /** Publish a camera track (video call). Audio is always published. */
  readonly video: boolean;
  /**
   * With `video`: `false` joins with the camera off and never opens it (the user turned it off
   * before answering), keeping the video slot so `setCameraEnabled(true)` opens it later. Absent:
   * on.
   */
  readonly cameraEnabled?: boolean;
  readonly profile: VideoProfile;
  /** Preferred devices; the engine falls back to another when absent. */
  readonly cameraID?: string;
  readonly microphoneID?: string;
  /**
   * Whether `userID` is a user of the call (its inviter, or invited into it), read whenever a peer
   * shows up in the room: engines that negotiate peer to peer (`webrtc`) exchange media with those
   * users only, so a stranger in the room never receives the local camera and microphone. Absent:
   * every peer of the room (engines whose rooms are access-controlled by their service ignore it).
   */
  readonly allowPeer?: (userID: string) => boolean;
  /**
   * Back into a call already in progress (after a reload, or `join()`): the engine takes over the
   * place its backend may hold for this user, and fails (with `CALLING_ERROR_CODE.CALL_ENDED` or
   * its backend's code, the self-hosted server's `ROOM_CALL_ENDED` 4102) when nobody else is in
   * the room any more. Engines whose rooms hold no such place ignore it.
   */
  readonly rejoin?: boolean;
}

/**
 * What `prepare` needs: the room a ringing invitation names, entered receive-only so that an
 * Accept finds the connection ready (ICE and DTLS done). Nothing local is captured or sent.
 */
export interface PrepareOptions {
  readonly roomID: number;
  readonly userID: string;
  readonly userSig: string;
  /** As `JoinOptions.allowPeer`. */
  readonly allowPeer?: (userID: string) => boolean;
}

/**
 * TRTC's network quality scale (trtc-js-sdk `network-quality`): 0 unknown, 1 excellent, 2 good,
 * 3 fair, 4 poor, 5 very poor, 6 disconnected.
 */
export type NetworkQuality = 0 | 1 | 2 | 3 | 4 | 5 | 6;

/** One participant's network quality; the local user's (`userID` = self) is the uplink's. */
export interface ParticipantQuality {
  readonly userID: string;
  readonly quality: NetworkQuality;
}

/**
 * Media statistics of one participant over the last interval: for the local user (`userID` =
 * self) what it sends, for a remote user what it receives from them. `null`: not known (yet).
 */
export interface MediaStats {
  readonly userID: string;
  /** Audio and video together, kbit/s. */
  readonly bitrateKbps: number;
  /** Fraction of packets lost, 0–1. */
  readonly packetLoss: number;
  readonly rttMs: number | null;
  readonly jitterMs: number | null;
  readonly width: number | null;
  readonly height: number | null;
  readonly frameRate: number | null;
}

/** What `startDeviceCheck` opens. */
export interface DeviceCheckOptions {
  /** Open the camera for a preview (default true). */
  readonly video?: boolean;
  readonly cameraID?: string;
  readonly microphoneID?: string;
}

/**
 * A device check in progress: camera preview and microphone level, outside any room. Nothing
 * is sent anywhere. `stop` releases every track it opened.
 */
export interface DeviceCheck {
  /** Microphone level 0–100, a few times a second; completes on `stop`. */
  readonly level$: Observable<number>;
  /** Renders the camera preview into `target` (nothing without video). */
  attachPreview(target: ViewTarget): void;
  /** Plays a short test tone on `speakerID` (default: the current speaker); resolves when it ends. */
  playTestTone(speakerID?: string): Promise<void>;
  /** Releases the camera and microphone. */
  stop(): void;
}

/** The browser's permission for each device, where it can tell (`unknown` otherwise). */
export interface MediaPermissions {
  readonly camera: PermissionState | 'unknown';
  readonly microphone: PermissionState | 'unknown';
}

/** Where to render a stream: an element, or the ID of an element (TRTCCalling's `videoViewDomID`). */
export type ViewTarget = string | HTMLElement;

/**
 * What the media layer reports. `userEntered`/`userLeft` mean a remote user's stream is
 * available/gone (TRTC `stream-subscribed`/`stream-removed`).
 */
export type MediaEvent =
  | { readonly type: 'userEntered'; readonly userID: string }
  | { readonly type: 'userLeft'; readonly userID: string }
  | { readonly type: 'audioAvailable'; readonly userID: string; readonly available: boolean }
  | { readonly type: 'videoAvailable'; readonly userID: string; readonly available: boolean }
  /** Volume levels 0–100 of local (`userID` = self) and remote users, about once a second while in a room. */
  | {
      readonly type: 'volume';
      readonly volumes: readonly { readonly userID: string; readonly volume: number }[];
    }
  /** The device lists changed (hot-plug). */
  | { readonly type: 'devicesChanged'; readonly devices: DeviceList }
  /** The device in use disappeared and the engine switched to another (`to` undefined: none left). */
  | {
      readonly type: 'deviceFallback';
      readonly kind: DeviceKind;
      readonly from: string;
      readonly to?: string;
    }
  /** Network quality of the local uplink and of each remote user, about every 2 s in a room. */
  | { readonly type: 'networkQuality'; readonly qualities: readonly ParticipantQuality[] }
  /** Media statistics of the local user and of each remote user, about every 2 s in a room. */
  | { readonly type: 'stats'; readonly stats: readonly MediaStats[] }
  /** A remote user's screen share started or stopped (`attachRemoteScreen` renders it). */
  | { readonly type: 'screenShareAvailable'; readonly userID: string; readonly available: boolean }
  /** The local screen share ended outside `stopScreenShare` (the browser's own Stop button). */
  | { readonly type: 'screenShareEnded' }
  /** The media connection is being re-established (ICE restart, new media server) or is back. */
  | { readonly type: 'connectionState'; readonly state: 'reconnecting' | 'connected' }
  /** The media connection failed beyond recovery; the call cannot go on. */
  | { readonly type: 'failed'; readonly code: number; readonly message: string }
  /** A recoverable error worth reporting (TRTC `error` event, autoplay blocked, …). */
  | { readonly type: 'error'; readonly code: number; readonly message: string };

/**
 * The RTC port: what TRTC (or browser WebRTC) gives the call logic. No call logic here.
 *
 * Contract:
 * - `events$` is hot, never errors, and completes only on `destroy()`.
 * - `join` rejects (with an `Error` carrying a numeric `code` where known: 60003 no microphone,
 *   60004 no camera, 60005 access denied, with `device: 'camera' | 'microphone'` where the
 *   engine knows which one was refused; 4026 the room is full) and leaves nothing acquired when
 *   it fails. A video `join` without a camera rejects with 60004: the caller joins again
 *   without video (the call goes on as audio for this user, as the reference does).
 * - `leave` stops every local track and releases every remote stream; safe when not joined.
 * - Setters called while not joined are remembered for the next `join` where that makes sense
 *   (devices, profile) and otherwise ignored. The camera state is not one of them: the caller
 *   passes it in `JoinOptions.cameraEnabled`, so a camera turned off before joining is never opened.
 */
export abstract class MediaEngine {
  /** Media events. */
  abstract readonly events$: Observable<MediaEvent>;
  /**
   * How many users one room can hold, this user included (default: no limit). `call` and
   * `groupCall` refuse up front a call that would need more, instead of letting the last
   * ones to accept fail to join.
   */
  get maxParticipants(): number {
    return Number.POSITIVE_INFINITY;
  }
  /** Lists the devices present. */
  abstract getDevices(): Promise<DeviceList>;
  /** Joins `roomID` and publishes local audio (and video when asked). */
  abstract join(options: JoinOptions): Promise<void>;
  /** Leaves the room and releases every track. */
  abstract leave(): Promise<void>;
  /** Mutes or unmutes the local microphone; peers see audio unavailable/available. */
  abstract setMicMuted(muted: boolean): Promise<void>;
  /** Turns the local camera off (releasing it where possible) or on (reacquiring it). */
  abstract setCameraEnabled(enabled: boolean): Promise<void>;
  /** Adds (`true`) or removes (`false`) the local video track for an audio↔video switch. */
  abstract setVideoPublished(published: boolean): Promise<void>;
  /** Uses another device from now on (and remembers it for the next join). */
  abstract switchDevice(kind: DeviceKind, deviceID: string): Promise<void>;
  /** Applies a video profile to the current local video (and the next join). */
  abstract setVideoProfile(profile: VideoProfile): Promise<void>;
  /** Renders the local camera into `target`. */
  abstract attachLocal(target: ViewTarget): void;
  /** Stops rendering the local camera. */
  abstract detachLocal(): void;
  /** Renders a remote user's stream into `target`. */
  abstract attachRemote(userID: string, target: ViewTarget): void;
  /** Stops rendering a remote user's stream. */
  abstract detachRemote(userID: string): void;
  /**
   * Instant answer: enters `roomID` receive-only while an invitation rings, so that `join` after
   * Accept only has to add local tracks. Captures and sends nothing. `join` for the same room
   * completes it; `leave` undoes it. Engines without it resolve and do nothing.
   */
  prepare(_options: PrepareOptions): Promise<void> {
    return Promise.resolve();
  }
  /** Shares the screen as a second video source (rejects 60006 where the engine cannot). */
  startScreenShare(): Promise<void> {
    return Promise.reject(notSupported('screen sharing'));
  }
  /** Stops the screen share; safe when not sharing. */
  stopScreenShare(): Promise<void> {
    return Promise.resolve();
  }
  /** Renders a remote user's screen share into `target`. */
  attachRemoteScreen(_userID: string, _target: ViewTarget): void {}
  /** Stops rendering a remote user's screen share. */
  detachRemoteScreen(_userID: string): void {}
  /** Opens a device check outside any room (rejects 60006 where the engine cannot). */
  startDeviceCheck(_options: DeviceCheckOptions): Promise<DeviceCheck> {
    return Promise.reject(notSupported('the device check'));
  }
  /** The browser's camera and microphone permission state, without prompting. */
  getPermissions(): Promise<MediaPermissions> {
    return Promise.resolve({ camera: 'unknown', microphone: 'unknown' });
  }
  /** Releases everything; the engine cannot be used afterwards. */
  abstract destroy(): void;
}

function notSupported(what: string): Error & { code: number } {
  return Object.assign(new Error(`This media engine does not support ${what}.`), { code: 60006 });
}
