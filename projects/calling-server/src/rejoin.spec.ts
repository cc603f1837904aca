import { randomUUID } from 'node:crypto';
import type { PeerPush, ServerFrame } from 'ngx-trtc-calling/wire';
import { ERR } from './errors';
import { RedisProcess } from './redis-server.test-util';
import type { RunningServer } from './server';
import { TestClient, closeAll, delay, startTestServer } from './test-client.test-util';

const MEDIA = { kind: 'media', audio: true, video: true } as const;
const isPeer = (f: ServerFrame): f is PeerPush => f.t === 'peer';

type LoggedIn = Awaited<ReturnType<typeof TestClient.login>>;

/** Alice and bob in room 1, bob invited by alice. */
async function inCall(server: RunningServer): Promise<{ alice: LoggedIn; bob: LoggedIn }> {
  const alice = await TestClient.login(server.url, 'alice');
  const bob = await TestClient.login(server.url, 'bob');
  await alice.ok({ t: 'room.join', roomID: 1 });
  await alice.invite(1, 'bob');
  await bob.ok({ t: 'room.join', roomID: 1 });
  await alice.take((f) => isPeer(f) && f.event === 'joined');
  return { alice, bob };
}

describe('rejoin grace (a reload gets back into the call)', () => {
  let server: RunningServer;
  afterEach(closeAll);

  describe.each([
    ['single', 'memory'],
    ['multi', 'memory'],
    ['single', 'Redis'],
  ] as const)('%s session policy, %s store', (sessionPolicy, store) => {
    let redis: RedisProcess | undefined;
    beforeAll(async () => {
      if (store === 'Redis') redis = await RedisProcess.start();
    });
    afterAll(async () => {
      await redis?.stop();
    });
    beforeEach(async () => {
      server = await startTestServer({
        sessionPolicy,
        peerLeaveGraceMs: 100,
        rejoinGraceMs: 1_500,
        ...(redis ? { redisUrl: redis.url, redisKeyPrefix: `rj${randomUUID().slice(0, 8)}:` } : {}),
      });
    });

    it('holds a dead session’s slot; a new session of the user takes it over without a leave', async () => {
      const { alice, bob } = await inCall(server);
      bob.terminate();
      await delay(300); // past the resume grace: the old session is over, its slot held
      const back = await TestClient.login(server.url, 'bob');
      expect(back.login.resumed).toBe(false);
      const joined = await back.ok<'room.join'>({ t: 'room.join', roomID: 1, rejoin: true });
      expect(joined.peers).toEqual([{ userID: 'alice', peerID: alice.login.sessionID }]);
      expect(await alice.take((f) => isPeer(f) && f.event === 'joined')).toMatchObject({
        peer: { userID: 'bob', peerID: back.login.sessionID },
      });
      await delay(1_700); // past the rejoin grace too
      expect(alice.ofType('peer').filter((p) => p.event === 'left')).toEqual([]);
      // The rtc relay runs between the new session and alice; the old one is gone from the room.
      await back.ok({
        t: 'rtc',
        roomID: 1,
        to: alice.login.sessionID,
        payload: { kind: 'media', audio: true, video: false },
      });
      await alice.error({ t: 'rtc', roomID: 1, to: bob.login.sessionID, payload: MEDIA }, ERR.UNKNOWN_TARGET);
      // When the new session leaves, alice hears it as usual.
      await back.ok({ t: 'room.leave', roomID: 1 });
      expect(await alice.take((f) => isPeer(f) && f.event === 'left')).toMatchObject({
        peer: { peerID: back.login.sessionID },
      });
    });

    it('tells the peers `left` once the rejoin grace is over', async () => {
      const { alice, bob } = await inCall(server);
      const died = Date.now();
      bob.terminate();
      await delay(800);
      expect(alice.ofType('peer').filter((p) => p.event === 'left')).toEqual([]);
      expect(await alice.take((f) => isPeer(f) && f.event === 'left', 3_000)).toMatchObject({
        peer: { userID: 'bob', peerID: bob.login.sessionID },
      });
      expect(Date.now() - died).toBeGreaterThanOrEqual(1_500);
      // Too late: alone in the room, the call is over for a rejoin.
      await alice.ok({ t: 'room.leave', roomID: 1 });
      const late = await TestClient.login(server.url, 'bob');
      await late.error({ t: 'room.join', roomID: 1, rejoin: true }, ERR.ROOM_CALL_ENDED);
      // Nothing left open (the room gauge counts the in-memory store's rooms).
      if (store === 'memory') expect(server.metrics.render()).toMatch(/^calling_rooms 0$/m);
    });
  });

  it('refuses a rejoin into a call the others left during the grace (ROOM_CALL_ENDED), and a stranger as before', async () => {
    server = await startTestServer({ peerLeaveGraceMs: 100, rejoinGraceMs: 5_000 });
    const { alice, bob } = await inCall(server);
    bob.terminate();
    await delay(300);
    await alice.ok({ t: 'room.leave', roomID: 1 }); // alice hung up meanwhile
    const back = await TestClient.login(server.url, 'bob');
    const refused = await back.error({ t: 'room.join', roomID: 1, rejoin: true }, ERR.ROOM_CALL_ENDED);
    expect(refused.message).toMatch(/over/);
    // Nothing left behind: bob is not in the room, and a later join is a plain one.
    await back.error({ t: 'rtc', roomID: 1, to: alice.login.sessionID, payload: MEDIA }, ERR.NOT_A_MEMBER);
    const mallory = await TestClient.login(server.url, 'mallory');
    await mallory.error({ t: 'room.join', roomID: 1, rejoin: true }, ERR.ROOM_NOT_INVITED);
  });

  it('takes over a session of the user still waiting in its resume grace (multi policy)', async () => {
    server = await startTestServer({ sessionPolicy: 'multi', peerLeaveGraceMs: 1_000, rejoinGraceMs: 1_000 });
    const { alice, bob } = await inCall(server);
    bob.terminate();
    await delay(100);
    const back = await TestClient.login(server.url, 'bob');
    await back.ok({ t: 'room.join', roomID: 1, rejoin: true });
    await alice.take((f) => isPeer(f) && f.event === 'joined' && f.peer.peerID === back.login.sessionID);
    await delay(2_300); // both graces of the old session over
    expect(alice.ofType('peer').filter((p) => p.event === 'left')).toEqual([]);
    expect(bob.login.sessionID).not.toBe(back.login.sessionID);
  });

  it('is off with --rejoin-grace-ms 0: the peers hear `left` after the resume grace', async () => {
    server = await startTestServer({ peerLeaveGraceMs: 100, rejoinGraceMs: 0 });
    const { alice, bob } = await inCall(server);
    bob.terminate();
    expect(await alice.take((f) => isPeer(f) && f.event === 'left', 1_000)).toMatchObject({
      peer: { peerID: bob.login.sessionID },
    });
  });
});
