import type { Observable, Subscription } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { deepEqual } from './deep-equal';

/** Anything with a clock: a `VirtualClock` or a `SchedulerLike`. */
export interface TimeSource {
  now(): number;
}

/** One recorded notification; `time` is ms since the subscription. */
export type RecordedEvent<T> =
  | { readonly time: number; readonly kind: 'next'; readonly value: T }
  | { readonly time: number; readonly kind: 'error'; readonly error: unknown }
  | { readonly time: number; readonly kind: 'complete' };

/**
 * How `marbles()` names values: a letter → value table (values are matched by deep
 * equality, as `TestScheduler` expectations are), or a function returning the letter.
 */
export type MarbleLetters<T> = Readonly<Record<string, unknown>> | ((value: T) => string);

/** Characters with a meaning in marble syntax (digits too: `1m ` would read as a minute). */
const RESERVED = /[\s\-()|#^!0-9]/;
const DEFAULT_LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** The recording made by `recordEvents`. */
export class EventRecording<T> {
  private readonly log: RecordedEvent<T>[] = [];
  private subscription: Subscription | undefined;

  /** @internal Use `recordEvents`. */
  constructor(source$: Observable<T>, clock: TimeSource) {
    const start = clock.now();
    const at = () => clock.now() - start;
    this.subscription = source$.subscribe({
      next: (value) => this.log.push({ time: at(), kind: 'next', value }),
      error: (error: unknown) => this.log.push({ time: at(), kind: 'error', error }),
      complete: () => this.log.push({ time: at(), kind: 'complete' }),
    });
  }

  /** Every notification so far, in order. */
  get events(): readonly RecordedEvent<T>[] {
    return [...this.log];
  }

  /** The values emitted so far, in order. */
  get values(): T[] {
    return this.log.flatMap((event) => (event.kind === 'next' ? [event.value] : []));
  }

  /** Whether the source completed. */
  get completed(): boolean {
    return this.log.some((event) => event.kind === 'complete');
  }

  /** The error the source failed with, if it did. */
  get error(): unknown {
    const failure = this.log.find((event) => event.kind === 'error');
    return failure?.kind === 'error' ? failure.error : undefined;
  }

  /**
   * The recording as a marble string in `TestScheduler.run` syntax (1 frame = 1 ms), exactly:
   * parsed back by `TestScheduler` in run mode it yields the recorded frames.
   *
   * Canonical form: a value is one letter and takes one frame; values, `|` (complete) and `#`
   * (error) of the same instant form a group `(ab|)`, which takes its length in frames; a gap
   * is written `Nms` (always in ms, never `-`), separated by single spaces.
   * So `a` at 0 and `b` at 30 000 is `'a 29999ms b'`; `a`, `b` at 10 then `c` at 20 is
   * `'10ms (ab) 6ms c'`; nothing is `''`.
   *
   * `letters`: a table (`{a: value}`, matched by deep equality; an unmatched value throws) or a
   * function; by default distinct values get `a`, `b`, `c`, … in order of first emission.
   * A letter is one character, not whitespace, a digit or one of `-()|#^!`. Throws when no
   * exact string exists: a notification less than a group's length after that group.
   */
  marbles(letters?: MarbleLetters<T>): string {
    const name = this.namer(letters);
    const frames: { time: number; tokens: string[] }[] = [];
    for (const event of this.log) {
      const token = event.kind === 'next' ? name(event.value) : event.kind === 'complete' ? '|' : '#';
      const last = frames[frames.length - 1];
      if (last && last.time === event.time) last.tokens.push(token);
      else frames.push({ time: event.time, tokens: [token] });
    }
    const parts: string[] = [];
    let cursor = 0;
    for (const { time, tokens } of frames) {
      const group = tokens.join('');
      const token = tokens.length === 1 ? group : `(${group})`;
      const gap = time - cursor;
      if (gap < 0) {
        // A group occupies as many frames as it has characters; TestScheduler has no way to
        // write a notification inside that span, so an exact string does not exist.
        throw new Error(
          `marbles: a notification at ${time} ms falls inside the group ending at ${cursor} ms; use .events`,
        );
      }
      if (gap > 0) {
        parts.push(` ${gap}ms `, token);
      } else {
        parts.push(token);
      }
      cursor = time + token.length;
    }
    return parts.join('').trim();
  }

  /**
   * Asserts the recording against a marble string (`TestScheduler.run` syntax, 1 frame = 1 ms,
   * as `marbles()` writes it): `values` maps letters to expected values — deep equality, and
   * asymmetric matchers such as `expect.objectContaining(...)` at any depth — and `error` is
   * the expected error of `#` (not compared when omitted). On a mismatch it throws naming the
   * first notification that differs (its time, kind and value, expected and actual) and shows
   * both marble strings.
   *
   * @example
   * rec.expectMarbles('i 49ms r', { i: 'idle', r: expect.stringMatching(/ring/) });
   */
  expectMarbles(marbles: string, values?: Readonly<Record<string, unknown>>, error?: unknown): void {
    // 1 frame = 1 ms, as inside `run()` (which sets the factor the same way while it runs).
    const factor = TestScheduler.frameTimeFactor;
    TestScheduler.frameTimeFactor = 1;
    let expected: ReturnType<typeof TestScheduler.parseMarbles>;
    try {
      expected = TestScheduler.parseMarbles(marbles, values, error, false, true);
    } finally {
      TestScheduler.frameTimeFactor = factor;
    }
    const actual = this.log;
    for (let i = 0; i < Math.max(expected.length, actual.length); i++) {
      const want = expected[i];
      const got = actual[i];
      const same =
        want !== undefined &&
        got !== undefined &&
        want.frame === got.time &&
        KINDS[want.notification.kind] === got.kind &&
        (got.kind !== 'next' ||
          (want.notification.kind === 'N' && deepEqual(want.notification.value, got.value))) &&
        (got.kind !== 'error' || error === undefined || deepEqual(error, got.error));
      if (same) continue;
      const wanted = want
        ? `${KINDS[want.notification.kind]}${want.notification.kind === 'N' ? ` ${describe(want.notification.value)}` : ''} at ${want.frame} ms`
        : 'nothing more';
      const gotten = got ? describeEvent(got) : 'nothing more';
      let rendered: string;
      try {
        rendered = this.marbles(values);
      } catch {
        rendered = actual.map(describeEvent).join(', ');
      }
      throw new Error(
        `expectMarbles: notification ${i + 1} differs: expected ${wanted}, got ${gotten}.
` +
          `expected: ${marbles}
actual:   ${rendered}`,
      );
    }
  }

  /** Unsubscribes from the source; the recording keeps what it has. */
  stop(): void {
    this.subscription?.unsubscribe();
    this.subscription = undefined;
  }

  private namer(letters: MarbleLetters<T> | undefined): (value: T) => string {
    const checked = (letter: string, value: T): string => {
      if (typeof letter !== 'string' || letter.length !== 1 || RESERVED.test(letter)) {
        throw new Error(`marbles: ${JSON.stringify(letter)} (for ${describe(value)}) is not a usable letter`);
      }
      return letter;
    };
    if (typeof letters === 'function') return (value) => checked(letters(value), value);
    if (letters) {
      const table = Object.entries(letters);
      return (value) => {
        const entry = table.find(([, expected]) => deepEqual(expected, value));
        if (!entry) throw new Error(`marbles: no letter for ${describe(value)}`);
        return checked(entry[0], value);
      };
    }
    const seen: T[] = [];
    return (value) => {
      let index = seen.findIndex((known) => deepEqual(known, value));
      if (index < 0) index = seen.push(value) - 1;
      const letter = DEFAULT_LETTERS[index];
      if (letter === undefined) throw new Error('marbles: more than 52 distinct values; pass letters');
      return letter;
    };
  }
}

/**
 * Subscribes to `source$` now and records every notification with its time relative to now
 * on `clock` (a `VirtualClock`, or any scheduler). Call `stop()` when done.
 *
 * @example
 * const rec = recordEvents(alice.phase$, clock); // alice: a Calling on a VirtualNetwork
 * void alice.call({ userID: 'bob', type: 1 }); // bob never answers
 * await clock.advance(31_000);
 * expect(rec.marbles({ i: 'idle', d: 'dialing' })).toBe('(id) 30096ms i'); // idle again at 30 100 ms
 * rec.stop();
 */
export function recordEvents<T>(source$: Observable<T>, clock: TimeSource): EventRecording<T> {
  return new EventRecording(source$, clock);
}

const KINDS = { N: 'next', E: 'error', C: 'complete' } as const;

/** How jest and vitest print an asymmetric matcher (`ObjectContaining {…}`), if `value` is one. */
function matcherText(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || !('asymmetricMatch' in value)) return undefined;
  const printable = value as { toAsymmetricMatcher?: () => string; sample?: unknown };
  const name =
    typeof printable.toAsymmetricMatcher === 'function' ? printable.toAsymmetricMatcher() : String(value);
  return printable.sample === undefined || name.includes('<')
    ? name
    : `${name}<${describe(printable.sample)}>`;
}

function describeEvent(event: RecordedEvent<unknown>): string {
  const detail =
    event.kind === 'next'
      ? ` ${describe(event.value)}`
      : event.kind === 'error'
        ? ` ${String(event.error)}`
        : '';
  return `${event.kind}${detail} at ${event.time} ms`;
}

function describe(value: unknown): string {
  const matcher = matcherText(value);
  if (matcher !== undefined) return matcher;
  try {
    return JSON.stringify(value, (_, v: unknown) => matcherText(v) ?? v) ?? String(value);
  } catch {
    return String(value);
  }
}
