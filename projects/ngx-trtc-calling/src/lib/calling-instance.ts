import { Calling, CALLING_ERROR_CODE, CallingError } from 'ngx-trtc-calling/core';
import type { CallingBackend } from './calling-backend';
import type { CallingConfig } from './calling-config';

/*
 * How `CallingService`'s `Calling` comes to be, and the errors its methods reject with when it
 * cannot (on the server, after destruction, without a backend) or when a call fails.
 */

/**
 * A `Calling` over what `backend` connects, with `config` applied. `destroyed()` is asked after
 * each wait: a service destroyed meanwhile gets nothing, and what was made is destroyed again.
 */
export async function createCalling(
  backend: CallingBackend | null,
  config: CallingConfig,
  destroyed: () => boolean,
): Promise<Calling> {
  if (!backend) {
    throw new CallingError(
      CALLING_ERROR_CODE.NOT_SUPPORT,
      'notSupported',
      'CallingService: no CallingBackend; add withSelfHosted(...) or withTencentCloud(...) to provideCalling()',
    );
  }
  const { signaling, media, SDKAppID } = await backend.create();
  if (destroyed()) {
    signaling.destroy();
    media.destroy();
    throw destroyedError();
  }
  const { ringTimeout, scheduler, logger, videoQuality, callStore, rejoinGrace } = config;
  const calling = new Calling({
    SDKAppID,
    signaling,
    media,
    ...(ringTimeout !== undefined ? { ringTimeout } : {}),
    ...(callStore !== undefined ? { callStore } : {}),
    ...(rejoinGrace !== undefined ? { rejoinGrace } : {}),
    ...(scheduler ? { scheduler } : {}),
    ...(logger ? { logger } : {}),
  });
  try {
    if (videoQuality !== undefined) await calling.setVideoQuality(videoQuality);
  } catch (error) {
    void calling.destroy();
    throw error;
  }
  if (destroyed()) {
    void calling.destroy();
    throw destroyedError();
  }
  return calling;
}

/** What every method rejects with on the server (SSR). */
export function serverError(): CallingError {
  return new CallingError(
    CALLING_ERROR_CODE.NOT_SUPPORT,
    'notSupported',
    'CallingService: calling is not available on the server (SSR); call it from the browser, e.g. in afterNextRender().',
  );
}

/** What every method rejects with once the service is destroyed. */
export function destroyedError(): CallingError {
  return new CallingError(CALLING_ERROR_CODE.DESTROYED, 'destroyed', 'CallingService was destroyed');
}

/** A method's failure as a `CallingError` (anything else thrown counts as a media failure). */
export function asCallingError(error: unknown): CallingError {
  if (error instanceof CallingError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new CallingError(CALLING_ERROR_CODE.MEDIA_FAILED, 'mediaFailed', message, error);
}
