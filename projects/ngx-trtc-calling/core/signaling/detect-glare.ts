import { map, type MonoTypeOperatorFunction, type Observable } from 'rxjs';
import { withState } from './with-state';
import type { CallState } from '../state/call-state';
import { selectPeer } from '../state/selectors';
import { type Inbound, isCallInvite, isGroupSignal } from './inbound';

/**
 * Detects glare: a 1:1 invitation from the very user we are dialing 1:1. Both sides apply
 * the same rule — the invitation whose inviter userID sorts first wins — so they converge on
 * one call: the loser (`glareLose`) withdraws its own invitation and accepts the winner's;
 * the winner (`glareWin`) keeps dialing and holds the loser's invitation, accepting it only
 * if its own comes back busy (what a reference client, which cannot resolve glare, answers).
 *
 * @example
 * inbound$.pipe(detectGlare('bob', state$)) // an invite from 'alice' while bob dials alice → glareLose
 */
export function detectGlare(
  selfID: string,
  state$: Observable<CallState>,
): MonoTypeOperatorFunction<Inbound> {
  return (source) =>
    source.pipe(
      withState(state$),
      map(([inbound, state]) => {
        if (inbound.verdict || !isCallInvite(inbound) || isGroupSignal(inbound.signal)) return inbound;
        const call = state.call;
        if (state.phase !== 'dialing' || !call || call.direction !== 'outgoing' || call.isGroup)
          return inbound;
        const from = inbound.message.from;
        if (selectPeer(call) !== from || call.inviteIDs.includes(inbound.signal.inviteID)) return inbound;
        return { ...inbound, verdict: from < selfID ? 'glareLose' : 'glareWin' };
      }),
    );
}
