import { randomUUID } from 'node:crypto';
import type { RtcPush, ServerFrame } from 'ngx-trtc-calling/wire';
import type { ServerOptions } from './config';
import { ERR } from './errors';
import { RedisProcess } from './redis-server.test-util';
import type { RunningServer } from './server';
import { TestClient, closeAll, delay, officialSig, startTestServer, until } from './test-client.test-util';

/**
 * Several nodes on one real redis-server, spoken to with raw protocol clients: delivery, seqs,
 * groups, the session policy, stored messages, rooms and resume, each across nodes.
 */
let redis: RedisProcess;
beforeAll(async () => {
  redis = await RedisProcess.start();
});
afterAll(async () => {
  await redis?.stop();
});
afterEach(closeAll);

const offer = { kind: 'offer', sdp: 'v=0\r\n' } as const;
const isRtc = (f: ServerFrame): f is RtcPush => f.t === 'rtc';

/** `N` servers, as a tuple so that `const [a, b] = nodes` needs no check. */
type Nodes<N extends number, Acc extends RunningServer[] = []> = Acc['length'] extends N
  ? Acc
  : Nodes<N, [...Acc, RunningServer]>;

/** `n` nodes sharing a fresh key prefix on the test Redis. */
async function cluster<N extends 1 | 2 | 3>(
  n: N,
  options: ServerOptions = {},
  prefix = `c${randomUUID().slice(0, 8)}:`,
): Promise<{ nodes: Nodes<N>; prefix: string }> {
  const nodes: RunningServer[] = [];
  for (let i = 0; i < n; i++) {
    nodes.push(
      await startTestServer({
        redisUrl: redis.url,
        redisKeyPrefix: prefix,
        nodeId: `n${i}-${randomUUID().slice(0, 4)}`,
        nodeTimeoutMs: 1000,
        ...options,
      }),
    );
  }
  // The loop above pushed exactly n.
  return { nodes: nodes as Nodes<N>, prefix };
}

