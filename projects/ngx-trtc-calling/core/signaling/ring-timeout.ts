import {
  asyncScheduler,
  Observable,
  type OperatorFunction,
  type SchedulerLike,
  type Subscription,
} from 'rxjs';

/** How `ringTimeout` times each ringing invitation. */
export interface RingTimeoutConfig<T> {
  /** Milliseconds until `item` times out (≤ 0: at once). */
  readonly dueTime: (item: T) => number;
  /** The invitation an item stands for. */
  readonly key: (item: T) => string;
  /** Emits the key of every invitation that no longer rings (answered, cancelled, call over). */
  readonly settled$: Observable<string>;
  readonly scheduler?: SchedulerLike;
}

/**
 * For every ringing invitation it receives, emits that invitation again when it times out,
 * unless `settled$` names it first. An item whose key is already timing is ignored (one timer
 * per key; the first due time stands). Used on both sides: the invitee times out after the
 * invitation's `timeout`, the inviter after `timeout + 5 s` (PROTOCOL.md §2.6). Completes when
 * the source has completed and no timer is left; unsubscribing cancels every pending timer.
 *
 * Written with `new Observable` rather than `mergeMap(timer…takeUntil)`: those pull rxjs's
 * `innerFrom` and its async-iterable helpers, over 2 KB gzip of core's 20 KB budget.
 *
 * @example
 * ringing$.pipe(ringTimeout({ dueTime: (i) => i.timeout * 1000, key: (i) => i.inviteID, settled$ }))
 *   .subscribe((i) => sendTimeout(i));
 */
export function ringTimeout<T>(config: RingTimeoutConfig<T>): OperatorFunction<T, T> {
  const scheduler = config.scheduler ?? asyncScheduler;
  return (source) =>
    new Observable<T>((subscriber) => {
      // Two copies of rxjs (a `file:` install links the library's own): the other copy's
      // TestScheduler does not drive this copy's asyncScheduler, so the timers would escape
      // virtual time without a word.
      if (!config.scheduler && !(source instanceof Observable))
        console.warn('ringTimeout: another rxjs copy; pass a scheduler');
      const timers = new Map<string, Subscription>();
      let sourceDone = false;
      const completeIfIdle = () => {
        if (sourceDone && timers.size === 0) subscriber.complete();
      };
      const subscription = config.settled$.subscribe((key) => {
        const timer = timers.get(key);
        if (!timer) return;
        timers.delete(key);
        timer.unsubscribe();
        completeIfIdle();
      });
      subscription.add(
        source.subscribe({
          next: (item) => {
            const key = config.key(item);
            // A key already timing keeps its first timer: a repeated delivery of the same
            // invitation must not time it out twice.
            if (timers.has(key)) return;
            // `timer` is unset only if a synchronous scheduler runs the action inside `schedule`.
            let timer: Subscription | undefined = undefined;
            timer = scheduler.schedule(
              () => {
                if (timer) {
                  timers.delete(key);
                  // Release the action now, as `timer()` would, rather than when the operator ends.
                  timer.unsubscribe();
                }
                subscriber.next(item);
                completeIfIdle();
              },
              Math.max(0, config.dueTime(item)),
            );
            if (!timer.closed) timers.set(key, timer);
          },
          error: (error) => subscriber.error(error),
          complete: () => {
            sourceDone = true;
            completeIfIdle();
          },
        }),
      );
      subscription.add(() => timers.forEach((timer) => timer.unsubscribe()));
      return subscription;
    });
}
