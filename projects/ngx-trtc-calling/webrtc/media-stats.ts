import type { MediaStats } from 'ngx-trtc-calling/core';
import type { LinkMetrics } from './network-quality';

/** A video's size and rate as `getStats` reports it. */
interface VideoSize {
  readonly width: number;
  readonly height: number;
  readonly frameRate: number | null;
}

/**
 * One `getStats()` of one link, reduced to what the reports need. The counters are cumulative
 * (since the connection started); rates and loss come from the difference of two samples.
 */
export interface LinkSample {
  /** When it was taken, ms. */
  readonly at: number;
  readonly bytesSent: number;
  readonly packetsSent: number;
  /** Of the packets we sent, those the peer reports lost (`remote-inbound-rtp`). */
  readonly remoteLost: number;
  readonly bytesReceived: number;
  readonly packetsReceived: number;
  readonly packetsLost: number;
  /** Round trip of the selected candidate pair, or else of RTCP (`remote-inbound-rtp`). */
  readonly rttMs: number | null;
  /** Jitter of what we receive (worst stream). */
  readonly jitterMs: number | null;
  /** Jitter of what the peer receives from us, as it reports (worst stream). */
  readonly remoteJitterMs: number | null;
  readonly sentVideo: VideoSize | null;
  readonly receivedVideo: VideoSize | null;
}

/** The fields of `RTCStats` entries read here (all optional: browsers differ). */
interface AnyStats {
  readonly type: string;
  readonly id: string;
  readonly kind?: string;
  readonly mid?: string;
  readonly bytesSent?: number;
  readonly packetsSent?: number;
  readonly bytesReceived?: number;
  readonly packetsReceived?: number;
  readonly packetsLost?: number;
  readonly jitter?: number;
  readonly roundTripTime?: number;
  readonly currentRoundTripTime?: number;
  readonly frameWidth?: number;
  readonly frameHeight?: number;
  readonly framesPerSecond?: number;
  readonly selectedCandidatePairId?: string;
  readonly nominated?: boolean;
  readonly state?: string;
}

/**
 * Reads one `getStats()` report. `cameraMid` names the camera's transceiver, whose video gives
 * the resolution (a screen share on another transceiver would otherwise stand in for it).
 */
export function sampleOf(report: RTCStatsReport, at: number, cameraMid: string | null = null): LinkSample {
  const stats: AnyStats[] = [];
  report.forEach((value: AnyStats) => stats.push(value));
  const of = (type: string) => stats.filter((s) => s.type === type);
  const sum = (list: AnyStats[], key: keyof AnyStats) =>
    list.reduce((total, s) => total + (typeof s[key] === 'number' ? s[key] : 0), 0);
  const worst = (list: AnyStats[], key: 'jitter' | 'roundTripTime') => {
    const values = list.flatMap((s) => (typeof s[key] === 'number' ? [s[key] * 1000] : []));
    return values.length ? Math.max(...values) : null;
  };
  const outbound = of('outbound-rtp');
  const inbound = of('inbound-rtp');
  const remoteInbound = of('remote-inbound-rtp');
  return {
    at,
    bytesSent: sum(outbound, 'bytesSent'),
    packetsSent: sum(outbound, 'packetsSent'),
    remoteLost: sum(remoteInbound, 'packetsLost'),
    bytesReceived: sum(inbound, 'bytesReceived'),
    packetsReceived: sum(inbound, 'packetsReceived'),
    packetsLost: sum(inbound, 'packetsLost'),
    rttMs: pairRtt(stats) ?? worst(remoteInbound, 'roundTripTime'),
    jitterMs: worst(inbound, 'jitter'),
    remoteJitterMs: worst(remoteInbound, 'jitter'),
    sentVideo: videoSize(outbound, cameraMid),
    receivedVideo: videoSize(inbound, cameraMid),
  };
}

