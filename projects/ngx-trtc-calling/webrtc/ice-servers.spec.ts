import { VirtualTimeScheduler } from 'rxjs';
import { CallingTransportError, CLIENT_ERROR, MEDIA_ERROR } from './errors';
import { IceServers, type IssuedIceServers } from './ice-servers';
import { silentTransportLogger } from './logger';
import { PeerLink, type PeerLinkOptions } from './peer-link';

/*
 * The issued ICE servers (merge, renewal before expiry) and what a peer link does with them:
 * the policy and servers it is created with, fresh servers before an ICE restart, a bounded
 * failure with a typed code, and the reconnecting/connected reports. Real TURN: e2e/turn.spec.ts.
 */

const OWN: RTCIceServer[] = [{ urls: 'stun:stun.app.example:3478' }];
const turn = (n: number): IssuedIceServers['iceServers'][number] => ({
  urls: ['turn:127.0.0.1:3478?transport=udp'],
  username: `${n}:alice`,
  credential: `secret-${n}`,
});

describe('IceServers', () => {
  let now: number;
  let asked: number;
  let answer: () => Promise<IssuedIceServers>;
  const servers = (withFetch = true) =>
    new IceServers({
      own: OWN,
      ...(withFetch
        ? {
            fetch: () => {
              asked++;
              return answer();
            },
          }
        : {}),
      now: () => now,
      logger: silentTransportLogger,
    });

  beforeEach(() => {
    now = 1_000_000;
    asked = 0;
    answer = async () => ({ iceServers: [turn(asked)], ttl: 600, serverTime: 0 });
  });

  it('merges the app’s own servers with the issued ones', async () => {
    const ice = servers();
    expect(ice.latest).toEqual(OWN);
    expect(await ice.current()).toEqual([
      ...OWN,
      { urls: ['turn:127.0.0.1:3478?transport=udp'], username: '1:alice', credential: 'secret-1' },
    ]);
    expect(ice.latest).toEqual(await ice.current());
    expect(asked).toBe(1);
  });

  it('asks again once three quarters of the ttl are gone, not before; refresh always asks', async () => {
    const ice = servers();
    await ice.current();
    now += 449_999; // 600 s × 3/4 = 450 s
    await ice.current();
    expect(asked).toBe(1);
    now += 1;
    expect((await ice.current())[1]).toMatchObject({ username: '2:alice' });
    expect(asked).toBe(2);
    await ice.refresh();
    expect(asked).toBe(3);
  });

  it('asks once for concurrent callers', async () => {
    const ice = servers();
    await Promise.all([ice.current(), ice.current(), ice.refresh()]);
    expect(asked).toBe(1);
  });

  it('keeps valid credentials when the server cannot answer, drops expired ones, and never rejects', async () => {
    const ice = servers();
    await ice.current();
    answer = () => Promise.reject(new CallingTransportError(CLIENT_ERROR.TIMEOUT, 'no answer'));
    now += 500_000; // past the renewal point, before the expiry
    expect((await ice.current())[1]).toMatchObject({ username: '1:alice' });
    now += 100_000; // expired: TURN with them would only fail
    expect(await ice.current()).toEqual(OWN);
    expect(ice.latest).toEqual(OWN);
  });

  it('an issue without TURN (ttl 0) is kept until refreshed; no fetch means the own servers only', async () => {
    answer = async () => ({ iceServers: [{ urls: ['stun:s:3478'] }], ttl: 0, serverTime: 0 });
    const ice = servers();
    await ice.current();
    now += 10 ** 9;
    expect(await ice.current()).toEqual([...OWN, { urls: ['stun:s:3478'] }]);
    expect(asked).toBe(1);
    expect(await servers(false).current()).toEqual(OWN);
  });

  it('holds an issue for one user: another user gets their own, the same user keeps theirs', async () => {
    const ice = servers();
    ice.forUser('alice');
    await ice.current();
    ice.forUser('alice');
    expect(ice.latest[1]).toMatchObject({ username: '1:alice' });
    answer = async () => ({
      iceServers: [{ ...turn(asked), username: `${asked}:bob` }],
      ttl: 600,
      serverTime: 0,
    });
    ice.forUser('bob');
    expect(ice.latest).toEqual(OWN);
    expect((await ice.current())[1]).toMatchObject({ username: '2:bob' });
    expect(asked).toBe(2);
  });

  it('clear (logout) forgets the issue, and an answer still to come is not kept', async () => {
    const ice = servers();
    await ice.current();
    ice.clear();
    expect(ice.latest).toEqual(OWN);
    let reply!: (issued: IssuedIceServers) => void;
    answer = () => new Promise((resolve) => (reply = resolve));
    const late = ice.refresh();
    ice.clear();
    reply({ iceServers: [turn(99)], ttl: 600, serverTime: 0 });
    expect(await late).toEqual(OWN);
    expect(ice.latest).toEqual(OWN);
    // The next request is a new one, not the one asked for before the logout.
    answer = async () => ({ iceServers: [turn(asked)], ttl: 600, serverTime: 0 });
    expect((await ice.refresh())[1]).toMatchObject({ username: '3:alice' });
  });
});

