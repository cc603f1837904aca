// Cross-node relay cost of calling-server with Redis, against one in-memory node, on loopback.
//
//   node bench/cross-node.mjs            (needs redis-server on the PATH; prints one JSON object)
//
// Scenarios (each a fresh set of server processes; Redis a fresh redis-server):
//   memory      one node, state in memory (today's single-node server)
//   redis-same  two nodes on one Redis; both clients of a pair on the same node
//   redis-cross two nodes on one Redis; the clients of a pair on different nodes
// Kinds of relayed message:
//   rtc   room negotiation frames (`rtc`), the per-call hot path: a room lookup and a push
//   c2c   C2C `send` (seq allocation, mailbox write, delivery, the sender's echo copy)
// Each pair ping-pongs: A sends to B, B answers when it gets it, A measures the round trip
// (two relays). Server CPU is process.cpuUsage() of every server process over the measured loop
// (reported over IPC), Redis CPU is `INFO cpu` before and after; both are divided by the number
// of relayed messages (CPU is measured over the loaded loop only). `rttMs` is the round trip under
// that load (all pairs at once), `rttUnloadedMs` the round trip of one pair alone. Loops are
// bounded: PAIRS × ROUND_TRIPS (+ one pair × UNLOADED_ROUND_TRIPS) per scenario and kind.
// Environment: BENCH_XNODE_PAIRS (20), _ROUND_TRIPS (150), _WARMUP (20), _UNLOADED_ROUND_TRIPS
// (200), _SCENARIOS, _KINDS (comma lists), _CPU_PROF (a directory for --cpu-prof of each node).
import { fork, spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import os from 'node:os';
import { join, resolve } from 'node:path';
import process from 'node:process';
import { build } from 'esbuild';
import { Redis } from 'ioredis';
import { WebSocket } from 'ws';
import { SERVER_BUILD } from '../scripts/build-server.mjs';

const root = resolve(import.meta.dirname, '..');
const PAIRS = Number(process.env.BENCH_XNODE_PAIRS ?? 20);
const ROUND_TRIPS = Number(process.env.BENCH_XNODE_ROUND_TRIPS ?? 150);
const WARMUP = Number(process.env.BENCH_XNODE_WARMUP ?? 20);
const UNLOADED_ROUND_TRIPS = Number(process.env.BENCH_XNODE_UNLOADED_ROUND_TRIPS ?? 200);
const SCENARIOS = (process.env.BENCH_XNODE_SCENARIOS ?? 'memory,redis-same,redis-cross').split(',');
const KINDS = (process.env.BENCH_XNODE_KINDS ?? 'rtc,c2c').split(',');
const DATA = JSON.stringify({ businessID: 1, inviteID: 'x'.repeat(36), data: 'y'.repeat(180) }); // ~260 B

const log = (...a) => process.stderr.write(`[cross-node] ${a.join(' ')}\n`);

function freePort() {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
  });
}

function canConnect(port) {
  return new Promise((res) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      res(true);
    });
    s.once('error', () => res(false));
  });
}

/** The server entry run in each node process: starts, reports its URL and CPU over IPC. */
async function nodeBundle() {
  const dir = join(root, 'node_modules', '.cache', 'cross-node-bench');
  mkdirSync(dir, { recursive: true });
  const outfile = join(dir, 'node.cjs');
  await build({
    stdin: {
      contents: `
        import { startServer } from './projects/calling-server/src/index';
        (async () => {
          const server = await startServer(JSON.parse(process.env.XNODE_OPTIONS));
          process.send({ url: server.url, httpUrl: server.httpUrl });
          process.on('message', async (m) => {
            if (m === 'cpu') process.send({ cpu: process.cpuUsage() });
            if (m === 'stop') { await server.close(); process.exit(0); }
          });
        })().catch((e) => { console.error(e); process.exit(1); });`,
      resolveDir: root,
      loader: 'ts',
    },
    ...SERVER_BUILD,
    outfile,
  });
  return outfile;
}

