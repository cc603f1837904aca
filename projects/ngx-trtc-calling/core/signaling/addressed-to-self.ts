import type { MonoTypeOperatorFunction } from 'rxjs';
import { filter } from '../operators';
import { type DropOptions, type DropReporter, type Inbound, reporterOf } from './inbound';

/**
 * Drops group INVITEs that do not list this user: in a call with a groupID every member of
 * the IM group receives every INVITE (PROTOCOL.md §2.4), but only the invitees are called.
 *
 * @example
 * const forCarol$ = inbound$.pipe(addressedToSelf('carol', { onDrop: (s, why) => log.info(why) }));
 */
export function addressedToSelf(
  selfID: string,
  options?: DropOptions | DropReporter,
): MonoTypeOperatorFunction<Inbound> {
  const onDrop = reporterOf(options);
  return filter((inbound) => {
    const { signal } = inbound;
    if (inbound.verdict || signal.action !== 'invite' || signal.groupID === '') return true;
    if (signal.inviteeList.includes(selfID)) return true;
    onDrop(inbound, 'group invitation for other members');
    return false;
  });
}
