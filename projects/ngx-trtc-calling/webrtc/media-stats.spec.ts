import { VirtualClock } from 'ngx-trtc-calling/testing';
import type { MediaEvent } from 'ngx-trtc-calling/core';
import { silentTransportLogger } from './logger';
import { receivedStats, sampleOf, sentStats } from './media-stats';
import type { Session } from './media-session';
import { networkQualityOf } from './network-quality';
import type { PeerLink } from './peer-link';
import { statsEvents } from './stats-events';

/*
 * Statistics and network quality of the self-hosted backend, from `getStats()` reports written
 * as Chromium gives them (the fields the W3C stats spec names), without a browser.
 */

type Stat = Record<string, unknown> & { type: string; id: string };

/** A report as `getStats()` resolves it (a map-like of stats by id). */
function report(...stats: Stat[]): RTCStatsReport {
  return new Map(stats.map((s) => [s.id, s])) as unknown as RTCStatsReport;
}

/** One link's report after `seconds`, sending and receiving at the given rates. */
function linkReport(
  seconds: number,
  o: {
    sentKbps?: number;
    receivedKbps?: number;
    lostIn?: number;
    lostOut?: number;
    rtt?: number;
    jitter?: number;
  } = {},
) {
  const bytes = (kbps: number) => (kbps * 1000 * seconds) / 8;
  const packets = 50 * seconds;
  return report(
    { type: 'transport', id: 'T', selectedCandidatePairId: 'CP2' },
    { type: 'candidate-pair', id: 'CP1', nominated: true, state: 'succeeded', currentRoundTripTime: 9 },
    {
      type: 'candidate-pair',
      id: 'CP2',
      nominated: true,
      state: 'succeeded',
      currentRoundTripTime: o.rtt ?? 0.004,
    },
    { type: 'outbound-rtp', id: 'OA', kind: 'audio', mid: '0', bytesSent: bytes(32), packetsSent: packets },
    {
      type: 'outbound-rtp',
      id: 'OV',
      kind: 'video',
      mid: '1',
      bytesSent: bytes((o.sentKbps ?? 532) - 32),
      packetsSent: packets,
      frameWidth: 640,
      frameHeight: 480,
      framesPerSecond: 30,
    },
    {
      type: 'outbound-rtp',
      id: 'OS',
      kind: 'video',
      mid: '2',
      bytesSent: 0,
      packetsSent: 0,
      frameWidth: 1920,
      frameHeight: 1080,
    },
    {
      type: 'remote-inbound-rtp',
      id: 'RV',
      kind: 'video',
      packetsLost: (o.lostOut ?? 0) * seconds,
      jitter: 0.002,
      roundTripTime: 0.5,
    },
    {
      type: 'inbound-rtp',
      id: 'IV',
      kind: 'video',
      mid: '1',
      bytesReceived: bytes(o.receivedKbps ?? 800),
      packetsReceived: packets * 2 - (o.lostIn ?? 0) * seconds,
      packetsLost: (o.lostIn ?? 0) * seconds,
      jitter: o.jitter ?? 0.003,
      frameWidth: 320,
      frameHeight: 240,
      framesPerSecond: 15,
    },
  );
}

