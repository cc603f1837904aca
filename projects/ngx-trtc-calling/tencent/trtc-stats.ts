import { concatMap, from, interval, Observable, type SchedulerLike } from 'rxjs';
import type { MediaEvent, MediaStats, NetworkQuality, ParticipantQuality } from 'ngx-trtc-calling/core';
import type { TrtcClient, TrtcMediaCounters, TrtcNetworkQualityEvent, TrtcStatsMap } from './trtc-like';

/**
 * `network-quality` as per-participant qualities: ours is the uplink; every remote user gets the
 * downlink, since TRTC reports one downlink value for all of them. Values outside 0–6 read as 0.
 */
export function qualitiesOf(
  event: TrtcNetworkQualityEvent,
  selfID: string,
  remoteIDs: Iterable<string>,
): ParticipantQuality[] {
  const downlink = onScale(event.downlinkNetworkQuality);
  return [
    { userID: selfID, quality: onScale(event.uplinkNetworkQuality) },
    ...[...remoteIDs].map((userID) => ({ userID, quality: downlink })),
  ];
}

function onScale(value: number): NetworkQuality {
  return Number.isInteger(value) && value >= 0 && value <= 6 ? (value as NetworkQuality) : 0;
}

/** Cumulative counters of one participant at one time. */
interface Sample {
  readonly at: number;
  readonly bytes: number;
  readonly packets: number;
  readonly lost: number;
}

/**
 * Every `period` ms, the SDK's own statistics (`getLocalAudioStats`, `getLocalVideoStats`,
 * `getRemoteAudioStats`, `getRemoteVideoStats`, `getTransportStats`) as a `stats` event: ours
 * (what we send) first, then each user in `remoteIDs()` (what we receive). Bitrate and loss come
 * from the difference to the previous round; TRTC reports no jitter nor uplink loss. Nothing
 * when the SDK has no statistics API. Unsubscribing stops the timer.
 */
export function trtcStatsEvents(
  client: TrtcClient,
  selfID: string,
  remoteIDs: () => Iterable<string>,
  period: number,
  scheduler: SchedulerLike,
): Observable<MediaEvent> {
  return new Observable<MediaEvent>((subscriber) => {
    if (!client.getTransportStats) return undefined;
    const previous = new Map<string, Sample>();
    return interval(period, scheduler)
      .pipe(concatMap(() => from(statsRound(client, selfID, [...remoteIDs()], previous, scheduler.now()))))
      .subscribe((stats) => {
        if (stats) subscriber.next({ type: 'stats', stats });
      });
  });
}

async function statsRound(
  client: TrtcClient,
  selfID: string,
  remoteIDs: readonly string[],
  previous: Map<string, Sample>,
  now: number,
): Promise<MediaStats[] | null> {
  let results: [
    TrtcStatsMap,
    TrtcStatsMap,
    TrtcStatsMap,
    TrtcStatsMap,
    Awaited<ReturnType<NonNullable<TrtcClient['getTransportStats']>>>,
  ];
  try {
    results = await Promise.all([
      client.getLocalAudioStats?.() ?? {},
      client.getLocalVideoStats?.() ?? {},
      client.getRemoteAudioStats?.() ?? {},
      client.getRemoteVideoStats?.() ?? {},
      client.getTransportStats?.() ?? { rtt: 0 },
    ]);
  } catch {
    return null; // the client left between two rounds; the next round (if any) tries again
  }
  const [localAudio, localVideo, remoteAudio, remoteVideo, transport] = results;
  const stats: MediaStats[] = [];
  const row = (
    userID: string,
    audio: TrtcMediaCounters | undefined,
    video: TrtcMediaCounters | undefined,
    rtt: number | undefined,
    sent: boolean,
  ) => {
    const sum = (key: keyof TrtcMediaCounters) => (audio?.[key] ?? 0) + (video?.[key] ?? 0);
    const current: Sample = {
      at: now,
      bytes: sum(sent ? 'bytesSent' : 'bytesReceived'),
      packets: sum(sent ? 'packetsSent' : 'packetsReceived'),
      lost: sent ? 0 : sum('packetsLost'),
    };
    const before = previous.get(userID);
    previous.set(userID, current);
    const seconds = before ? (current.at - before.at) / 1000 : 0;
    const lost = before ? Math.max(0, current.lost - before.lost) : 0;
    const packets = before ? Math.max(0, current.packets - before.packets) : 0;
    stats.push({
      userID,
      bitrateKbps:
        before && seconds > 0
          ? Math.round((Math.max(0, current.bytes - before.bytes) * 8) / 1000 / seconds)
          : 0,
      packetLoss: lost + packets > 0 ? lost / (lost + packets) : 0,
      rttMs: typeof rtt === 'number' ? rtt : null,
      jitterMs: null,
      width: video?.frameWidth || null,
      height: video?.frameHeight || null,
      frameRate: null,
    });
  };
  row(selfID, localAudio[selfID], localVideo[selfID], transport.rtt, true);
  for (const userID of remoteIDs)
    row(
      userID,
      remoteAudio[userID],
      remoteVideo[userID],
      transport.downlinksRTT?.[userID] ?? transport.rtt,
      false,
    );
  for (const userID of previous.keys())
    if (userID !== selfID && !remoteIDs.includes(userID)) previous.delete(userID);
  return stats;
}
