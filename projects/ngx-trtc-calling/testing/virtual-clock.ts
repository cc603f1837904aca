import { VirtualTimeScheduler, type SchedulerLike } from 'rxjs';

/** The default `VirtualClock` start time: 2023-11-14T22:13:20Z, so message times look like epoch ms. */
export const DEFAULT_VIRTUAL_START_TIME = 1_700_000_000_000;

/** Options of `VirtualClock`. */
export interface VirtualClockOptions {
  /** What `now()` returns before any time has passed, epoch ms (default `DEFAULT_VIRTUAL_START_TIME`). */
  readonly startTime?: number;
}

/** How often `advance` yields a macrotask, at most, waiting for promise code to schedule more work. */
const MAX_IDLE_TURNS = 10;

type Defer = (callback: () => void) => unknown;

// Captured at load so that a test switching to jest fake timers later does not stall `advance`.
const realGlobal = globalThis as unknown as {
  setImmediate?: Defer;
  setTimeout: (cb: () => void, ms: number) => unknown;
};
const deferMacrotask: Defer =
  typeof realGlobal.setImmediate === 'function'
    ? realGlobal.setImmediate.bind(globalThis)
    : (callback) => realGlobal.setTimeout.call(globalThis, callback, 0);

function macrotask(): Promise<void> {
  return new Promise((resolve) => deferMacrotask(() => resolve()));
}

/**
 * Deterministic virtual time for code that mixes RxJS schedulers and promises.
 *
 * Hand `clock.scheduler` to the code under test (`VirtualNetwork`, `Calling`, operators), then
 * drive time with `await clock.advance(ms)`. Unlike `TestScheduler.run`, which cannot see
 * promise continuations, `advance` runs the scheduled actions one at a time, in time order,
 * and lets pending promise continuations run (by yielding real macrotasks) before and after
 * each action — so `await channel.send(...)` followed by a timer lands at the right virtual
 * instant, as it would in a browser where microtasks drain between timers.
 *
 * Do not combine with jest fake timers for the same code: the clock yields real macrotasks.
 *
 * @example
 * const clock = new VirtualClock();
 * const network = new VirtualNetwork({ scheduler: clock.scheduler, latency: 50 });
 * await clock.advance(30_000); // 30 virtual seconds, in milliseconds of real time
 * expect(clock.pending()).toBe(0); // no timer left behind
 */
export class VirtualClock {
  /** The scheduler to inject: an rxjs `VirtualTimeScheduler` whose `now()` equals `clock.now()`. */
  readonly scheduler: SchedulerLike;
  /** What `now()` returned at construction, epoch ms. */
  readonly startTime: number;

  private readonly virtual: VirtualTimeScheduler;
  private queue: Promise<void> = Promise.resolve();
  private runs = 0;

  /** Creates a clock at `options.startTime`. */
  constructor(options: VirtualClockOptions = {}) {
    this.startTime = options.startTime ?? DEFAULT_VIRTUAL_START_TIME;
    this.virtual = new VirtualTimeScheduler();
    this.virtual.now = () => this.startTime + this.virtual.frame;
    this.scheduler = this.virtual;
  }

  /** Current virtual time: `startTime` plus the virtual milliseconds elapsed. */
  now(): number {
    return this.startTime + this.virtual.frame;
  }

  /** Virtual milliseconds elapsed since construction. */
  elapsed(): number {
    return this.virtual.frame;
  }

  /** How many actions are still scheduled (timers, deliveries): proves that nothing leaks. */
  pending(): number {
    return this.virtual.actions.length;
  }

  /** Virtual ms from now until the next scheduled action, or `undefined` when none is. */
  nextIn(): number | undefined {
    const next = this.virtual.actions[0];
    return next ? Math.max(0, next.delay - this.virtual.frame) : undefined;
  }

  /** Whether an `advance` (or `settle`) is running or queued. */
  get advancing(): boolean {
    return this.runs > 0;
  }

  /**
   * Moves time forward by `ms`, running every action due up to `now() + ms` in time order
   * (and same-time actions in scheduling order), with promise continuations flushed before
   * and after each; resolves with the clock at exactly `now() + ms`. Calls made while an
   * advance is running are queued and start where it ends. Rejects with the error an action
   * threw (that action is dropped, the others stay scheduled).
   */
  advance(ms: number): Promise<void> {
    if (!Number.isFinite(ms) || ms < 0) {
      return Promise.reject(new RangeError(`VirtualClock.advance: expected a finite ms >= 0, got ${ms}`));
    }
    this.runs++;
    const run = this.queue.then(() => this.run(ms)).finally(() => this.runs--);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Runs what is due now and lets promise continuations settle: `advance(0)`. */
  settle(): Promise<void> {
    return this.advance(0);
  }

  private async run(ms: number): Promise<void> {
    const scheduler = this.virtual;
    const target = scheduler.frame + ms;
    await this.idle();
    for (let next = scheduler.actions[0]; next && next.delay <= target; next = scheduler.actions[0]) {
      // One action at a time (what VirtualTimeScheduler.flush does in a loop), so that the
      // microtasks it queues run before the next action, as between two real timers.
      scheduler.actions.shift();
      scheduler.frame = next.delay;
      const error: unknown = next.execute(next.state, next.delay);
      if (error) throw error;
      await this.idle();
    }
    scheduler.frame = target;
  }

  /** Yields macrotasks until a turn passes without the scheduled actions changing. */
  private async idle(): Promise<void> {
    const actions = this.virtual.actions;
    for (let turn = 0; turn < MAX_IDLE_TURNS; turn++) {
      const before = actions.slice();
      await macrotask();
      if (before.length === actions.length && before.every((action, i) => action === actions[i])) return;
    }
  }
}
