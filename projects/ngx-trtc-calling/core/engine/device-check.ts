import { toMediaError } from '../errors';
import type { DeviceCheck, DeviceCheckOptions, MediaEngine } from '../media/media-engine';

/**
 * The device checks `Calling` opened and has not seen stopped: logout and destroy stop them, so
 * a check the app forgot never keeps the camera light on. Each check handed out is the engine's
 * own, with `stop` also forgetting it here.
 */
export class DeviceChecks {
  readonly #open = new Set<DeviceCheck>();

  constructor(private readonly media: MediaEngine) {}

  /** How many checks are open (for teardown tests). */
  get size(): number {
    return this.#open.size;
  }

  /** Opens a check; a media failure rejects as a `CallingError` with the engine's code (60003–60006). */
  async open(options: DeviceCheckOptions): Promise<DeviceCheck> {
    let check: DeviceCheck;
    try {
      check = await this.media.startDeviceCheck(options);
    } catch (error) {
      throw toMediaError(error, 'the device check could not open the devices');
    }
    const open = this.#open;
    const tracked: DeviceCheck = {
      level$: check.level$,
      attachPreview: (target) => check.attachPreview(target),
      playTestTone: async (speakerID) => {
        try {
          await check.playTestTone(speakerID);
        } catch (error) {
          throw toMediaError(error, 'the test tone could not play');
        }
      },
      stop: () => {
        open.delete(tracked);
        check.stop();
      },
    };
    open.add(tracked);
    return tracked;
  }

  /** Stops every open check. */
  stopAll(): void {
    for (const check of [...this.#open]) check.stop();
  }
}
