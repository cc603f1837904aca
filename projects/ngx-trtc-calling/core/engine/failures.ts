import { CALLING_ERROR_CODE, CallingError } from '../errors';

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
