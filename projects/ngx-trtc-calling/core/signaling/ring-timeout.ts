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
 * unless `settled$` names it first. Used on both sides: the invitee times out after the
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
      const timers = new Map<string, Set<Subscription>>();
      let sourceDone = false;
      const completeIfIdle = () => {
        if (sourceDone && timers.size === 0) subscriber.complete();
      };
      const forget = (key: string, timer: Subscription) => {
        const set = timers.get(key);
        set?.delete(timer);
        if (set?.size === 0) timers.delete(key);
      };
      const subscription = config.settled$.subscribe((key) => {
        const set = timers.get(key);
        if (!set) return;
        timers.delete(key);
        set.forEach((timer) => timer.unsubscribe());
        completeIfIdle();
      });
      subscription.add(
        source.subscribe({
          next: (item) => {
            const key = config.key(item);
            const set = timers.get(key) ?? new Set<Subscription>();
            timers.set(key, set);
            // `timer` is unset only if a synchronous scheduler runs the action inside `schedule`.
            let timer: Subscription | undefined = undefined;
            timer = scheduler.schedule(
              () => {
                if (timer) {
                  forget(key, timer);
                  // Release the action now, as `timer()` would, rather than when the operator ends.
                  timer.unsubscribe();
                }
                subscriber.next(item);
                completeIfIdle();
              },
              Math.max(0, config.dueTime(item)),
            );
            if (!timer.closed) set.add(timer);
            else if (set.size === 0) timers.delete(key);
          },
          error: (error) => subscriber.error(error),
          complete: () => {
            sourceDone = true;
            completeIfIdle();
          },
        }),
      );
      subscription.add(() => timers.forEach((set) => set.forEach((timer) => timer.unsubscribe())));
      return subscription;
    });
}
