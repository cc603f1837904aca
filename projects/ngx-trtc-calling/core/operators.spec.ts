import { Observable, of, Subject } from 'rxjs';
import { distinctUntilChanged, filter, map } from './operators';

/** Every notification of `source`, synchronously. */
function notifications<T>(source: Observable<T>): unknown[] {
  const seen: unknown[] = [];
  source.subscribe({
    next: (value) => seen.push(['N', value]),
    error: (error: unknown) => seen.push(['E', (error as Error).message]),
    complete: () => seen.push(['C']),
  });
  return seen;
}

describe("core's own map, filter and distinctUntilChanged", () => {
  it('map projects with an index counted per subscription', () => {
    const indexed = of('a', 'b').pipe(map((value, index) => `${value}${index}`));
    expect(notifications(indexed)).toEqual([['N', 'a0'], ['N', 'b1'], ['C']]);
    expect(notifications(indexed)).toEqual([['N', 'a0'], ['N', 'b1'], ['C']]);
  });

  it('filter keeps what passes, with an index counted per subscription', () => {
    const even = of(5, 6, 7, 8).pipe(filter((_, index) => index % 2 === 0));
    expect(notifications(even)).toEqual([['N', 5], ['N', 7], ['C']]);
    expect(notifications(even)).toEqual([['N', 5], ['N', 7], ['C']]);
  });

  it('distinctUntilChanged drops repeats by ===, remembering per subscription', () => {
    const distinct = of(1, 1, 2, 2, 1).pipe(distinctUntilChanged());
    expect(notifications(distinct)).toEqual([['N', 1], ['N', 2], ['N', 1], ['C']]);
    expect(notifications(distinct)).toEqual([['N', 1], ['N', 2], ['N', 1], ['C']]);
  });

  it('turns an exception of the callback into the error notification and stops there', () => {
    const failing = of(1, 2, 3).pipe(
      map((value) => {
        if (value === 2) throw new Error('boom');
        return value;
      }),
    );
    expect(notifications(failing)).toEqual([
      ['N', 1],
      ['E', 'boom'],
    ]);
  });

  it('passes errors and completion through, and unsubscribes from the source', () => {
    const source = new Subject<number>();
    const seen = notifications(source.pipe(filter((n) => n > 0)));
    source.error(new Error('lost'));
    expect(seen).toEqual([['E', 'lost']]);

    const live = new Subject<number>();
    const subscription = live.pipe(map((n) => n)).subscribe();
    expect(live.observed).toBe(true);
    subscription.unsubscribe();
    expect(live.observed).toBe(false);
  });
});