describe('network quality (TRTC 0–6 from round trip, loss and jitter)', () => {
  it.each([
    ['nothing measured yet', 0, { rttMs: null, packetLoss: null, jitterMs: null }, 'connected'],
    ['loopback', 1, { rttMs: 1, packetLoss: 0, jitterMs: 1 }, 'connected'],
    ['round trip 99 ms', 1, { rttMs: 99, packetLoss: null, jitterMs: null }, 'connected'],
    ['round trip 100 ms', 2, { rttMs: 100, packetLoss: null, jitterMs: null }, 'connected'],
    ['round trip 250 ms', 3, { rttMs: 250, packetLoss: 0, jitterMs: 5 }, 'connected'],
    ['round trip 450 ms', 4, { rttMs: 450, packetLoss: 0, jitterMs: 5 }, 'connected'],
    ['round trip 500 ms', 5, { rttMs: 500, packetLoss: 0, jitterMs: 5 }, 'connected'],
    ['2 % loss', 2, { rttMs: 10, packetLoss: 0.02, jitterMs: 5 }, 'connected'],
    ['5 % loss', 3, { rttMs: 10, packetLoss: 0.05, jitterMs: 5 }, 'connected'],
    ['10 % loss', 4, { rttMs: 10, packetLoss: 0.1, jitterMs: 5 }, 'connected'],
    ['30 % loss', 5, { rttMs: 10, packetLoss: 0.3, jitterMs: 5 }, 'connected'],
    ['jitter 30 ms', 2, { rttMs: 10, packetLoss: 0, jitterMs: 30 }, 'connected'],
    ['jitter 50 ms', 3, { rttMs: 10, packetLoss: 0, jitterMs: 50 }, 'connected'],
    ['jitter 80 ms', 4, { rttMs: 10, packetLoss: 0, jitterMs: 80 }, 'connected'],
    ['jitter 150 ms', 5, { rttMs: 10, packetLoss: 0, jitterMs: 150 }, 'connected'],
    ['the worst metric decides', 4, { rttMs: 10, packetLoss: 0.1, jitterMs: 30 }, 'connected'],
    ['still connecting, first figures', 1, { rttMs: 20, packetLoss: null, jitterMs: null }, 'connecting'],
    ['disconnected', 6, { rttMs: 1, packetLoss: 0, jitterMs: 1 }, 'disconnected'],
    ['failed', 6, { rttMs: null, packetLoss: null, jitterMs: null }, 'failed'],
    ['closed', 6, { rttMs: 1, packetLoss: 0, jitterMs: 1 }, 'closed'],
  ] as const)('%s → %i', (_what, quality, metrics, connection) => {
    expect(networkQualityOf(metrics, connection)).toBe(quality);
  });
});

describe('media stats from getStats()', () => {
  it('reads one report: byte and packet counters, the selected pair’s round trip, the camera’s video', () => {
    const sample = sampleOf(linkReport(2), 2000, '1');
    expect(sample).toMatchObject({
      at: 2000,
      rttMs: 4,
      jitterMs: 3,
      remoteJitterMs: 2,
      sentVideo: { width: 640, height: 480, frameRate: 30 },
      receivedVideo: { width: 320, height: 240, frameRate: 15 },
    });
    expect(sample.bytesSent).toBe(((532 * 1000) / 8) * 2);
  });

  it('falls back to the RTCP round trip without a selected pair, and to the first video without the camera’s mid', () => {
    const stats = report(
      { type: 'remote-inbound-rtp', id: 'R', kind: 'audio', roundTripTime: 0.12 },
      { type: 'outbound-rtp', id: 'O', kind: 'video', mid: '7', frameWidth: 1280, frameHeight: 720 },
    );
    expect(sampleOf(stats, 0)).toMatchObject({
      rttMs: 120,
      sentVideo: { width: 1280, height: 720, frameRate: null },
      receivedVideo: null,
      jitterMs: null,
    });
  });

  it('what we receive: bitrate and loss from the differences of two samples (none from the first)', () => {
    const first = sampleOf(linkReport(2, { lostIn: 5 }), 2000, '1');
    const second = sampleOf(linkReport(4, { lostIn: 5 }), 4000, '1');
    expect(receivedStats('bob', undefined, first).stats).toEqual({
      userID: 'bob',
      bitrateKbps: 0,
      packetLoss: 0,
      rttMs: 4,
      jitterMs: 3,
      width: 320,
      height: 240,
      frameRate: 15,
    });
    const { stats, metrics } = receivedStats('bob', first, second);
    expect(stats.bitrateKbps).toBe(800);
    // 10 lost of 200 sent in those 2 s.
    expect(stats.packetLoss).toBeCloseTo(0.05);
    expect(metrics).toEqual({ rttMs: 4, packetLoss: 0.05, jitterMs: 3 });
  });

  it('what we send: the links’ bitrates add up, the worst link’s loss and round trip count', () => {
    const near = { previous: sampleOf(linkReport(2), 2000), current: sampleOf(linkReport(4), 4000) };
    const far = {
      previous: sampleOf(linkReport(2, { rtt: 0.3, lostOut: 10 }), 2000),
      current: sampleOf(linkReport(4, { rtt: 0.3, lostOut: 10 }), 4000),
    };
    const { stats, metrics } = sentStats('alice', [near, far]);
    expect(stats).toMatchObject({ userID: 'alice', bitrateKbps: 1064, rttMs: 300, width: 640, height: 480 });
    // 20 of the 200 packets sent on the far link in 2 s.
    expect(metrics.packetLoss).toBeCloseTo(0.1);
    expect(networkQualityOf(metrics, 'connected')).toBe(4);
  });
});

