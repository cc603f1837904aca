import { Redis } from 'ioredis';
import { WebSocket } from 'ws';
import type { RunningServer } from './index';
import { startNodeProcess, type NodeProcess } from './node-process.test-util';
import { RedisProcess } from './redis-server.test-util';
import {
  TEST_APP,
  TEST_KEY,
  closeAll,
  delay,
  officialSig,
  startTestServer,
  until,
} from './test-client.test-util';

/**
 * Chaos: steady C2C traffic between users on three Redis-backed nodes while the nodes' Redis
 * connections are killed (`CLIENT KILL`), redis-server is SIGKILLed and restarted (with the
 * append-only file the README recommends: `appendonly yes`, `appendfsync always`) and one node
 * is SIGKILLed (its clients resume on the others). Every message acknowledged to its sender must
 * reach its recipient: live, or in the replay of its next resume.
 */
const NODE_TIMEOUT_MS = 1000;
const PEER_GRACE_MS = 1000;
const USERS = 6;
const TICK_MS = 50;

/** A client as the library's signaling is: resumes with `lastSeq` (highest seq seen or echoed). */
class ChaosClient {
  readonly received = new Set<string>();
  readonly acked: { id: string; to: string }[] = [];
  ready = false;
  stopped = false;
  logins = 0;
  private ws: WebSocket | undefined;
  private sessionID: string | undefined;
  private lastSeq: number | undefined;
  private nextId = 1;
  private loginId = 0;
  private readonly sends = new Map<number, string>();
  private readonly sig: string;

  constructor(
    readonly user: string,
    private readonly pickUrl: () => string,
  ) {
    this.sig = officialSig(user);
  }

  connect(): void {
    if (this.stopped) return;
    const ws = new WebSocket(this.pickUrl());
    this.ws = ws;
    ws.on('error', () => undefined);
    ws.on('open', () => {
      this.loginId = this.nextId++;
      ws.send(
        JSON.stringify({
          t: 'login',
          id: this.loginId,
          SDKAppID: TEST_APP,
          userID: this.user,
          userSig: this.sig,
          ...(this.sessionID ? { resumeSessionID: this.sessionID } : {}),
          ...(this.lastSeq !== undefined ? { lastSeq: this.lastSeq } : {}),
        }),
      );
    });
    ws.on('message', (data) => this.onFrame(JSON.parse(data.toString()) as Record<string, never>));
    ws.on('close', () => {
      if (this.ws !== ws) return;
      this.ready = false;
      this.sends.clear(); // no answer will come: not acknowledged
      if (!this.stopped) setTimeout(() => this.connect(), 50 + Math.random() * 100);
    });
  }

  private onFrame(f: Record<string, unknown>): void {
    if (f['t'] === 'msg') {
      const m = f['message'] as { id: string; seq: number };
      this.received.add(m.id);
      this.raise(m.seq);
    } else if (f['t'] === 'ok' && f['id'] === this.loginId) {
      const r = f['result'] as { sessionID: string; replayAfter?: number };
      this.sessionID = r.sessionID;
      if (this.lastSeq === undefined && r.replayAfter !== undefined) this.lastSeq = r.replayAfter;
      this.ready = true;
      this.logins++;
    } else if (f['t'] === 'ok' && typeof f['id'] === 'number' && this.sends.has(f['id'])) {
      const r = f['result'] as { messageID: string; seq?: number };
      this.acked.push({ id: r.messageID, to: this.sends.get(f['id'])! });
      this.sends.delete(f['id']);
      if (r.seq !== undefined) this.raise(r.seq);
    } else if (f['t'] === 'error' && typeof f['id'] === 'number') {
      this.sends.delete(f['id']);
    }
  }

  private raise(seq: number): void {
    this.lastSeq = Math.max(this.lastSeq ?? seq, seq);
  }

  send(to: string, data: string): void {
    if (!this.ready || !this.ws) return;
    const id = this.nextId++;
    this.sends.set(id, to);
    this.ws.send(JSON.stringify({ t: 'send', id, to, conversationType: 'C2C', data }));
  }

  /** Drops the socket: the client resumes with its lastSeq (through any live node). */
  drop(): void {
    this.ws?.terminate();
  }

  stop(): void {
    this.stopped = true;
    this.ws?.terminate();
  }
}

