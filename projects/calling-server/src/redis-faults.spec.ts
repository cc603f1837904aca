import { createServer, type Server, type Socket } from 'node:net';
import { Redis } from 'ioredis';
import type { ServerFrame } from 'ngx-trtc-calling/wire';
import { startNodeProcess, runServerProcess, type NodeProcess } from './node-process.test-util';
import { clusterEnv, type ClusterEnv, type EnvNode } from './redis-contract.test-util';
import { RedisProcess, freePort } from './redis-server.test-util';
import { ERR } from './errors';
import { startServer } from './server';
import {
  TEST_APP,
  TEST_KEY,
  TestClient,
  closeAll,
  delay,
  startTestServer,
  until,
} from './test-client.test-util';

/**
 * Faults of a Redis-backed cluster: a node killed mid-ring (its clients resume on another node),
 * a node killed with peers in a room (the others end its sessions), Redis restarted under
 * running nodes, and Redis unreachable when a node starts.
 */
let redis: RedisProcess;
beforeAll(async () => {
  redis = await RedisProcess.start();
});
afterAll(async () => {
  await redis?.stop();
});

const PEER_GRACE_MS = 1000;
const NODE_TIMEOUT_MS = 1000;

/** Flags of a child-process node joining the env's cluster under `prefix`. */
function nodeArgs(redisUrl: string, prefix: string): string[] {
  return [
    ...['--sdkappid', String(TEST_APP), '--secret-key', TEST_KEY, '--session-policy', 'multi'],
    ...['--redis-url', redisUrl, '--redis-key-prefix', prefix, '--log-level', 'info'],
    ...['--node-timeout-ms', String(NODE_TIMEOUT_MS), '--peer-leave-grace-ms', String(PEER_GRACE_MS)],
  ];
}

describe('a node dies', () => {
  let env: ClusterEnv | undefined;
  let victim: NodeProcess | undefined;
  let victimNode: EnvNode;

  /** Two in-process nodes plus one child-process node (index 2) the test kills. */
  async function start(): Promise<ClusterEnv> {
    const prefix = `f${Date.now().toString(36)}:`;
    victim = await startNodeProcess('victim', nodeArgs(redis.url, prefix));
    victimNode = { name: 'victim', url: victim.url, alive: true };
    env = await clusterEnv({
      redisUrl: redis.url,
      nodes: 2,
      prefix,
      externalNodes: [victimNode],
      server: { nodeTimeoutMs: NODE_TIMEOUT_MS, peerLeaveGraceMs: PEER_GRACE_MS },
    });
    return env;
  }

  async function kill(): Promise<void> {
    victimNode.alive = false; // the balancer's health check notices
    await victim!.kill();
  }

  afterEach(async () => {
    await victim?.kill();
    await env?.teardown();
    await closeAll();
    env = victim = undefined;
  });

  it('mid-ring: the callee resumes on another node (lastSeq, same session) and the call connects', async () => {
    const e = await start();
    const alice = await e.client('alice', 0);
    const bob = await e.client('bob', 2);
    expect(e.nodeOf(bob)).toBe('victim');
    const session = bob.signaling.currentSessionID;
    await e.run(alice.calling.call({ userID: 'bob', type: 2 }));
    await e.until(() => bob.calling.phase === 'ringing', 'bob ringing', 5000);
    await kill();
    await e.until(() => bob.signaling.state.status !== 'ready', 'bob notices', 3000);
    await e.until(() => bob.signaling.state.status === 'ready', 'bob back through another node', 5000);
    expect(e.nodeOf(bob)).toBe('node0');
    expect(bob.signaling.currentSessionID).toBe(session); // resumed, not a new session
    expect(bob.calling.phase).toBe('ringing');
    await e.run(bob.calling.accept());
    await e.until(
      () => alice.calling.phase === 'connected' && bob.calling.phase === 'connected',
      'both connected',
      5000,
    );
    expect(e.servers[0]?.metrics.clusterHandovers.get('noAnswer')).toBe(1);
    await e.run(alice.calling.hangup());
    await e.until(() => bob.calling.phase === 'idle', 'bob idle', 5000);
    expect(bob.calling.callRecords.at(-1)?.endReason).toBe('remoteHangup');
  });

  it('mid-ring: a cancel sent while the callee’s node is dead reaches it after it resumes elsewhere', async () => {
    const e = await start();
    const alice = await e.client('alice', 0);
    const bob = await e.client('bob', 2);
    await e.run(alice.calling.call({ userID: 'bob', type: 1 }));
    await e.until(() => bob.calling.phase === 'ringing', 'bob ringing', 5000);
    bob.device.open = false; // bob's network is down too: it cannot come back at once
    await kill();
    await e.run(alice.calling.hangup());
    await delay(200);
    expect(bob.calling.phase).toBe('ringing');
    bob.device.open = true;
    await e.until(() => bob.calling.phase === 'idle', 'bob idle after resuming', 5000);
    expect(bob.calling.callRecords.at(-1)?.endReason).toBe('canceled');
    expect(bob.events.filter((ev) => ev.type === 'onCallingCancel')).toHaveLength(1);
  });

  it('with peers in a room: the surviving nodes announce its sessions as left after the grace', async () => {
    const e = await start();
    // nodes 0 and 1: the two in-process nodes start() asks for.
    const dave = await TestClient.login(e.nodes[0]!.url, 'dave');
    const carol = await TestClient.login(victimNode.url, 'carol');
    await dave.ok({ t: 'room.join', roomID: 9 });
    await dave.invite(9, 'carol', 'erin');
    await carol.ok({ t: 'room.join', roomID: 9 });
    await dave.take((f) => f.t === 'peer' && f.event === 'joined');
    const killedAt = Date.now();
    await kill();
    const left = await dave.take(
      (f: ServerFrame) => f.t === 'peer' && f.event === 'left',
      NODE_TIMEOUT_MS + PEER_GRACE_MS + 3000,
      'carol left',
    );
    expect(left).toMatchObject({ roomID: 9, peer: { userID: 'carol', peerID: carol.login.sessionID } });
    expect(Date.now() - killedAt).toBeGreaterThanOrEqual(NODE_TIMEOUT_MS + PEER_GRACE_MS - 300);
    const reaped = () => e.servers.reduce((n, s) => n + s.metrics.clusterReaped.get(), 0);
    await until(() => reaped() === 1, 'one session reaped by one node', 2000);
    // The room is consistent again: dave can be joined by somebody else, carol is gone.
    const erin = await TestClient.login(e.nodes[1]!.url, 'erin');
    const joined = await erin.ok<'room.join'>({ t: 'room.join', roomID: 9 });
    expect(joined.peers.map((p) => p.userID)).toEqual(['dave']);
  });
});