async function metric(server: RunningServer, series: string): Promise<number> {
  const text = await (await fetch(`${server.httpUrl}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(series + ' '));
  return line ? Number(line.slice(series.length + 1)) : 0;
}

describe('several nodes through Redis', () => {
  it('delivers C2C to every session of the recipient on any node, echoes to the sender’s other nodes', async () => {
    const {
      nodes: [a, b, c],
    } = await cluster(3, { sessionPolicy: 'multi' });
    const aliceA = await TestClient.login(a.url, 'alice');
    const aliceC = await TestClient.login(c.url, 'alice');
    const bobB = await TestClient.login(b.url, 'bob');
    const bobC = await TestClient.login(c.url, 'bob');
    const sent = await aliceA.sendMsg('bob', 'hello');
    const [onB, onC] = await Promise.all([bobB.nextMsg('hello'), bobC.nextMsg('hello')]);
    expect(onB).toEqual(onC);
    expect(onB).toMatchObject({ id: sent.messageID, from: 'alice', to: 'bob', conversationType: 'C2C' });
    expect(await aliceC.nextMsg('hello')).toMatchObject({ id: sent.messageID, seq: sent.seq });
    await delay(50);
    expect(aliceA.messages()).toEqual([]); // never echoed to the sending session
    expect(bobB.messages()).toHaveLength(1);
    expect(bobC.messages()).toHaveLength(1);
    // The copies to the other nodes went through the bus and were acknowledged.
    expect(await metric(a, 'calling_cluster_published_total{kind="msg"}')).toBeGreaterThanOrEqual(2);
    expect(await metric(b, 'calling_cluster_received_total{kind="msg"}')).toBe(1);
  });

  it('keeps each user’s seq strictly increasing by one whichever node stores the copy', async () => {
    const { nodes } = await cluster(3, { sessionPolicy: 'multi' });
    const bob = await TestClient.login(nodes[1].url, 'bob');
    const senders = await Promise.all(nodes.map((node, i) => TestClient.login(node.url, `s${i}`)));
    const perSender = 15;
    await Promise.all(
      senders.map(async (s, i) => {
        for (let k = 0; k < perSender; k++) await s.sendMsg('bob', `${i}:${k}`);
      }),
    );
    await until(() => bob.messages().length === 3 * perSender, 'all copies', 5000);
    const seqs = bob.messages().map((m) => m.seq);
    const sorted = [...seqs].sort((x, y) => x - y);
    expect(new Set(seqs).size).toBe(seqs.length);
    expect(sorted.at(-1)! - sorted[0]!).toBe(seqs.length - 1); // consecutive: none skipped or reused
    for (let i = 0; i < 3; i++) {
      // One sender's messages arrive in the order it sent them, with growing seqs.
      const mine = bob.messages().filter((m) => m.from === `s${i}`);
      expect(mine.map((m) => m.data)).toEqual(Array.from({ length: perSender }, (_, k) => `${i}:${k}`));
      expect(mine.map((m) => m.seq)).toEqual([...mine.map((m) => m.seq)].sort((x, y) => x - y));
    }
  });

  it('shares groups: created on one node, joined on another, sent to from a third', async () => {
    const {
      nodes: [a, b, c],
    } = await cluster(3, { sessionPolicy: 'multi', maxGroupMembers: 3, maxGroups: 1 });
    const alice = await TestClient.login(a.url, 'alice');
    const bob = await TestClient.login(b.url, 'bob');
    const carol = await TestClient.login(c.url, 'carol');
    const dave = await TestClient.login(b.url, 'dave');
    await alice.ok({ t: 'group.create', groupID: '@TGS#x', members: ['bob'], open: true });
    await bob.error({ t: 'group.create', groupID: '@TGS#x' }, ERR.GROUP_EXISTS);
    await carol.error({ t: 'group.create', groupID: 'other' }, ERR.TOO_MANY_GROUPS);
    await carol.error({ t: 'send', to: '@TGS#x', conversationType: 'GROUP', data: 'no' }, ERR.NOT_A_MEMBER);
    await carol.ok({ t: 'group.join', groupID: '@TGS#x' });
    await dave.error({ t: 'group.join', groupID: '@TGS#x' }, ERR.GROUP_FULL);
    await carol.sendMsg('@TGS#x', 'hi all', 'GROUP');
    await Promise.all([alice.nextMsg('hi all'), bob.nextMsg('hi all')]);
    await bob.ok({ t: 'group.leave', groupID: '@TGS#x' });
    await bob.error({ t: 'send', to: '@TGS#x', conversationType: 'GROUP', data: 'x' }, ERR.NOT_A_MEMBER);
    await alice.ok({ t: 'group.leave', groupID: '@TGS#x' });
    await carol.ok({ t: 'group.leave', groupID: '@TGS#x' });
    await dave.error({ t: 'group.join', groupID: '@TGS#x' }, ERR.UNKNOWN_TARGET); // last one out deleted it
    await dave.ok({ t: 'group.create', groupID: 'other' }); // which freed the slot
  });

  it('single policy: a login on node B kicks the session on node A', async () => {
    const {
      nodes: [a, b],
    } = await cluster(2, { sessionPolicy: 'single' });
    const first = await TestClient.login(a.url, 'alice');
    const second = await TestClient.login(b.url, 'alice');
    expect(await first.take((f) => f.t === 'kicked')).toEqual({ t: 'kicked', reason: 'multipleAccount' });
    expect((await first.closed).code).toBe(1000);
    const bob = await TestClient.login(a.url, 'bob');
    await bob.sendMsg('alice', 'to the new one');
    await second.nextMsg('to the new one');
    expect(first.messages()).toEqual([]);
    expect(a.metrics.kicked.get('multipleAccount')).toBe(1);
  });

  it('multi policy: maxSessionsPerUser counts the sessions on every node', async () => {
    const {
      nodes: [a, b, c],
    } = await cluster(3, { sessionPolicy: 'multi', maxSessionsPerUser: 2 });
    const one = await TestClient.login(a.url, 'alice');
    await TestClient.login(b.url, 'alice');
    const third = await TestClient.connect(c.url);
    const login = { t: 'login', SDKAppID: c.config.sdkAppID, userID: 'alice', userSig: officialSig('alice') };
    await third.error(login, ERR.TOO_MANY_SESSIONS);
    one.close();
    await one.closed;
    await until(() => a.metrics.render().includes('calling_sessions 0\n'), 'node A noticed');
    // Node A drops the session from its metrics first and from Redis a moment later: until then a
    // login elsewhere is still refused with the same code, and then it is let in.
    const deadline = Date.now() + 5000;
    let reply = await third.request(login);
    while (reply.t !== 'ok' && Date.now() < deadline) {
      expect(reply).toMatchObject({ t: 'error', code: ERR.TOO_MANY_SESSIONS });
      await new Promise((resolve) => setTimeout(resolve, 50));
      reply = await third.request(login);
    }
    expect(reply.t).toBe('ok');
  });

  it('keeps stored messages in Redis across the restart of every node', async () => {
    const prefix = `r${randomUUID().slice(0, 8)}:`;
    const first = await cluster(2, {}, prefix);
    const alice = await TestClient.login(first.nodes[0].url, 'alice');
    const sent = await alice.sendMsg('bob', 'while you were away');
    await alice.sendMsg('bob', 'and this');
    await closeAll(); // every node stops; only Redis remembers
    const second = await cluster(1, {}, prefix);
    const bob = await TestClient.login(second.nodes[0].url, 'bob');
    expect(await bob.nextMsg('while you were away')).toMatchObject({ id: sent.messageID, from: 'alice' });
    const and = await bob.nextMsg('and this');
    const history = await bob.ok<'history'>({ t: 'history', since: 0, limit: 10 });
    expect(history.messages.map((m) => m.data)).toEqual(['while you were away', 'and this']);
    // Seqs go on from where they were.
    const alice2 = await TestClient.login(second.nodes[0].url, 'alice');
    await alice2.sendMsg('bob', 'after the restart');
    expect((await bob.nextMsg('after the restart')).seq).toBe(and.seq + 1);
    // A fresh login without lastSeq does not get them again.
    bob.close();
    await bob.closed;
    const again = await TestClient.login(second.nodes[0].url, 'bob');
    await delay(50);
    expect(again.messages()).toEqual([]);
  });

  it('spans rooms over nodes: peers, joined/left, relay and membership checks', async () => {
    const {
      nodes: [a, b, c],
    } = await cluster(3, { sessionPolicy: 'multi', maxPeersPerRoom: 2, peerLeaveGraceMs: 200 });
    const alice = await TestClient.login(a.url, 'alice');
    const bob = await TestClient.login(b.url, 'bob');
    const carol = await TestClient.login(c.url, 'carol');
    const ra = await alice.ok<'room.join'>({ t: 'room.join', roomID: 1 });
    await alice.invite(1, 'bob', 'carol');
    const rb = await bob.ok<'room.join'>({ t: 'room.join', roomID: 1 });
    expect(rb.peers).toEqual([{ userID: 'alice', peerID: ra.peerID }]);
    expect(await alice.take((f) => f.t === 'peer')).toEqual({
      t: 'peer',
      roomID: 1,
      event: 'joined',
      peer: { userID: 'bob', peerID: rb.peerID },
    });
    await carol.error({ t: 'room.join', roomID: 1 }, ERR.ROOM_FULL);
    await bob.ok({ t: 'rtc', roomID: 1, to: ra.peerID, payload: offer });
    expect(await alice.take(isRtc)).toEqual({
      t: 'rtc',
      roomID: 1,
      from: { userID: 'bob', peerID: rb.peerID },
      payload: offer,
    });
    const answer = { kind: 'answer', sdp: 'v=0\r\n' } as const;
    await alice.ok({ t: 'rtc', roomID: 1, to: rb.peerID, payload: answer });
    expect(((await bob.take(isRtc)) as RtcPush).payload).toEqual(answer);
    await carol.error({ t: 'rtc', roomID: 1, to: ra.peerID, payload: offer }, ERR.NOT_A_MEMBER);
    await carol.ok({ t: 'room.join', roomID: 2 });
    await carol.error({ t: 'rtc', roomID: 2, to: ra.peerID, payload: offer }, ERR.UNKNOWN_TARGET);
    await alice.error({ t: 'rtc', roomID: 1, to: 'nobody', payload: offer }, ERR.UNKNOWN_TARGET);
    await bob.ok({ t: 'room.leave', roomID: 1 });
    expect(await alice.take((f) => f.t === 'peer' && f.event === 'left')).toMatchObject({
      peer: { userID: 'bob', peerID: rb.peerID },
    });
    await bob.error({ t: 'rtc', roomID: 1, to: ra.peerID, payload: offer }, ERR.NOT_A_MEMBER);
    // A dead socket's peer leaves after the grace period, announced across nodes.
    await carol.ok({ t: 'room.join', roomID: 1 });
    await alice.take((f) => f.t === 'peer' && f.event === 'joined');
    carol.terminate();
    const left = await alice.take((f) => f.t === 'peer' && f.event === 'left', 3000);
    expect(left).toMatchObject({ roomID: 1, peer: { userID: 'carol', peerID: carol.login.sessionID } });
    await until(() => a.metrics.render().includes('calling_room_peers 1\n'), 'room_peers refreshed', 3000);
  });

  it('resumes a session on another node: same peerID, rooms kept, missed pushes handed over', async () => {
    const {
      nodes: [a, b, c],
    } = await cluster(3, { sessionPolicy: 'multi', peerLeaveGraceMs: 3000 });
    const alice = await TestClient.login(a.url, 'alice');
    const bob = await TestClient.login(b.url, 'bob');
    const ra = await alice.ok<'room.join'>({ t: 'room.join', roomID: 7 });
    await alice.invite(7, 'bob');
    const rb = await bob.ok<'room.join'>({ t: 'room.join', roomID: 7 });
    await alice.take((f) => f.t === 'peer');
    const first = await alice.sendMsg('bob', 'before');
    const lastSeq = (await bob.nextMsg('before')).seq;
    bob.terminate(); // node B keeps the session in grace
    await until(() => b.metrics.render().includes('calling_sessions_in_grace 1\n'), 'grace on B');
    await alice.ok({ t: 'rtc', roomID: 7, to: rb.peerID, payload: offer }); // kept by B
    await alice.sendMsg('bob', 'during'); // stored in Redis
    const back = await TestClient.login(c.url, 'bob', { lastSeq, resumeSessionID: rb.peerID });
    expect(back.login).toMatchObject({ sessionID: rb.peerID, resumed: true });
    expect((await back.nextMsg('during')).seq).toBe(lastSeq + 1);
    expect(((await back.take(isRtc)) as RtcPush).payload).toEqual(offer);
    expect(back.messages().map((m) => m.data)).toEqual(['during']); // not 'before' again
    expect(first.messageID).not.toBe(back.messages()[0]!.id);
    // The relay now reaches bob on node C, both ways; alice never saw bob leave.
    await alice.ok({
      t: 'rtc',
      roomID: 7,
      to: rb.peerID,
      payload: { kind: 'media', audio: true, video: false },
    });
    expect(((await back.take(isRtc)) as RtcPush).payload).toEqual({
      kind: 'media',
      audio: true,
      video: false,
    });
    await back.ok({ t: 'rtc', roomID: 7, to: ra.peerID, payload: offer });
    await alice.take(isRtc);
    await delay(100);
    expect(alice.ofType('peer').filter((p) => p.event === 'left')).toEqual([]);
    expect(c.metrics.clusterHandovers.get('handedOver')).toBe(1);
    expect(b.metrics.render()).toContain('calling_sessions_in_grace 0\n');
  });

  it('a node stopped cleanly drains: its clients resume elsewhere unseen, the rest leave after the grace', async () => {
    const {
      nodes: [a, b],
    } = await cluster(2, { sessionPolicy: 'multi', peerLeaveGraceMs: 500 });
    const alice = await TestClient.login(a.url, 'alice');
    const bob = await TestClient.login(b.url, 'bob');
    const carol = await TestClient.login(b.url, 'carol');
    await alice.ok({ t: 'room.join', roomID: 5 });
    await alice.invite(5, 'bob', 'carol');
    for (const c of [bob, carol]) await c.ok({ t: 'room.join', roomID: 5 });
    const stoppedAt = Date.now();
    await b.close(); // SIGTERM of a rolling restart
    expect((await bob.closed).code).toBe(1001);
    expect(bob.ofType('kicked')).toEqual([]); // not logged out: free to resume elsewhere
    const back = await TestClient.login(a.url, 'bob', { resumeSessionID: bob.login.sessionID });
    expect(back.login).toMatchObject({ sessionID: bob.login.sessionID, resumed: true });
    await alice.ok({ t: 'rtc', roomID: 5, to: bob.login.sessionID, payload: offer });
    await back.take(isRtc);
    const left = await alice.take((f) => f.t === 'peer' && f.event === 'left', 4000, 'carol left');
    expect(left).toMatchObject({ peer: { userID: 'carol', peerID: carol.login.sessionID } });
    expect(Date.now() - stoppedAt).toBeGreaterThanOrEqual(400);
    await delay(100);
    expect(alice.ofType('peer').filter((p) => p.event === 'left')).toHaveLength(1);
    expect(a.metrics.clusterHandovers.get('noAnswer')).toBe(1);
  });

  it('a node restarted under the same --node-id does not inherit its predecessor’s sessions', async () => {
    const prefix = `s${randomUUID().slice(0, 8)}:`;
    const options = {
      redisUrl: redis.url,
      redisKeyPrefix: prefix,
      nodeTimeoutMs: 1000,
      peerLeaveGraceMs: 300,
    };
    const a = await startTestServer({ ...options, nodeId: 'steady' });
    const first = await startTestServer({ ...options, nodeId: 'same' });
    const alice = await TestClient.login(a.url, 'alice');
    const carol = await TestClient.login(first.url, 'carol');
    await alice.ok({ t: 'room.join', roomID: 3 });
    await alice.invite(3, 'carol');
    await carol.ok({ t: 'room.join', roomID: 3 });
    await first.close(); // drained: carol's session waits in Redis for a resume that never comes
    const second = await startTestServer({ ...options, nodeId: 'same' });
    expect(second.node).toBe('same');
    const left = await alice.take((f) => f.t === 'peer' && f.event === 'left', 4000, 'carol left');
    expect(left).toMatchObject({ peer: { userID: 'carol', peerID: carol.login.sessionID } });
  });

  it('reports redis and the cluster in /healthz and /metrics', async () => {
    const {
      nodes: [a],
    } = await cluster(3);
    await until(() => a.health()?.nodes === 3, 'three live nodes', 3000);
    const health = await (await fetch(`${a.httpUrl}/healthz`)).json();
    expect(health).toEqual({
      status: 'ok',
      uptime: expect.any(Number),
      sessions: 0,
      redis: 'up',
      node: a.node,
      nodes: 3,
    });
    expect(await metric(a, 'calling_redis_up')).toBe(1);
    expect(await metric(a, 'calling_cluster_nodes')).toBe(3);
  });
});
