import { from, mergeMap, type OperatorFunction } from 'rxjs';
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
 * from(signaling.history({ since, limit: 100 })).pipe(replayInvitations(() => scheduler.now()))
 */
export function replayInvitations(now: () => number): OperatorFunction<readonly IncomingMessage[], Inbound> {
  return mergeMap((batch) => {
    const decoded: Inbound[] = [];
    for (const message of [...batch].sort((a, b) => a.time - b.time)) {
      const result = decodeSignal(message.data);
      if (result.ok) decoded.push({ signal: result.signal, message, replayed: true });
    }
    const answered = new Set(
      decoded.filter((i) => i.signal.action !== 'invite').map((i) => i.signal.inviteID),
    );
    const at = now();
    return from(
      decoded.filter(({ signal, message }) => {
        if (signal.action !== 'invite') return true;
        if (signal.content.kind === 'hangup') return false;
        if (answered.has(signal.inviteID)) return false;
        return signal.timeout > 0 && message.time + signal.timeout * 1000 > at;
      }),
    );
  });
}
