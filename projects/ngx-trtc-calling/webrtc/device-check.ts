import { interval, map, Observable, Subject, takeUntil, type SchedulerLike } from 'rxjs';
import type {
  DeviceCheck,
  DeviceCheckOptions,
  MediaPermissions,
  VideoProfile,
  ViewTarget,
} from 'ngx-trtc-calling/core';
import { CallingTransportError, MEDIA_ERROR } from './errors';
import type { TransportLogger } from './logger';
import { audioConstraints, mediaError, videoConstraints } from './media-constraints';
import type { MediaEnvironment } from './media-environment';
import { VolumeMeter } from './volume-meter';

/** What a device check needs from the engine. */
export interface DeviceCheckHost {
  readonly env: MediaEnvironment;
  readonly profile: VideoProfile;
  readonly scheduler: SchedulerLike;
  readonly logger: TransportLogger;
  /** Interval of `level$`, ms. */
  readonly levelInterval: number;
  /** Length of the test tone, ms. */
  readonly toneMs: number;
  /** The check was stopped (the engine forgets it). */
  readonly stopped: (check: WebRtcDeviceCheck) => void;
}

/** The test tone: an A4 sine at a comfortable level. */
const TONE_HZ = 440;
const TONE_GAIN = 0.2;
/** Past the tone's end: the audio output never started (a suspended context), so give up. */
const TONE_GRACE_MS = 2000;

type SinkAudio = HTMLAudioElement & { setSinkId?: (id: string) => Promise<void> };

/**
 * Opens the camera (unless `video: false`) and microphone for a check outside any room: the
 * same constraints as a join, and the same errors (60003/60004/60005 naming the device). The
 * tracks are the check's own, so a check while in a call neither touches nor disturbs the call's.
 */
export async function openDeviceCheck(
  host: DeviceCheckHost,
  options: DeviceCheckOptions,
): Promise<WebRtcDeviceCheck> {
  const mediaDevices = host.env.mediaDevices;
  if (!mediaDevices?.getUserMedia || !host.env.MediaStream) {
    throw new CallingTransportError(
      MEDIA_ERROR.UNSUPPORTED,
      'getUserMedia is not available in this environment',
    );
  }
  const video = options.video !== false;
  const audio = audioConstraints(options.microphoneID);
  let stream: MediaStream;
  try {
    stream = await mediaDevices.getUserMedia({
      audio,
      video: video ? videoConstraints(host.profile, options.cameraID) : false,
    });
  } catch (error) {
    if (!video) throw mediaError(error, 'audio');
    // The browser does not say which device failed: the microphone alone tells.
    try {
      const probe = await mediaDevices.getUserMedia({ audio });
      for (const track of probe.getTracks()) track.stop();
    } catch (probeError) {
      throw mediaError(probeError, 'audio');
    }
    throw mediaError(error, 'video');
  }
  return new WebRtcDeviceCheck(host, stream);
}

/** A device check of the `webrtc` engine (see `MediaEngine.startDeviceCheck`). */
export class WebRtcDeviceCheck implements DeviceCheck {
  readonly level$: Observable<number>;
  /** The tracks the check opened (for tests: each is `ended` after `stop`). */
  readonly tracks: readonly MediaStreamTrack[];

  readonly #host: DeviceCheckHost;
  readonly #stream: MediaStream;
  readonly #meter: VolumeMeter;
  readonly #stopped = new Subject<void>();
  readonly #created: HTMLElement[] = [];
  readonly #previews: HTMLVideoElement[] = [];
  #tone: { context: AudioContext; audio: SinkAudio } | undefined;
  #isStopped = false;

