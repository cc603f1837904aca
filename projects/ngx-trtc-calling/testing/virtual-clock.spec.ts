import { interval, take, timer } from 'rxjs';
import { DEFAULT_VIRTUAL_START_TIME, VirtualClock } from './virtual-clock';

/** A promise that resolves `ms` later on the clock's scheduler. */
function sleep(clock: VirtualClock, ms: number): Promise<void> {
  return new Promise((resolve) => clock.scheduler.schedule(() => resolve(), ms));
}

describe('VirtualClock', () => {
  it('starts at 1_700_000_000_000 by default, and scheduler.now() agrees', () => {
    const clock = new VirtualClock();
    expect(DEFAULT_VIRTUAL_START_TIME).toBe(1_700_000_000_000);
    expect(clock.now()).toBe(1_700_000_000_000);
    expect(clock.scheduler.now()).toBe(1_700_000_000_000);
    expect(clock.elapsed()).toBe(0);
  });

  it('starts at options.startTime', async () => {
    const clock = new VirtualClock({ startTime: 5 });
    await clock.advance(10);
    expect(clock.now()).toBe(15);
    expect(clock.scheduler.now()).toBe(15);
  });

  it('runs due actions in time order (same instant: scheduling order) and stops at exactly now + ms', async () => {
    const clock = new VirtualClock({ startTime: 0 });
    const log: string[] = [];
    clock.scheduler.schedule(() => log.push(`c@${clock.now()}`), 300);
    clock.scheduler.schedule(() => log.push(`a@${clock.now()}`), 100);
    clock.scheduler.schedule(() => log.push(`b@${clock.now()}`), 100);
    clock.scheduler.schedule(() => log.push(`d@${clock.now()}`), 301);

    await clock.advance(300);
    expect(log).toEqual(['a@100', 'b@100', 'c@300']);
    expect(clock.now()).toBe(300);
    expect(clock.pending()).toBe(1);

    await clock.advance(0.5);
    expect(clock.now()).toBe(300.5);
    expect(log).toHaveLength(3);
    await clock.advance(0.5);
    expect(log).toEqual(['a@100', 'b@100', 'c@300', 'd@301']);
  });

  it('runs promise continuations at the virtual instant they belong to', async () => {
    const clock = new VirtualClock({ startTime: 0 });
    const times: number[] = [];
    void (async () => {
      await sleep(clock, 100);
      times.push(clock.now());
      await Promise.resolve();
      await sleep(clock, 200); // scheduled from a continuation: must count from 100, not from 0 or 1000
      times.push(clock.now());
    })();
    await clock.advance(1000);
    expect(times).toEqual([100, 300]);
    expect(clock.now()).toBe(1000);
  });

  it('lets microtasks of one action run before the next action of the same instant', async () => {
    const clock = new VirtualClock({ startTime: 0 });
    const log: string[] = [];
    clock.scheduler.schedule(() => {
      log.push('first');
      void Promise.resolve().then(() => log.push('continuation of first'));
    }, 50);
    clock.scheduler.schedule(() => log.push('second'), 50);
    await clock.advance(50);
    expect(log).toEqual(['first', 'continuation of first', 'second']);
  });

  it('runs, within the same advance, actions scheduled by continuations that are still due', async () => {
    const clock = new VirtualClock({ startTime: 0 });
    const log: number[] = [];
    void sleep(clock, 10).then(() => clock.scheduler.schedule(() => log.push(clock.now()), 0));
    await clock.advance(10);
    expect(log).toEqual([10]);
  });

  it('settle() runs what is due now and nothing later', async () => {
    const clock = new VirtualClock({ startTime: 0 });
    const log: string[] = [];
    clock.scheduler.schedule(() => log.push('now'));
    clock.scheduler.schedule(() => log.push('later'), 1);
    await clock.settle();
    expect(log).toEqual(['now']);
    expect(clock.now()).toBe(0);
  });

  it('drives rxjs timers and intervals', async () => {
    const clock = new VirtualClock({ startTime: 0 });
    const ticks: number[] = [];
    interval(1000, clock.scheduler)
      .pipe(take(3))
      .subscribe(() => ticks.push(clock.now()));
    let fired = 0;
    timer(2500, clock.scheduler).subscribe(() => (fired = clock.now()));
    await clock.advance(10_000);
    expect(ticks).toEqual([1000, 2000, 3000]);
    expect(fired).toBe(2500);
    expect(clock.pending()).toBe(0);
  });

  it('counts pending actions and forgets cancelled ones', async () => {
    const clock = new VirtualClock();
    expect(clock.pending()).toBe(0);
    const a = clock.scheduler.schedule(() => undefined, 10);
    clock.scheduler.schedule(() => undefined, 20);
    expect(clock.pending()).toBe(2);
    a.unsubscribe();
    expect(clock.pending()).toBe(1);
    await clock.advance(20);
    expect(clock.pending()).toBe(0);
  });

  it('serializes overlapping advances', async () => {
    const clock = new VirtualClock({ startTime: 0 });
    const log: number[] = [];
    clock.scheduler.schedule(() => log.push(clock.now()), 150);
    await Promise.all([clock.advance(100), clock.advance(100)]);
    expect(log).toEqual([150]);
    expect(clock.now()).toBe(200);
  });

  it('rejects with the error an action throws, and keeps the other actions', async () => {
    const clock = new VirtualClock({ startTime: 0 });
    const log: number[] = [];
    clock.scheduler.schedule(() => {
      throw new Error('boom');
    }, 10);
    clock.scheduler.schedule(() => log.push(clock.now()), 20);
    await expect(clock.advance(30)).rejects.toThrow('boom');
    expect(clock.now()).toBe(10);
    await clock.advance(20);
    expect(log).toEqual([20]);
  });

  it('rejects a negative or non-finite advance', async () => {
    const clock = new VirtualClock();
    await expect(clock.advance(-1)).rejects.toThrow(RangeError);
    await expect(clock.advance(Number.NaN)).rejects.toThrow(RangeError);
    await expect(clock.advance(Infinity)).rejects.toThrow(RangeError);
  });
});
