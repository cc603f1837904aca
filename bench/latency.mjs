// 2. Latency: a real encoded INVITE sent by one logged-in session until the callee's socket
// receives it, at 1,000 msg/s over 1,000 sessions (500 pairs) on loopback. Every session sends to
// its partner once a second, spread evenly; latency = receipt on the callee's socket minus the
// instant just before ws.send on the caller's (one process, one clock). Ours, then the plain ws
// relay for reference, same client.
import process from 'node:process';
import {
  benchServerOptions,
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
const WARMUP_MS = 3_000;
const MEASURE_MS = Number(process.env.BENCH_LATENCY_MS ?? 20_000);
const KINDS = (process.env.BENCH_LATENCY_KINDS ?? 'ours,baseline').split(',');

const { module: server } = await serverModule();
const secretKey = server.DEV_SECRET_KEY;
const userSig = (userID) => server.genUserSig({ sdkAppID: 1400000001, secretKey, userID });
const encode = await inviteEncoder();

async function measure(kind) {
  const srv = await startServerProcess(kind, benchServerOptions(secretKey));
  const ids = Array.from({ length: SESSIONS }, (_, i) => `l${kind[0]}${String(i).padStart(5, '0')}`);
  const t0 = performance.now();
  const clients = await openSessions(srv.url, ids, { userSig, concurrency: 100 });
  const loginMs = performance.now() - t0;
  log(`${kind}: ${SESSIONS} sessions logged in in ${Math.round(loginMs)} ms`);

  // Pre-encode every INVITE (fresh inviteIDs) so that the send path does no encoding work.
  const perSession = Math.ceil(((WARMUP_MS + MEASURE_MS) / 1000) * (RATE / SESSIONS)) + 2;
  const pool = clients.map((c, i) => {
    const to = ids[i ^ 1];
    return Array.from({ length: perSession }, () => {
      const data = encode(c.userID, to);
      const inviteID = JSON.parse(data).inviteID;
      return { inviteID, frame: JSON.stringify({ t: 'send', id: 1, to, conversationType: 'C2C', data }) };
    });
  });
  const used = new Array(SESSIONS).fill(0);
  // Per callee: the invitations on their way to it, in send order (one socket, in-order delivery).
  const expected = Array.from({ length: SESSIONS }, () => []);
  let recording = false;
  const samples = [];
  let mismatched = 0;
  let received = 0;
  clients.forEach((c, i) => {
    c.onFrame = (text) => {
      if (!text.startsWith('{"t":"msg"')) return;
      const at = performance.now();
      const head = expected[i].shift();
      if (!head || !text.includes(head.inviteID)) {
        mismatched++;
        return;
      }
      received++;
      if (head.record) samples.push(at - head.sentAt);
    };
  });

  let sent = 0;
  let cursor = 0;
  const run = async (ms) => {
    const start = performance.now();
    const base = sent;
    while (performance.now() - start < ms) {
      const due = Math.floor(((performance.now() - start) * RATE) / 1000) - (sent - base);
      for (let k = 0; k < due; k++) {
        const i = cursor++ % SESSIONS;
        const item = pool[i][used[i]++];
        const callee = i ^ 1;
        const entry = { inviteID: item.inviteID, sentAt: 0, record: recording };
        expected[callee].push(entry);
        entry.sentAt = performance.now();
        clients[i].ws.send(item.frame);
        sent++;
      }
      await sleep(1);
    }
  };
  await run(WARMUP_MS);
  recording = true;
  const s0 = await srv.stats();
  await run(MEASURE_MS);
  recording = false;
  for (let w = 0; w < 400 && received + mismatched < sent; w++) await sleep(5);
  const s1 = await srv.stats();
  for (const c of clients) c.close();
  await srv.stop();

  samples.sort((a, b) => a - b);
  const result = {
    kind,
    sessions: SESSIONS,
    rate: RATE,
    measureMs: MEASURE_MS,
    samples: samples.length,
    lost: sent - received - mismatched,
    mismatched,
    p50Ms: percentile(samples, 50),
    p90Ms: percentile(samples, 90),
    p99Ms: percentile(samples, 99),
    p999Ms: percentile(samples, 99.9),
    maxMs: samples.at(-1),
    loginMs,
    serverCpuShare: cpuDelta(s0, s1) / 1000 / (s1.t - s0.t),
  };
  log(
    `${kind}: p50 ${result.p50Ms.toFixed(3)} ms, p99 ${result.p99Ms.toFixed(3)} ms, ` +
      `max ${result.maxMs.toFixed(1)} ms over ${samples.length} invites (lost ${result.lost})`,
  );
  return result;
}

const runs = [];
for (const kind of KINDS) runs.push(await measure(kind));
const ours = runs.find((r) => r.kind === 'ours');
const baseline = runs.find((r) => r.kind === 'baseline');
process.stdout.write(
  JSON.stringify({
    ours,
    baseline,
    p99Ratio: ours && baseline ? ours.p99Ms / baseline.p99Ms : null,
    p50Ratio: ours && baseline ? ours.p50Ms / baseline.p50Ms : null,
  }) + '\n',
);
