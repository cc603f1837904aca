import { type EnvironmentProviders, InjectionToken, makeEnvironmentProviders } from '@angular/core';

/**
 * A ringtone that is not an audio file: `start` begins the sound (for example a Web Audio
 * oscillator) and may reject when the browser refuses to play before a user gesture (it is then
 * called again on the next click or key press); `stop` ends it.
 */
export interface CallRingtonePlayer {
  start(): Promise<void> | void;
  stop(): void;
}

/**
 * What rings for an incoming call: an audio URL, a function giving one (called when the first
 * call rings, e.g. a generated tone), a player of its own, or `null` for silence.
 */
export type CallRingtone = string | (() => string) | CallRingtonePlayer | null;

/** The ringtone of `<ngx-call-incoming>`; by default a tone generated in the page (no download). */
export const CALL_RINGTONE = new InjectionToken<CallRingtone>('CALL_RINGTONE', {
  providedIn: 'root',
  factory: () => generatedRingtone,
});

/**
 * Replaces the incoming-call ringtone.
 *
 * @example
 * provideCallRingtone('/assets/ring.mp3')
 * provideCallRingtone(null) // silent
 */
export function provideCallRingtone(ringtone: CallRingtone): EnvironmentProviders {
  return makeEnvironmentProviders([{ provide: CALL_RINGTONE, useValue: ringtone }]);
}

const RATE = 8000;
/** Two bursts of a 400+450 Hz chord, then silence: a familiar phone ring, 3 s a cycle. */
const PATTERN: readonly (readonly [on: boolean, seconds: number])[] = [
  [true, 0.4],
  [false, 0.2],
  [true, 0.4],
  [false, 2],
];
let generated: string | null = null;

/**
 * One cycle of a ring as a WAV data URL (8 kHz, 8-bit mono, about 32 KB), made once in the page:
 * the default ringtone, played in a loop. No asset to ship or download.
 */
export function generatedRingtone(): string {
  if (generated) return generated;
  const samples = Math.round(PATTERN.reduce((sum, [, s]) => sum + s, 0) * RATE);
  const bytes = new Uint8Array(44 + samples);
  const view = new DataView(bytes.buffer);
  const text = (at: number, value: string) =>
    [...value].forEach((c, i) => view.setUint8(at + i, c.charCodeAt(0)));
  text(0, 'RIFF');
  view.setUint32(4, 36 + samples, true);
  text(8, 'WAVEfmt ');
  view.setUint32(16, 16, true); // fmt chunk size
  view.setUint16(20, 1, true); // PCM
  view.setUint16(22, 1, true); // mono
  view.setUint32(24, RATE, true);
  view.setUint32(28, RATE, true); // bytes per second
  view.setUint16(32, 1, true); // block align
  view.setUint16(34, 8, true); // bits per sample
  text(36, 'data');
  view.setUint32(40, samples, true);
  let at = 44;
  for (const [on, seconds] of PATTERN) {
    const count = Math.round(seconds * RATE);
    for (let i = 0; i < count; i++) {
      const t = i / RATE;
      // A short fade in and out keeps each burst from clicking.
      const envelope = on ? Math.min(1, t / 0.02, (seconds - t) / 0.02) : 0;
      const wave = (Math.sin(2 * Math.PI * 400 * t) + Math.sin(2 * Math.PI * 450 * t)) / 2;
      view.setUint8(at++, Math.round(128 + 90 * envelope * wave));
    }
  }
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  generated = `data:audio/wav;base64,${btoa(binary)}`;
  return generated;
}

/** Gestures after which a browser lets a page play sound. */
const GESTURES = ['pointerdown', 'keydown', 'touchend'] as const;

/**
 * Plays a ringtone into an `<audio>` element (or through a `CallRingtonePlayer`) until stopped.
 * When the browser refuses to play before the user interacted with the page (autoplay rules),
 * it tries again on the next gesture anywhere in the document.
 */
export class RingtonePlayback {
  #retry: (() => void) | null = null;
  #playing = false;

  constructor(
    private readonly ringtone: CallRingtone,
    private readonly element: HTMLAudioElement | undefined,
    private readonly document: Document,
  ) {}

  /** The URL the `<audio>` element plays, or `null` (silent, or a player of its own). */
  static urlOf(ringtone: CallRingtone): string | null {
    if (typeof ringtone === 'string') return ringtone;
    if (typeof ringtone === 'function') return ringtone();
    return null;
  }

  start(): void {
    if (this.#playing || this.ringtone === null) return;
    this.#playing = true;
    this.#attempt();
  }

  stop(): void {
    if (!this.#playing) return;
    this.#playing = false;
    this.#cancelRetry();
    const ringtone = this.ringtone;
    if (ringtone !== null && typeof ringtone === 'object') {
      ringtone.stop();
    } else if (this.element) {
      this.element.pause();
      this.element.currentTime = 0;
    }
  }

  #attempt(): void {
    const ringtone = this.ringtone;
    let started: Promise<void> | void;
    try {
      if (ringtone !== null && typeof ringtone === 'object') started = ringtone.start();
      else started = this.element?.play();
    } catch (error) {
      started = Promise.reject(error);
    }
    Promise.resolve(started).catch(() => {
      // Refused (autoplay) or failed: try again on the user's next gesture, while still ringing.
      if (this.#playing) this.#retryOnGesture();
    });
  }

  #retryOnGesture(): void {
    if (this.#retry) return;
    const retry = () => {
      this.#cancelRetry();
      if (this.#playing) this.#attempt();
    };
    for (const type of GESTURES) this.document.addEventListener(type, retry, { capture: true });
    this.#retry = retry;
  }

  #cancelRetry(): void {
    const retry = this.#retry;
    if (!retry) return;
    for (const type of GESTURES) this.document.removeEventListener(type, retry, { capture: true });
    this.#retry = null;
  }
}
