import { CALLING_ERROR_CODE, CallingError, callingErrorReason } from '../errors';
import type { EndCause } from '../state/call-state';

/** The text of an error of any kind. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function invalidArgument(message: string): CallingError {
  return new CallingError(CALLING_ERROR_CODE.INVALID_ARGUMENT, 'invalidArgument', message);
}

export function wrongState(message: string): CallingError {
  return new CallingError(CALLING_ERROR_CODE.WRONG_STATE, 'wrongState', message);
}

export function sendFailed(message: string, cause: unknown): CallingError {
  return new CallingError(
    CALLING_ERROR_CODE.SEND_FAILED,
    'sendFailed',
    `${message}: ${messageOf(cause)}`,
    cause,
  );
}

/** A failed audio↔video switch, with the code of its direction. */
export function switchFailed(
  to: 'audio' | 'video',
  reason: 'wrongState' | 'switchFailed' | 'switchRefused' | 'switchTimeout',
  message: string,
  cause?: unknown,
): CallingError {
  const code =
    to === 'audio' ? CALLING_ERROR_CODE.FAILURE_SWITCH_TO_AUDIO : CALLING_ERROR_CODE.FAILURE_SWITCH_TO_VIDEO;
  return new CallingError(code, reason, message, cause);
}

/** `call`/`groupCall` would need more users in the room than the media engine holds. */
export function roomFull(needed: number, max: number): CallingError {
  return new CallingError(CALLING_ERROR_CODE.ROOM_FULL, 'roomFull', `${needed} users; a room holds ${max}`);
}

/**
 * The causes media codes name (a denial names its device instead): the codes' own reasons
 * (`callingErrorReason`), where the reason is one of these, so the codes are listed only once.
 */
const CODE_CAUSES: readonly string[] = ['noMicrophone', 'noCamera', 'roomFull', 'connectionFailed'];

/**
 * What made media fail, read from the error a `MediaEngine` rejected with (or the code of its
 * `failed` event): its code, and for a denial the `device` the engine names. A denial that does
 * not say which device has no cause: it is not guessed.
 */
export function mediaCause(error: unknown): EndCause | undefined {
  const { code, device } = (error ?? {}) as { readonly code?: number; readonly device?: unknown };
  if (code !== CALLING_ERROR_CODE.NOT_MEDIA_ACCESS) {
    const reason = callingErrorReason(code ?? 0);
    return CODE_CAUSES.includes(reason) ? (reason as EndCause) : undefined;
  }
  return device === 'camera' || device === 'microphone' ? (`${device}Denied` as const) : undefined;
}
