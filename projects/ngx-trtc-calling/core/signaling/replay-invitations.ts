import { Observable, type OperatorFunction } from 'rxjs';
import { decodeSignal } from '../protocol/codec';
import type { Inbound } from './inbound';
import type { IncomingMessage } from './signaling-channel';

/**
 * Turns a batch of recent history (after login or a reconnect) into signals to process as
 * if they were live: invitations that were already answered, cancelled or timed out within
 * the batch are collapsed away, invitations past their own timeout and hang-up notices are
 * dropped (a stale notice must not end anything, PROTOCOL.md §2.8), and everything else —
 * including follow-ups of the call in progress, missed while offline — is emitted in order,
 * marked `replayed`. Live duplicates are removed later by `dedupeSignals`.
 *
 * @example
 * const replayed$ = from(signaling.history({ since, limit: 100 })).pipe(replayInvitations(() => scheduler.now()));
 */
export function replayInvitations(now: () => number): OperatorFunction<readonly IncomingMessage[], Inbound> {
  // `new Observable` rather than `mergeMap` keeps rxjs's innerFrom out of core (see ringTimeout).
  return (source) =>
    new Observable<Inbound>((subscriber) =>
      source.subscribe({
        next: (batch) => collapseHistory(batch, now()).forEach((inbound) => subscriber.next(inbound)),
        error: (error) => subscriber.error(error),
        complete: () => subscriber.complete(),
      }),
    );
}

/** The signals of a history batch worth replaying at time `at`, oldest first (see `replayInvitations`). */
export function collapseHistory(batch: readonly IncomingMessage[], at: number): Inbound[] {
  const decoded: Inbound[] = [];
  for (const message of [...batch].sort((a, b) => a.time - b.time)) {
    const result = decodeSignal(message.data);
    if (result.ok) decoded.push({ signal: result.signal, message, replayed: true });
  }
  const answered = new Set(decoded.filter((i) => i.signal.action !== 'invite').map((i) => i.signal.inviteID));
  return decoded.filter(({ signal, message }) => {
    if (signal.action !== 'invite') return true;
    if (signal.content.kind === 'hangup') return false;
    if (answered.has(signal.inviteID)) return false;
    // `timeout: 0` means "no timer" (PROTOCOL.md §2.2), not "expired": it rings while it is in the window.
    return signal.timeout === 0 || message.time + signal.timeout * 1000 > at;
  });
}