class NodeProcess {
  static async start(bundle, options) {
    const prof = process.env.BENCH_XNODE_CPU_PROF; // a directory: each node writes a .cpuprofile
    const child = fork(bundle, [], {
      execArgv: prof ? ['--cpu-prof', `--cpu-prof-dir=${prof}`] : [],
      env: { ...process.env, XNODE_OPTIONS: JSON.stringify(options) },
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    const first = await new Promise((res, rej) => {
      child.once('message', res);
      child.once('exit', (c) => rej(new Error(`node exited with ${c}`)));
    });
    return Object.assign(new NodeProcess(), { child, ...first });
  }
  async cpu() {
    this.child.send('cpu');
    const { cpu } = await new Promise((res) => this.child.once('message', res));
    return cpu.user + cpu.system; // µs
  }
  async stop() {
    const exited = new Promise((r) => this.child.once('exit', r));
    this.child.send('stop');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
    if (this.child.exitCode === null) this.child.kill('SIGKILL');
  }
}

class RedisServer {
  static async start() {
    const port = await freePort();
    const child = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      {
        stdio: 'ignore',
      },
    );
    child.once('error', (e) => {
      process.stdout.write(
        JSON.stringify({ bench: 'cross-node', error: `cannot run redis-server: ${e.message}` }) + '\n',
      );
      process.exit(1);
    });
    for (let i = 0; !(await canConnect(port)); i++) {
      if (i > 200) throw new Error('redis-server did not start');
      await new Promise((r) => setTimeout(r, 25));
    }
    const client = new Redis({ port, host: '127.0.0.1' });
    client.on('error', () => {});
    return Object.assign(new RedisServer(), { child, port, client, url: `redis://127.0.0.1:${port}` });
  }
  /** used_cpu_user + used_cpu_sys of the redis-server process, µs. */
  async cpu() {
    const info = await this.client.info('cpu');
    const v = (k) => Number(new RegExp(`${k}:([\\d.]+)`).exec(info)[1]);
    return Math.round((v('used_cpu_user') + v('used_cpu_sys')) * 1e6);
  }
  async version() {
    return /redis_version:(\S+)/.exec(await this.client.info('server'))[1];
  }
  async stop() {
    this.client.disconnect();
    const exited = new Promise((r) => this.child.once('exit', r));
    this.child.kill('SIGKILL');
    await exited;
  }
}

/** A raw protocol client: requests with ids, pushes to a handler. */
class Client {
  static async open(url, httpUrl, userID) {
    const { userSig, SDKAppID } = await (await fetch(`${httpUrl}/dev/usersig?userID=${userID}`)).json();
    const ws = new WebSocket(url);
    await new Promise((res, rej) => {
      ws.once('open', res);
      ws.once('error', rej);
    });
    const c = Object.assign(new Client(), { ws, userID, nextId: 1, pending: new Map(), onPush: () => {} });
    ws.on('message', (data) => {
      const f = JSON.parse(data.toString());
      if (f.t === 'ok' || f.t === 'error') {
        const p = c.pending.get(f.id);
        c.pending.delete(f.id);
        if (f.t === 'ok') p?.res(f.result);
        else p?.rej(new Error(`${f.code} ${f.message}`));
      } else c.onPush(f);
    });
    c.login = await c.request({ t: 'login', SDKAppID, userID, userSig });
    return c;
  }
  request(frame) {
    const id = this.nextId++;
    return new Promise((res, rej) => {
      this.pending.set(id, { res, rej });
      this.ws.send(JSON.stringify({ ...frame, id }));
    });
  }
  close() {
    this.ws.terminate();
  }
}

/** A TSignaling call INVITE of `inviter` for `invitee` into `roomID` (as TRTCCalling sends it). */
function invite(inviter, invitee, roomID) {
  const inner = {
    version: 4,
    call_type: 2,
    room_id: roomID,
    businessID: 'av_call',
    data: { room_id: roomID },
  };
  return JSON.stringify({
    businessID: 1,
    inviteID: `bench-${inviter}-${roomID}`,
    inviter,
    actionType: 1,
    inviteeList: [invitee],
    data: JSON.stringify(inner),
    timeout: 30,
    groupID: '',
    onlineUserOnly: false,
  });
}

function percentile(sorted, p) {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : 0;
}

/** Ping-pong between the clients of each pair; resolves with the round-trip times (ms). */
async function pingPong(pairs, kind, roundTrips) {
  const rtts = [];
  await Promise.all(
    pairs.map(async ({ a, b, roomID }, i) => {
      const send = (from, to) =>
        kind === 'rtc'
          ? from.request({ t: 'rtc', roomID, to: to.login.sessionID, payload: { kind: 'offer', sdp: DATA } })
          : from.request({ t: 'send', to: to.userID, conversationType: 'C2C', data: DATA });
      const isIt = (f) => (kind === 'rtc' ? f.t === 'rtc' : f.t === 'msg');
      b.onPush = (f) => {
        if (isIt(f)) send(b, a).catch((e) => log('pong failed', e.message));
      };
      for (let k = 0; k < roundTrips; k++) {
        const back = new Promise((res) => (a.onPush = (f) => isIt(f) && res()));
        const t0 = performance.now();
        await send(a, b);
        await back;
        rtts.push(performance.now() - t0);
      }
      a.onPush = b.onPush = () => {};
      return i;
    }),
  );
  return rtts.sort((x, y) => x - y);
}

async function scenario(name, bundle, kinds) {
  const redis = name === 'memory' ? undefined : await RedisServer.start();
  const base = {
    host: '127.0.0.1',
    port: 0,
    dev: true,
    logLevel: 'silent',
    sessionPolicy: 'multi',
    ratePerSecond: 1_000_000,
    rateBurst: 1_000_000,
    maxConnectionsPerAddress: 100_000,
    heartbeatIntervalMs: 60_000,
    ...(redis ? { redisUrl: redis.url } : {}),
  };
  const nodes = [];
  for (let i = 0; i < (name === 'memory' ? 1 : 2); i++) {
    nodes.push(await NodeProcess.start(bundle, { ...base, ...(redis ? { nodeId: `bench${i}` } : {}) }));
  }
  const nodeFor = (side) => (name === 'redis-cross' ? nodes[side] : nodes[0]);
  const pairs = [];
  for (let i = 0; i < PAIRS; i++) {
    const [na, nb] = [nodeFor(0), nodeFor(1)];
    const a = await Client.open(na.url, na.httpUrl, `a${i}`);
    const b = await Client.open(nb.url, nb.httpUrl, `b${i}`);
    const roomID = 1000 + i;
    // Rooms are private: a's call invitation makes it and b the room's users.
    await a.request({
      t: 'send',
      to: b.userID,
      conversationType: 'C2C',
      data: invite(a.userID, b.userID, roomID),
    });
    await a.request({ t: 'room.join', roomID });
    await b.request({ t: 'room.join', roomID });
    pairs.push({ a, b, roomID });
  }
  const results = [];
  for (const kind of kinds) {
    await pingPong(pairs, kind, WARMUP);
    const cpu0 = await Promise.all(nodes.map((n) => n.cpu()));
    const redis0 = redis ? await redis.cpu() : 0;
    const t0 = performance.now();
    const rtts = await pingPong(pairs, kind, ROUND_TRIPS);
    const wallMs = performance.now() - t0;
    const cpu1 = await Promise.all(nodes.map((n) => n.cpu()));
    const redis1 = redis ? await redis.cpu() : 0;
    // Unloaded round trip: one pair alone (protocol and hop latency, not queueing on the CPUs).
    const alone = await pingPong(pairs.slice(0, 1), kind, UNLOADED_ROUND_TRIPS);
    const relayed = 2 * PAIRS * ROUND_TRIPS;
    const serverUs = cpu1.reduce((s, c, i) => s + c - cpu0[i], 0);
    results.push({
      scenario: name,
      kind,
      nodes: nodes.length,
      relayed,
      serverCpuUsPerMsg: +(serverUs / relayed).toFixed(2),
      redisCpuUsPerMsg: +((redis1 - redis0) / relayed).toFixed(2),
      totalCpuUsPerMsg: +((serverUs + redis1 - redis0) / relayed).toFixed(2),
      msgPerSec: Math.round(relayed / (wallMs / 1000)),
      rttUnloadedMs: {
        p50: +percentile(alone, 50).toFixed(3),
        p99: +percentile(alone, 99).toFixed(3),
      },
      rttMs: {
        p50: +percentile(rtts, 50).toFixed(3),
        p90: +percentile(rtts, 90).toFixed(3),
        p99: +percentile(rtts, 99).toFixed(3),
        max: +rtts.at(-1).toFixed(3),
      },
    });
    log(`${name}/${kind}: ${JSON.stringify(results.at(-1))}`);
  }
  for (const { a, b } of pairs) {
    a.close();
    b.close();
  }
  await Promise.all(nodes.map((n) => n.stop()));
  const version = redis ? await redis.version() : undefined;
  await redis?.stop();
  return { results, version };
}

const bundle = await nodeBundle();
const all = [];
let redisVersion;
for (const name of SCENARIOS) {
  const { results, version } = await scenario(name, bundle, KINDS);
  all.push(...results);
  redisVersion ??= version;
}
const find = (s, k) => all.find((r) => r.scenario === s && r.kind === k);
const ratios = {};
for (const kind of KINDS) {
  const mem = find('memory', kind);
  const same = find('redis-same', kind);
  const cross = find('redis-cross', kind);
  if (mem && cross) {
    ratios[`${kind}.crossVsMemory.serverCpu`] = +(cross.serverCpuUsPerMsg / mem.serverCpuUsPerMsg).toFixed(2);
    ratios[`${kind}.crossVsMemory.totalCpu`] = +(cross.totalCpuUsPerMsg / mem.totalCpuUsPerMsg).toFixed(2);
    ratios[`${kind}.crossVsMemory.rttP50`] = +(cross.rttMs.p50 / mem.rttMs.p50).toFixed(2);
    ratios[`${kind}.crossVsMemory.rttUnloadedP50`] = +(
      cross.rttUnloadedMs.p50 / mem.rttUnloadedMs.p50
    ).toFixed(2);
  }
  if (same && cross) {
    ratios[`${kind}.crossVsSame.totalCpu`] = +(cross.totalCpuUsPerMsg / same.totalCpuUsPerMsg).toFixed(2);
  }
}
process.stdout.write(
  JSON.stringify(
    {
      bench: 'cross-node',
      machine: {
        node: process.version,
        cpus: os.cpus().length,
        loadavg: os.loadavg().map((l) => +l.toFixed(2)),
      },
      redis: redisVersion,
      params: { pairs: PAIRS, roundTrips: ROUND_TRIPS, warmup: WARMUP, dataBytes: DATA.length },
      results: all,
      ratios,
    },
    // One line: `npm run bench` reads the last line of each benchmark's output as its result.
  ) + '\n',
);