let redis: RedisProcess | undefined;
let victim: NodeProcess | undefined;
let clients: ChaosClient[] = [];

afterAll(async () => {
  for (const c of clients) c.stop();
  await victim?.kill();
  await closeAll();
  await redis?.dispose();
});

it('loses no acknowledged message across CLIENT KILL, a redis-server restart and a node SIGKILL', async () => {
  redis = await RedisProcess.start({ persistent: true });
  const prefix = `x${Date.now().toString(36)}:`;
  const limits = { mailboxMaxMessages: 5000, ratePerSecond: 200, rateBurst: 400 };
  const opts = {
    redisUrl: redis.url,
    redisKeyPrefix: prefix,
    sessionPolicy: 'multi' as const,
    nodeTimeoutMs: NODE_TIMEOUT_MS,
    peerLeaveGraceMs: PEER_GRACE_MS,
    ...limits,
  };
  const nodes: RunningServer[] = [
    await startTestServer({ ...opts, nodeId: 'ca' }),
    await startTestServer({ ...opts, nodeId: 'cb' }),
  ];
  victim = await startNodeProcess('cvictim', [
    ...['--sdkappid', String(TEST_APP), '--secret-key', TEST_KEY, '--session-policy', 'multi'],
    ...['--redis-url', redis.url, '--redis-key-prefix', prefix, '--log-level', 'info'],
    ...['--node-timeout-ms', String(NODE_TIMEOUT_MS), '--peer-leave-grace-ms', String(PEER_GRACE_MS)],
    ...['--mailbox-max-messages', '5000', '--rate-per-second', '200', '--rate-burst', '400'],
  ]);
  const urls = [nodes[0]!.url, nodes[1]!.url, victim.url];
  let victimAlive = true;
  let turn = 0;
  /** The client's home node first, then wherever the balancer sends it (a live node). */
  const balancer = (home: number) => {
    let first = true;
    return () => {
      if (first) {
        first = false;
        return urls[home]!;
      }
      const alive = victimAlive ? urls : urls.slice(0, 2);
      return alive[turn++ % alive.length]!;
    };
  };
  clients = Array.from({ length: USERS }, (_, i) => new ChaosClient(`chaos${i}`, balancer(i % 3)));
  for (const c of clients) c.connect();
  await until(() => clients.every((c) => c.ready), 'every client logged in', 8000);

  const admin = new Redis(redis.url, { maxRetriesPerRequest: 20 });
  admin.on('error', () => undefined);
  let n = 0;
  const traffic = setInterval(() => {
    for (const [i, c] of clients.entries()) {
      const to = clients[(i + 1 + (n % (USERS - 1))) % USERS]!;
      c.send(to.user, `m${n}`);
    }
    n++;
  }, TICK_MS);
  try {
    await delay(1500);
    await admin.call('CLIENT', 'KILL', 'TYPE', 'pubsub');
    await delay(1500);
    await admin.call('CLIENT', 'KILL', 'TYPE', 'normal');
    await delay(1500);
    await redis.restart(); // SIGKILL, then the same port and append-only file
    await delay(2000);
    victimAlive = false;
    await victim.kill();
    await delay(1500);
    await admin.call('CLIENT', 'KILL', 'TYPE', 'pubsub');
    await delay(1500);
  } finally {
    clearInterval(traffic);
    admin.disconnect();
  }

  const acked = clients.flatMap((c) => c.acked);
  const byUser = new Map(clients.map((c) => [c.user, c]));
  const missing = () => acked.filter((a) => !byUser.get(a.to)!.received.has(a.id));
  await until(() => clients.every((c) => c.ready), 'every client back', 8000);
  // Online recipients get everything acknowledged, without a resume.
  await until(() => missing().length === 0, 'every acknowledged message pushed', 6000).catch(() => undefined);
  const missedOnline = missing().length;
  // ...and a resume brings back nothing new either (nothing was left behind in a mailbox).
  const logins = clients.map((c) => c.logins);
  for (const c of clients) c.drop();
  await until(() => clients.every((c, i) => c.ready && c.logins > logins[i]!), 'every client resumed', 8000);
  await delay(500);
  expect(acked.length).toBeGreaterThan(500);
  expect({ missedOnline, missedAfterResume: missing().length }).toEqual({
    missedOnline: 0,
    missedAfterResume: 0,
  });
}, 90_000);
