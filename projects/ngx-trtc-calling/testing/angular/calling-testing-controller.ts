import { DestroyRef, inject, Injectable, InjectionToken } from '@angular/core';
import { Calling, type CallingLogger, SILENT_LOGGER } from 'ngx-trtc-calling/core';
import type { CallingConnection } from 'ngx-trtc-calling';
import { DEV_SDK_APP_ID } from 'ngx-trtc-calling/wire';
import {
  type SentSignal,
  SentSignals,
  type SignalMatch,
  VirtualClock,
  type VirtualMediaEngine,
  type VirtualMediaOptions,
  VirtualNetwork,
  type VirtualSignalingChannel,
} from 'ngx-trtc-calling/testing';

/** Options of `provideCallingTesting()`. */
export interface CallingTestingOptions {
  /** The network to run on (default: a new one on `clock`, destroyed with the injector); needs `clock`. */
  readonly network?: VirtualNetwork;
  /** The clock that drives the network and every `Calling` (default: a new `VirtualClock`). */
  readonly clock?: VirtualClock;
  /** Latency of the default network, ms (default 0). */
  readonly latency?: number;
  /** Ring timeout of the app's and the peers' `Calling`s, seconds (default 30). */
  readonly ringTimeout?: number;
  /** Default `DEV_SDK_APP_ID` (ngx-trtc-calling/wire). */
  readonly SDKAppID?: number;
  /** Where every `Calling` logs (default `SILENT_LOGGER`). */
  readonly logger?: CallingLogger;
  /** The app user's browser: devices, denied access, slow joins (`VirtualMediaOptions`; default: every device, granted). */
  readonly media?: VirtualMediaOptions;
}

/** @internal The options `provideCallingTesting` was given. */
export const CALLING_TESTING_OPTIONS = new InjectionToken<CallingTestingOptions>('CALLING_TESTING_OPTIONS');

/** Options of `flushUntilIdle`. */
export interface FlushUntilIdleOptions {
  /**
   * Also run every timer until none is left (ring timeouts included: a ringing call times
   * out). Default `false`: until no message is in flight and nothing is due within the
   * network's latency.
   */
  readonly timers?: boolean;
  /** Virtual ms to run at most before failing (default 60 000). */
  readonly limit?: number;
}

/** How long `flush` and `flushUntilIdle` run virtual time at most before failing, ms. */
const FLUSH_LIMIT = 60_000;
/** Real ms that virtual work may sit due with nobody advancing the clock before the test fails. */
const STALL_MS = 1_500;
/** How soon (virtual ms) work must be due for the stall watch to count it. */
const STALL_HORIZON = 1_000;

// Captured at load, so jest fake timers installed later do not stop the stall watch.
const realSetTimeout = globalThis.setTimeout.bind(globalThis);
const realClearTimeout = globalThis.clearTimeout.bind(globalThis);

/**
 * Drives the virtual world behind `CallingService` in a test, as `HttpTestingController` drives
 * `HttpClient`: the `network`, its `clock`, the app user's ports, remote peers to call or be
 * called by, and assertions over the signals the app sent (`expectSignal`, `matchSignals`,
 * `expectNone`, `verify`).
 *
 * Virtual time moves only when the test moves it (`flush`, `flushUntilIdle`,
 * `clock.advance`). A test that awaits a promise needing virtual time without one of them
 * fails after 1.5 s of real time with a message that says so, instead of timing out.
 */
@Injectable()
export class CallingTestingController {
  /** The network the app's `CallingService` and every peer run on. */
  readonly network: VirtualNetwork;
  /** The clock driving it. */
  readonly clock: VirtualClock;

  readonly #options: CallingTestingOptions;
  readonly #peers: Calling[] = [];
  readonly #signals: SentSignals;
  #signaling: VirtualSignalingChannel | undefined;
  #media: VirtualMediaEngine | undefined;
  #watch: ReturnType<typeof realSetTimeout> | undefined;
  #stalledSince: number | undefined;

