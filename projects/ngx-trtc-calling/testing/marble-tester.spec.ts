import { TimeoutError, delay, map, timeout } from 'rxjs';
import { defaultDeepEqualAssertion, marbleTester, runMarbles } from './marble-tester';

describe('marbleTester', () => {
  it('runMarbles runs a TestScheduler.run case with time progression and subscription marbles', () => {
    runMarbles(({ cold, expectObservable, expectSubscriptions, time }) => {
      const source = cold('-a--b|', { a: 1, b: 2 });
      const t = time('   ---|');
      expectObservable(
        source.pipe(
          delay(t),
          map((v) => v * 10),
        ),
      ).toBe('----a--(b|)', { a: 10, b: 20 });
      expectSubscriptions(source.subscriptions).toBe('^----!');
    });
  });

  it('tests a 30 s timeout in virtual time', () => {
    runMarbles(({ cold, expectObservable }) => {
      expectObservable(cold('-').pipe(timeout(30_000))).toBe('30s #', undefined, new TimeoutError());
    });
  });

  it('returns what the callback returns', () => {
    expect(runMarbles(() => 42)).toBe(42);
  });

  it('fails a wrong expectation through the given assertion', () => {
    const seen: unknown[] = [];
    const { runMarbles: run } = marbleTester((actual, expected) => {
      seen.push(actual, expected);
      throw new Error('mismatch');
    });
    expect(() => run(({ cold, expectObservable }) => expectObservable(cold('a|')).toBe('b|'))).toThrow(
      'mismatch',
    );
    expect(seen).toHaveLength(2);
  });

  it('fails a wrong expectation with the default assertion (jest expect)', () => {
    expect(() =>
      runMarbles(({ cold, expectObservable }) => expectObservable(cold('a|')).toBe('-a|')),
    ).toThrow();
  });

  it('the default assertion falls back to a structural comparison without a global expect', () => {
    const g = globalThis as { expect?: unknown };
    const saved = g.expect;
    try {
      g.expect = undefined;
      let failure: unknown;
      try {
        defaultDeepEqualAssertion([{ frame: 1 }], [{ frame: 2 }]);
      } catch (error) {
        failure = error;
      }
      defaultDeepEqualAssertion([{ frame: 1 }], [{ frame: 1 }]);
      g.expect = saved;
      expect(String(failure)).toContain('Marble mismatch');
    } finally {
      g.expect = saved;
    }
  });

  it('createScheduler gives a scheduler wired to the assertion', () => {
    const calls: unknown[] = [];
    const scheduler = marbleTester((actual) => calls.push(actual)).createScheduler();
    scheduler.run(({ cold, expectObservable }) => expectObservable(cold('a|')).toBe('a|'));
    expect(calls).toHaveLength(1);
  });
});
