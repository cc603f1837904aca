/**
 * Error codes of `CallingError`. 60001–60006 are the reference's (PROTOCOL.md §4.9), raised by
 * every layer; 60010–60099 are core's own, for misuse and failures the reference did not report.
 * The adapters raise codes of their own ranges (`ERROR_CODE_RANGES`); `callingErrorReason` maps
 * any of them to a reason.
 */
export const CALLING_ERROR_CODE = {
  /** Switching to an audio call failed or was not possible. */
  FAILURE_SWITCH_TO_AUDIO: 60001,
  /** Switching to a video call failed or was not possible. */
  FAILURE_SWITCH_TO_VIDEO: 60002,
  /** No microphone (or no permission to list it). */
  NOT_MICROPHONE_LIST: 60003,
  /** No camera (or no permission to list it). */
  NOT_CAMERA_LIST: 60004,
  /** The user denied access to camera or microphone. */
  NOT_MEDIA_ACCESS: 60005,
  /** The browser does not support the media backend. */
  NOT_SUPPORT: 60006,
  /** An argument is missing or malformed. */
  INVALID_ARGUMENT: 60010,
  /** The call is not in a state that allows this (e.g. `accept()` with nothing ringing). */
  WRONG_STATE: 60011,
  /** Not logged in. */
  NOT_LOGGED_IN: 60012,
  /** A signaling message could not be sent. */
  SEND_FAILED: 60013,
  /** Login was refused or failed. */
  LOGIN_FAILED: 60014,
  /** Media could not be started or failed during the call. */
  MEDIA_FAILED: 60015,
  /** A received signaling message was malformed and was dropped. */
  INVALID_SIGNAL: 60016,
  /** The instance was destroyed. */
  DESTROYED: 60017,
  /** The call would need more users in one room than the media engine holds (`MediaEngine.maxParticipants`). */
  ROOM_FULL: 60018,
  /** Back into a call in progress (a reload's rejoin, `join()`) refused: the call is over (or was never there). */
  CALL_ENDED: 60019,
  /** The user (or the browser) refused the screen capture; nothing is shared. */
  SCREEN_SHARE_DENIED: 60030,
} as const;

/** One of the `CALLING_ERROR_CODE` values, or a media backend's own numeric code. */
export type CallingErrorCode = (typeof CALLING_ERROR_CODE)[keyof typeof CALLING_ERROR_CODE] | (number & {});

/** Why an operation failed, in words a program can switch on. */
export type CallingErrorReason =
  // core (and the reference's codes)
  | 'invalidArgument'
  | 'wrongState'
  | 'notLoggedIn'
  | 'sendFailed'
  | 'loginFailed'
  | 'mediaFailed'
  | 'noMicrophone'
  | 'noCamera'
  | 'mediaAccessDenied'
  | 'notSupported'
  | 'switchFailed'
  | 'switchRefused'
  | 'switchTimeout'
  | 'invalidSignal'
  | 'destroyed'
  | 'screenShareDenied'
  // the adapters
  | 'notReady'
  | 'requestTimeout'
  | 'connectionLost'
  | 'loginConflict'
  | 'badReply'
  | 'alreadyJoined'
  | 'joinAborted'
  | 'notInRoom'
  | 'autoplayBlocked'
  | 'connectionFailed'
  | 'operationFailed'
  | 'kickedOut'
  | 'sdkFailed'
  // the self-hosted server
  | 'roomFull'
  | 'rateLimited'
  | 'serverRefused';

/** The error every `Calling` operation rejects with, and the one carried by `error$`. */
export class CallingError extends Error {
  override readonly name = 'CallingError';

  constructor(
    /** Numeric code (`CALLING_ERROR_CODE`, or the media backend's). */
    readonly code: CallingErrorCode,
    /** Machine-readable reason. */
    readonly reason: CallingErrorReason,
    message: string,
    /** The underlying error, if any. */
    override readonly cause?: unknown,
  ) {
    super(message);
  }
}

/** The layers of the library, each raising codes of its own range. */
export type ErrorLayer = 'reference' | 'core' | 'tencent' | 'webrtc' | 'wire';

