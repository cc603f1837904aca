import type { RtcPush, ServerFrame } from 'ngx-trtc-calling/wire';
import { ERR } from './errors';
import type { RunningServer } from './server';
import { TestClient, closeAll, delay, startTestServer, until } from './test-client.test-util';

const offer = { kind: 'offer', sdp: 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n' } as const;
const isRtc = (f: ServerFrame): f is RtcPush => f.t === 'rtc';

describe('rooms', () => {
  let server: RunningServer;
  afterEach(closeAll);

  describe('membership and relay', () => {
    beforeEach(async () => {
      server = await startTestServer({ sessionPolicy: 'multi', maxPeersPerRoom: 3, maxRoomsPerSession: 2 });
    });

    it('lists the peers already in, announces the joiner and relays only between members', async () => {
      const [alice, bob, carol] = await TestClient.loginAll(server.url, ['alice', 'bob', 'carol']);
      const a = await alice.ok<'room.join'>({ t: 'room.join', roomID: 1 });
      expect(a).toEqual({ peerID: alice.login.sessionID, peers: [] });
      await alice.invite(1, 'bob');
      const b = await bob.ok<'room.join'>({ t: 'room.join', roomID: 1 });
      expect(b.peers).toEqual([{ userID: 'alice', peerID: a.peerID }]);
      expect(await alice.take((f) => f.t === 'peer')).toEqual({
        t: 'peer',
        roomID: 1,
        event: 'joined',
        peer: { userID: 'bob', peerID: b.peerID },
      });
      await carol.ok({ t: 'room.join', roomID: 2 });

      await bob.ok({ t: 'rtc', roomID: 1, to: a.peerID, payload: { ...offer, injected: 'dropped' } });
      const got = (await alice.take(isRtc)) as RtcPush;
      expect(got).toEqual({ t: 'rtc', roomID: 1, from: { userID: 'bob', peerID: b.peerID }, payload: offer });
      const candidate = {
        kind: 'candidate',
        candidate: 'candidate:1 1 udp 1 127.0.0.1 9 typ host',
        sdpMid: '0',
        sdpMLineIndex: 0,
      };
      await alice.ok({ t: 'rtc', roomID: 1, to: b.peerID, payload: candidate });
      expect(((await bob.take(isRtc)) as RtcPush).payload).toEqual(candidate);
      await alice.ok({
        t: 'rtc',
        roomID: 1,
        to: b.peerID,
        payload: { kind: 'media', audio: false, video: true },
      });
      // Where a screen share is: the mid only, whatever else the sender adds.
      await alice.ok({
        t: 'rtc',
        roomID: 1,
        to: b.peerID,
        payload: { kind: 'screen', mid: '2', track: 'x' },
      });
      await alice.ok({ t: 'rtc', roomID: 1, to: b.peerID, payload: { kind: 'screen', mid: null } });

      // An outsider can neither send into room 1 nor reach its peers from its own room.
      await carol.error({ t: 'rtc', roomID: 1, to: a.peerID, payload: offer }, ERR.NOT_A_MEMBER);
      await carol.error({ t: 'rtc', roomID: 2, to: a.peerID, payload: offer }, ERR.UNKNOWN_TARGET);
      await carol.error({ t: 'rtc', roomID: 3, to: a.peerID, payload: offer }, ERR.NOT_A_MEMBER);
      await alice.error({ t: 'rtc', roomID: 1, to: a.peerID, payload: offer }, ERR.UNKNOWN_TARGET); // self
      await alice.error({ t: 'rtc', roomID: 1, to: 'no-such-peer', payload: offer }, ERR.UNKNOWN_TARGET);
      await delay(30);
      expect(carol.frames.filter((f) => f.t === 'rtc' || f.t === 'peer')).toEqual([]);
      expect(alice.ofType('rtc')).toHaveLength(1);
      expect(bob.ofType('rtc').map((f) => (f as RtcPush).payload)).toEqual([
        candidate,
        { kind: 'media', audio: false, video: true },
        { kind: 'screen', mid: '2' },
        { kind: 'screen', mid: null },
      ]);
    });

    it('announces leaves, forgets empty rooms, and refuses bad leaves', async () => {
      const alice = await TestClient.login(server.url, 'alice');
      const bob = await TestClient.login(server.url, 'bob');
      await alice.ok({ t: 'room.join', roomID: 5 });
      await alice.invite(5, 'bob');
      const b = await bob.ok<'room.join'>({ t: 'room.join', roomID: 5 });
      await bob.ok({ t: 'room.leave', roomID: 5 });
      expect(await alice.take((f) => f.t === 'peer' && f.event === 'left')).toMatchObject({
        roomID: 5,
        peer: { userID: 'bob', peerID: b.peerID },
      });
      await bob.error({ t: 'room.leave', roomID: 5 }, ERR.NOT_A_MEMBER);
      await bob.error({ t: 'rtc', roomID: 5, to: alice.login.sessionID, payload: offer }, ERR.NOT_A_MEMBER);
      await alice.ok({ t: 'room.leave', roomID: 5 });
      expect(server.metrics.render()).toMatch(/^calling_rooms 0$/m);
    });

    it('limits peers per room and rooms per session; re-joining is idempotent', async () => {
      const clients = await TestClient.loginAll(server.url, ['u1', 'u2', 'u3', 'u4']);
      await clients[0].invite(9, 'u2', 'u3', 'u4');
      await clients[0].invite(10, 'u4');
      for (const c of clients.slice(0, 3)) await c.ok({ t: 'room.join', roomID: 9 });
      await clients[3].error({ t: 'room.join', roomID: 9 }, ERR.ROOM_FULL);
      const again = await clients[0].ok<'room.join'>({ t: 'room.join', roomID: 9 });
      expect(again.peers.map((p) => p.userID).sort()).toEqual(['u2', 'u3']);
      await clients[0].ok({ t: 'room.join', roomID: 10 });
      await clients[0].error({ t: 'room.join', roomID: 11 }, ERR.TOO_MANY_ROOMS);
      // Limits refuse only the offender.
      await clients[3].ok({ t: 'room.join', roomID: 10 });
    });

    it('treats each session of a user as its own peer', async () => {
      const a1 = await TestClient.login(server.url, 'alice');
      const a2 = await TestClient.login(server.url, 'alice');
      await a1.ok({ t: 'room.join', roomID: 3 });
      const j = await a2.ok<'room.join'>({ t: 'room.join', roomID: 3 });
      expect(j.peers).toEqual([{ userID: 'alice', peerID: a1.login.sessionID }]);
      await a2.ok({ t: 'rtc', roomID: 3, to: a1.login.sessionID, payload: offer });
      await a1.take(isRtc);
    });

    it.each([0, -1, 1.5, '1', 2 ** 53, null])('refuses roomID %p', async (roomID) => {
      const alice = await TestClient.login(server.url, 'alice');
      await alice.error({ t: 'room.join', roomID }, ERR.BAD_FRAME);
    });

    it('leaves rooms at once on logout and when kicked', async () => {
      await closeAll();
      server = await startTestServer({ peerLeaveGraceMs: 5000 });
      const alice = await TestClient.login(server.url, 'alice');
      const bob = await TestClient.login(server.url, 'bob');
      await alice.ok({ t: 'room.join', roomID: 4 });
      await alice.invite(4, 'bob');
      await bob.ok({ t: 'room.join', roomID: 4 });
      await bob.ok({ t: 'logout' });
      await alice.take((f) => f.t === 'peer' && f.event === 'left' && f.peer.userID === 'bob', 500);
      const bob2 = await TestClient.login(server.url, 'bob');
      await bob2.ok({ t: 'room.join', roomID: 4 });
      await TestClient.login(server.url, 'bob'); // single policy: kicks bob2
      await alice.take(
        (f) => f.t === 'peer' && f.event === 'left' && f.peer.peerID === bob2.login.sessionID,
        500,
      );
    });
  });

  describe('socket death and resume', () => {
    beforeEach(async () => {
      server = await startTestServer({ peerLeaveGraceMs: 1500 }); // resumes must not race the grace
    });

    it('announces a dead peer as left only after the grace period', async () => {
      await closeAll();
      server = await startTestServer({ peerLeaveGraceMs: 250 });
      const alice = await TestClient.login(server.url, 'alice');
      const bob = await TestClient.login(server.url, 'bob');
      await alice.ok({ t: 'room.join', roomID: 1 });
      await alice.invite(1, 'bob');
      await bob.ok({ t: 'room.join', roomID: 1 });
      const died = Date.now();
      bob.terminate();
      await delay(120);
      expect(alice.ofType('peer').filter((p) => p.event === 'left')).toEqual([]);
      await alice.take((f) => f.t === 'peer' && f.event === 'left', 1000);
      expect(Date.now() - died).toBeGreaterThanOrEqual(240);
      expect(server.metrics.render()).toMatch(/^calling_sessions_in_grace 0$/m);
    });

    it('lets the same user resume the session within the grace: same peerID, rooms kept, pushes delivered', async () => {
      const alice = await TestClient.login(server.url, 'alice');
      const bob = await TestClient.login(server.url, 'bob');
      await alice.ok({ t: 'room.join', roomID: 1 });
      await alice.invite(1, 'bob');
      await bob.ok({ t: 'room.join', roomID: 1 });
      bob.terminate();
      await until(() => server.metrics.render().includes('calling_sessions_in_grace 1'), 'grace');
      await alice.ok({ t: 'rtc', roomID: 1, to: bob.login.sessionID, payload: offer }); // sent while bob is away
      const back = await TestClient.login(server.url, 'bob', { resumeSessionID: bob.login.sessionID });
      expect(back.login).toMatchObject({ sessionID: bob.login.sessionID, resumed: true });
      expect(((await back.take(isRtc)) as RtcPush).payload).toEqual(offer);
      await back.ok({ t: 'rtc', roomID: 1, to: alice.login.sessionID, payload: offer });
      await alice.take(isRtc);
      await delay(1700);
      expect(alice.ofType('peer').filter((p) => p.event === 'left')).toEqual([]);
    });

    it('takes a session over from a socket the server still thinks alive (sessionResumed)', async () => {
      const bob = await TestClient.login(server.url, 'bob');
      await bob.ok({ t: 'room.join', roomID: 1 });
      const back = await TestClient.login(server.url, 'bob', { resumeSessionID: bob.login.sessionID });
      expect(back.login.resumed).toBe(true);
      expect(await bob.take((f) => f.t === 'kicked')).toEqual({ t: 'kicked', reason: 'sessionResumed' });
      const again = await back.ok<'room.join'>({ t: 'room.join', roomID: 1 });
      expect(again.peerID).toBe(bob.login.sessionID);
    });

    it('does not resume another user’s session, an unknown one, or one whose grace is over', async () => {
      await closeAll();
      server = await startTestServer({ peerLeaveGraceMs: 600 });
      const alice = await TestClient.login(server.url, 'alice');
      const bob = await TestClient.login(server.url, 'bob');
      await alice.ok({ t: 'room.join', roomID: 1 });
      await alice.invite(1, 'bob');
      await bob.ok({ t: 'room.join', roomID: 1 });
      bob.terminate();
      await until(() => server.metrics.render().includes('calling_sessions_in_grace 1'), 'grace');
      const mallory = await TestClient.login(server.url, 'mallory', { resumeSessionID: bob.login.sessionID });
      expect(mallory.login.resumed).toBe(false);
      expect(mallory.login.sessionID).not.toBe(bob.login.sessionID);
      const unknown = await TestClient.login(server.url, 'carol', { resumeSessionID: 'nope' });
      expect(unknown.login.resumed).toBe(false);
      await alice.take((f) => f.t === 'peer' && f.event === 'left', 2000);
      const late = await TestClient.login(server.url, 'bob', { resumeSessionID: bob.login.sessionID });
      expect(late.login.resumed).toBe(false);
      await late.error({ t: 'rtc', roomID: 1, to: alice.login.sessionID, payload: offer }, ERR.NOT_A_MEMBER);
    });
  });
});
