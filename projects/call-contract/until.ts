/**
 * `until`: the one way every spec of the workspace waits for a condition, in real time, in jest's
 * fake time or in a `VirtualClock`'s time. One argument order everywhere:
 * `until(predicate, what?, timeoutMs?)`; the failure names what was awaited (`what`, or the
 * predicate's source when none is given).
 */

/** Waits until `predicate` holds; fails after `timeoutMs` of the clock's time. */
export type Until = (predicate: () => boolean, what?: string, timeoutMs?: number) => Promise<void>;

/** How `until` lets time pass between two looks at its predicate. */
export interface UntilClock {
  /** Shown in the failure: `real`, `fake`, `virtual`. */
  readonly kind: string;
  /** The clock's time, in ms. */
  now(): number;
  /** Lets `ms` of the clock's time pass. */
  sleep(ms: number): Promise<unknown>;
}

export interface UntilOptions {
  /** Used when a call gives no `timeoutMs`. */
  readonly timeoutMs?: number;
  /** Time between two looks, fixed or growing with the time waited so far. */
  readonly pollMs?: number | ((waited: number) => number);
}

/** Real time: `Date.now` and `setTimeout`. */
export const realClock: UntilClock = {
  kind: 'real',
  now: () => Date.now(),
  sleep: (ms) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
};

/** A clock whose time passes only by `advance` (jest's fake timers, for instance). */
export function advancingClock(kind: string, advance: (ms: number) => Promise<unknown>): UntilClock {
  let now = 0;
  return {
    kind,
    now: () => now,
    sleep: async (ms) => {
      await advance(ms);
      now += ms;
    },
  };
}

/** An `until` on `clock`. */
export function untilOn(
  clock: UntilClock,
  { timeoutMs: defaultTimeout = 5_000, pollMs = 5 }: UntilOptions = {},
): Until {
  const step = typeof pollMs === 'number' ? () => pollMs : pollMs;
  return async (predicate, what, timeoutMs = defaultTimeout) => {
    const started = clock.now();
    while (!predicate()) {
      const waited = clock.now() - started;
      if (waited >= timeoutMs) {
        throw new Error(
          `timed out after ${timeoutMs} ms (${clock.kind} time) waiting for ${what ?? String(predicate)}`,
        );
      }
      await clock.sleep(step(waited));
    }
  };
}

/** `until` in real time, polling every 5 ms, 5 s unless told otherwise. */
export const until: Until = untilOn(realClock);