  constructor() {
    const options = inject(CALLING_TESTING_OPTIONS);
    this.#options = options;
    if (options.network && !options.clock) {
      throw new Error(
        'provideCallingTesting: a `network` needs the `clock` it runs on — pass { network, clock } with ' +
          'new VirtualNetwork({ scheduler: clock.scheduler }).',
      );
    }
    this.clock = options.clock ?? new VirtualClock();
    if (options.network && options.network.scheduler !== this.clock.scheduler) {
      throw new Error(
        'provideCallingTesting: the `network` runs on another scheduler than `clock.scheduler`, so ' +
          'advancing the clock would not move it. Create it with new VirtualNetwork({ scheduler: clock.scheduler }).',
      );
    }
    const owned = !options.network;
    this.network =
      options.network ??
      new VirtualNetwork({
        scheduler: this.clock.scheduler,
        ...(options.latency !== undefined ? { latency: options.latency } : {}),
      });
    this.#signals = new SentSignals(this.network);
    this.#arm();
    inject(DestroyRef).onDestroy(() => {
      if (this.#watch !== undefined) realClearTimeout(this.#watch);
      this.#watch = undefined;
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

  /** The scheduler of the clock: what every `Calling` here and the network run on. */
  get scheduler() {
    return this.clock.scheduler;
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
   * Lets `work` settle: runs virtual time from one scheduled action to the next until it does,
   * and resolves (or rejects) as `work` does. Fails at once when `work` is pending with nothing
   * scheduled (it waits for something virtual time cannot bring), and after 60 virtual seconds.
   * Without `work`, runs what is due now.
   *
   * `flush(promise)` stops as soon as the promise settles: a message sent on a network with
   * latency may still be in flight — `flushUntilIdle()` runs until it is delivered.
   */
  async flush<T>(work?: Promise<T>): Promise<T | undefined> {
    const clock = this.clock;
    await clock.settle();
    if (!work) return undefined;
    let settled = false;
    const done = work.finally(() => (settled = true));
    done.catch(() => undefined);
    await clock.settle();
    const start = clock.elapsed();
    while (!settled) {
      const next = clock.nextIn();
      if (next === undefined) {
        throw new Error(
          'CallingTestingController.flush: the promise is still pending and nothing is scheduled on the ' +
            'virtual clock, so no amount of virtual time will settle it. It waits for something else: ' +
            'another promise, a peer that must act first, or real I/O.',
        );
      }
      if (clock.elapsed() + next - start > FLUSH_LIMIT) {
        throw new Error(
          `CallingTestingController.flush: the promise is still pending after ${FLUSH_LIMIT} virtual ms ` +
            `(${clock.pending()} actions scheduled, the next in ${next} ms).`,
        );
      }
      await clock.advance(next);
    }
    return done;
  }

  /**
   * Runs virtual time until the network is idle: no message in flight and nothing due within
   * the network's latency (with `timers: true`, until nothing at all is scheduled). Fails,
   * naming what is left, after `limit` virtual ms (default 60 000).
   */
  async flushUntilIdle(options: FlushUntilIdleOptions = {}): Promise<void> {
    const clock = this.clock;
    const limit = options.limit ?? FLUSH_LIMIT;
    const start = clock.elapsed();
    for (;;) {
      await clock.settle();
      const next = clock.nextIn();
      if (next === undefined) return;
      const inFlight = this.#inFlight();
      if (!options.timers && inFlight === 0 && next > this.network.latency) return;
      if (clock.elapsed() + next - start > limit) {
        throw new Error(
          `CallingTestingController.flushUntilIdle: still busy after ${limit} virtual ms: ${inFlight} ` +
            `message(s) in flight, ${clock.pending()} action(s) scheduled (the next in ${next} ms).`,
        );
      }
      await clock.advance(next);
    }
  }

  /**
   * Claims the one signal sent so far that matches and returns it; fails, listing what was
   * sent, on none or several (`HttpTestingController.expectOne`).
   *
   * @example
   * controller.expectSignal({ action: 'reject', from: 'alice', busy: true });
   */
  expectSignal(match: SignalMatch): SentSignal {
    return this.#signals.expectOne(match);
  }

  /** Claims and returns every unclaimed sent signal that matches (`HttpTestingController.match`). */
  matchSignals(match: SignalMatch): SentSignal[] {
    return this.#signals.match(match);
  }

  /** Fails if an unclaimed sent signal matches. */
  expectNone(match: SignalMatch): void {
    this.#signals.expectNone(match);
  }

  /**
   * Fails if a sent signal was not claimed by `expectSignal` / `matchSignals`, and (unless
   * `leaks: false`) if anything outlived the test: virtual timers still scheduled, camera or
   * microphone tracks still live. Call it after the app logged out or hung up — a call still
   * running holds timers and tracks by design. Open subscriptions are not measurable from here;
   * every `Calling` completes its streams on `destroy()`.
   */
  verify(options: { readonly leaks?: boolean } = {}): void {
    this.#signals.verify();
    if (options.leaks === false) return;
    const problems: string[] = [];
    const pending = this.clock.pending();
    if (pending > 0) {
      problems.push(`${pending} virtual timer(s) still scheduled (the next in ${this.clock.nextIn()} ms)`);
    }
    const tracks = this.network.liveTracks();
    if (tracks > 0) problems.push(`${tracks} camera/microphone track(s) still live`);
    if (problems.length > 0) {
      throw new Error(
        `CallingTestingController.verify: ${problems.join('; ')}. Hang up or log out before verify(), ` +
          'or pass { leaks: false }.',
      );
    }
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

  #inFlight(): number {
    const now = this.clock.now();
    return this.network.sent.filter((sent) => !sent.dropped && sent.time + sent.delay > now).length;
  }

  /**
   * The stall watch: virtual work that is due (now or within a second) while nobody advances
   * the clock for 1.5 s of real time means the test awaits a promise that only virtual time
   * can settle. Throwing from a real timer fails the running test with this message, where it
   * would otherwise hang until the test runner's timeout; the watch then runs the clock so the
   * test ends at once.
   */
  #arm(): void {
    this.#watch = realSetTimeout(() => {
      const next = this.clock.nextIn();
      if (this.clock.advancing || next === undefined || next > STALL_HORIZON) {
        this.#stalledSince = undefined;
      } else {
        this.#stalledSince ??= Date.now();
        if (Date.now() - this.#stalledSince >= STALL_MS) {
          this.#watch = undefined;
          // Run what is due so the awaited promise settles and the test ends now, failed by the
          // error below, rather than at the runner's timeout.
          void this.flushUntilIdle().catch(() => undefined);
          throw new Error(
            `CallingTestingController: virtual work has been due for ${STALL_MS / 1000} s of real time and nothing ` +
              'advanced the clock. A promise that needs virtual time (login(), call(), accept(), hangup()…) is ' +
              'probably awaited on its own: write `await controller.flush(calling.login(...))`, or ' +
              '`await controller.flushUntilIdle()`.',
          );
        }
      }
      this.#arm();
    }, 250);
  }
}
