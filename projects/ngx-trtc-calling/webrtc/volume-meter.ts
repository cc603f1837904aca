import type { TransportLogger } from './logger';
import { volumeFromTimeDomain } from './volume-level';

interface Meter {
  readonly track: MediaStreamTrack;
  readonly source: MediaStreamAudioSourceNode;
  readonly analyser: AnalyserNode;
  readonly samples: Uint8Array<ArrayBuffer>;
}

/**
 * Audio levels of local and remote tracks through Web Audio `AnalyserNode`s on one lazily
 * created `AudioContext` (nothing is connected to the speakers).
 *
 * Chromium delivers a remote WebRTC track to Web Audio only while the track also plays in a
 * media element (https://crbug.com/933677); the engine's hidden `<audio>` elements take care of that.
 */
export class VolumeMeter {
  #context: AudioContext | undefined;
  readonly #meters = new Map<string, Meter>();

  constructor(
    private readonly AudioContextCtor: typeof AudioContext | undefined,
    private readonly MediaStreamCtor: typeof MediaStream,
    private readonly logger: TransportLogger,
  ) {}

  /** Measures `track` as `id` from now on (`null` stops measuring `id`). */
  set(id: string, track: MediaStreamTrack | null): void {
    const current = this.#meters.get(id);
    if (current?.track === track) return;
    this.remove(id);
    if (!track) return;
    const context = this.#ensureContext();
    if (!context) return;
    try {
      const source = context.createMediaStreamSource(new this.MediaStreamCtor([track]));
      const analyser = context.createAnalyser();
      analyser.fftSize = 1024;
      source.connect(analyser);
      this.#meters.set(id, { track, source, analyser, samples: new Uint8Array(analyser.fftSize) });
    } catch (error) {
      this.logger('debug', `cannot measure the volume of ${id}`, error);
    }
  }

  /** Stops measuring `id`. */
  remove(id: string): void {
    const meter = this.#meters.get(id);
    if (!meter) return;
    this.#meters.delete(id);
    meter.source.disconnect();
  }

  /** The current level (0–100) of every measured id; a disabled (muted) track reads 0. */
  read(): { userID: string; volume: number }[] {
    const out: { userID: string; volume: number }[] = [];
    for (const [id, meter] of this.#meters) {
      if (!meter.track.enabled || meter.track.readyState === 'ended') {
        out.push({ userID: id, volume: 0 });
        continue;
      }
      meter.analyser.getByteTimeDomainData(meter.samples);
      out.push({ userID: id, volume: volumeFromTimeDomain(meter.samples) });
    }
    return out;
  }

  /** Whether anything is measured. */
  get size(): number {
    return this.#meters.size;
  }

  /** Resumes a context the autoplay policy suspended (call from a user gesture). */
  resume(): void {
    if (this.#context?.state === 'suspended') this.#context.resume().catch(() => undefined);
  }

  /** Disconnects everything and closes the context. */
  close(): void {
    for (const id of [...this.#meters.keys()]) this.remove(id);
    const context = this.#context;
    this.#context = undefined;
    if (context && context.state !== 'closed') context.close().catch(() => undefined);
  }

  #ensureContext(): AudioContext | undefined {
    if (this.#context) return this.#context;
    if (!this.AudioContextCtor) return undefined;
    try {
      this.#context = new this.AudioContextCtor();
      this.resume();
    } catch (error) {
      this.logger('debug', 'no AudioContext: volume levels are off', error);
    }
    return this.#context;
  }
}
