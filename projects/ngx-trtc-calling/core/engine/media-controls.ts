import type { StopViewParams, SwitchDeviceParams, ViewParams } from '../calling-options';
import { CALLING_ERROR_CODE, CallingError } from '../errors';
import {
  isVideoProfile,
  isVideoProfileName,
  type VideoProfile,
  type VideoProfileName,
} from '../media/video-profiles';
import { checkSwitchDevice, viewTarget } from './arguments';
import type { CallEngine } from './engine';
import { invalidArgument, messageOf } from './failures';

/*
 * `Calling`'s media controls that check their arguments (views of remote users, the microphone,
 * the video profile, device switches) before the media session or the engine acts.
 */

/** Renders a remote user's video into an element (or the element with that ID). */
export function startRemoteView(engine: CallEngine, params: ViewParams): void {
  engine.mediaEngine.attachRemote(remoteUser(params), viewTarget(params));
}

/** Stops rendering a remote user's video. */
export function stopRemoteView(
  engine: CallEngine,
  params: StopViewParams & { readonly userID: string },
): void {
  engine.mediaEngine.detachRemote(remoteUser(params));
}

/** Mutes (`true`) or unmutes the microphone. */
export async function setMicMute(engine: CallEngine, isMute: boolean): Promise<void> {
  if (typeof isMute !== 'boolean') throw invalidArgument('setMicMute takes a boolean');
  await engine.media.setMicMuted(isMute);
}

/** Sets the video profile; applies to a running call too. */
export async function setVideoQuality(
  engine: CallEngine,
  profile: VideoProfileName | VideoProfile,
): Promise<void> {
  if (!isVideoProfileName(profile) && !isVideoProfile(profile)) throw invalidArgument('bad video profile');
  await engine.media.setQuality(profile);
}

/** Uses another camera, microphone or speaker; a refusal is an `invalidArgument` naming the device. */
export async function switchDevice(
  engine: CallEngine,
  params: SwitchDeviceParams | SwitchDeviceParams['deviceType'],
  deviceId: string | undefined,
): Promise<void> {
  const { kind, deviceID } = checkSwitchDevice(params, deviceId);
  try {
    await engine.media.switchDevice(kind, deviceID);
  } catch (error) {
    throw new CallingError(
      CALLING_ERROR_CODE.INVALID_ARGUMENT,
      'invalidArgument',
      `cannot switch ${kind} to ${deviceID}: ${messageOf(error)}`,
      error,
    );
  }
}

function remoteUser(params: { readonly userID?: string } | undefined): string {
  if (typeof params?.userID !== 'string' || !params.userID) throw invalidArgument('userID is required');
  return params.userID;
}