  constructor(host: DeviceCheckHost, stream: MediaStream) {
    this.#host = host;
    this.#stream = stream;
    this.tracks = stream.getTracks();
    const Stream = host.env.MediaStream as typeof MediaStream;
    this.#meter = new VolumeMeter(host.env.AudioContext, Stream, host.logger);
    this.#meter.set('check', stream.getAudioTracks()[0] ?? null);
    this.level$ = new Observable<number>((subscriber) => {
      if (this.#isStopped) {
        subscriber.complete();
        return undefined;
      }
      return interval(host.levelInterval, host.scheduler)
        .pipe(
          map(() => this.#meter.read()[0]?.volume ?? 0),
          takeUntil(this.#stopped),
        )
        .subscribe(subscriber);
    });
  }

  /** Renders the camera into `target` (a `<video>`, or an element to create a muted one in). */
  attachPreview(target: ViewTarget): void {
    if (this.#isStopped || this.#stream.getVideoTracks().length === 0) return;
    const document = this.#host.env.document;
    const element = typeof target === 'string' ? document?.getElementById(target) : target;
    if (!element || !document) {
      this.#host.logger('warn', `device check: no element ${String(target)} for the preview`);
      return;
    }
    let video: HTMLVideoElement;
    if (element instanceof HTMLVideoElement) {
      video = element;
    } else {
      video = document.createElement('video');
      video.style.width = '100%';
      video.style.height = '100%';
      element.appendChild(video);
      this.#created.push(video);
    }
    // Muted and inline: the preview must autoplay everywhere, and never echo the microphone.
    video.muted = true;
    video.playsInline = true;
    video.autoplay = true;
    video.srcObject = new (this.#host.env.MediaStream as typeof MediaStream)(this.#stream.getVideoTracks());
    this.#previews.push(video);
    video
      .play()
      .catch((error: unknown) => this.#host.logger('debug', 'device check: preview did not start', error));
  }

  /**
   * Plays a short sine tone on `speakerID` (default: the browser's output). Web Audio renders
   * it into a `MediaStreamDestination` played by an `<audio>` element, because only a media
   * element can choose its output device (`setSinkId`). Resolves when the tone ended.
   */
  async playTestTone(speakerID?: string): Promise<void> {
    if (this.#isStopped) throw stoppedError();
    this.#endTone();
    const env = this.#host.env;
    if (!env.AudioContext || !env.document) {
      throw new CallingTransportError(
        MEDIA_ERROR.UNSUPPORTED,
        'Web Audio is not available for the test tone',
      );
    }
    const context = new env.AudioContext();
    const audio: SinkAudio = env.document.createElement('audio');
    audio.dataset['deviceCheck'] = 'tone';
    audio.hidden = true;
    env.document.body.appendChild(audio);
    this.#tone = { context, audio };
    try {
      const destination = context.createMediaStreamDestination();
      const oscillator = context.createOscillator();
      const gain = context.createGain();
      oscillator.frequency.value = TONE_HZ;
      gain.gain.value = TONE_GAIN;
      oscillator.connect(gain).connect(destination);
      audio.srcObject = destination.stream;
      if (speakerID && typeof audio.setSinkId === 'function') await audio.setSinkId(speakerID);
      await context.resume();
      await audio.play();
      const seconds = this.#host.toneMs / 1000;
      const ended = new Promise<void>((resolve) => oscillator.addEventListener('ended', () => resolve()));
      oscillator.start();
      oscillator.stop(context.currentTime + seconds);
      await this.#within(ended, this.#host.toneMs + TONE_GRACE_MS);
    } catch (error) {
      if (error instanceof CallingTransportError) throw error;
      throw new CallingTransportError(
        MEDIA_ERROR.AUTOPLAY_BLOCKED,
        `the test tone could not play (${String(error)})`,
        {
          cause: error,
        },
      );
    } finally {
      if (this.#tone?.audio === audio) this.#endTone();
    }
  }

  /** Releases the camera, the microphone, the meter, the tone and the previews. Idempotent. */
  stop(): void {
    if (this.#isStopped) return;
    this.#isStopped = true;
    for (const track of this.tracks) track.stop();
    this.#meter.close();
    this.#endTone();
    for (const video of this.#previews) video.srcObject = null;
    for (const element of this.#created) element.remove();
    this.#stopped.next();
    this.#stopped.complete();
    this.#host.stopped(this);
  }

  #endTone(): void {
    const tone = this.#tone;
    this.#tone = undefined;
    if (!tone) return;
    tone.audio.pause();
    tone.audio.srcObject = null;
    tone.audio.remove();
    if (tone.context.state !== 'closed') tone.context.close().catch(() => undefined);
  }

  /** `promise`, or a rejection when neither it nor `stop` settles within `ms`. */
  #within(promise: Promise<void>, ms: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const timer = this.#host.scheduler.schedule(() => {
        reject(
          new CallingTransportError(
            MEDIA_ERROR.AUTOPLAY_BLOCKED,
            'the test tone never played (audio output suspended)',
          ),
        );
      }, ms);
      const stopped = this.#stopped.subscribe({ complete: () => reject(stoppedError()) });
      promise.then(
        () => {
          timer.unsubscribe();
          stopped.unsubscribe();
          resolve();
        },
        (error: unknown) => {
          timer.unsubscribe();
          stopped.unsubscribe();
          reject(error instanceof Error ? error : new Error(String(error)));
        },
      );
    });
  }
}

function stoppedError(): CallingTransportError {
  return new CallingTransportError(MEDIA_ERROR.JOIN_ABORTED, 'the device check was stopped');
}

/**
 * The camera and microphone permission states from the Permissions API, without prompting;
 * `unknown` where the browser cannot tell (Firefox has no `camera`/`microphone` names).
 */
export async function queryMediaPermissions(permissions: Permissions | undefined): Promise<MediaPermissions> {
  const query = async (name: 'camera' | 'microphone'): Promise<PermissionState | 'unknown'> => {
    if (!permissions?.query) return 'unknown';
    try {
      return (await permissions.query({ name: name as PermissionName })).state;
    } catch {
      return 'unknown';
    }
  };
  const [camera, microphone] = await Promise.all([query('camera'), query('microphone')]);
  return { camera, microphone };
}
