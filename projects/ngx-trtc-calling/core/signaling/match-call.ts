import type { MonoTypeOperatorFunction, Observable } from 'rxjs';
import { filter, map } from '../operators';
import { withState } from './with-state';
import type { CallState } from '../state/call-state';
import { selectPeer } from '../state/selectors';
import { type DropOptions, IGNORE_DROPS, type Inbound, NO_STATE_YET } from './inbound';

/** Why `matchCall` drops a signal, or `null` when it belongs to the current call. */
export function mismatchReason(
  inbound: Inbound,
  state: CallState,
  ignored: ReadonlySet<string>,
): string | null {
  const { signal, message } = inbound;
  const call = state.call;
  if (ignored.has(signal.inviteID)) return 'answer to an invitation we withdrew';
  if (signal.action === 'invite') {
    switch (signal.content.kind) {
      case 'call':
        return call?.inviteIDs.includes(signal.inviteID) ? 'repeated invitation of the current call' : null;
      case 'hangup': {
        const sender = call?.participants.find((p) => p.userID === message.from);
        if (!call || !sender) return 'hang-up notice from someone not in the current call';
        // Only someone in the call can hang it up: a notice from an invitee who has not
        // answered, or from the inviter while we have not, is a late one about an earlier call
        // with them (a quick redial), and must not end this one.
        if (call.direction === 'outgoing' && (sender.status === 'ringing' || sender.status === 'offline'))
          return 'hang-up notice from an invitee who has not answered';
        if (state.phase === 'ringing' && message.from === call.inviter)
          return 'hang-up notice for a call we have not answered';
        return null;
      }
      case 'switch':
        return call && selectPeer(call) === message.from
          ? null
          : 'switch request not from the current 1:1 peer';
    }
  }
  if (!call) return `${signal.action} with no call in progress`;
  const known = call.inviteIDs.includes(signal.inviteID) || call.pendingSwitch?.inviteID === signal.inviteID;
  if (!known) return `${signal.action} for another invitation`;
  const fromParticipant = call.participants.some((p) => p.userID === message.from);
  if (signal.action === 'cancel' && message.from !== call.inviter) return 'cancel not sent by the inviter';
  if (signal.action !== 'cancel' && !fromParticipant) return `${signal.action} from someone not in the call`;
  return null;
}

/**
 * Lets through only signals that belong to the current call: follow-ups (CANCEL, ACCEPT,
 * REJECT, TIMEOUT) whose inviteID is one of the call's and whose sender has the right to
 * send them, hang-up notices from a participant, switch requests from the 1:1 peer, and new
 * invitations. Everything else is dropped with a reason — so a stray CANCEL from an old call
 * can never end the current one (the reference's PROTOCOL.md §8.4 bug). Signals that arrive
 * before `state$` first emits are dropped too (`onDrop`, `NO_STATE_YET`).
 *
 * @example
 * const current$ = inbound$.pipe(matchCall(state$, { onDrop: (s, why) => log.info('ignored', why) }));
 */
export function matchCall(
  state$: Observable<CallState>,
  options: DropOptions & { readonly ignored?: ReadonlySet<string> } = {},
): MonoTypeOperatorFunction<Inbound> {
  const ignored = options.ignored ?? new Set<string>();
  const onDrop = options.onDrop ?? IGNORE_DROPS;
  return (source) =>
    source.pipe(
      withState(state$, (inbound) => onDrop(inbound, NO_STATE_YET)),
      map(([inbound, state]) => {
        if (inbound.verdict) return inbound;
        const reason = mismatchReason(inbound, state, ignored);
        if (reason === null) return inbound;
        onDrop(inbound, reason);
        return null;
      }),
      filter((inbound): inbound is Inbound => inbound !== null),
    );
}
