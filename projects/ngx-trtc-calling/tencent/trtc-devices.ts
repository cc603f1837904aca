import { EMPTY, Observable, catchError, from, switchMap } from 'rxjs';
import type { DeviceKind, DeviceList, MediaDevice } from 'ngx-trtc-calling/core';
import { TENCENT_ERROR, TencentError } from './tencent-error';
import type { TrtcDeviceInfo, TrtcLocalStream, TrtcModule } from './trtc-like';
import type { DeviceChangeSource } from './trtc-media-options';
import type { Session, TrtcEngineContext } from './trtc-session';

/** Lists cameras, microphones and speakers (`TRTC.getCameras/getMicrophones/getSpeakers`). */
export async function listDevices(TRTC: TrtcModule): Promise<DeviceList> {
  let cameras: readonly TrtcDeviceInfo[];
  let microphones: readonly TrtcDeviceInfo[];
  let speakers: readonly TrtcDeviceInfo[];
  try {
    [cameras, microphones, speakers] = await Promise.all([
      TRTC.getCameras(),
      TRTC.getMicrophones(),
      // Not every browser can list outputs (Firefox, Safari): an empty list, not a failure.
      TRTC.getSpeakers ? TRTC.getSpeakers().catch(() => []) : Promise.resolve([]),
    ]);
  } catch (error) {
    throw TencentError.from(error);
  }
  return {
    cameras: toDevices(cameras, 'camera'),
    microphones: toDevices(microphones, 'microphone'),
    speakers: toDevices(speakers, 'speaker'),
  };
}

/**
 * The device lists after every `devicechange` of `source`, lazily: the listener is added on
 * subscribe and removed in teardown. A listing that fails is skipped.
 */
export function deviceChanges(
  source: DeviceChangeSource,
  getDevices: () => Promise<DeviceList>,
): Observable<DeviceList> {
  return new Observable<void>((subscriber) => {
    const listener = (): void => subscriber.next();
    source.addEventListener('devicechange', listener);
    return () => source.removeEventListener('devicechange', listener);
  }).pipe(switchMap(() => from(getDevices()).pipe(catchError(() => EMPTY))));
}

/** The preferred device if present, else the first; `''` lets the browser choose. */
export function pickDevice(list: readonly TrtcDeviceInfo[], preferred: string | undefined): string {
  if (preferred && list.some((d) => d.deviceId === preferred)) return preferred;
  return list[0]?.deviceId ?? '';
}

function errorName(error: unknown): string {
  return typeof error === 'object' && error !== null ? String((error as { name?: unknown }).name ?? '') : '';
}

/** Whether a getUserMedia failure is the user's (or the browser policy's) refusal. */
function isRefusal(error: unknown): boolean {
  return ['NotAllowedError', 'SecurityError', 'PermissionDeniedError'].includes(errorName(error));
}

/**
 * Which device a refusal of camera and microphone together is about: the camera when the
 * microphone alone is granted (probed with getUserMedia, as trtc-calling-js probes
 * permissions), else the microphone; `undefined` when `error` is no refusal or nothing can be
 * probed — the call then ends without a cause rather than with a guessed one.
 */
export async function refusedDevice(error: unknown): Promise<'camera' | 'microphone' | undefined> {
  const mediaDevices = globalThis.navigator?.mediaDevices;
  if (!isRefusal(error) || !mediaDevices?.getUserMedia) return undefined;
  try {
    const probe = await mediaDevices.getUserMedia({ audio: true, video: false });
    for (const track of probe.getTracks()) track.stop();
    return 'camera';
  } catch {
    return 'microphone';
  }
}

/**
 * Maps a getUserMedia failure (TRTC passes the DOMException's `name` through) to the
 * reference's codes: 60003 no microphone, 60004 no camera, 60005 no access (a refusal names
 * its device: `kind`, or for `both` the one `refused` says).
 */
export function deviceError(
  error: unknown,
  kind: 'microphone' | 'camera' | 'both',
  refused?: 'camera' | 'microphone',
): TencentError {
  const name = errorName(error);
  const detail = TencentError.from(error).message;
  if (name === 'NotFoundError' || name === 'DevicesNotFoundError' || name === 'OverconstrainedError') {
    const code = kind === 'camera' ? TENCENT_ERROR.NO_CAMERA : TENCENT_ERROR.NO_MICROPHONE;
    return new TencentError(code, `${kind === 'camera' ? 'camera' : 'microphone'} not found: ${detail}`, {
      cause: error,
    });
  }
  const device = isRefusal(error) ? (kind === 'both' ? refused : kind) : undefined;
  return new TencentError(TENCENT_ERROR.NO_MEDIA_ACCESS, `no access to the ${kind}: ${detail}`, {
    cause: error,
    ...(device ? { device } : {}),
  });
}

/** When the device in use was unplugged, switches to another and says so (`deviceFallback`). */
export async function fallBackIfGone(
  context: TrtcEngineContext,
  session: Session,
  stream: TrtcLocalStream,
  devices: DeviceList,
): Promise<void> {
  const checks: ['microphone' | 'camera', string, readonly MediaDevice[]][] = [
    ['microphone', session.microphoneID, devices.microphones],
    ['camera', stream.getVideoTrack() ? session.cameraID : '', devices.cameras],
  ];
  for (const [kind, inUse, list] of checks) {
    if (!inUse || list.some((d) => d.deviceID === inUse)) continue;
    const to = list[0]?.deviceID;
    if (to) {
      try {
        await stream.switchDevice(kind === 'camera' ? 'video' : 'audio', to);
        if (kind === 'camera') session.cameraID = to;
        else session.microphoneID = to;
      } catch (error) {
        context.reportError(error);
        continue;
      }
    } else if (kind === 'camera') session.cameraID = '';
    else session.microphoneID = '';
    context.emit({ type: 'deviceFallback', kind, from: inUse, ...(to ? { to } : {}) });
  }
}

function toDevices(list: readonly TrtcDeviceInfo[], kind: DeviceKind): MediaDevice[] {
  return list.map((d) => ({
    deviceID: d.deviceId,
    kind,
    label: d.label,
    ...(d.groupId ? { groupID: d.groupId } : {}),
  }));
}
