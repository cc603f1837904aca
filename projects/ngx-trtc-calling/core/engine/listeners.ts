import type { Observable, Subscription } from 'rxjs';
import { filter, map } from '../operators';
import type { CallingEvent, CallingEventMap, CallingEventName } from '../calling-events';
import type { CallingLogger } from '../calling-options';

/** The payloads of the public event `name`. */
export function selectEvent<K extends CallingEventName>(
  events$: Observable<CallingEvent>,
  name: K,
): Observable<CallingEventMap[K]> {
  return events$.pipe(
    filter((e): e is Extract<CallingEvent, { type: K }> => e.type === name),
    map((e) => e.payload as CallingEventMap[K]),
  );
}

interface Listener {
  readonly callback: unknown;
  readonly context: unknown;
  readonly subscription: Subscription;
}

/** TRTCCalling-style listeners (`on`/`off`), each a subscription to the event's stream. */
export class Listeners {
  readonly #events$: Observable<CallingEvent>;
  readonly #log: CallingLogger;
  readonly #byName = new Map<CallingEventName, Listener[]>();

  constructor(events$: Observable<CallingEvent>, log: CallingLogger) {
    this.#events$ = events$;
    this.#log = log;
  }

  add<K extends CallingEventName>(
    name: K,
    callback: (payload: CallingEventMap[K]) => void,
    context: unknown,
  ): void {
    const subscription = selectEvent(this.#events$, name).subscribe((payload) => {
      try {
        callback.call(context, payload);
      } catch (error) {
        // A throwing listener must not break the event stream for everybody else.
        this.#log.error(`listener for ${name} threw`, error);
      }
    });
    this.#byName.set(name, [...(this.#byName.get(name) ?? []), { callback, context, subscription }]);
  }

  /** Removes `callback` (with the same `context`, when given) from `name`; without `callback`, every listener of it. */
  remove(name: CallingEventName, callback?: unknown, context?: unknown): void {
    const list = this.#byName.get(name);
    if (!list) return;
    const keep = list.filter((l) => {
      const match =
        !callback || (l.callback === callback && (context === undefined || l.context === context));
      if (match) l.subscription.unsubscribe();
      return !match;
    });
    if (keep.length) this.#byName.set(name, keep);
    else this.#byName.delete(name);
  }

  clear(): void {
    for (const list of this.#byName.values()) list.forEach((l) => l.subscription.unsubscribe());
    this.#byName.clear();
  }
}