describe('statsEvents (the timer of one session)', () => {
  /** A session with one link per user whose `getStats` reports `seconds` of a call. */
  function sessionWith(users: string[]) {
    const calls = { count: 0 };
    const peers = new Map(
      users.map((userID) => {
        const link = {
          isClosed: false,
          cameraMid: '1',
          remote: { userID, peerID: `${userID}-1` },
          pc: {
            connectionState: 'connected',
            getStats: async () => linkReport(++calls.count),
          },
        } as unknown as PeerLink;
        return [`${userID}-1`, { peer: { userID, peerID: `${userID}-1` }, hasTrack: true, link }];
      }),
    );
    return { session: { userID: 'alice', peers } as unknown as Session, calls, peers };
  }

  it('reports every period (ours first, then each user) and stops when unsubscribed', async () => {
    const clock = new VirtualClock({ startTime: 0 });
    const { session, calls } = sessionWith(['bob']);
    const events: MediaEvent[] = [];
    const subscription = statsEvents(session, 2000, clock.scheduler, silentTransportLogger).subscribe((e) =>
      events.push(e),
    );
    await clock.advance(4000);
    expect(calls.count).toBe(2);
    expect(events.map((e) => e.type)).toEqual(['stats', 'networkQuality', 'stats', 'networkQuality']);
    expect(events[3]).toEqual({
      type: 'networkQuality',
      qualities: [
        { userID: 'alice', quality: 1 },
        { userID: 'bob', quality: 1 },
      ],
    });
    const stats = events[2] as Extract<MediaEvent, { type: 'stats' }>;
    expect(stats.stats.map((s) => [s.userID, s.bitrateKbps > 0])).toEqual([
      ['alice', true],
      ['bob', true],
    ]);

    subscription.unsubscribe();
    await clock.advance(10_000);
    expect(calls.count).toBe(2);
    expect(clock.pending()).toBe(0);
  });

  it('a failed link is quality 6 for its user; nothing is reported without links', async () => {
    const clock = new VirtualClock({ startTime: 0 });
    const { session, peers } = sessionWith(['bob', 'carol']);
    (peers.get('carol-1')!.link.pc as { connectionState: string }).connectionState = 'failed';
    const events: MediaEvent[] = [];
    const subscription = statsEvents(session, 2000, clock.scheduler, silentTransportLogger).subscribe((e) =>
      events.push(e),
    );
    await clock.advance(2000);
    expect(events[1]).toEqual({
      type: 'networkQuality',
      qualities: [
        { userID: 'alice', quality: 1 },
        { userID: 'bob', quality: 1 },
        { userID: 'carol', quality: 6 },
      ],
    });
    peers.clear();
    await clock.advance(2000);
    expect(events).toHaveLength(2);
    subscription.unsubscribe();
  });
});
