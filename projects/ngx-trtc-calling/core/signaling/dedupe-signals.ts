import { type MonoTypeOperatorFunction, Observable } from 'rxjs';
import { filter } from '../operators';
import { IGNORE_DROPS, type DropReporter, type Inbound, isCallInvite } from './inbound';

/** The identity of a signal for de-duplication: the same action on the same invitation by the same sender. */
export function signalKey(inbound: Inbound): string {
  const s = inbound.signal;
  return `${s.action}|${s.inviteID}|${inbound.message.from}|${s.inviteeList.join(',')}`;
}

/** Stands for every invitee of an invitation (a CANCEL with an empty invitee list). */
const ANY = '*';

function endKey(inviteID: string, invitee: string): string {
  return `end|${inviteID}|${invitee}`;
}

/** Whether a CANCEL or TIMEOUT already ended the invitation `inviteID` for each of `invitees`. */
function invitationEnded(seen: ReadonlySet<string>, inviteID: string, invitees: readonly string[]): boolean {
  if (seen.has(endKey(inviteID, ANY))) return true;
  return invitees.length > 0 && invitees.every((id) => seen.has(endKey(inviteID, id)));
}

/**
 * Drops repeated deliveries of a signal: the same message ID, or the same action on the same
 * invitation from the same sender (e.g. an INVITE delivered live and again from history, which
 * the reference would busy-reject against itself, PROTOCOL.md §8.18), and an invitation whose
 * CANCEL or TIMEOUT for all its invitees came before it. Remembers the last
 * `capacity` keys, so memory stays bounded.
 *
 * @example
 * const once$ = merge(live$, replayed$).pipe(dedupeSignals({ capacity: 512 }));
 */
export function dedupeSignals(
  options: { capacity?: number; onDrop?: DropReporter } = {},
): MonoTypeOperatorFunction<Inbound> {
  const capacity = options.capacity ?? 512;
  const onDrop = options.onDrop ?? IGNORE_DROPS;
  // `new Observable` rather than `defer` keeps rxjs's innerFrom out of core (see ringTimeout);
  // either way each subscription gets its own memory.
  return (source) =>
    new Observable<Inbound>((subscriber) => {
      const seen = new Set<string>();
      const order: string[] = [];
      const remember = (key: string) => {
        seen.add(key);
        order.push(key);
        if (order.length > capacity) seen.delete(order.shift() as string);
      };
      return source
        .pipe(
          filter((inbound) => {
            const idKey = `id|${inbound.message.id}`;
            const key = signalKey(inbound);
            if (seen.has(idKey) || seen.has(key)) {
              onDrop(inbound, 'duplicate delivery');
              return false;
            }
            const { signal } = inbound;
            if (isCallInvite(inbound) && invitationEnded(seen, signal.inviteID, signal.inviteeList)) {
              onDrop(inbound, 'invitation already cancelled or timed out');
              return false;
            }
            remember(idKey);
            remember(key);
            // A CANCEL or TIMEOUT can come before its invitation (history replayed at login, then
            // the invitation stored for us delivered live): remembered, it still ends it.
            if (signal.action === 'cancel' || signal.action === 'timeout') {
              const ended = signal.inviteeList.length ? signal.inviteeList : [ANY];
              for (const id of ended) remember(endKey(signal.inviteID, id));
            }
            return true;
          }),
        )
        .subscribe(subscriber);
    });
}
