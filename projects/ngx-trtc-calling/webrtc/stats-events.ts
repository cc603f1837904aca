import { concatMap, from, interval, Observable, type SchedulerLike } from 'rxjs';
import type { MediaEvent, ParticipantQuality } from 'ngx-trtc-calling/core';
import type { TransportLogger } from './logger';
import { receivedStats, sampleOf, sentStats, type LinkSample } from './media-stats';
import type { Session } from './media-session';
import { networkQualityOf } from './network-quality';
import type { PeerLink } from './peer-link';

/**
 * Every `period` ms, `getStats()` of the newest open link of each remote user: a `stats` event
 * (ours first: what we send; then what we receive from each user) and a `networkQuality` event
 * (our uplink; each user's downlink). A round still waiting for `getStats` delays the next one
 * rather than overlapping it. Unsubscribing stops the timer.
 */
export function statsEvents(
  session: Session,
  period: number,
  scheduler: SchedulerLike,
  logger: TransportLogger,
): Observable<MediaEvent> {
  return new Observable<MediaEvent>((subscriber) => {
    const previous = new Map<PeerLink, LinkSample>();
    return interval(period, scheduler)
      .pipe(concatMap(() => from(statsRound(session, previous, scheduler.now(), logger))))
      .subscribe((events) => {
        for (const event of events) subscriber.next(event);
      });
  });
}

/** One round: the samples, the events, and the samples kept for the next round's differences. */
async function statsRound(
  session: Session,
  previous: Map<PeerLink, LinkSample>,
  now: number,
  logger: TransportLogger,
): Promise<MediaEvent[]> {
  // The newest link per user is the one their views show (older ones are stale, about to go).
  const links = new Map<string, PeerLink>();
  for (const remote of session.peers.values())
    if (remote.link && !remote.link.isClosed) links.set(remote.peer.userID, remote.link);
  const samples = await Promise.all(
    [...links].map(async ([userID, link]) => {
      try {
        return { userID, link, current: sampleOf(await link.pc.getStats(), now, link.cameraMid) };
      } catch (error) {
        logger('debug', `no stats of the link to ${link.remote.peerID}`, error);
        return null;
      }
    }),
  );
  const taken = samples.filter((s) => s !== null);
  const uplink = sentStats(
    session.userID,
    taken.map((s) => ({ previous: previous.get(s.link), current: s.current })),
  );
  const downlinks = taken.map((s) => ({ ...s, ...receivedStats(s.userID, previous.get(s.link), s.current) }));
  previous.clear();
  for (const s of taken) previous.set(s.link, s.current);
  if (!taken.length) return [];
  // Our uplink is down only when no link is up (a mesh with one bad peer still sends to the rest).
  const down = taken.every((s) => ['failed', 'disconnected', 'closed'].includes(s.link.pc.connectionState));
  const qualities: ParticipantQuality[] = [
    { userID: session.userID, quality: networkQualityOf(uplink.metrics, down ? 'failed' : 'connected') },
    ...downlinks.map((d) => ({
      userID: d.userID,
      quality: networkQualityOf(d.metrics, d.link.pc.connectionState),
    })),
  ];
  return [
    { type: 'stats', stats: [uplink.stats, ...downlinks.map((d) => d.stats)] },
    { type: 'networkQuality', qualities },
  ];
}
