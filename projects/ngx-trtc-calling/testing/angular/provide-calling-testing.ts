import {
  DestroyRef,
  type EnvironmentProviders,
  inject,
  Injectable,
  InjectionToken,
  makeEnvironmentProviders,
} from '@angular/core';
import { Calling, type CallingLogger, SILENT_LOGGER } from 'ngx-trtc-calling/core';
import { CALLING_CONFIG, type CallingConnection, provideCalling, withCallingBackend } from 'ngx-trtc-calling';
import { DEV_SDK_APP_ID } from 'ngx-trtc-calling/wire';
import {
  VirtualClock,
  type VirtualMediaEngine,
  type VirtualMediaOptions,
  VirtualNetwork,
  type VirtualSignalingChannel,
} from 'ngx-trtc-calling/testing';

/** Options of `provideCallingTesting()`. */
export interface CallingTestingOptions {
  /** The network to run on (default: a new one on `clock`, latency 0, destroyed with the injector). */
  readonly network?: VirtualNetwork;
  /** The clock that drives the network and every `Calling` (default: a new `VirtualClock`, unless `network` is given). */
  readonly clock?: VirtualClock;
  /** Ring timeout of the app's and the peers' `Calling`s, seconds (default 30). */
  readonly ringTimeout?: number;
  /** Default `DEV_SDK_APP_ID` (ngx-trtc-calling/wire). */
  readonly SDKAppID?: number;
  /** Where every `Calling` logs (default `SILENT_LOGGER`). */
  readonly logger?: CallingLogger;
  /** The app user's browser: devices, denied access, slow joins (`VirtualMediaOptions`; default: every device, granted). */
  readonly media?: VirtualMediaOptions;
}

const CALLING_TESTING_OPTIONS = new InjectionToken<CallingTestingOptions>('CALLING_TESTING_OPTIONS');

/** How long `flush` advances a virtual clock at most before giving up, ms. */
const FLUSH_LIMIT = 60_000;
/** The virtual time `flush` advances per step, ms. */
const FLUSH_STEP = 10;

/**
 * Drives the virtual world behind `CallingService` in a test: the `network`, its `clock`, the
 * app user's ports, and remote peers to call or be called by.
 */
@Injectable()
export class CallingTestingController {
  /** The network the app's `CallingService` and every peer run on. */
  readonly network: VirtualNetwork;
  /** The clock driving it, or `undefined` when a `network` was given without one. */
  readonly clock: VirtualClock | undefined;

  readonly #options: CallingTestingOptions;
  readonly #peers: Calling[] = [];
  #signaling: VirtualSignalingChannel | undefined;
  #media: VirtualMediaEngine | undefined;

