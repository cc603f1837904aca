// 2. Latency: a real encoded INVITE sent by one logged-in session until the callee's socket
// receives it, at 1,000 msg/s over 1,000 sessions (500 pairs) on loopback. Every session sends to
// its partner once a second, spread evenly; latency = receipt on the callee's socket minus the
// instant just before ws.send on the caller's (one process, one clock).
// Ours and the plain ws relay (same client) both stay up with their 1,000 sessions each, and the
// load alternates between them in slices, so that both see the same background noise of this
// shared machine; the server-side event-loop delay and GC pauses are recorded per server.
import { loadavg } from 'node:os';
import process from 'node:process';
import {
  benchServerOptions,
  devApp,
  cpuDelta,
  inviteEncoder,
  log,
  openSessions,
  percentile,
  serverModule,
  sleep,
  startServerProcess,
} from './lib/common.mjs';

const SESSIONS = Number(process.env.BENCH_LATENCY_SESSIONS ?? 1_000);
const RATE = Number(process.env.BENCH_LATENCY_RATE ?? 1_000);
const WARMUP_MS = 2_000;
const SLICE_MS = 5_000;
const MEASURE_MS = Number(process.env.BENCH_LATENCY_MS ?? 20_000); // per server
const KINDS = (process.env.BENCH_LATENCY_KINDS ?? 'ours,baseline').split(',');

const { module: server } = await serverModule();
const app = devApp(server);
const encode = await inviteEncoder();
const perSession = Math.ceil(((WARMUP_MS + MEASURE_MS) / 1000) * (RATE / SESSIONS)) + 2;

/** Starts a server with its sessions, pre-encoded invitations and receive-side bookkeeping. */
async function setUp(kind) {
  const srv = await startServerProcess(kind, benchServerOptions(app));
  const ids = Array.from({ length: SESSIONS }, (_, i) => `l${kind[0]}${String(i).padStart(5, '0')}`);
  const t0 = performance.now();
  const clients = await openSessions(srv.url, ids, { app, concurrency: 100 });
  const loginMs = performance.now() - t0;
  log(`${kind}: ${SESSIONS} sessions logged in in ${Math.round(loginMs)} ms`);
  // Every INVITE encoded up front (fresh inviteIDs): the send path does no encoding work.
  const pool = clients.map((c, i) => {
    const to = ids[i ^ 1];
    return Array.from({ length: perSession }, () => {
      const data = encode(c.userID, to);
      const inviteID = JSON.parse(data).inviteID;
      return { inviteID, frame: JSON.stringify({ t: 'send', id: 1, to, conversationType: 'C2C', data }) };
    });
  });
  const s = {
    kind,
    srv,
    clients,
    pool,
    loginMs,
    used: new Array(SESSIONS).fill(0),
    // Per callee: the invitations on their way to it, in send order (one socket, in-order delivery).
    expected: Array.from({ length: SESSIONS }, () => []),
    samples: [],
    sent: 0,
    received: 0,
    mismatched: 0,
    cursor: 0,
    cpuUs: 0,
    measuredMs: 0,
    loopDelayP99: [],
    gc: { count: 0, totalMs: 0, maxMs: 0 },
  };
  clients.forEach((c, i) => {
    c.onFrame = (text) => {
      if (!text.startsWith('{"t":"msg"')) return;
      const at = performance.now();
      const head = s.expected[i].shift();
      if (!head || !text.includes(head.inviteID)) {
        s.mismatched++;
        return;
      }
      s.received++;
      if (head.record) s.samples.push(at - head.sentAt);
    };
  });
  return s;
}

/** Offers RATE msg/s to one server for `ms`, paced on 1 ms timers. */
async function drive(s, ms, record) {
  const start = performance.now();
  const base = s.sent;
  while (performance.now() - start < ms) {
    const due = Math.floor(((performance.now() - start) * RATE) / 1000) - (s.sent - base);
    for (let k = 0; k < due; k++) {
      const i = s.cursor++ % SESSIONS;
      const item = s.pool[i][s.used[i]++];
      const entry = { inviteID: item.inviteID, sentAt: 0, record };
      s.expected[i ^ 1].push(entry);
      entry.sentAt = performance.now();
      s.clients[i].ws.send(item.frame);
      s.sent++;
    }
    await sleep(1);
  }
}

async function slice(s, ms) {
  const a = await s.srv.stats(false, true);
  await drive(s, ms, true);
  for (let w = 0; w < 100 && s.received + s.mismatched < s.sent; w++) await sleep(5);
  const b = await s.srv.stats(false, true);
  s.cpuUs += cpuDelta(a, b);
  s.measuredMs += b.t - a.t;
  s.loopDelayP99.push(b.loopDelayMs.p99);
  s.gc.count += b.gc.count;
  s.gc.totalMs += b.gc.totalMs;
  s.gc.maxMs = Math.max(s.gc.maxMs, b.gc.maxMs);
}

const servers = [];
for (const kind of KINDS) servers.push(await setUp(kind));
const load0 = loadavg()[0];
for (const s of servers) await drive(s, WARMUP_MS, false);
for (let done = 0; done < MEASURE_MS; done += SLICE_MS) {
  for (const s of servers) await slice(s, Math.min(SLICE_MS, MEASURE_MS - done));
}
const load1 = loadavg()[0];

const out = { loadAverage: [load0, load1] };
for (const s of servers) {
  for (const c of s.clients) c.close();
  await s.srv.stop();
  s.samples.sort((a, b) => a - b);
  out[s.kind] = {
    kind: s.kind,
    sessions: SESSIONS,
    rate: RATE,
    measureMs: MEASURE_MS,
    samples: s.samples.length,
    lost: s.sent - s.received - s.mismatched,
    mismatched: s.mismatched,
    p50Ms: percentile(s.samples, 50),
    p90Ms: percentile(s.samples, 90),
    p99Ms: percentile(s.samples, 99),
    p999Ms: percentile(s.samples, 99.9),
    maxMs: s.samples.at(-1),
    over5Ms: s.samples.filter((x) => x >= 5).length,
    loginMs: s.loginMs,
    serverCpuShare: s.cpuUs / 1000 / s.measuredMs,
    serverLoopDelayP99Ms: Math.max(...s.loopDelayP99),
    serverGc: s.gc,
  };
  const r = out[s.kind];
  log(
    `${s.kind}: p50 ${r.p50Ms.toFixed(3)} ms, p99 ${r.p99Ms.toFixed(3)} ms, max ${r.maxMs.toFixed(1)} ms ` +
      `over ${r.samples} invites (lost ${r.lost}); server loop delay p99 ≤ ${r.serverLoopDelayP99Ms.toFixed(1)} ms, ` +
      `GC ${r.serverGc.count}× / max ${r.serverGc.maxMs.toFixed(1)} ms`,
  );
}
log(`load average ${load0.toFixed(2)} → ${load1.toFixed(2)} (2 cores)`);
if (out.ours && out.baseline) {
  out.p99Ratio = out.ours.p99Ms / out.baseline.p99Ms;
  out.p50Ratio = out.ours.p50Ms / out.baseline.p50Ms;
}
process.stdout.write(JSON.stringify(out) + '\n');
