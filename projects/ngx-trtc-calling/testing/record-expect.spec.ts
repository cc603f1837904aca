import { Subject } from 'rxjs';
import { recordEvents } from './record';
import { VirtualClock } from './virtual-clock';

/** A recording of `emit`'s values at the given virtual instants. */
async function recordAt(at: readonly [number, unknown][], end?: number) {
  const clock = new VirtualClock();
  const subject = new Subject<unknown>();
  const rec = recordEvents(subject, clock);
  for (const [time, value] of at) {
    await clock.advance(time - clock.elapsed());
    subject.next(value);
  }
  if (end !== undefined) {
    await clock.advance(end - clock.elapsed());
    subject.complete();
  }
  return rec;
}

describe('EventRecording with matchers and frame-level diffs', () => {
  const connected = { phase: 'connected', call: { callID: 'c-1', startedAt: 1_700_000_005_046 } };
  const idle = { phase: 'idle', call: null };

  it('marbles() names values through asymmetric matchers', async () => {
    const rec = await recordAt([
      [0, idle],
      [5_046, connected],
    ]);
    expect(
      rec.marbles({ i: { phase: 'idle', call: null }, C: expect.objectContaining({ phase: 'connected' }) }),
    ).toBe('i 5045ms C');
  });

  it('expectMarbles() passes with matchers at any depth', async () => {
    const rec = await recordAt(
      [
        [0, idle],
        [5_046, connected],
      ],
      6_000,
    );
    rec.expectMarbles('i 5045ms C 953ms |', {
      i: idle,
      C: { phase: 'connected', call: { callID: expect.any(String), startedAt: expect.any(Number) } },
    });
  });

  it('expectMarbles() names the first notification that differs, with its time', async () => {
    const rec = await recordAt([
      [0, idle],
      [5_046, connected],
    ]);
    expect(() =>
      rec.expectMarbles('i 5045ms C', { i: idle, C: expect.objectContaining({ phase: 'ringing' }) }),
    ).toThrow(
      /notification 2 differs: expected next ObjectContaining<\{"phase":"ringing"\}> at 5046 ms, got next \{"phase":"connected".*\} at 5046 ms/,
    );
    expect(() => rec.expectMarbles('i 5000ms C', { i: idle, C: connected })).toThrow(
      /notification 2 differs: expected next .* at 5001 ms, got next .* at 5046 ms\.\nexpected: i 5000ms C\nactual: {3}i 5045ms C/,
    );
    expect(() => rec.expectMarbles('i', { i: idle })).toThrow(
      /notification 2 differs: expected nothing more, got next .* at 5046 ms/,
    );
    expect(() => rec.expectMarbles('i 5045ms C 9ms |', { i: idle, C: connected })).toThrow(
      /notification 3 differs: expected complete at 5056 ms, got nothing more/,
    );
  });

  it('expectMarbles() checks the error of # only when given', async () => {
    const clock = new VirtualClock();
    const subject = new Subject<number>();
    const rec = recordEvents(subject, clock);
    subject.error(new Error('boom'));
    rec.expectMarbles('#');
    rec.expectMarbles('#', undefined, new Error('boom'));
    expect(() => rec.expectMarbles('#', undefined, new Error('other'))).toThrow(/notification 1 differs/);
  });
});
