import type { JoinOptions, MediaDevice } from 'ngx-trtc-calling/core';
import type { RtcServer } from './rtc-server';
import type { VirtualDevices } from './virtual-devices';
import { VirtualErrorCode, VirtualNetworkError } from './virtual-errors';
import type { VirtualMediaOptions } from './virtual-media-options';

/*
 * What a `VirtualMediaEngine` refuses, with TRTC's and the browser's errors: a join the user's
 * permissions, devices or the room do not allow, a camera it cannot open, a screen capture the
 * user refuses. Each check acquires nothing, so a refusal leaves the engine as it was.
 */

type Denied = NonNullable<VirtualMediaOptions['deniedAccess']>;

/**
 * The devices `join(options)` would use: throws `ACCESS_DENIED`, `NO_MICROPHONE`/`NO_CAMERA`,
 * `ROOM_CALL_ENDED` (a rejoin finds the room empty) or `ROOM_FULL`.
 */
export function joinDevices(
  options: JoinOptions,
  devices: VirtualDevices,
  denied: Denied,
  server: RtcServer,
): { readonly microphone: MediaDevice; readonly camera: MediaDevice | undefined } {
  if (denied === true || denied === 'microphone') {
    throw new VirtualNetworkError(
      VirtualErrorCode.ACCESS_DENIED,
      `join: ${denied === true ? 'camera/microphone' : 'microphone'} access denied`,
      'microphone',
    );
  }
  const microphone = devices.pick('microphone', options.microphoneID, devices.preferred.microphone);
  if (!microphone)
    throw new VirtualNetworkError(VirtualErrorCode.NO_MICROPHONE, 'join: no microphone', 'microphone');
  // A camera turned off before joining is neither opened nor asked for.
  const opensCamera = options.video && options.cameraEnabled !== false;
  if (opensCamera && denied === 'camera') {
    throw new VirtualNetworkError(VirtualErrorCode.ACCESS_DENIED, 'join: camera access denied', 'camera');
  }
  const camera = opensCamera ? devices.pick('camera', options.cameraID, devices.preferred.camera) : undefined;
  if (opensCamera && !camera)
    throw new VirtualNetworkError(VirtualErrorCode.NO_CAMERA, 'join: no camera', 'camera');
  if (options.rejoin && !server.members(options.roomID).some((m) => m.userID !== options.userID)) {
    throw new VirtualNetworkError(
      VirtualErrorCode.ROOM_CALL_ENDED,
      `join: nobody is in room ${options.roomID} any more, the call is over`,
    );
  }
  if (!server.hasPlace(options.roomID, options.userID)) {
    throw new VirtualNetworkError(
      VirtualErrorCode.ROOM_FULL,
      `join: room ${options.roomID} already holds ${server.capacity} users`,
    );
  }
  return { microphone, camera };
}

/** The camera `operation` turns on in a room: throws `ACCESS_DENIED` or `NO_CAMERA`. */
export function cameraFor(operation: string, devices: VirtualDevices, denied: Denied): MediaDevice {
  if (denied === 'camera' || denied === true) {
    throw new VirtualNetworkError(
      VirtualErrorCode.ACCESS_DENIED,
      `${operation}: camera access denied`,
      'camera',
    );
  }
  const camera = devices.pick('camera', devices.preferred.camera);
  if (!camera) throw new VirtualNetworkError(VirtualErrorCode.NO_CAMERA, `${operation}: no camera`, 'camera');
  return camera;
}

/** The user refused the screen capture: a `NotAllowedError`, as `getDisplayMedia` rejects. */
export function screenShareRefused(): VirtualNetworkError {
  const denied = new VirtualNetworkError(
    VirtualErrorCode.SCREEN_SHARE_DENIED,
    'startScreenShare: capture refused',
  );
  denied.name = 'NotAllowedError';
  return denied;
}
