import type { SchedulerLike } from 'rxjs';
import type { CallStore } from './engine/call-store';
import type { DeviceKind, ViewTarget } from './media/media-engine';
import type { OfflinePushInfo } from './protocol/signal';
import type { SignalingChannel } from './signaling/signaling-channel';
import type { MediaEngine } from './media/media-engine';

/*
 * The options, parameters and results of `Calling` (TRTCCalling v1's shapes), and its loggers.
 */

/** Where `Calling` writes what it does and what it deliberately ignores. */
export interface CallingLogger {
  debug(message: string, ...details: unknown[]): void;
  info(message: string, ...details: unknown[]): void;
  warn(message: string, ...details: unknown[]): void;
  error(message: string, ...details: unknown[]): void;
}

/** A logger that writes warnings and errors to the console. */
export const CONSOLE_LOGGER: CallingLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: (m, ...d) => console.warn(`[calling] ${m}`, ...d),
  error: (m, ...d) => console.error(`[calling] ${m}`, ...d),
};

/** A logger that writes nothing. */
export const SILENT_LOGGER: CallingLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

/** Options of `new Calling(...)`. */
export interface CallingOptions {
  /** The IM/RTC application ID. */
  readonly SDKAppID: number;
  /** The IM port (Tencent IM, the self-hosted server, or the virtual network). */
  readonly signaling: SignalingChannel;
  /** The RTC port. */
  readonly media: MediaEngine;
  /** Seconds an invitation rings before it times out (default 30, like the reference). */
  readonly ringTimeout?: number;
  /**
   * Accept the peer's audio↔video switch requests without asking this user (default `false`:
   * each request comes through `switchRequested$` and waits for `acceptSwitch()` or
   * `rejectSwitch()`, and is refused when unanswered within the ring timeout). The reference
   * accepts every request; requests from reference clients are always accepted, since they end
   * their call on a refusal.
   */
  readonly autoAcceptSwitch?: boolean;
  /**
   * Instant answer (default true): while an invitation rings, the media engine enters the call's
   * room receive-only (`MediaEngine.prepare`: ICE and DTLS done, no camera or microphone opened,
   * nothing sent), so that Accept only adds the local tracks. Engines without it ignore it.
   */
  readonly instantAnswer?: boolean;
  /**
   * Where a connected call is kept so that a reloaded (or crashed) page comes back into it after
   * `login` (ARCHITECTURE.md "Rejoin"). Default: the tab's `sessionStorage` where there is one;
   * `null` turns rejoining off.
   */
  readonly callStore?: CallStore | null;
  /**
   * How long after the page went away a rejoin is still tried (seconds, default 30): the
   * self-hosted server holds the user's place in the room as long (`--rejoin-grace-ms`).
   */
  readonly rejoinGrace?: number;
  /** Runs every timer; `TestScheduler`/`VirtualClock` in tests. Default `asyncScheduler`. */
  readonly scheduler?: SchedulerLike;
  /** Default `CONSOLE_LOGGER` (warnings and errors). */
  readonly logger?: CallingLogger;
  /** Room IDs for new calls (default: random integers 1…100 000 000, like the reference). */
  readonly createRoomID?: () => number;
}

/** `call()`'s parameters (TRTCCalling v1). */
export interface CallParams {
  readonly userID: string;
  readonly type: 1 | 2;
  readonly offlinePushInfo?: OfflinePushInfo;
  /**
   * The pre-v1 form's per-call timeout, accepted so that its calls compile and run, and
   * ignored as in v1: invitations ring for `ringTimeout`.
   */
  readonly timeout?: number;
}

/**
 * `join()`'s parameters: a group call in progress that this user belongs to (invited into it, or
 * let in by the room's policy), as TUICallEngine's `joinInGroupCall({roomID, type, groupID})`.
 */
export interface JoinParams {
  /** The call's room (`INVITED.inviteData.roomID`, `CallResult.roomID`, `ActiveCall.roomID`). */
  readonly roomID: number;
  /** 1 audio, 2 video (default 1: the camera stays closed unless asked for). */
  readonly callType?: 1 | 2;
  /** TUICallEngine's name for `callType`. */
  readonly type?: 1 | 2;
  /** The call's IM group, when it has one. */
  readonly groupID?: string;
}

/** `groupCall()`'s parameters (TRTCCalling v1). */
export interface GroupCallParams {
  readonly userIDList: readonly string[];
  readonly type: 1 | 2;
  readonly groupID?: string;
  readonly offlinePushInfo?: OfflinePushInfo;
}

/** What `call()` resolves with. */
export interface CallResult {
  readonly code: 0;
  readonly inviteID: string;
  readonly roomID: number;
  readonly userID: string;
  readonly callType: 1 | 2;
}

/** What `groupCall()` resolves with. */
export interface GroupCallResult {
  readonly code: 0;
  readonly inviteIDs: readonly string[];
  readonly roomID: number;
  readonly groupID: string;
  /** Invitees whose invitation could not be sent. */
  readonly failed: readonly string[];
}

/** What `accept()` resolves with. */
export interface AcceptResult {
  readonly code: 0;
  readonly inviteID: string;
  readonly roomID: number;
  readonly callType: 1 | 2;
}

/** A view request (`videoViewDomID` may be an element ID or the element). */
export interface ViewParams {
  readonly userID: string;
  readonly videoViewDomID: ViewTarget;
}

/** `stopLocalView`/`stopRemoteView`'s parameters; `videoViewDomID` (pre-v1 form) is ignored. */
export interface StopViewParams {
  readonly userID?: string;
  readonly videoViewDomID?: ViewTarget;
}

/**
 * The pre-v1 parameters of `accept()` and `reject()`, accepted and ignored as in v1: the
 * invitation answered is always the one ringing.
 */
export interface AnswerParams {
  readonly inviteID?: string;
  readonly roomID?: number;
  readonly callType?: number;
  readonly isBusy?: boolean;
}

/** A device as `getCameras()`, `getMicrophones()` and `getSpeakers()` give it. */
export interface DeviceInfo {
  /** The browser's `MediaDeviceInfo` fields, which the API doc names. */
  readonly deviceId: string;
  /** `""` when the media engine does not know the device's group. */
  readonly groupId: string;
  readonly kind: 'videoinput' | 'audioinput' | 'audiooutput';
  readonly label: string;
  /** The same ID in this library's spelling (`MediaDevice.deviceID`). */
  readonly deviceID: string;
  readonly groupID?: string;
  /** The kind in this library's words (`MediaDevice.kind`). */
  readonly deviceKind: DeviceKind;
}

/**
 * `switchDevice()`'s parameters as an object; `deviceId` is accepted as an alias of `deviceID`.
 * `switchDevice(deviceType, deviceID)`, the form of the API doc's sample, takes the same two.
 */
export interface SwitchDeviceParams {
  readonly deviceType: 'audio' | 'video' | 'speaker';
  readonly deviceID?: string;
  readonly deviceId?: string;
}

/** A device in use disappeared and another one (or none) took its place. */
export interface DeviceFallback {
  readonly kind: DeviceKind;
  readonly from: string;
  readonly to?: string;
}
