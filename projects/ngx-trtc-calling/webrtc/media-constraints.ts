import type { VideoProfile } from 'ngx-trtc-calling/core';
import { CallingTransportError, MEDIA_ERROR } from './errors';

/**
 * Camera constraints for a profile: the size and frame rate as `ideal` (a camera that cannot
 * do exactly that still opens), the chosen device as `exact` (so a missing device fails and
 * the engine can fall back deliberately instead of the browser silently picking another).
 */
export function videoConstraints(profile: VideoProfile, deviceID?: string): MediaTrackConstraints {
  return {
    width: { ideal: profile.width },
    height: { ideal: profile.height },
    frameRate: { ideal: profile.frameRate },
    ...(deviceID ? { deviceId: { exact: deviceID } } : {}),
  };
}

/** Microphone constraints: the chosen device as `exact`, with the browser's voice processing on. */
export function audioConstraints(deviceID?: string): MediaTrackConstraints {
  return {
    echoCancellation: true,
    noiseSuppression: true,
    autoGainControl: true,
    ...(deviceID ? { deviceId: { exact: deviceID } } : {}),
  };
}

/** `getUserMedia` failures that mean "this device is not there (any more)": worth retrying with any device. */
export function isMissingDeviceError(error: unknown): boolean {
  const name = errorName(error);
  return name === 'OverconstrainedError' || name === 'NotFoundError' || name === 'DevicesNotFoundError';
}

/** `getUserMedia` failures that mean the user or the browser policy said no. */
export function isAccessDeniedError(error: unknown): boolean {
  const name = errorName(error);
  return name === 'NotAllowedError' || name === 'SecurityError' || name === 'PermissionDeniedError';
}

/**
 * The TRTCCalling code of a `getUserMedia` failure for one kind of device: access denied
 * → 60005; anything else (absent, busy, unreadable) → 60003 for the microphone, 60004 for the camera.
 */
export function mediaErrorCode(error: unknown, kind: 'audio' | 'video'): number {
  if (isAccessDeniedError(error)) return MEDIA_ERROR.ACCESS_DENIED;
  return kind === 'audio' ? MEDIA_ERROR.NO_MICROPHONE : MEDIA_ERROR.NO_CAMERA;
}

/** Wraps a `getUserMedia` failure into an `Error` with the TRTCCalling code. */
export function mediaError(error: unknown, kind: 'audio' | 'video'): CallingTransportError {
  const code = mediaErrorCode(error, kind);
  const what = kind === 'audio' ? 'microphone' : 'camera';
  const message =
    code === MEDIA_ERROR.ACCESS_DENIED
      ? `access to the ${what} was denied`
      : `no ${what} available (${errorName(error) ?? 'unknown error'})`;
  return new CallingTransportError(code, message, { cause: error, device: what });
}

function errorName(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && typeof (error as { name?: unknown }).name === 'string'
    ? (error as { name: string }).name
    : undefined;
}
