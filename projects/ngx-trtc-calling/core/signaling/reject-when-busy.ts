import { map, type MonoTypeOperatorFunction, type Observable } from 'rxjs';
import { withState } from './with-state';
import type { CallState } from '../state/call-state';
import { type Inbound, isCallInvite } from './inbound';

/**
 * Marks a new call invitation that arrives while this user is in any call phase with the
 * verdict `busy`, so the orchestrator answers it with a busy REJECT instead of ringing.
 * A repeated delivery of the current call's own invitation is not a new call and passes.
 *
 * @example
 * inbound$.pipe(rejectWhenBusy(state$))
 */
export function rejectWhenBusy(state$: Observable<CallState>): MonoTypeOperatorFunction<Inbound> {
  return (source) =>
    source.pipe(
      withState(state$),
      map(([inbound, state]) => {
        if (inbound.verdict || !isCallInvite(inbound) || state.phase === 'idle') return inbound;
        if (state.call?.inviteIDs.includes(inbound.signal.inviteID)) return inbound;
        return { ...inbound, verdict: 'busy' as const };
      }),
    );
}