/**
 * Where each layer's codes lie, so that a code names its origin and no two layers share one.
 * `reference` holds TRTCCalling's public codes, which every layer raises with the reference's
 * meaning. `wire` is what the self-hosted server sends (`WIRE_ERROR`), `webrtc` what its browser
 * client raises itself (`CLIENT_ERROR`, `MEDIA_ERROR`), `tencent` what the Tencent adapters raise
 * themselves (`TENCENT_ERROR`). TIM and TRTC codes pass through the Tencent adapters unchanged
 * and are not ours to range (TRTC's 0x1000–0x1003 even fall in `wire`'s numerically); the table
 * below names only the few that `TENCENT_ERROR` names, so the others read as `mediaFailed`.
 */
export const ERROR_CODE_RANGES: Readonly<Record<ErrorLayer, readonly [first: number, last: number]>> = {
  reference: [60001, 60009],
  core: [60010, 60099],
  tencent: [61000, 61099],
  webrtc: [4900, 4999],
  wire: [4000, 4899],
};

/**
 * The one table from code to reason, for every layer. The adapters name their codes in their own
 * tables (`TENCENT_ERROR`, `CLIENT_ERROR`, `MEDIA_ERROR`, `WIRE_ERROR`); a test holds those and
 * this table in step and checks that no code is claimed twice.
 */
const REASONS: Readonly<Record<number, CallingErrorReason>> = {
  // reference
  60001: 'switchFailed',
  60002: 'switchFailed',
  60003: 'noMicrophone',
  60004: 'noCamera',
  60005: 'mediaAccessDenied',
  60006: 'notSupported',
  // core
  60010: 'invalidArgument',
  60011: 'wrongState',
  60012: 'notLoggedIn',
  60013: 'sendFailed',
  60014: 'loginFailed',
  60015: 'mediaFailed',
  60016: 'invalidSignal',
  60017: 'destroyed',
  60018: 'roomFull',
  60019: 'wrongState',
  60030: 'screenShareDenied',
  // tencent (TENCENT_ERROR), and the TRTC codes it names
  61000: 'notInRoom',
  61001: 'destroyed',
  61002: 'joinAborted',
  61003: 'sdkFailed',
  0x4040: 'kickedOut',
  0x4043: 'autoplayBlocked',
  0xffff: 'sdkFailed',
  // webrtc (CLIENT_ERROR, MEDIA_ERROR)
  4900: 'notReady',
  4901: 'requestTimeout',
  4902: 'connectionLost',
  4903: 'destroyed',
  4904: 'loginConflict',
  4905: 'badReply',
  4950: 'alreadyJoined',
  4951: 'joinAborted',
  4952: 'autoplayBlocked',
  4953: 'connectionFailed',
  4955: 'operationFailed',
  4960: 'connectionFailed',
  // No ICE candidate (with 'relay': no TURN allocation); the code tells it from 4953.
  4956: 'connectionFailed',
  // wire (WIRE_ERROR)
  4000: 'serverRefused',
  4001: 'serverRefused',
  4002: 'notLoggedIn',
  4003: 'loginConflict',
  4010: 'loginFailed',
  4011: 'loginFailed',
  4012: 'loginFailed',
  4013: 'loginFailed',
  4014: 'invalidArgument',
  4020: 'serverRefused',
  4021: 'rateLimited',
  4022: 'serverRefused',
  4023: 'serverRefused',
  4024: 'serverRefused',
  4025: 'serverRefused',
  4026: 'roomFull',
  4027: 'serverRefused',
  4028: 'serverRefused',
  4030: 'serverRefused',
  4031: 'serverRefused',
  4032: 'serverRefused',
  4100: 'serverRefused',
  4101: 'serverRefused',
  4102: 'serverRefused',
  4103: 'serverRefused',
  4150: 'serverRefused',
  4151: 'serverRefused',
  4152: 'serverRefused',
  4500: 'serverRefused',
};

/**
 * The reason of an error code, whichever layer raised it (`error$` carries only `code` and
 * `msg`). A code no layer of this library defines (an SDK's own) is a `mediaFailed`.
 */
export function callingErrorReason(code: number): CallingErrorReason {
  return REASONS[code] ?? 'mediaFailed';
}

/** Maps a media failure (an `Error` with a numeric `code`, or anything) to a `CallingError`. */
export function toMediaError(error: unknown, fallbackMessage: string): CallingError {
  if (error instanceof CallingError) return error;
  const code = (error as { code?: unknown })?.code;
  const known = typeof code === 'number' ? code : CALLING_ERROR_CODE.MEDIA_FAILED;
  const message = error instanceof Error && error.message ? error.message : fallbackMessage;
  return new CallingError(known, callingErrorReason(known), message, error);
}