/** Enough of an RTCPeerConnection for the ICE paths of a link. */
class FakePeerConnection {
  static last: FakePeerConnection;
  readonly listeners = new Map<string, ((event: unknown) => void)[]>();
  connectionState: RTCPeerConnectionState = 'new';
  iceGatheringState: RTCIceGatheringState = 'new';
  signalingState = 'stable';
  restarts = 0;
  configuration: RTCConfiguration;
  readonly configurations: RTCConfiguration[] = [];

  constructor(configuration: RTCConfiguration) {
    this.configuration = configuration;
    FakePeerConnection.last = this;
  }
  addEventListener(type: string, listener: (event: unknown) => void): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }
  fire(type: string, event: unknown = {}): void {
    for (const l of this.listeners.get(type) ?? []) l(event);
  }
  state(state: RTCPeerConnectionState): void {
    this.connectionState = state;
    this.fire('connectionstatechange');
  }
  /** A gathering round: `candidates` local candidates, the servers' refusals, then complete. */
  gather(candidates: number, errors: { errorCode: number; errorText: string; url: string }[] = []): void {
    this.iceGatheringState = 'gathering';
    for (let i = 0; i < candidates; i++) this.fire('icecandidate', { candidate: { candidate: `c${i}` } });
    for (const error of errors) this.fire('icecandidateerror', error);
    this.iceGatheringState = 'complete';
    this.fire('icegatheringstatechange');
  }
  getConfiguration(): RTCConfiguration {
    return this.configuration;
  }
  setConfiguration(configuration: RTCConfiguration): void {
    this.configuration = configuration;
    this.configurations.push(configuration);
  }
  restartIce(): void {
    this.restarts++;
  }
  getTransceivers(): [] {
    return [];
  }
  close(): void {
    this.connectionState = 'closed';
  }
}

