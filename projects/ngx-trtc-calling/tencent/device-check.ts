import { asyncScheduler, interval, map, Observable, Subject, takeUntil, type SchedulerLike } from 'rxjs';
import type { DeviceCheck, DeviceCheckOptions, MediaPermissions, ViewTarget } from 'ngx-trtc-calling/core';
import { TENCENT_ERROR, TencentError } from './tencent-error';
import { deviceError, refusedDevice } from './trtc-devices';
import type { TrtcLocalStream } from './trtc-like';
import type { TrtcEngineContext } from './trtc-session';

/** How often `level$` reads the stream's level, ms. */
const LEVEL_INTERVAL_MS = 200;
/** The test tone: an A4 sine, about a second, at a comfortable level. */
const TONE = { hz: 440, gain: 0.2, ms: 1000, graceMs: 2000 };

type SinkAudio = HTMLAudioElement & { setSinkId?: (id: string) => Promise<void> };

/**
 * Opens a device check with the SDK's own local stream (`TRTC.createStream` + `initialize`:
 * the devices the calls would use, the same 60003/60004/60005 errors), outside any room: no
 * client is created, nothing is published. The level is `stream.getAudioLevel()` polled; the
 * tone is the browser's Web Audio, as the SDK has none.
 */
export async function openTrtcDeviceCheck(
  context: TrtcEngineContext,
  options: DeviceCheckOptions,
  stopped: (check: TrtcDeviceCheck) => void,
  scheduler: SchedulerLike = asyncScheduler,
): Promise<TrtcDeviceCheck> {
  const TRTC = await context.loadTrtc();
  const video = options.video !== false;
  const { devices, profile } = context.preferences;
  const cameraId = options.cameraID ?? devices.camera;
  const microphoneId = options.microphoneID ?? devices.microphone;
  const stream = TRTC.createStream({
    audio: true,
    video,
    ...(microphoneId ? { microphoneId } : {}),
    ...(video && cameraId ? { cameraId } : {}),
  });
  if (video && profile) stream.setVideoProfile({ ...profile });
  try {
    await stream.initialize();
  } catch (error) {
    stream.close();
    if (!video) throw deviceError(error, 'microphone');
    throw deviceError(error, 'both', await refusedDevice(error));
  }
  return new TrtcDeviceCheck(stream, context, stopped, scheduler);
}

/** A device check of the Tencent engine (see `MediaEngine.startDeviceCheck`). */
export class TrtcDeviceCheck implements DeviceCheck {
  readonly level$: Observable<number>;
  private readonly stop$ = new Subject<void>();
  private tone: { context: AudioContext; audio: SinkAudio } | undefined;
  private isStopped = false;

  constructor(
    private readonly stream: TrtcLocalStream,
    private readonly context: TrtcEngineContext,
    private readonly stopped: (check: TrtcDeviceCheck) => void,
    scheduler: SchedulerLike,
  ) {
    this.level$ = new Observable<number>((subscriber) => {
      if (this.isStopped) {
        subscriber.complete();
        return undefined;
      }
      return interval(LEVEL_INTERVAL_MS, scheduler)
        .pipe(
          // The SDK's level is 0–1.
          map(() => Math.round(Math.min(1, Math.max(0, stream.getAudioLevel())) * 100)),
          takeUntil(this.stop$),
        )
        .subscribe(subscriber);
    });
  }

  /** Plays the camera into `target` with the SDK's player, muted (never echoes the microphone). */
  attachPreview(target: ViewTarget): void {
    if (this.isStopped || !this.stream.hasVideo()) return;
    this.stream
      .play(target, { muted: true, mirror: true, objectFit: 'cover' })
      .catch((error: unknown) => this.context.reportError(error));
  }

  /** Plays a ~1 s tone through an `<audio>` on `speakerID` (`setSinkId`); resolves when it ended. */
  async playTestTone(speakerID?: string): Promise<void> {
    if (this.isStopped) throw new TencentError(TENCENT_ERROR.JOIN_ABORTED, 'the device check was stopped');
    this.endTone();
    const g = globalThis as { AudioContext?: typeof AudioContext; document?: Document };
    const doc = g.document;
    if (!g.AudioContext || !doc)
      throw new TencentError(TENCENT_ERROR.NOT_SUPPORTED, 'no Web Audio for the test tone');
    const context = new g.AudioContext();
    const audio: SinkAudio = doc.createElement('audio');
    audio.dataset['deviceCheck'] = 'tone';
    audio.hidden = true;
    doc.body.appendChild(audio);
    this.tone = { context, audio };
    try {
      const destination = context.createMediaStreamDestination();
      const oscillator = context.createOscillator();
      const gain = context.createGain();
      oscillator.frequency.value = TONE.hz;
      gain.gain.value = TONE.gain;
      oscillator.connect(gain).connect(destination);
      audio.srcObject = destination.stream;
      if (speakerID && typeof audio.setSinkId === 'function') await audio.setSinkId(speakerID);
      await context.resume();
      await audio.play();
      const ended = new Promise<void>((resolve) => oscillator.addEventListener('ended', () => resolve()));
      oscillator.start();
      oscillator.stop(context.currentTime + TONE.ms / 1000);
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error('the audio output never started (suspended)')),
          TONE.ms + TONE.graceMs,
        );
        const done = () => (clearTimeout(timer), resolve());
        ended.then(done, reject);
        this.stop$.subscribe({ complete: done });
      });
    } catch (error) {
      throw new TencentError(
        TENCENT_ERROR.PLAY_NOT_ALLOWED,
        `the test tone could not play: ${String(error)}`,
        {
          cause: error,
        },
      );
    } finally {
      if (this.tone?.audio === audio) this.endTone();
    }
  }

  /** Releases the camera and microphone (the SDK's `close`). Idempotent. */
  stop(): void {
    if (this.isStopped) return;
    this.isStopped = true;
    this.stream.stop();
    this.stream.close();
    this.endTone();
    this.stop$.next();
    this.stop$.complete();
    this.stopped(this);
  }

  private endTone(): void {
    const tone = this.tone;
    this.tone = undefined;
    if (!tone) return;
    tone.audio.pause();
    tone.audio.srcObject = null;
    tone.audio.remove();
    if (tone.context.state !== 'closed') tone.context.close().catch(() => undefined);
  }
}

/** Camera and microphone permission states from the Permissions API (`unknown` where it cannot tell). */
export async function browserPermissions(): Promise<MediaPermissions> {
  const permissions = (globalThis as { navigator?: { permissions?: Permissions } }).navigator?.permissions;
  const query = async (name: 'camera' | 'microphone'): Promise<PermissionState | 'unknown'> => {
    try {
      return permissions ? (await permissions.query({ name: name as PermissionName })).state : 'unknown';
    } catch {
      return 'unknown';
    }
  };
  const [camera, microphone] = await Promise.all([query('camera'), query('microphone')]);
  return { camera, microphone };
}
