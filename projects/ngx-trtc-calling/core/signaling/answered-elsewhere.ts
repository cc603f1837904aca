import { filter, map, type MonoTypeOperatorFunction, type Observable } from 'rxjs';
import { withState } from './with-state';
import type { CallState } from '../state/call-state';
import { IGNORE_DROPS, type DropReporter, type Inbound } from './inbound';

/**
 * Handles this user's own signals arriving from its other devices (IM syncs them, PROTOCOL.md
 * §2.5): an ACCEPT or REJECT of the invitation ringing here gets the verdict
 * `answeredElsewhere` / `rejectedElsewhere` so this device stops ringing; every other own
 * signal is dropped (reported), so one device never reacts to what another device sent.
 *
 * @example
 * inbound$.pipe(answeredElsewhere('alice', state$))
 */
export function answeredElsewhere(
  selfID: string,
  state$: Observable<CallState>,
  onDrop: DropReporter = IGNORE_DROPS,
): MonoTypeOperatorFunction<Inbound> {
  return (source) =>
    source.pipe(
      withState(state$),
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