/** What we receive from one remote user over the last interval, and the metrics of that downlink. */
export function receivedStats(
  userID: string,
  previous: LinkSample | undefined,
  current: LinkSample,
): { readonly stats: MediaStats; readonly metrics: LinkMetrics } {
  let packetLoss: number | null = null;
  if (previous) {
    const lost = Math.max(0, current.packetsLost - previous.packetsLost);
    const received = Math.max(0, current.packetsReceived - previous.packetsReceived);
    packetLoss = lost + received > 0 ? lost / (lost + received) : 0;
  }
  const metrics: LinkMetrics = { rttMs: current.rttMs, packetLoss, jitterMs: current.jitterMs };
  return {
    stats: mediaStats(
      userID,
      kbps(previous?.bytesReceived, current.bytesReceived, previous, current),
      metrics,
      current.receivedVideo,
    ),
    metrics,
  };
}

/**
 * What we send, over every link: the bitrates add up (a mesh sends one copy per peer), loss,
 * round trip and jitter are the worst link's (the uplink is as good as its worst path).
 */
export function sentStats(
  userID: string,
  links: readonly { readonly previous: LinkSample | undefined; readonly current: LinkSample }[],
): { readonly stats: MediaStats; readonly metrics: LinkMetrics } {
  let bitrate = 0;
  const losses: number[] = [];
  const rtts: number[] = [];
  const jitters: number[] = [];
  let video: VideoSize | null = null;
  for (const { previous, current } of links) {
    bitrate += kbps(previous?.bytesSent, current.bytesSent, previous, current);
    if (previous) {
      const sent = Math.max(0, current.packetsSent - previous.packetsSent);
      const lost = Math.max(0, current.remoteLost - previous.remoteLost);
      losses.push(sent > 0 ? Math.min(1, lost / sent) : 0);
    }
    if (current.rttMs !== null) rtts.push(current.rttMs);
    if (current.remoteJitterMs !== null) jitters.push(current.remoteJitterMs);
    video ??= current.sentVideo;
  }
  const max = (values: number[]) => (values.length ? Math.max(...values) : null);
  const metrics: LinkMetrics = { rttMs: max(rtts), packetLoss: max(losses), jitterMs: max(jitters) };
  return { stats: mediaStats(userID, bitrate, metrics, video), metrics };
}

function mediaStats(
  userID: string,
  bitrateKbps: number,
  metrics: LinkMetrics,
  video: VideoSize | null,
): MediaStats {
  return {
    userID,
    bitrateKbps: Math.round(bitrateKbps),
    packetLoss: metrics.packetLoss ?? 0,
    rttMs: metrics.rttMs === null ? null : Math.round(metrics.rttMs),
    jitterMs: metrics.jitterMs === null ? null : Math.round(metrics.jitterMs * 10) / 10,
    width: video?.width ?? null,
    height: video?.height ?? null,
    frameRate: video?.frameRate ?? null,
  };
}

/** kbit/s between two byte counts (bytes·8 per ms is kbit/s); 0 for the first sample. */
function kbps(
  before: number | undefined,
  after: number,
  previous: LinkSample | undefined,
  current: LinkSample,
): number {
  if (before === undefined || !previous || current.at <= previous.at) return 0;
  return (Math.max(0, after - before) * 8) / (current.at - previous.at);
}

/** The round trip of the candidate pair in use: the transport's selected one, else the nominated one. */
function pairRtt(stats: readonly AnyStats[]): number | null {
  const selectedID = stats.find(
    (s) => s.type === 'transport' && s.selectedCandidatePairId,
  )?.selectedCandidatePairId;
  const pair =
    stats.find((s) => s.type === 'candidate-pair' && s.id === selectedID) ??
    stats.find((s) => s.type === 'candidate-pair' && s.nominated && s.state === 'succeeded');
  return typeof pair?.currentRoundTripTime === 'number' ? pair.currentRoundTripTime * 1000 : null;
}

function videoSize(list: readonly AnyStats[], cameraMid: string | null): VideoSize | null {
  const video = list.filter(
    (s) => s.kind === 'video' && typeof s.frameWidth === 'number' && s.frameWidth > 0,
  );
  const stat = video.find((s) => cameraMid !== null && s.mid === cameraMid) ?? video[0];
  if (!stat) return null;
  return {
    width: stat.frameWidth ?? 0,
    height: stat.frameHeight ?? 0,
    frameRate: typeof stat.framesPerSecond === 'number' ? stat.framesPerSecond : null,
  };
}
