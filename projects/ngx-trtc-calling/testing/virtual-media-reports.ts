import type { MediaEvent, MediaStats, ParticipantQuality } from 'ngx-trtc-calling/core';
import type { RtcServer } from './rtc-server';

/**
 * The network quality and stats events for `users` (the local user first, then the room's),
 * from what `VirtualNetwork.setQuality`/`setStats` put on the server; users it holds nothing
 * for are left out, and so is an event with nobody in it.
 */
export function networkReports(server: RtcServer, users: readonly string[]): MediaEvent[] {
  const qualities: ParticipantQuality[] = users.flatMap((userID) => {
    const quality = server.qualities.get(userID);
    return quality === undefined ? [] : [{ userID, quality }];
  });
  const stats: MediaStats[] = users.flatMap((userID) => {
    const entry = server.stats.get(userID);
    return entry ? [{ ...entry, userID }] : [];
  });
  const events: MediaEvent[] = [];
  if (qualities.length) events.push({ type: 'networkQuality', qualities });
  if (stats.length) events.push({ type: 'stats', stats });
  return events;
}
