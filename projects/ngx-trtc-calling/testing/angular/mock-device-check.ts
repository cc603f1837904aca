import { BehaviorSubject, type Observable } from 'rxjs';
import type { DeviceCheck, ViewTarget } from 'ngx-trtc-calling/core';

/**
 * The device check `MockCallingService.startDeviceCheck` hands out: no device is opened; the
 * test sets the microphone level (`setLevel`) and reads what the component did with it.
 */
export class MockDeviceCheck implements DeviceCheck {
  readonly #level = new BehaviorSubject<number>(0);
  readonly level$: Observable<number> = this.#level.asObservable();
  /** The targets `attachPreview` was given. */
  readonly previews: ViewTarget[] = [];
  /** The speakers `playTestTone` was asked for (`undefined`: the default one). */
  readonly tones: (string | undefined)[] = [];
  #stopped = false;

  /** Whether `stop` was called. */
  get stopped(): boolean {
    return this.#stopped;
  }

  /** Sets the level `level$` reports (0–100). */
  setLevel(level: number): void {
    if (!this.#stopped) this.#level.next(level);
  }

  attachPreview(target: ViewTarget): void {
    this.previews.push(target);
  }

  playTestTone(speakerID?: string): Promise<void> {
    this.tones.push(speakerID);
    return Promise.resolve();
  }

  stop(): void {
    this.#stopped = true;
    this.#level.complete();
  }
}
