import { Observable, type OperatorFunction } from 'rxjs';

/**
 * Pairs each value with the latest state, as `withLatestFrom(state$)` does: a value that
 * arrives before `state$` first emits is dropped (handed to `onDrop`), a `state$` that
 * completes leaves its last value in force, and an error of either ends the stream. A dozen
 * lines here keep `withLatestFrom` and its array machinery out of core's bundle budget.
 *
 * @example
 * const paired$ = inbound$.pipe(withState(state$)); // [inbound, the latest state]
 */
export function withState<T, S>(
  state$: Observable<S>,
  onDrop?: (value: T) => void,
): OperatorFunction<T, [T, S]> {
  return (source) =>
    new Observable<[T, S]>((subscriber) => {
      let latest: { value: S } | null = null;
      // Both on the subscriber, not one inside the other: a `state$` that completes (`of(s)`)
      // closes its own subscription, and anything added to a closed one is torn down at once.
      subscriber.add(
        state$.subscribe({
          next: (value) => (latest = { value }),
          error: (e) => subscriber.error(e),
        }),
      );
      subscriber.add(
        source.subscribe({
          next: (value) => (latest ? subscriber.next([value, latest.value]) : onDrop?.(value)),
          error: (e) => subscriber.error(e),
          complete: () => subscriber.complete(),
        }),
      );
    });
}
