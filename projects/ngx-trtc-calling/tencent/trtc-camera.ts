import { TENCENT_ERROR, TencentError } from './tencent-error';
import { deviceError } from './trtc-devices';
import type { TrtcLocalStream } from './trtc-like';
import { noop, type Session, type TrtcEngineContext } from './trtc-session';

/**
 * Makes the local stream send video: unmutes a live track (enabling it again: the reference
 * left it disabled, PROTOCOL.md §8.11), or captures the camera with a video-only stream and
 * `addTrack`s its track.
 */
export async function ensureVideoTrack(
  context: TrtcEngineContext,
  session: Session,
  stream: TrtcLocalStream,
): Promise<void> {
  const track = stream.getVideoTrack();
  if (track && track.readyState !== 'ended') {
    stream.unmuteVideo();
    // The reference's openCamera() never re-enabled a muted track (PROTOCOL.md §8.11).
    if (!track.enabled) track.enabled = true;
    return;
  }
  if (track) {
    await stream.removeTrack(track).catch(noop);
    track.stop();
  }
  const TRTC = await context.loadTrtc();
  const cameraID = context.preferences.devices.camera ?? session.options.cameraID ?? session.cameraID;
  const capture = TRTC.createStream({
    audio: false,
    video: true,
    userId: session.userID,
    ...(cameraID ? { cameraId: cameraID } : {}),
  });
  capture.setVideoProfile({ ...(context.preferences.profile ?? session.options.profile) });
  try {
    await capture.initialize();
  } catch (error) {
    throw deviceError(error, 'camera');
  }
  const added = capture.getVideoTrack();
  if (!added) throw new TencentError(TENCENT_ERROR.NO_CAMERA, 'No camera or camera permission denied');
  if (session.tornDown) {
    added.stop();
    throw new TencentError(TENCENT_ERROR.NOT_IN_ROOM, 'trtcMedia: left the room while adding the camera');
  }
  try {
    await stream.addTrack(added);
  } catch (error) {
    added.stop();
    throw TencentError.from(error, TENCENT_ERROR.NO_CAMERA);
  }
  stream.unmuteVideo();
  if (!added.enabled) added.enabled = true;
  session.cameraID = cameraID ?? '';
  const { localTarget } = context.playback;
  if (localTarget !== undefined) {
    stream.stop();
    context.playback.play(stream, localTarget, true);
  }
}