describe('Redis restarts', () => {
  let own: RedisProcess | undefined;
  afterEach(async () => {
    await closeAll();
    await own?.stop();
  });

  it('nodes reconnect, resubscribe and register their sessions again without a restart of their own', async () => {
    own = await RedisProcess.start();
    const opts = { redisUrl: own.url, sessionPolicy: 'multi' as const, nodeTimeoutMs: NODE_TIMEOUT_MS };
    const a = await startTestServer({ ...opts, nodeId: 'ra' });
    const b = await startTestServer({ ...opts, nodeId: 'rb' });
    const alice = await TestClient.login(a.url, 'alice');
    const bob = await TestClient.login(b.url, 'bob');
    const ra = await alice.ok<'room.join'>({ t: 'room.join', roomID: 4 });
    await alice.invite(4, 'bob');
    await bob.ok({ t: 'room.join', roomID: 4 });
    const before = await alice.sendMsg('bob', 'before');
    await bob.nextMsg('before');

    await own.stop();
    await until(() => a.health()?.redis === 'down', 'node A notices', 5000);
    const degraded = await fetch(`${a.httpUrl}/healthz`);
    expect(degraded.status).toBe(503);
    expect(await degraded.json()).toMatchObject({ status: 'degraded', redis: 'down' });
    // Meanwhile requests that need Redis fail fast and clearly; the sockets stay open.
    const refused = await alice.request({ t: 'send', to: 'bob', conversationType: 'C2C', data: 'x' }, 6000);
    expect(refused).toMatchObject({ t: 'error', code: ERR.INTERNAL });
    await own.restart(); // same port, empty data set
    for (const s of [a, b]) {
      await until(() => s.metrics.redisEvents.get('dataLost') === 1, `${s.node} registered again`, 8000);
    }
    expect(a.health()?.redis).toBe('up');
    expect(a.metrics.redisEvents.get('disconnected')).toBeGreaterThanOrEqual(1);
    expect((await fetch(`${b.httpUrl}/healthz`)).status).toBe(200);

    // Live sessions were never dropped: routing and rooms work again as they were.
    const after = await alice.sendMsg('bob', 'after');
    expect((await bob.nextMsg('after')).seq).toBeGreaterThan(0);
    expect(after.seq).toBeGreaterThan(before.seq!); // seqs restart above the old ones (time-derived)
    await bob.ok({ t: 'rtc', roomID: 4, to: ra.peerID, payload: { kind: 'offer', sdp: 'x' } });
    await alice.take((f) => f.t === 'rtc');
    expect(alice.closeEvent).toBeUndefined();
    expect(bob.closeEvent).toBeUndefined();
  }, 30_000);
});

