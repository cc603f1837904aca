import {
  filter,
  map,
  mergeMap,
  type Observable,
  type OperatorFunction,
  asyncScheduler,
  type SchedulerLike,
  takeUntil,
  timer,
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
 * invitation's `timeout`, the inviter after `timeout + 5 s` (PROTOCOL.md §2.6). Unsubscribing
 * cancels every pending timer.
 *
 * @example
 * ringing$.pipe(ringTimeout({ dueTime: (i) => i.timeout * 1000, key: (i) => i.inviteID, settled$ }))
 *   .subscribe((i) => sendTimeout(i));
 */
export function ringTimeout<T>(config: RingTimeoutConfig<T>): OperatorFunction<T, T> {
  const scheduler = config.scheduler ?? asyncScheduler;
  return mergeMap((item: T) => {
    const key = config.key(item);
    return timer(Math.max(0, config.dueTime(item)), scheduler).pipe(
      map(() => item),
      takeUntil(config.settled$.pipe(filter((settled) => settled === key))),
    );
  });
}
