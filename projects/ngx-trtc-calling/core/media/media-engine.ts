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
 *   (devices, profile) and otherwise ignored.
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
  /** Releases everything; the engine cannot be used afterwards. */
  abstract destroy(): void;
}
