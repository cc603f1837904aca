import { asyncScheduler, BehaviorSubject, Subject, type SchedulerLike } from 'rxjs';
import type { JoinOptions, MediaEvent, SignalingState } from 'ngx-trtc-calling/core';
import { VIDEO_PROFILES } from 'ngx-trtc-calling/core';
import { WIRE_ERROR, type OkResults, type WireSfu } from 'ngx-trtc-calling/wire';
import { CallingTransportError, CLIENT_ERROR, MEDIA_ERROR } from './errors';
import { silentTransportLogger } from './logger';
import {
  FakePeerConnectionBase,
  FakeRoomSignaling,
  FakeStream,
  FakeTrack,
  fakeEnvironment,
} from './fake-browser.test-util';
import type { RoomMembership, RoomSfuEvent } from './room-signaling';
import type { SfuEngine, SfuJoin } from './sfu-handoff';
import { webRtcMedia, type WebRtcMedia, type WebRtcMediaOptions } from './web-rtc-media';

/*
 * The engine's side of TURN: the servers the signaling issues reach the peer connections with
 * the app's own and the transport policy, are asked again before an ICE restart, a link without
 * candidates fails the call with TURN_FAILED, and the media connection state is reported.
 */

const mediaDevices = {
  getUserMedia: async () => new FakeStream([new FakeTrack('audio', 'mic-1')]),
  enumerateDevices: async () => [{ deviceId: 'mic-1', kind: 'audioinput', label: 'mic' }],
  addEventListener: () => undefined,
  removeEventListener: () => undefined,
};

class FakePeerConnection extends FakePeerConnectionBase {
  static readonly all: FakePeerConnection[] = [];
  restarts = 0;
  readonly configurations: RTCConfiguration[] = [];

  constructor(readonly configuration: RTCConfiguration) {
    super();
    FakePeerConnection.all.push(this);
  }
  state(state: string): void {
    this.connectionState = state;
    this.fire('connectionstatechange');
  }
  gatherNothing(): void {
    this.iceGatheringState = 'complete';
    this.fire('icegatheringstatechange');
  }
  getSenders() {
    return [];
  }
  async setLocalDescription(): Promise<void> {
    this.localDescription = { type: 'offer', sdp: 'v=0' };
    this.signalingState = 'have-local-offer';
  }
  async setRemoteDescription(): Promise<void> {
    this.signalingState = 'stable';
  }
  getConfiguration(): RTCConfiguration {
    return this.configuration;
  }
  setConfiguration(configuration: RTCConfiguration): void {
    this.configurations.push(configuration);
  }
  restartIce(): void {
    this.restarts++;
  }
  close(): void {
    this.connectionState = 'closed';
  }
}

type IceReply = OkResults['ice.servers'];

/** Answers `ice.servers` with fresh TURN credentials and places the room on `placed` when set. */
class IceRoomSignaling extends FakeRoomSignaling {
  readonly sfu$ = new Subject<RoomSfuEvent>();
  readonly state$ = new BehaviorSubject<SignalingState>({ status: 'ready' });
  /** Who is logged in: the server issues TURN credentials to them. */
  user = 'alice';
  /** The room is placed on this SFU in the join's answer. */
  placed: WireSfu | undefined;
  asked = 0;
  answer: () => Promise<IceReply> = async () => ({
    iceServers: [
      {
        urls: ['turn:127.0.0.1:3478?transport=udp'],
        username: `${1000 + this.asked}:${this.user}`,
        credential: `c${this.asked}`,
      },
    ],
    ttl: 86_400,
    serverTime: 0,
  });
  override async joinRoom(): Promise<RoomMembership> {
    const other = this.user === 'alice' ? 'bob' : 'alice';
    const peers = [{ userID: other, peerID: `${other}-1` }];
    return this.placed ? { peerID: 'me', peers, sfu: this.placed } : { peerID: 'me', peers };
  }
  iceServers(): Promise<IceReply> {
    this.asked++;
    return this.answer();
  }
}

const join: JoinOptions = {
  roomID: 7,
  userID: 'alice',
  userSig: '',
  video: false,
  profile: VIDEO_PROFILES['360p'],
  allowPeer: (id) => id === 'bob',
};
const tick = () => new Promise((r) => setTimeout(r, 0));
const ticks = async (n: number) => {
  for (let i = 0; i < n; i++) await tick();
};

