import type { MonoTypeOperatorFunction, Observable } from 'rxjs';
import { filter, map } from '../operators';
import { withState } from './with-state';
import type { CallPhase } from '../state/call-state';
import { type DropOptions, type DropReporter, type Inbound, NO_STATE_YET, reporterOf } from './inbound';

/** What `answeredElsewhere` reads of the state: a `CallState` fits, and so does a selector's. */
export interface RingingState {
  readonly phase: CallPhase;
  readonly call: { readonly callID: string } | null;
}

/**
 * Handles this user's own signals arriving from its other devices (IM syncs them, PROTOCOL.md
 * §2.5): an ACCEPT or REJECT of the invitation ringing here gets the verdict
 * `answeredElsewhere` / `rejectedElsewhere` so this device stops ringing; every other own
 * signal is dropped (reported), so one device never reacts to what another device sent.
 * Signals that arrive before `state$` first emits are dropped (`onDrop`, `NO_STATE_YET`).
 * `onDrop` may also be passed alone, as the third argument (the older form).
 *
 * @example
 * const decided$ = inbound$.pipe(answeredElsewhere('alice', state$)); // alice's ACCEPT from her phone
 */
export function answeredElsewhere(
  selfID: string,
  state$: Observable<RingingState>,
  options?: DropOptions | DropReporter,
): MonoTypeOperatorFunction<Inbound> {
  const onDrop = reporterOf(options);
  return (source) =>
    source.pipe(
      withState(state$, (inbound) => onDrop(inbound, NO_STATE_YET)),
      map(([inbound, state]): Inbound | null => {
        if (inbound.verdict || inbound.message.from !== selfID) return inbound;
        const { signal } = inbound;
        const ringingHere =
          state.phase === 'ringing' && state.call !== null && state.call.callID === signal.inviteID;
        if (ringingHere && signal.action === 'accept') return { ...inbound, verdict: 'answeredElsewhere' };
        if (ringingHere && signal.action === 'reject') return { ...inbound, verdict: 'rejectedElsewhere' };
        onDrop(inbound, 'own signal from another device');
        return null;
      }),
      filter((inbound): inbound is Inbound => inbound !== null),
    );
}
