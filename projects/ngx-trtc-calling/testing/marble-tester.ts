import { TestScheduler, type RunHelpers } from 'rxjs/testing';
import { deepEqual } from './deep-equal';

/** Compares what a marble test produced with what it expected; throws on a mismatch. */
export type DeepEqualAssertion = (actual: unknown, expected: unknown) => void;

/** Runs operator marble tests on fresh `TestScheduler`s (see `marbleTester`). */
export interface MarbleTester {
  /**
   * Runs `callback` inside `TestScheduler.run` on a new scheduler (1 frame = 1 ms, time
   * progression syntax, `expectObservable`, `expectSubscriptions`, `time`), then flushes and
   * asserts; returns what `callback` returned.
   */
  runMarbles<R>(callback: (helpers: RunHelpers) => R): R;
  /** A new `TestScheduler` wired to the assertion, for tests that need the scheduler itself. */
  createScheduler(): TestScheduler;
}

interface JestLikeExpect {
  (actual: unknown): { toEqual(expected: unknown): void };
}

/**
 * The default assertion: the test runner's `expect(actual).toEqual(expected)` (jest, vitest)
 * when there is a global `expect`, else a structural comparison that throws with both sides.
 */
export const defaultDeepEqualAssertion: DeepEqualAssertion = (actual, expected) => {
  const expect = (globalThis as { expect?: JestLikeExpect }).expect;
  if (typeof expect === 'function') {
    expect(actual).toEqual(expected);
    return;
  }
  if (!deepEqual(actual, expected)) {
    throw new Error(
      `Marble mismatch.\nactual:   ${JSON.stringify(actual, null, 1)}\nexpected: ${JSON.stringify(expected, null, 1)}`,
    );
  }
};

/**
 * Marble helpers for operator tests, after NgRx's: one `runMarbles` per case.
 *
 * One frame is 1 ms. Pass durations as numbers: `time('---|')` counts frames (3), and
 * `time('30s|')` is not 30 000 (time-progression syntax is for marble strings, `'30s #'`).
 *
 * @example
 * const { runMarbles } = marbleTester();
 * it('times out after 30 s', () => {
 *   runMarbles(({ cold, expectObservable }) => {
 *     const source$ = cold('-').pipe(timeout(30_000));
 *     expectObservable(source$).toBe('30s #', undefined, new TimeoutError());
 *   });
 * });
 */
export function marbleTester(assertDeepEqual: DeepEqualAssertion = defaultDeepEqualAssertion): MarbleTester {
  const createScheduler = () => new TestScheduler((actual, expected) => assertDeepEqual(actual, expected));
  return {
    createScheduler,
    runMarbles: (callback) => createScheduler().run(callback),
  };
}

/** `marbleTester().runMarbles` with the default assertion. */
export function runMarbles<R>(callback: (helpers: RunHelpers) => R): R {
  return marbleTester().runMarbles(callback);
}
