import type { TestScheduler } from 'rxjs/testing';
import { marbleTester } from 'ngx-trtc-calling/testing';
import type { Observable, SchedulerLike, Subscription } from 'rxjs';
import { ringTimeout } from './ring-timeout';

/** A ringing invitation: its inviteID and how long it rings, in ms. */
interface Ring {
  readonly id: string;
  readonly ms: number;
}

/** Wraps a scheduler to count the actions it has scheduled that are still live (neither run to the end nor cancelled). */
function countingScheduler(inner: SchedulerLike): { scheduler: SchedulerLike; live: () => number } {
  let live = 0;
  const schedule = ((work: never, delay?: number, state?: unknown): Subscription => {
    const action = inner.schedule(work, delay, state);
    live++;
    action.add(() => live--);
    return action;
  }) as SchedulerLike['schedule'];
  return { scheduler: { now: () => inner.now(), schedule }, live: () => live };
}

describe('ringTimeout', () => {
  const { createScheduler } = marbleTester();
  let testScheduler: TestScheduler;

  beforeEach(() => {
    testScheduler = createScheduler();
  });

  const timeouts = (settled$: Observable<string>, scheduler: SchedulerLike = testScheduler) =>
    ringTimeout<Ring>({ dueTime: (r) => r.ms, key: (r) => r.id, settled$, scheduler });

  it('emits an invitation once its own due time has passed, then completes with the source', () => {
    testScheduler.run(({ cold, hot, time, expectObservable, expectSubscriptions }) => {
      const due = time('       -----|');
      const a: Ring = { id: 'a', ms: due };
      const source = cold('  -a---------|', { a });
      const settled = hot('  ------------');
      const settledSubs = '  ^----------!';
      const expected = '     ------a----|';
      expectObservable(source.pipe(timeouts(settled))).toBe(expected, { a });
      expectSubscriptions(settled.subscriptions).toBe(settledSubs);
    });
  });

  it('waits for pending timers before completing when the source completes first', () => {
    testScheduler.run(({ cold, hot, time, expectObservable }) => {
      const due = time('        ------|');
      const a: Ring = { id: 'a', ms: due };
      const source = cold('  -a-|        ', { a });
      const settled = hot('  ------------');
      const expected = '     -------(a|) ';
      expectObservable(source.pipe(timeouts(settled))).toBe(expected, { a });
    });
  });

  it('emits nothing for an invitation settled before its due time, and stops timing it', () => {
    testScheduler.run(({ cold, hot, time, expectObservable, expectSubscriptions }) => {
      const due = time('       -----|');
      const a: Ring = { id: 'a', ms: due };
      const source = cold('  -a---------|', { a });
      const settled = hot('  ---a--------');
      const settledSubs = '  ^----------!';
      const expected = '     -----------|';
      expectObservable(source.pipe(timeouts(settled))).toBe(expected, { a });
      expectSubscriptions(settled.subscriptions).toBe(settledSubs);
    });
  });

  it('ignores settlements of other invitations and settlements after the due time', () => {
    testScheduler.run(({ cold, hot, time, expectObservable, expectSubscriptions }) => {
      const due = time('       -----|');
      const a: Ring = { id: 'a', ms: due };
      const source = cold('  -a---------|', { a });
      const settled = hot('  ---x----a---');
      const settledSubs = '  ^----------!';
      const expected = '     ------a----|';
      expectObservable(source.pipe(timeouts(settled))).toBe(expected, { a });
      expectSubscriptions(settled.subscriptions).toBe(settledSubs);
    });
  });

  it('times several overlapping invitations independently, each with its own due time', () => {
    testScheduler.run(({ cold, hot, time, expectObservable, expectSubscriptions }) => {
      const a: Ring = { id: 'a', ms: time('------|') };
      const b: Ring = { id: 'b', ms: time('---|') };
      const c: Ring = { id: 'c', ms: time('-----|') };
      const source = cold('  -abc--------|', { a, b, c });
      const settled = hot('  -----c-------');
      const settledSubs = '  ^-----------!';
      const expected = '     -----b-a----|';
      expectObservable(source.pipe(timeouts(settled))).toBe(expected, { a, b });
      expectSubscriptions(settled.subscriptions).toBe(settledSubs);
    });
  });

  it('cancels every pending invitation with the settled key', () => {
    testScheduler.run(({ cold, hot, time, expectObservable }) => {
      const due = time('        ------|');
      const first: Ring = { id: 'a', ms: due };
      const other: Ring = { id: 'b', ms: due };
      const again: Ring = { id: 'a', ms: due };
      const source = cold('  -fo-a------|', { f: first, o: other, a: again });
      const settled = hot('  -----a------');
      const expected = '     --------o--|';
      expectObservable(source.pipe(timeouts(settled))).toBe(expected, { o: other });
    });
  });

  it('emits at once, in the frame it arrives, an invitation whose due time is zero or negative', () => {
    testScheduler.run(({ cold, hot, expectObservable }) => {
      const zero: Ring = { id: 'z', ms: 0 };
      const negative: Ring = { id: 'n', ms: -30_000 };
      const source = cold('  -z-n-|', { z: zero, n: negative });
      const settled = hot('  ------');
      const expected = '     -z-n-|';
      expectObservable(source.pipe(timeouts(settled))).toBe(expected, { z: zero, n: negative });
    });
  });

  it('reads the due time and key from each item when it arrives', () => {
    const dueTime = jest.fn((r: Ring) => r.ms);
    const key = jest.fn((r: Ring) => r.id);
    testScheduler.run(({ cold, hot, time, expectObservable }) => {
      const a: Ring = { id: 'a', ms: time('--|') };
      const source = cold('  -a-|', { a });
      const settled = hot('  -----');
      const expected = '     ---(a|)';
      expectObservable(
        source.pipe(ringTimeout({ dueTime, key, settled$: settled, scheduler: testScheduler })),
      ).toBe(expected, { a });
    });
    expect(dueTime.mock.calls).toEqual([[{ id: 'a', ms: 2 }]]);
    expect(key.mock.calls).toEqual([[{ id: 'a', ms: 2 }]]);
  });

  it('runs its timers on the given scheduler', () => {
    const counting = countingScheduler(testScheduler);
    const live: number[] = [];
    testScheduler.run(({ cold, hot, time, expectObservable }) => {
      const a: Ring = { id: 'a', ms: time('----|') };
      const source = cold('  -a-------|', { a });
      const settled = hot('  ----------');
      const expected = '     -----a---|';
      [0, 3, 7].forEach((frame) => testScheduler.schedule(() => live.push(counting.live()), frame));
      expectObservable(source.pipe(timeouts(settled, counting.scheduler))).toBe(expected, { a });
    });
    expect(live).toEqual([0, 1, 0]);
  });

  it('clears its timers when an invitation is settled', () => {
    const counting = countingScheduler(testScheduler);
    const live: number[] = [];
    testScheduler.run(({ cold, hot, time, expectObservable }) => {
      const a: Ring = { id: 'a', ms: time('--------|') };
      const b: Ring = { id: 'b', ms: time('--------|') };
      const source = cold('  -ab---------|', { a, b });
      const settled = hot('  ----a--b-----');
      const expected = '     ------------|';
      [3, 5, 8].forEach((frame) => testScheduler.schedule(() => live.push(counting.live()), frame));
      expectObservable(source.pipe(timeouts(settled, counting.scheduler))).toBe(expected);
    });
    expect(live).toEqual([2, 1, 0]);
  });

  it('clears every pending timer and unsubscribes from settled$ and the source when the result is unsubscribed', () => {
    const counting = countingScheduler(testScheduler);
    const live: number[] = [];
    testScheduler.run(({ hot, time, expectObservable, expectSubscriptions }) => {
      const a: Ring = { id: 'a', ms: time('-----|') };
      const b: Ring = { id: 'b', ms: time('-----|') };
      const source = hot('   -ab--------', { a, b });
      const settled = hot('  -----------');
      const unsub = '        ^---!      ';
      const sourceSubs = '   ^---!      ';
      const settledSubs = '  ^---!      ';
      const expected = '     -----      ';
      [3, 5].forEach((frame) => testScheduler.schedule(() => live.push(counting.live()), frame));
      expectObservable(source.pipe(timeouts(settled, counting.scheduler)), unsub).toBe(expected);
      expectSubscriptions(source.subscriptions).toBe(sourceSubs);
      expectSubscriptions(settled.subscriptions).toBe(settledSubs);
    });
    expect(live).toEqual([2, 0]);
  });

  it('defaults to asyncScheduler (virtual inside TestScheduler.run)', () => {
    testScheduler.run(({ cold, hot, time, expectObservable }) => {
      const a: Ring = { id: 'a', ms: time('---|') };
      const source = cold('  -a-|', { a });
      const settled = hot('  -----');
      const expected = '     ----(a|)';
      expectObservable(
        source.pipe(ringTimeout<Ring>({ dueTime: (r) => r.ms, key: (r) => r.id, settled$: settled })),
      ).toBe(expected, { a });
    });
  });
});
