/**
 * The error codes the adapters reject with. The 6000x values are trtc-calling-js's
 * (PROTOCOL.md §4.9), so an app ported from TRTCCalling keeps its error handling; the adapters'
 * own codes are in 61000–61099 (core's `ERROR_CODE_RANGES`), so that none reads as one of core's.
 */
export const TENCENT_ERROR = {
  /** Removing the local video track (video → audio) failed. */
  SWITCH_TO_AUDIO_FAILED: 60001,
  /** Adding a local video track (audio → video) failed for another reason than the camera. */
  SWITCH_TO_VIDEO_FAILED: 60002,
  /** No microphone present (or none usable). */
  NO_MICROPHONE: 60003,
  /** No camera present (or none usable). */
  NO_CAMERA: 60004,
  /** The user or the browser denied access to a device (or the device is busy). */
  NO_MEDIA_ACCESS: 60005,
  /** `TRTC.checkSystemRequirements()` says this browser cannot do TRTC. */
  NOT_SUPPORTED: 60006,
  /** An operation that needs a joined room was called outside one. */
  NOT_IN_ROOM: 61000,
  /** The adapter was used after `destroy()`. */
  DESTROYED: 61001,
  /** `join` was abandoned because `leave`/`destroy` was called meanwhile. */
  JOIN_ABORTED: 61002,
  /** TIM answered something other than what its documentation promises. */
  UNEXPECTED_SDK_RESULT: 61003,
  /** trtc-js-sdk `PLAY_NOT_ALLOWED`: the browser blocked autoplay until a user gesture. */
  PLAY_NOT_ALLOWED: 0x4043,
  /** trtc-js-sdk `CLIENT_BANNED`: kicked out of the room (same userId joined elsewhere, or banned). */
  CLIENT_BANNED: 0x4040,
  /** Stand-in for an SDK failure that carried no numeric code. */
  UNKNOWN: 0xffff,
} as const;

/** An adapter error: a numeric `code` (TIM/TRTC codes pass through unchanged) and the SDK's original error. */
export class TencentError extends Error {
  /** Numeric code: one of `TENCENT_ERROR`, or the SDK's own. */
  readonly code: number;
  /** The device a refused access (60005) is about, when it is known. */
  readonly device?: 'camera' | 'microphone';

  constructor(
    code: number,
    message: string,
    options?: { readonly cause?: unknown; readonly device?: 'camera' | 'microphone' },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'TencentError';
    this.code = code;
    if (options?.device) this.device = options.device;
  }

  /** Wraps whatever an SDK rejected with, keeping its numeric code when it has one. */
  static from(error: unknown, fallbackCode: number = TENCENT_ERROR.UNKNOWN): TencentError {
    if (error instanceof TencentError) return error;
    const code = sdkErrorCode(error) ?? fallbackCode;
    const message = sdkErrorMessage(error);
    return new TencentError(code, message, { cause: error });
  }
}

/** The numeric code of an SDK error: TIM errors carry `code`, TRTC's `RtcError` has `getCode()`. */
export function sdkErrorCode(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const e = error as { readonly code?: unknown; readonly getCode?: unknown };
  if (typeof e.getCode === 'function') {
    const code = (e.getCode as () => unknown).call(error);
    if (typeof code === 'number') return code;
  }
  return typeof e.code === 'number' ? e.code : undefined;
}

function sdkErrorMessage(error: unknown): string {
  if (typeof error === 'string') return error;
  if (typeof error === 'object' && error !== null) {
    const e = error as { readonly message?: unknown; readonly name?: unknown };
    const text = typeof e.message === 'string' ? e.message.trim() : '';
    if (text) return text;
    if (typeof e.name === 'string' && e.name) return e.name;
  }
  return 'SDK error';
}