describe('PeerLink (ICE)', () => {
  let scheduler: VirtualTimeScheduler;
  let failures: { reason: string; code: number }[];
  let connection: string[];
  let refreshed: number;

  const link = (over: Partial<PeerLinkOptions> = {}, policy: RTCIceTransportPolicy | null = 'relay') =>
    new PeerLink({
      RTCPeerConnection: FakePeerConnection as unknown as typeof RTCPeerConnection,
      MediaStream: class {
        getTracks() {
          return [];
        }
      } as unknown as typeof MediaStream,
      iceServers: [...OWN, { urls: 'turn:t:3478', username: '1:alice', credential: 'old' }],
      ...(policy ? { iceTransportPolicy: policy } : {}),
      refreshIceServers: async () => {
        refreshed++;
        return [{ urls: 'turn:t:3478', username: '2:alice', credential: 'new' }];
      },
      connectTimeout: 15_000,
      disconnectedTimeout: 3_000,
      scheduler,
      remote: { userID: 'bob', peerID: 'bob-1' },
      polite: true,
      maxIceRestarts: 2,
      localMedia: () => ({ audio: null, video: null }),
      send: async () => undefined,
      track: () => undefined,
      negotiated: () => undefined,
      failed: (reason, code) => failures.push({ reason, code }),
      connection: (state) => connection.push(state),
      logger: silentTransportLogger,
      ...over,
    });
  const settle = () => new Promise((r) => setTimeout(r, 0));

  beforeEach(() => {
    scheduler = new VirtualTimeScheduler();
    failures = [];
    connection = [];
    refreshed = 0;
  });

  it('is created with the servers and the transport policy', () => {
    link();
    expect(FakePeerConnection.last.configuration).toEqual({
      iceServers: [...OWN, { urls: 'turn:t:3478', username: '1:alice', credential: 'old' }],
      iceTransportPolicy: 'relay',
    });
    link({}, null);
    expect(FakePeerConnection.last.configuration).not.toHaveProperty('iceTransportPolicy');
  });

  it('no candidate (the TURN server refused): fresh servers and an ICE restart per attempt, then TURN_FAILED', async () => {
    const l = link();
    const pc = FakePeerConnection.last;
    const refusal = { errorCode: 401, errorText: 'Unauthorized', url: 'turn:t:3478?transport=udp' };
    pc.gather(0, [refusal]);
    await settle();
    expect(pc.restarts).toBe(1);
    expect(refreshed).toBe(1);
    expect(pc.configurations).toEqual([
      expect.objectContaining({
        iceServers: [{ urls: 'turn:t:3478', username: '2:alice', credential: 'new' }],
        iceTransportPolicy: 'relay',
      }),
    ]);
    pc.gather(0, [refusal]);
    await settle();
    pc.gather(0, [refusal]);
    await settle();
    expect(pc.restarts).toBe(2);
    expect(failures).toEqual([
      {
        code: MEDIA_ERROR.TURN_FAILED,
        reason: expect.stringMatching(/no TURN allocation.*401 Unauthorized \(turn:t:3478\?transport=udp\)/),
      },
    ]);
    // Never connected: nothing to report as reconnecting.
    expect(connection).toEqual([]);
    l.close();
    expect(scheduler.actions).toHaveLength(0);
  });

  it('a connection that never comes up fails after the connect timeout of each attempt: CONNECTION_FAILED', async () => {
    const l = link({}, null);
    const pc = FakePeerConnection.last;
    pc.gather(2);
    scheduler.maxFrames = 14_999;
    scheduler.flush();
    expect(pc.restarts).toBe(0);
    scheduler.maxFrames = Infinity;
    // The flush runs each attempt's timer in turn: 15 s, then 15 s after each restart.
    scheduler.flush();
    await settle();
    expect(scheduler.frame).toBe(45_000);
    expect(pc.restarts).toBe(2);
    expect(failures).toEqual([
      { code: MEDIA_ERROR.CONNECTION_FAILED, reason: expect.stringMatching(/not connected within 15000 ms/) },
    ]);
    l.close();
  });

  it('relay-only without a candidate when the connect timeout ends an attempt (TURN unreachable): TURN_FAILED', async () => {
    const l = link();
    const pc = FakePeerConnection.last;
    pc.iceGatheringState = 'gathering'; // the allocation requests go unanswered: gathering goes on
    scheduler.flush();
    await settle();
    expect(scheduler.frame).toBe(45_000);
    expect(pc.restarts).toBe(2);
    expect(failures).toEqual([
      {
        code: MEDIA_ERROR.TURN_FAILED,
        reason: expect.stringMatching(/not connected within 15000 ms.*no TURN allocation/),
      },
    ]);
    l.close();
  });

  it('lost after it was up: reconnecting, an ICE restart after the disconnected grace, connected again', async () => {
    const l = link();
    const pc = FakePeerConnection.last;
    pc.gather(1);
    pc.state('connected');
    expect(scheduler.actions).toHaveLength(0);
    pc.state('disconnected');
    expect(connection).toEqual(['reconnecting']);
    scheduler.maxFrames = 2_999;
    scheduler.flush();
    expect(pc.restarts).toBe(0);
    scheduler.maxFrames = 3_000;
    scheduler.flush();
    await settle();
    expect(pc.restarts).toBe(1);
    expect(refreshed).toBe(1);
    pc.state('connected');
    expect(connection).toEqual(['reconnecting', 'connected']);
    expect(scheduler.actions).toHaveLength(0);
    // A fresh budget after a recovery: two more restarts before a later loss fails the link.
    for (let i = 0; i < 2; i++) {
      pc.state('failed');
      await settle();
    }
    expect(pc.restarts).toBe(3);
    expect(failures).toEqual([]);
    pc.gather(1);
    pc.state('failed');
    expect(failures).toEqual([
      { code: MEDIA_ERROR.CONNECTION_FAILED, reason: expect.stringMatching(/failed/) },
    ]);
    l.close();
  });

  it('a disconnection that heals by itself restarts nothing', () => {
    const l = link();
    const pc = FakePeerConnection.last;
    pc.state('connected');
    pc.state('disconnected');
    pc.state('connected');
    scheduler.flush();
    expect(pc.restarts).toBe(0);
    expect(connection).toEqual(['reconnecting', 'connected']);
    l.close();
  });

  it('close stops its timers and reports nothing afterwards', () => {
    const l = link();
    const pc = FakePeerConnection.last;
    l.close();
    expect(scheduler.actions).toHaveLength(0);
    pc.gather(0);
    pc.state('failed');
    expect(failures).toEqual([]);
    expect(pc.restarts).toBe(0);
  });
});
