import type { MonoTypeOperatorFunction, Observable } from 'rxjs';
import { map } from '../operators';
import { withState } from './with-state';
import type { ActiveCall, CallPhase } from '../state/call-state';
import {
  type DropOptions,
  type DropReporter,
  type Inbound,
  isCallInvite,
  isGroupSignal,
  NO_STATE_YET,
  reporterOf,
} from './inbound';

/** What `detectGlare` reads of the state: a `CallState` fits, and so does a selector's. */
export interface GlareState {
  readonly phase: CallPhase;
  readonly call:
    | (Pick<ActiveCall, 'direction' | 'isGroup' | 'inviteIDs'> & {
        readonly participants: readonly { readonly userID: string }[];
      })
    | null;
}

/**
 * Detects glare: a 1:1 invitation from the very user we are dialing 1:1. Both sides apply
 * the same rule — the invitation whose inviter userID sorts first wins — so they converge on
 * one call: the loser (`glareLose`) withdraws its own invitation and accepts the winner's;
 * the winner (`glareWin`) keeps dialing and holds the loser's invitation, accepting it only
 * if its own comes back busy (what a reference client, which cannot resolve glare, answers).
 * Signals that arrive before `state$` first emits are dropped (`onDrop`, `NO_STATE_YET`;
 * `onDrop` may also be passed alone).
 *
 * @example
 * const decided$ = inbound$.pipe(detectGlare('bob', state$)); // alice's invite while bob dials her: glareLose
 */
export function detectGlare(
  selfID: string,
  state$: Observable<GlareState>,
  options?: DropOptions | DropReporter,
): MonoTypeOperatorFunction<Inbound> {
  const onDrop = reporterOf(options);
  return (source) =>
    source.pipe(
      withState(state$, (inbound) => onDrop(inbound, NO_STATE_YET)),
      map(([inbound, state]) => {
        if (inbound.verdict || !isCallInvite(inbound) || isGroupSignal(inbound.signal)) return inbound;
        const call = state.call;
        if (state.phase !== 'dialing' || !call || call.direction !== 'outgoing' || call.isGroup)
          return inbound;
        const from = inbound.message.from;
        if (call.participants[0]?.userID !== from || call.inviteIDs.includes(inbound.signal.inviteID))
          return inbound;
        return { ...inbound, verdict: from < selfID ? 'glareLose' : 'glareWin' };
      }),
    );
}