/** An SFU engine that records how it is asked to join. */
class RecordingSfuEngine implements SfuEngine {
  readonly joins: SfuJoin[] = [];
  readonly peerConnections: readonly RTCPeerConnection[] = [];
  async join(options: SfuJoin): Promise<void> {
    this.joins.push(options);
  }
  async update(): Promise<void> {}
  async leave(): Promise<void> {}
}
const sfuA: WireSfu = { url: 'ws://janus-a.test', room: 70, token: 't-a', instance: 'janus-a' };
const sfuB: WireSfu = { url: 'ws://janus-b.test', room: 71, token: 't-b', instance: 'janus-b' };

describe('WebRtcMedia (ICE servers and the media connection)', () => {
  let signaling: IceRoomSignaling;
  let media: WebRtcMedia;
  let events: MediaEvent[];

  const start = async (over: Partial<WebRtcMediaOptions> = {}) => {
    media = webRtcMedia({
      signaling,
      iceServers: [{ urls: 'stun:stun.app.example:3478' }],
      iceTransportPolicy: 'relay',
      environment: fakeEnvironment(mediaDevices, FakePeerConnection),
      logger: silentTransportLogger,
      ...over,
    });
    media.events$.subscribe((e) => events.push(e));
    await media.join(join);
    await tick();
    return FakePeerConnection.all.at(-1)!;
  };
  const of = (type: MediaEvent['type']) => events.filter((e) => e.type === type);

  beforeEach(() => {
    FakePeerConnection.all.length = 0;
    signaling = new IceRoomSignaling();
    events = [];
  });

  afterEach(() => media.destroy());

  it('connects with the app’s servers and the issued TURN credentials, under the transport policy', async () => {
    const pc = await start();
    expect(signaling.asked).toBe(1);
    expect(pc.configuration).toEqual({
      iceServers: [
        { urls: 'stun:stun.app.example:3478' },
        { urls: ['turn:127.0.0.1:3478?transport=udp'], username: '1001:alice', credential: 'c1' },
      ],
      iceTransportPolicy: 'relay',
    });
    // A second join within the ttl uses what it holds.
    await media.leave();
    await media.join(join);
    expect(signaling.asked).toBe(1);
  });

  it('a server that issues none (an older one) leaves the app’s servers; the join goes on', async () => {
    signaling.answer = () =>
      Promise.reject(new CallingTransportError(WIRE_ERROR.UNKNOWN_TYPE, 'unknown type'));
    const pc = await start();
    expect(pc.configuration.iceServers).toEqual([{ urls: 'stun:stun.app.example:3478' }]);
    expect(media.joined).toBe(true);
  });

  it('serverIceServers: false asks nothing', async () => {
    const pc = await start({ serverIceServers: false });
    expect(signaling.asked).toBe(0);
    expect(pc.configuration.iceServers).toEqual([{ urls: 'stun:stun.app.example:3478' }]);
  });

  it('reports reconnecting while a link restarts ICE with renewed credentials, connected when it is back', async () => {
    const pc = await start();
    pc.state('connected');
    pc.state('failed');
    await tick();
    expect(of('connectionState')).toEqual([{ type: 'connectionState', state: 'reconnecting' }]);
    expect(signaling.asked).toBe(2);
    expect(pc.configurations[0]?.iceServers?.[1]).toMatchObject({ username: '1002:alice', credential: 'c2' });
    expect(pc.restarts).toBe(1);
    pc.state('connected');
    expect(of('connectionState')).toEqual([
      { type: 'connectionState', state: 'reconnecting' },
      { type: 'connectionState', state: 'connected' },
    ]);
    expect(of('failed')).toEqual([]);
  });

  it('leaving while a link reconnects reports connected (no link is reconnecting any more)', async () => {
    const pc = await start();
    pc.state('connected');
    pc.state('failed');
    await media.leave();
    expect(of('connectionState').map((e) => (e as { state: string }).state)).toEqual([
      'reconnecting',
      'connected',
    ]);
  });

  it('no candidate in any attempt (relay without a TURN allocation): failed with TURN_FAILED', async () => {
    const pc = await start();
    for (let i = 0; i < 3; i++) {
      pc.gatherNothing();
      await tick();
    }
    expect(pc.restarts).toBe(2);
    expect(of('failed')).toEqual([
      { type: 'failed', code: MEDIA_ERROR.TURN_FAILED, message: expect.stringMatching(/no TURN allocation/) },
    ]);
  });

  describe('on an SFU', () => {
    let engine: RecordingSfuEngine;
    let clock: number;
    /** The engine's clock under the test's control (the credentials' lifetime); timers run for real. */
    const scheduler: SchedulerLike = {
      now: () => clock,
      schedule: asyncScheduler.schedule.bind(asyncScheduler) as SchedulerLike['schedule'],
    };
    const startPlaced = () =>
      start({ scheduler, sfu: async () => ({ createSfuEngine: () => engine }) }).then(() => ticks(5));

    beforeEach(() => {
      engine = new RecordingSfuEngine();
      clock = 1_000_000;
      signaling.placed = sfuA;
    });

    it('the SFU engine connects with the same servers as the mesh (issued TURN included) and the policy', async () => {
      await startPlaced();
      expect(engine.joins).toHaveLength(1);
      expect(engine.joins[0]?.sfu).toEqual(sfuA);
      expect(engine.joins[0]?.iceServers).toEqual([
        { urls: 'stun:stun.app.example:3478' },
        { urls: ['turn:127.0.0.1:3478?transport=udp'], username: '1001:alice', credential: 'c1' },
      ]);
      expect(engine.joins[0]?.iceTransportPolicy).toBe('relay');
      expect(signaling.asked).toBe(1);
    });

    it('a move after the credentials near their expiry joins the new instance with renewed ones', async () => {
      await startPlaced();
      clock += 86_400_000 * 0.8; // past three quarters of the ttl
      signaling.sfu$.next({ roomID: join.roomID, sfu: sfuB });
      await ticks(10);
      expect(signaling.asked).toBe(2);
      expect(engine.joins.map((j) => j.sfu.instance)).toEqual(['janus-a', 'janus-b']);
      expect(engine.joins[1]?.iceServers[1]).toMatchObject({ username: '1002:alice', credential: 'c2' });
      expect(engine.joins[1]?.iceTransportPolicy).toBe('relay');
    });
  });

  describe('across logins on the same page', () => {
    it('bob never gets alice’s TURN credentials, even when the server issues him none', async () => {
      const alicePc = await start();
      expect(alicePc.configuration.iceServers?.[1]).toMatchObject({ username: '1001:alice' });
      await media.leave();
      signaling.user = 'bob';
      signaling.answer = () => Promise.reject(new CallingTransportError(CLIENT_ERROR.TIMEOUT, 'no answer'));
      await media.join({ ...join, userID: 'bob', allowPeer: () => true });
      await tick();
      expect(signaling.asked).toBe(2);
      expect(FakePeerConnection.all.at(-1)?.configuration.iceServers).toEqual([
        { urls: 'stun:stun.app.example:3478' },
      ]);
    });

    it('an instant answer (prepare) for another user does not connect with the previous one’s', async () => {
      await start();
      await media.leave();
      signaling.user = 'bob';
      signaling.answer = () => Promise.reject(new CallingTransportError(CLIENT_ERROR.TIMEOUT, 'no answer'));
      await media.prepare({ roomID: join.roomID, userID: 'bob', userSig: '', allowPeer: () => true });
      await tick();
      expect(signaling.asked).toBe(2);
      expect(FakePeerConnection.all).toHaveLength(2);
      expect(FakePeerConnection.all.at(-1)?.configuration.iceServers).toEqual([
        { urls: 'stun:stun.app.example:3478' },
      ]);
    });

    it('another user’s join gets their own credentials', async () => {
      await start();
      await media.leave();
      signaling.user = 'bob';
      await media.join({ ...join, userID: 'bob', allowPeer: () => true });
      await tick();
      expect(FakePeerConnection.all.at(-1)?.configuration.iceServers?.[1]).toMatchObject({
        username: '1002:bob',
      });
    });

    it.each(['loggedOut', 'kickedOut'] as const)(
      'a session that ends (%s) forgets the credentials: the next login asks anew',
      async (status) => {
        await start();
        await media.leave();
        signaling.state$.next(status === 'kickedOut' ? { status, reason: 'multipleAccount' } : { status });
        signaling.state$.next({ status: 'ready' });
        signaling.answer = () => Promise.reject(new CallingTransportError(CLIENT_ERROR.TIMEOUT, 'no answer'));
        await media.join(join);
        await tick();
        expect(signaling.asked).toBe(2);
        expect(FakePeerConnection.all.at(-1)?.configuration.iceServers).toEqual([
          { urls: 'stun:stun.app.example:3478' },
        ]);
      },
    );

    it('destroy stops following the login state', async () => {
      await start();
      expect(signaling.state$.observed).toBe(true);
      media.destroy();
      expect(signaling.state$.observed).toBe(false);
    });
  });
});
