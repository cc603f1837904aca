import { advancingClock, realClock, until, untilOn } from './until';

describe('until', () => {
  it('resolves once the predicate holds', async () => {
    let calls = 0;
    await until(() => ++calls === 3, 'the third look');
    expect(calls).toBe(3);
  });

  it('names what it waited for, and the kind of time, when it times out', async () => {
    await expect(until(() => false, 'bob ringing', 20)).rejects.toThrow(
      'timed out after 20 ms (real time) waiting for bob ringing',
    );
  });

  it('names the predicate by its source when no `what` is given', async () => {
    const phase: string = 'idle';
    await expect(until(() => phase === 'ringing', undefined, 10)).rejects.toThrow(
      /waiting for \(\) => phase === 'ringing'/,
    );
  });

  it('lets time pass only through the clock, in steps that may grow with the time waited', async () => {
    const advanced: number[] = [];
    const clock = advancingClock('fake', async (ms) => advanced.push(ms));
    const wait = untilOn(clock, { pollMs: (waited) => (waited < 20 ? 10 : 100) });
    await expect(wait(() => false, 'never', 200)).rejects.toThrow('timed out after 200 ms (fake time)');
    expect(advanced).toEqual([10, 10, 100, 100]);
    expect(clock.now()).toBe(220);
  });

  it('uses the defaults of its clock’s `until` when a call gives no timeout', async () => {
    const clock = advancingClock('virtual', async () => undefined);
    await expect(untilOn(clock, { timeoutMs: 30, pollMs: 10 })(() => false, 'x')).rejects.toThrow(
      'timed out after 30 ms (virtual time) waiting for x',
    );
    expect(realClock.kind).toBe('real');
  });
});
