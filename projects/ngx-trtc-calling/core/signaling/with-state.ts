import { Observable, type OperatorFunction } from 'rxjs';

/**
 * Pairs each value with the latest state, like `withLatestFrom(state$)` (values arriving
 * before the first state are dropped). A dozen lines here keep `withLatestFrom` and its
 * array machinery out of core's bundle budget.
 *
 * @example
 * inbound$.pipe(withState(state$), map(([inbound, state]) => …))
 */
export function withState<T, S>(state$: Observable<S>): OperatorFunction<T, [T, S]> {
  return (source) =>
    new Observable<[T, S]>((subscriber) => {
      let latest: { value: S } | null = null;
      const subscription = state$.subscribe({
        next: (value) => (latest = { value }),
        error: (e) => subscriber.error(e),
      });
      subscription.add(
        source.subscribe({
          next: (value) => latest && subscriber.next([value, latest.value]),
          error: (e) => subscriber.error(e),
          complete: () => subscriber.complete(),
        }),
      );
      return subscription;
    });
}
