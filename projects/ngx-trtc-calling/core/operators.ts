import { type MonoTypeOperatorFunction, Observable, type OperatorFunction, type Subscriber } from 'rxjs';

/*
 * `map`, `filter` and `distinctUntilChanged` as core uses them, written with `new Observable`:
 * rxjs's own go through `operate`/`OperatorSubscriber`, about 0.2 KB gzip of core's budget that
 * nothing else in core needs (ARCHITECTURE.md "Bundle size decisions"). Same contract as
 * rxjs's: an exception thrown by the callback (or synchronously downstream) becomes the error
 * notification, errors and completion pass through, unsubscribing unsubscribes the source.
 */

/** An operator whose every subscription gets its own `step` (from `start`) to handle each value. */
function through<T, R>(start: () => (subscriber: Subscriber<R>, value: T) => void): OperatorFunction<T, R> {
  return (source) =>
    new Observable<R>((subscriber) => {
      const step = start();
      return source.subscribe({
        next: (value) => {
          try {
            step(subscriber, value);
          } catch (error) {
            subscriber.error(error);
          }
        },
        error: (error: unknown) => subscriber.error(error),
        complete: () => subscriber.complete(),
      });
    });
}

/** rxjs's `map`. */
export function map<T, R>(project: (value: T, index: number) => R): OperatorFunction<T, R> {
  return through(() => {
    let index = 0;
    return (subscriber, value) => subscriber.next(project(value, index++));
  });
}

/** rxjs's `filter`. */
export function filter<T, S extends T>(
  predicate: (value: T, index: number) => value is S,
): OperatorFunction<T, S>;
export function filter<T>(predicate: (value: T, index: number) => boolean): MonoTypeOperatorFunction<T>;
export function filter<T>(predicate: (value: T, index: number) => boolean): MonoTypeOperatorFunction<T> {
  return through(() => {
    let index = 0;
    return (subscriber, value: T) => {
      if (predicate(value, index++)) subscriber.next(value);
    };
  });
}

/** rxjs's `distinctUntilChanged()`: by `===`, without a comparator. */
export function distinctUntilChanged<T>(): MonoTypeOperatorFunction<T> {
  return through(() => {
    let last: { readonly value: T } | null = null;
    return (subscriber, value: T) => {
      if (last && last.value === value) return;
      last = { value };
      subscriber.next(value);
    };
  });
}