describe('a node’s pub/sub connection drops (Redis keeps its data)', () => {
  afterEach(closeAll);

  it('the node resubscribes and pushes what was stored meanwhile', async () => {
    const prefix = `p${Date.now().toString(36)}:`;
    const opts = { redisUrl: redis.url, redisKeyPrefix: prefix, nodeTimeoutMs: NODE_TIMEOUT_MS };
    const a = await startTestServer({ ...opts, nodeId: 'pa' });
    const b = await startTestServer({ ...opts, nodeId: 'pb' });
    const alice = await TestClient.login(a.url, 'alice');
    const bob = await TestClient.login(b.url, 'bob');
    await alice.sendMsg('bob', 'one');
    await bob.nextMsg('one');
    const admin = new Redis(redis.url);
    try {
      await admin.call('CLIENT', 'KILL', 'TYPE', 'pubsub'); // every node's subscriber connection drops
      const sent = await alice.sendMsg('bob', 'while unsubscribed');
      expect(a.metrics.redisEvents.get('noSubscriber')).toBe(1); // published to nobody: stored only
      const got = await bob.nextMsg('while unsubscribed', 5000);
      expect(got).toMatchObject({ id: sent.messageID });
      await until(() => b.metrics.redisEvents.get('subscriberReconnected') >= 1, 'B resubscribed', 3000);
      await alice.sendMsg('bob', 'after');
      await bob.nextMsg('after');
      expect(bob.messages().map((m) => m.data)).toEqual(['one', 'while unsubscribed', 'after']);
      expect(b.metrics.redisEvents.get('dataLost')).toBe(0);
    } finally {
      admin.disconnect();
    }
  });
});

describe('Redis unreachable at start', () => {
  let blackHole: Server | undefined;
  const sockets = new Set<Socket>();
  afterEach(async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((r) => (blackHole ? blackHole.close(() => r()) : r()));
    blackHole = undefined;
  });

  it('startServer rejects with a clear error within the connect timeout and leaves no port open', async () => {
    const port = await freePort();
    const redisPort = await freePort(); // nobody listens there
    const started = Date.now();
    await expect(
      startServer({
        port,
        sdkAppID: TEST_APP,
        secretKey: TEST_KEY,
        logLevel: 'silent',
        redisUrl: `redis://:secret@127.0.0.1:${redisPort}`,
        redisConnectTimeoutMs: 500,
      }),
    ).rejects.toThrow(
      new RegExp(`cannot reach Redis at redis://:\\*\\*\\*@127.0.0.1:${redisPort}: .*ECONNREFUSED`),
    );
    expect(Date.now() - started).toBeLessThan(2000);
    await expect(TestClient.connect(`ws://127.0.0.1:${port}`)).rejects.toThrow();
  });

  it('a Redis that accepts but never answers hits the connect timeout instead of hanging', async () => {
    blackHole = createServer((s) => sockets.add(s));
    const redisPort = await new Promise<number>((r) =>
      blackHole!.listen(0, '127.0.0.1', () => r((blackHole!.address() as { port: number }).port)),
    );
    const started = Date.now();
    await expect(
      startServer({
        port: 0,
        sdkAppID: TEST_APP,
        secretKey: TEST_KEY,
        logLevel: 'silent',
        redisUrl: `redis://127.0.0.1:${redisPort}`,
        redisConnectTimeoutMs: 500,
      }),
    ).rejects.toThrow(/cannot reach Redis/);
    expect(Date.now() - started).toBeLessThan(2500);
  });

  it('the command line exits 1 with the reason', async () => {
    const redisPort = await freePort();
    const run = await runServerProcess(
      [
        ...['--sdkappid', String(TEST_APP), '--secret-key', TEST_KEY, '--port', '0'],
        ...['--redis-url', `redis://127.0.0.1:${redisPort}`, '--redis-connect-timeout-ms', '500'],
      ],
      10_000,
    );
    expect(run.code).toBe(1);
    expect(run.output).toMatch(
      /calling-server: cannot start: cannot reach Redis at redis:\/\/127\.0\.0\.1:\d+/,
    );
    expect(run.ms).toBeLessThan(5000);
  });
});
