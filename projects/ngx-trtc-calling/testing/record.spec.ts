import fc from 'fast-check';
import { Subject, concat, of, throwError, timer, map } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { recordEvents } from './record';
import { VirtualClock } from './virtual-clock';

describe('recordEvents', () => {
  it('records values, times relative to the subscription, and completion', async () => {
    const clock = new VirtualClock();
    await clock.advance(12_345);
    const rec = recordEvents(concat(of('a'), timer(30_000, clock.scheduler).pipe(map(() => 'b'))), clock);
    await clock.advance(30_000);
    expect(rec.events).toEqual([
      { time: 0, kind: 'next', value: 'a' },
      { time: 30_000, kind: 'next', value: 'b' },
      { time: 30_000, kind: 'complete' },
    ]);
    expect(rec.values).toEqual(['a', 'b']);
    expect(rec.completed).toBe(true);
    expect(rec.marbles()).toBe('a 29999ms (b|)');
  });

  it('records an error', () => {
    const clock = new VirtualClock();
    const failure = new Error('nope');
    const rec = recordEvents(
      concat(
        of(1),
        throwError(() => failure),
      ),
      clock,
    );
    expect(rec.error).toBe(failure);
    expect(rec.completed).toBe(false);
    expect(rec.marbles()).toBe('(a#)');
  });

  it('stop() unsubscribes and keeps what was recorded', async () => {
    const clock = new VirtualClock();
    const source = new Subject<number>();
    const rec = recordEvents(source, clock);
    source.next(1);
    rec.stop();
    expect(source.observed).toBe(false);
    source.next(2);
    expect(rec.values).toEqual([1]);
    expect(() => rec.stop()).not.toThrow();
  });

  describe('marbles()', () => {
    async function recordAt(times: number[], values: unknown[], complete?: number) {
      const clock = new VirtualClock({ startTime: 0 });
      const source = new Subject<unknown>();
      const rec = recordEvents(source, clock);
      times.forEach((t, i) => clock.scheduler.schedule(() => source.next(values[i]), t));
      if (complete !== undefined) clock.scheduler.schedule(() => source.complete(), complete);
      await clock.advance(Math.max(0, ...times, complete ?? 0));
      return rec;
    }

    it('writes gaps in ms after the frame a letter takes', async () => {
      const rec = await recordAt([0, 30_000], ['x', 'y']);
      expect(rec.marbles()).toBe('a 29999ms b');
      expect(rec.marbles({ x: 'x', y: 'y' })).toBe('x 29999ms y');
    });

    it('starts with a gap, joins adjacent frames, groups an instant (the group takes its length)', async () => {
      const rec = await recordAt([10, 10, 14, 15, 20], [1, 2, 3, 1, 4], 25);
      expect(rec.marbles()).toBe('10ms (ab)ca 4ms d 4ms |');
    });

    it('renders nothing as the empty string', async () => {
      expect((await recordAt([], [])).marbles()).toBe('');
    });

    it('matches table letters by deep equality and throws for a value with no letter', async () => {
      const rec = await recordAt([0, 5], [{ status: 'ready' }, { status: 'gone' }]);
      expect(() => rec.marbles({ r: { status: 'ready' } })).toThrow('no letter for {"status":"gone"}');
      expect(rec.marbles({ r: { status: 'ready' }, g: { status: 'gone' } })).toBe('r 4ms g');
    });

    it('uses a letter function, and refuses letters that would not parse back', async () => {
      const rec = await recordAt([0], [7]);
      expect(rec.marbles((v) => (v === 7 ? 's' : '?'))).toBe('s');
      for (const bad of ['', 'ab', ' ', '-', '(', ')', '|', '#', '^', '!', '7']) {
        expect(() => rec.marbles(() => bad)).toThrow('not a usable letter');
      }
      expect(() => rec.marbles({ '1': 7 })).toThrow('not a usable letter');
    });

    it('assigns default letters by distinct value, and throws past 52 distinct values', async () => {
      const few = await recordAt([0, 1, 2], [{ n: 1 }, { n: 2 }, { n: 1 }]);
      expect(few.marbles()).toBe('aba');
      const many = await recordAt(
        Array.from({ length: 53 }, (_, i) => i),
        Array.from({ length: 53 }, (_, i) => i),
      );
      expect(() => many.marbles()).toThrow('more than 52');
    });

    it('throws when a notification falls inside the span of a previous group', async () => {
      const rec = await recordAt([0, 0, 2], ['a', 'b', 'c']);
      expect(() => rec.marbles()).toThrow('falls inside the group');
    });

    it('parses back with TestScheduler (run mode) to exactly the recorded frames', async () => {
      // Times are built so that each notification comes after the previous group's span.
      const schedule = fc.array(
        fc.record({ gap: fc.integer({ min: 0, max: 50_000 }), size: fc.integer({ min: 1, max: 3 }) }),
        { maxLength: 8 },
      );
      await fc.assert(
        fc.asyncProperty(
          schedule,
          fc.option(fc.integer({ min: -1, max: 100 })),
          async (steps, completion) => {
            const times: number[] = [];
            const values: string[] = [];
            let cursor = 0;
            let last: number | undefined;
            for (const { gap, size } of steps) {
              last = cursor + gap;
              for (let i = 0; i < size; i++) {
                times.push(last);
                values.push(String.fromCharCode(97 + (values.length % 26)));
              }
              cursor = last + (size === 1 ? 1 : size + 2);
            }
            // -1: complete in the same frame as the last values (joins their group).
            const completeAt =
              completion === null
                ? undefined
                : completion === -1 && last !== undefined
                  ? last
                  : cursor + Math.max(0, completion);
            const rec = await recordAt(times, values, completeAt);
            const marbles = rec.marbles((v) => v as string);
            const parsed = new TestScheduler(() => undefined).run(() =>
              TestScheduler.parseMarbles(marbles, undefined, undefined, undefined, true),
            );
            const expected = rec.events.map((e) => ({
              frame: e.time,
              notification:
                e.kind === 'next'
                  ? { kind: 'N', value: e.value, error: undefined }
                  : { kind: 'C', value: undefined, error: undefined },
            }));
            expect(parsed).toEqual(expected);
          },
        ),
        { numRuns: 200 },
      );
    });
  });
});
