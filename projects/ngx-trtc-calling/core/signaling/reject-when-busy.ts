import type { MonoTypeOperatorFunction, Observable } from 'rxjs';
import { map } from '../operators';
import { withState } from './with-state';
import type { CallPhase } from '../state/call-state';
import {
  type DropOptions,
  type DropReporter,
  type Inbound,
  isCallInvite,
  NO_STATE_YET,
  reporterOf,
} from './inbound';

/**
 * What `rejectWhenBusy` reads of the state: a `CallState` fits, and so does any selector's
 * `{ phase, call: { inviteIDs } | null }`.
 */
export interface BusyState {
  readonly phase: CallPhase;
  readonly call: { readonly inviteIDs: readonly string[] } | null;
}

/**
 * Marks a new call invitation that arrives while this user is in any call phase with the
 * verdict `busy`, so the orchestrator answers it with a busy REJECT instead of ringing.
 * A repeated delivery of the current call's own invitation is not a new call and passes.
 * Signals that arrive before `state$` first emits are dropped (`onDrop`, `NO_STATE_YET`;
 * `onDrop` may also be passed alone).
 *
 * @example
 * const decided$ = inbound$.pipe(rejectWhenBusy(calling.state$, { onDrop: (s, why) => log.info(why) }));
 */
export function rejectWhenBusy(
  state$: Observable<BusyState>,
  options?: DropOptions | DropReporter,
): MonoTypeOperatorFunction<Inbound> {
  const onDrop = reporterOf(options);
  return (source) =>
    source.pipe(
      withState(state$, (inbound) => onDrop(inbound, NO_STATE_YET)),
      map(([inbound, state]) => {
        if (inbound.verdict || !isCallInvite(inbound) || state.phase === 'idle') return inbound;
        if (state.call?.inviteIDs.includes(inbound.signal.inviteID)) return inbound;
        return { ...inbound, verdict: 'busy' as const };
      }),
    );
}
