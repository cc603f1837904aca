import { VIDEO_PROFILES, type JoinOptions, type MediaEvent } from 'ngx-trtc-calling/core';
import { VirtualClock } from 'ngx-trtc-calling/testing';
import { forbidNetwork, trtcBench } from './trtc-bench.test-util';
import type { FakeLocalStream } from './testing-doubles/trtc-double.test-util';

/*
 * Network quality, statistics and screen sharing of the Tencent media adapter on the TRTC
 * double: the SDK's `network-quality` event and `get*Stats` calls, and screen sharing from the
 * second client of the SDK's guide (`share_<userID>`).
 */

const ROOM = 4343;

forbidNetwork();

function joinOptions(userID: string): JoinOptions {
  return { roomID: ROOM, userID, userSig: `sig-${userID}`, video: true, profile: VIDEO_PROFILES['480p'] };
}

describe('trtcMedia: quality, stats and screen sharing', () => {
  const bench = trtcBench();
  let clock: VirtualClock;

  beforeEach(() => {
    clock = new VirtualClock({ startTime: 0 });
  });

  /** An engine; `canShare: false` leaves out `screenShareUserSig`. */
  const engine = (canShare = true) =>
    bench.engine({
      scheduler: clock.scheduler,
      ...(canShare ? { screenShareUserSig: (userID: string) => `sig-${userID}` } : {}),
    });
  const { clientOf } = bench;
  const screenOf = (userID: string): FakeLocalStream =>
    bench.net.localStreams.filter((s) => s.getUserId() === `share_${userID}`).at(-1)!;
  const ofType = <T extends MediaEvent['type']>(events: MediaEvent[], type: T) =>
    events.filter((e): e is Extract<MediaEvent, { type: T }> => e.type === type);

  async function pair(aliceCanShare = true) {
    const a = engine(aliceCanShare);
    const b = engine();
    await a.media.join(joinOptions('alice'));
    await b.media.join(joinOptions('bob'));
    await bench.net.settle();
    return { a, b };
  }

  it('network-quality: ours is the uplink, every remote user gets the downlink', async () => {
    const { a } = await pair();
    bench.net.networkQuality(clientOf('alice'), 2, 4);
    expect(ofType(a.events, 'networkQuality')).toEqual([
      {
        type: 'networkQuality',
        qualities: [
          { userID: 'alice', quality: 2 },
          { userID: 'bob', quality: 4 },
        ],
      },
    ]);
  });

  it('stats every 2 s from get*Stats (bitrate and loss from the difference), until leave', async () => {
    const { a, b } = await pair();
    bench.net.rtt = 35;
    const counters = (userID: string, seconds: number, lost = 0) =>
      bench.net.counters.set(userID, {
        audioBytes: 4_000 * seconds,
        videoBytes: 96_000 * seconds,
        packets: 100 * seconds,
        packetsLost: lost * seconds,
        frameWidth: 640,
        frameHeight: 480,
      });
    counters('alice', 2);
    counters('bob', 2, 5);
    await clock.advance(2_000);
    counters('alice', 4);
    counters('bob', 4, 5);
    await clock.advance(2_000);
    const stats = ofType(a.events, 'stats');
    expect(stats).toHaveLength(2);
    expect(stats[0]!.stats.map((s) => s.bitrateKbps)).toEqual([0, 0]);
    expect(stats[1]!.stats).toEqual([
      {
        userID: 'alice',
        bitrateKbps: 800,
        packetLoss: 0,
        rttMs: 35,
        jitterMs: null,
        width: 640,
        height: 480,
        frameRate: null,
      },
      {
        userID: 'bob',
        bitrateKbps: 800,
        // 10 of the 200 packets bob sent in those 2 s.
        packetLoss: 0.05,
        rttMs: 35,
        jitterMs: null,
        width: 640,
        height: 480,
        frameRate: null,
      },
    ]);

    const calls = (userID: string) =>
      bench.net.calls.filter((c) => c.method === 'getTransportStats' && c.target === `client:${userID}`)
        .length;
    const before = calls('alice');
    expect(before).toBe(2);
    await a.media.leave();
    await b.media.leave();
    await clock.advance(10_000);
    expect(calls('alice')).toBe(before);
    expect(clock.pending()).toBe(0);
  });

  it('alice shares from share_alice; bob sees the screen of alice, not a user share_alice', async () => {
    const { a, b } = await pair();
    await a.media.startScreenShare();
    await bench.net.settle();
    const share = clientOf('share_alice');
    expect(share.config).toMatchObject({ userId: 'share_alice', userSig: 'sig-share_alice' });
    expect(share.published).toBe(screenOf('alice'));
    expect(screenOf('alice').config).toMatchObject({ screen: true, audio: false });
    // Alice's main client does not subscribe to her own screen.
    expect(clientOf('alice').remoteStreams.get('share_alice')?.isSubscribed ?? false).toBe(false);

    expect(ofType(b.events, 'screenShareAvailable')).toEqual([
      { type: 'screenShareAvailable', userID: 'alice', available: true },
    ]);
    expect(b.events.filter((e) => 'userID' in e && e.userID === 'share_alice')).toEqual([]);
    const view = document.createElement('div');
    document.body.append(view);
    b.media.attachRemoteScreen('alice', view);
    expect(clientOf('bob').remoteStreams.get('share_alice')?.playingIn).toBe(view);
    // Bob's stats and quality name users only.
    bench.net.networkQuality(clientOf('bob'), 1, 1);
    expect(
      ofType(b.events, 'networkQuality')
        .at(-1)
        ?.qualities.map((q) => q.userID),
    ).toEqual(['bob', 'alice']);

    await a.media.stopScreenShare();
    await bench.net.settle();
    expect(share.isJoined).toBe(false);
    expect(screenOf('alice').videoTrack?.readyState).toBe('ended');
    expect(ofType(b.events, 'screenShareAvailable').at(-1)).toEqual({
      type: 'screenShareAvailable',
      userID: 'alice',
      available: false,
    });
    expect(b.events.some((e) => e.type === 'userLeft')).toBe(false);
  });

  it("the browser's own Stop ends the share: screenShareEnded here, unavailable there", async () => {
    const { a, b } = await pair();
    await a.media.startScreenShare();
    await bench.net.settle();
    bench.net.endScreenShare(screenOf('alice'));
    await bench.net.settle();
    expect(ofType(a.events, 'screenShareEnded')).toHaveLength(1);
    expect(clientOf('share_alice').isJoined).toBe(false);
    expect(ofType(b.events, 'screenShareAvailable').at(-1)?.available).toBe(false);
  });

  it('leaving stops the share and closes the remote screens', async () => {
    const { a, b } = await pair();
    await a.media.startScreenShare();
    await bench.net.settle();
    await b.media.leave();
    expect(ofType(b.events, 'screenShareAvailable').at(-1)?.available).toBe(false);
    await a.media.leave();
    expect(clientOf('share_alice').isJoined).toBe(false);
    expect(clientOf('share_alice').isDestroyed).toBe(true);
  });

  it('a refused picker: 60030, nothing joined', async () => {
    const { a } = await pair();
    bench.net.screenPermission = 'denied';
    await expect(a.media.startScreenShare()).rejects.toMatchObject({ code: 60030 });
    expect(bench.net.clients.some((c) => c.userId === 'share_alice')).toBe(false);
  });

  it('without screenShareUserSig: 60006 (remote screens still show); outside a room: 61000', async () => {
    const { a } = await pair(false);
    await expect(a.media.startScreenShare()).rejects.toMatchObject({ code: 60006 });
    const { media } = engine();
    await expect(media.startScreenShare()).rejects.toMatchObject({ code: 61000 });
  });
});