  constructor() {
    const options = inject(CALLING_TESTING_OPTIONS);
    this.#options = options;
    this.clock = options.clock ?? (options.network ? undefined : new VirtualClock());
    const owned = !options.network;
    this.network =
      options.network ?? new VirtualNetwork(this.clock ? { scheduler: this.clock.scheduler } : {});
    inject(DestroyRef).onDestroy(() => {
      for (const peer of this.#peers) void peer.destroy();
      this.#peers.length = 0;
      if (owned) this.network.destroy();
    });
  }

  /** The app user's IM session, once `CallingService` created its `Calling`. */
  get signaling(): VirtualSignalingChannel | undefined {
    return this.#signaling;
  }

  /** The app user's media engine (it records view attachments), once created. */
  get media(): VirtualMediaEngine | undefined {
    return this.#media;
  }

  /** The scheduler of the clock (or of the network). */
  get scheduler() {
    return this.clock?.scheduler ?? this.network.scheduler;
  }

  /**
   * A remote user on the same network: a `Calling` of its own, logged in as `userID` (unless
   * `login: false`), with the browser `media` describes (its devices, denied access, slow
   * joins), destroyed with the injector.
   */
  async createPeer(
    userID: string,
    options: { readonly login?: boolean; readonly media?: VirtualMediaOptions } = {},
  ): Promise<Calling> {
    const peer = new Calling({
      SDKAppID: this.#options.SDKAppID ?? DEV_SDK_APP_ID,
      signaling: this.network.signaling(),
      media: this.network.media({ userID, ...options.media }),
      scheduler: this.scheduler,
      logger: this.#options.logger ?? SILENT_LOGGER,
      ...(this.#options.ringTimeout !== undefined ? { ringTimeout: this.#options.ringTimeout } : {}),
    });
    this.#peers.push(peer);
    if (options.login !== false) await this.flush(peer.login({ userID, userSig: `sig-${userID}` }));
    return peer;
  }

  /**
   * Lets `work` settle: with a virtual clock, advances it in small steps until `work` settles
   * (at most 60 virtual seconds, then rejects); without one, just awaits it. Without `work`,
   * runs what is due now.
   */
  async flush<T>(work?: Promise<T>): Promise<T | undefined> {
    const clock = this.clock;
    if (!clock) return work;
    if (!work) {
      await clock.settle();
      return undefined;
    }
    let settled = false;
    const done = work.finally(() => (settled = true));
    done.catch(() => undefined);
    await clock.settle();
    for (let spent = 0; !settled && spent < FLUSH_LIMIT; spent += FLUSH_STEP) await clock.advance(FLUSH_STEP);
    if (!settled)
      throw new Error(`CallingTestingController.flush: still pending after ${FLUSH_LIMIT} virtual ms`);
    return done;
  }

  /** Internal: creates the app user's ports (what the testing backend returns). */
  _connect(): CallingConnection {
    this.#signaling = this.network.signaling();
    this.#media = this.network.media(this.#options.media);
    return {
      signaling: this.#signaling,
      media: this.#media,
      SDKAppID: this.#options.SDKAppID ?? DEV_SDK_APP_ID,
    };
  }
}

/**
 * Provides `CallingService` over a `VirtualNetwork` (no server, no browser media) and a
 * `CallingTestingController` to drive it: the network, its clock, remote peers.
 *
 * ```ts
 * import { TestBed } from '@angular/core/testing';
 * import { CallingService } from 'ngx-trtc-calling';
 * import { CallingTestingController, provideCallingTesting } from 'ngx-trtc-calling/testing/angular';
 *
 * it('rings when bob calls, connects on accept', async () => {
 *   TestBed.configureTestingModule({ providers: [provideCallingTesting()] });
 *   const calling = TestBed.inject(CallingService);
 *   const controller = TestBed.inject(CallingTestingController);
 *
 *   await controller.flush(calling.login({ userID: 'alice', userSig: 'sig' }));
 *   const bob = await controller.createPeer('bob');
 *   await controller.flush(bob.call({ userID: 'alice', type: 2 }));
 *   expect(calling.phase()).toBe('ringing');
 *   expect(calling.incoming()?.sponsor).toBe('bob');
 *
 *   await controller.flush(calling.accept());
 *   await controller.flush();
 *   expect(calling.phase()).toBe('connected');
 * });
 * ```
 *
 * Use it instead of `provideCalling(...)`, or after it (its backend and options win). With a
 * `VirtualClock` (the default), virtual time moves only when the test moves it:
 * `controller.flush(promise)` or `controller.clock.advance(ms)`.
 */
export function provideCallingTesting(options: CallingTestingOptions = {}): EnvironmentProviders {
  return makeEnvironmentProviders([
    { provide: CALLING_TESTING_OPTIONS, useValue: options },
    CallingTestingController,
    provideCalling(
      withCallingBackend(() => {
        const controller = inject(CallingTestingController);
        return { create: async () => controller._connect() };
      }),
    ),
    {
      provide: CALLING_CONFIG,
      useFactory: () => ({
        scheduler: inject(CallingTestingController).scheduler,
        logger: options.logger ?? SILENT_LOGGER,
        ...(options.ringTimeout !== undefined ? { ringTimeout: options.ringTimeout } : {}),
      }),
    },
  ]);
}
