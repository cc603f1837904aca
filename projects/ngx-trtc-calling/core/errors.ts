/**
 * Error codes of `CallingError`. 60001–60006 are the reference's (PROTOCOL.md §4.9); the
 * others are ours, for misuse and transport failures the reference did not report.
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
} as const;

/** One of the `CALLING_ERROR_CODE` values, or a media backend's own numeric code. */
export type CallingErrorCode = (typeof CALLING_ERROR_CODE)[keyof typeof CALLING_ERROR_CODE] | (number & {});

/** Why an operation failed, in words a program can switch on. */
export type CallingErrorReason =
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
  | 'destroyed';

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

const MEDIA_REASONS: Readonly<Record<number, CallingErrorReason>> = {
  [CALLING_ERROR_CODE.NOT_MICROPHONE_LIST]: 'noMicrophone',
  [CALLING_ERROR_CODE.NOT_CAMERA_LIST]: 'noCamera',
  [CALLING_ERROR_CODE.NOT_MEDIA_ACCESS]: 'mediaAccessDenied',
  [CALLING_ERROR_CODE.NOT_SUPPORT]: 'notSupported',
};

/** Maps a media failure (an `Error` with a numeric `code`, or anything) to a `CallingError`. */
export function toMediaError(error: unknown, fallbackMessage: string): CallingError {
  if (error instanceof CallingError) return error;
  const code = (error as { code?: unknown })?.code;
  const known = typeof code === 'number' ? code : CALLING_ERROR_CODE.MEDIA_FAILED;
  const message = error instanceof Error && error.message ? error.message : fallbackMessage;
  return new CallingError(known, MEDIA_REASONS[known] ?? 'mediaFailed', message, error);
}
