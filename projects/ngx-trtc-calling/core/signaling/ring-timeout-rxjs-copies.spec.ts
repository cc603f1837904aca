import type * as Rxjs from 'rxjs';
import type * as RxjsTesting from 'rxjs/testing';
import { ringTimeout } from './ring-timeout';

/**
 * Two copies of rxjs, as a `file:` install of the package gives an app: the app's TestScheduler
 * drives its own copy's asyncScheduler, not the library's.
 */
function otherRxjs(): { rxjs: typeof Rxjs; testing: typeof RxjsTesting } {
  let copy: { rxjs: typeof Rxjs; testing: typeof RxjsTesting } | undefined;
  jest.isolateModules(() => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- a second module registry needs require
    copy = { rxjs: require('rxjs') as typeof Rxjs, testing: require('rxjs/testing') as typeof RxjsTesting };
  });
  return copy!;
}

describe('ringTimeout with another copy of rxjs', () => {
  afterEach(() => jest.restoreAllMocks());

  it('warns that its timers would escape virtual time when no scheduler is given', () => {
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    const { testing } = otherRxjs();
    const scheduler = new testing.TestScheduler(() => undefined);
    scheduler.run(({ cold }) => {
      const settled$ = cold<string>('-');
      cold('a', { a: 'x' })
        .pipe(ringTimeout({ dueTime: () => 10, key: (k) => k, settled$ }))
        .subscribe();
    });
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/another rxjs copy; pass a scheduler/));
  });

  it('stays quiet with an explicit scheduler, which keeps its timers in virtual time', () => {
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    const { testing } = otherRxjs();
    const scheduler = new testing.TestScheduler((actual, expected) => expect(actual).toEqual(expected));
    scheduler.run(({ cold, expectObservable }) => {
      const settled$ = cold<string>('-');
      const timed = cold('a', { a: 'x' }).pipe(
        ringTimeout({ dueTime: () => 10, key: (k) => k, settled$, scheduler }),
      );
      expectObservable(timed).toBe('10ms a', { a: 'x' });
    });
    expect(warn).not.toHaveBeenCalled();
  });
});
