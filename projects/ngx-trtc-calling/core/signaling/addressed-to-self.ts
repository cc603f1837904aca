import { filter, type MonoTypeOperatorFunction } from 'rxjs';
import { IGNORE_DROPS, type DropReporter, type Inbound } from './inbound';

/**
 * Drops group INVITEs that do not list this user: in a call with a groupID every member of
 * the IM group receives every INVITE (PROTOCOL.md §2.4), but only the invitees are called.
 *
 * @example
 * inbound$.pipe(addressedToSelf('carol'))
 */
export function addressedToSelf(
  selfID: string,
  onDrop: DropReporter = IGNORE_DROPS,
): MonoTypeOperatorFunction<Inbound> {
  return filter((inbound) => {
    const { signal } = inbound;
    if (inbound.verdict || signal.action !== 'invite' || signal.groupID === '') return true;
    if (signal.inviteeList.includes(selfID)) return true;
    onDrop(inbound, 'group invitation for other members');
    return false;
  });
}
