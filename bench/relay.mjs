// 1. Server relay: server CPU per relayed C2C signaling message and throughput, ours vs a plain
// ws@8 relay, same load client, same message, same run. Each server runs in a child process and
// reports process.cpuUsage() over IPC; the load client (this process) never shares its CPU time.
//
// Every variant is up at once with its own 200 logged-in sessions. The CPU figure comes from
// short slices at a fixed offered rate, the variants taking turns, many rounds: background jobs on
// this shared machine then hit every variant alike, and the ratio is the median of the per-round
// ratios. Each round runs two send orders (see ORDERS). The saturation phase (as fast as client and
// server go) runs once per variant after that.
//
// Ours as it was before a change (BENCH_RELAY_BEFORE=<git rev>, read with `git archive`, bundled the
// same way) runs as one more variant in the same rounds, so that "no worse than before" is judged on
// ratios of one run, not on figures of two runs on a machine whose noise differs from run to run.
import process from 'node:process';
import { setImmediate } from 'node:timers';
import {
  benchServerOptions,
  devApp,
  cpuDelta,
  inviteEncoder,
  log,
  openSessions,
  serverBundleAt,
  serverModule,
  sleep,
  startServerProcess,
} from './lib/common.mjs';

const PAIRS = Number(process.env.BENCH_RELAY_PAIRS ?? 100);
const RATE = Number(process.env.BENCH_RELAY_RATE ?? 10_000); // msg/s offered in the CPU phase
const WARMUP_MS = 1_500;
const SLICE_MS = 1_000;
const ROUNDS = Number(process.env.BENCH_RELAY_ROUNDS ?? 8); // CPU phase: ROUNDS × 2 orders × SLICE_MS per variant
const SATURATE_MS = Number(process.env.BENCH_RELAY_SATURATE_MS ?? 3_000);
const WINDOW = 2_000; // most messages in flight in the saturation phase
/**
 * The plain relay; ours (the goal figure); the plain relay answering each send with an `ok` like
 * ours (same frames per message as ours: the protocol's share); ours with a 1 s mailbox (the
 * store's share).
 */
const VARIANTS = {
  baseline: { server: 'baseline' },
  ours: { server: 'ours' },
  'ours-before': { server: 'ours', before: true },
  'baseline-ack': { server: 'baseline-ack' },
  'ours-1s-mailbox': { server: 'ours', options: { mailboxRetentionMs: 1_000, longestRingTimeoutMs: 0 } },
};
/**
 * The order in which the sessions send, each once per period (200 sessions, 10,000 msg/s: every
 * 20 ms). 'staggered' (the goal figure): all even sessions, then all odd ones, so a session's
 * partner sends half a period after it, as a reply comes after a request. 'paired': partners send
 * back to back (2i, then 2i+1), so each socket gets the ok of its own send and its partner's
 * message in the same moment, as when both sides of a call trickle ICE candidates at once: ours
 * then writes both in one go, the plain relay has only the message to write.
 */
const ORDERS = {
  staggered: Array.from({ length: 2 * PAIRS }, (_, k) => (k < PAIRS ? 2 * k : 2 * (k - PAIRS) + 1)),
  paired: Array.from({ length: 2 * PAIRS }, (_, k) => k),
};
/**
 * The revision whose server runs as 'ours-before': by default the last commit before the hub was
 * split by concern (issue 11). 'none' leaves that variant out.
 */
const BEFORE = process.env.BENCH_RELAY_BEFORE ?? '9808669';
const DEFAULT_KINDS = ['baseline', 'ours', 'ours-before', 'baseline-ack', 'ours-1s-mailbox'];
const KINDS = (process.env.BENCH_RELAY_KINDS?.split(',') ?? DEFAULT_KINDS).filter(
  (k) => k !== 'ours-before' || BEFORE !== 'none',
);
const PROFILE = process.env.BENCH_PROFILE === '1';

const { module: server } = await serverModule();
const app = devApp(server);
const encode = await inviteEncoder();

/** Starts one variant: its server, its sessions, 16 distinct real INVITEs per session. */
async function setUp(kind, index) {
  const variant = VARIANTS[kind];
  const srv = await startServerProcess(variant.server, benchServerOptions(app, variant.options), {
    profile: PROFILE ? `relay-${kind}` : false,
    bundle: variant.before ? await serverBundleAt(BEFORE) : undefined,
  });
  const ids = Array.from({ length: 2 * PAIRS }, (_, i) => `r${index}u${String(i).padStart(5, '0')}`);
  const clients = await openSessions(srv.url, ids, { app, concurrency: 50 });
  // Each session sends to its partner: 2i <-> 2i+1.
  const frames = clients.map((c, i) => {
    const to = ids[i ^ 1];
    return Array.from({ length: 16 }, (_, k) =>
      JSON.stringify({ t: 'send', id: k + 1, to, conversationType: 'C2C', data: encode(c.userID, to) }),
    );
  });
  const v = {
    kind,
    srv,
    clients,
    frames,
    delivered: 0,
    sent: 0,
    cursor: 0,
    order: ORDERS.staggered,
    slices: { staggered: [], paired: [] },
    onDelivered: null,
    messageBytes: frames[0][0].length,
    dataChars: JSON.parse(frames[0][0]).data.length,
  };
  for (const c of clients) {
    c.onFrame = (text) => {
      if (text.startsWith('{"t":"msg"')) {
        v.delivered++;
        v.onDelivered?.();
      }
    };
  }
  return v;
}

function sendOne(v) {
  const i = v.order[v.cursor++ % v.clients.length];
  v.clients[i].ws.send(v.frames[i][v.sent & 15]);
  v.sent++;
}

/** Offers RATE msg/s to one variant for `ms`, paced on 1 ms timers. */
async function runFixed(v, ms) {
  const t0 = performance.now();
  const base = v.sent;
  while (performance.now() - t0 < ms) {
    const due = Math.floor(((performance.now() - t0) * RATE) / 1000) - (v.sent - base);
    for (let k = 0; k < due; k++) sendOne(v);
    await sleep(1);
  }
}

async function drain(v, maxMs = 1_000) {
  for (let w = 0; w < maxMs / 5 && v.delivered < v.sent; w++) await sleep(5);
}

/** One measured slice in one send order: server CPU and messages delivered. */
async function slice(v, order) {
  v.order = ORDERS[order];
  v.cursor = 0;
  const d0 = v.delivered;
  const a = await v.srv.stats();
  await runFixed(v, SLICE_MS);
  await drain(v);
  const b = await v.srv.stats();
  v.slices[order].push({ cpuUs: cpuDelta(a, b), user: b.cpu.user - a.cpu.user, delivered: v.delivered - d0 });
}

/** As fast as the client and the server go, WINDOW messages in flight, for SATURATE_MS. */
async function saturate(v) {
  let waiting = false;
  let running = true;
  const pump = () => {
    if (!running) return;
    let budget = 256;
    while (budget-- > 0 && v.sent - v.delivered < WINDOW) sendOne(v);
    if (v.sent - v.delivered >= WINDOW) waiting = true;
    else setImmediate(pump);
  };
  v.onDelivered = () => {
    if (waiting && v.sent - v.delivered < WINDOW / 2) {
      waiting = false;
      setImmediate(pump);
    }
  };
  const d0 = v.delivered;
  const a = await v.srv.stats();
  pump();
  await sleep(SATURATE_MS);
  running = false;
  const b = await v.srv.stats();
  v.onDelivered = null;
  await drain(v, 2_000);
  const delivered = v.delivered - d0;
  const cpuUs = cpuDelta(a, b);
  return {
    msgPerSec: (delivered / (b.t - a.t)) * 1000,
    // Messages per second of server CPU: what one core could relay, whatever else runs here.
    perCoreMsgPerSec: delivered / (cpuUs / 1e6),
    cpuUsPerMsg: cpuUs / delivered,
    serverCpuShare: cpuUs / 1000 / (b.t - a.t),
  };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const variants = [];
for (const [i, kind] of KINDS.entries()) {
  try {
    variants.push(await setUp(kind, i));
  } catch (err) {
    // A clone without that revision (shallow) still gets every other figure.
    if (kind !== 'ours-before') throw err;
    log(`ours-before: cannot build the server at ${BEFORE} (${err.message}); measured without it`);
  }
}
for (const v of variants) await runFixed(v, WARMUP_MS);
for (const v of variants) await drain(v);
for (let round = 0; round < ROUNDS; round++) {
  for (const order of Object.keys(ORDERS)) for (const v of variants) await slice(v, order);
}
/** Totals of one variant's slices in one order. */
function totals(slices) {
  const cpu = slices.reduce((n, s) => n + s.cpuUs, 0);
  const user = slices.reduce((n, s) => n + s.user, 0);
  const delivered = slices.reduce((n, s) => n + s.delivered, 0);
  return {
    cpuUsPerMsg: cpu / delivered,
    userUsPerMsg: user / delivered,
    systemUsPerMsg: (cpu - user) / delivered,
    sliceCpuUsPerMsg: slices.map((s) => +(s.cpuUs / s.delivered).toFixed(2)),
    delivered,
  };
}
const summary = {};
for (const v of variants) {
  // The staggered order's figures at the top level (the goal's); the paired order's under `paired`.
  summary[v.kind] = {
    ...totals(v.slices.staggered),
    paired: totals(v.slices.paired),
    lost: v.sent - v.delivered,
  };
}
for (const v of variants) {
  v.order = ORDERS.staggered;
  summary[v.kind].saturation = await saturate(v);
  const s = summary[v.kind];
  log(
    `${v.kind}: ${s.cpuUsPerMsg.toFixed(2)} µs CPU/msg at ${RATE}/s staggered (slices ${s.sliceCpuUsPerMsg.join(' ')}), ` +
      `${s.paired.cpuUsPerMsg.toFixed(2)} paired; ` +
      `saturation ${Math.round(s.saturation.msgPerSec)} msg/s, ${s.saturation.cpuUsPerMsg.toFixed(2)} µs/msg, ` +
      `server ${(s.saturation.serverCpuShare * 100).toFixed(0)} % of a core`,
  );
}
for (const v of variants) {
  for (const c of v.clients) c.close();
  await v.srv.stop();
}

/** Median over rounds of a/b in one send order, each round's slices being back to back. */
const ratio = (a, b, order = 'staggered') => {
  const va = variants.find((v) => v.kind === a)?.slices[order];
  const vb = variants.find((v) => v.kind === b)?.slices[order];
  if (!va || !vb) return null;
  return median(va.map((s, i) => s.cpuUs / s.delivered / (vb[i].cpuUs / vb[i].delivered)));
};
const result = {
  pairs: PAIRS,
  sessions: 2 * PAIRS,
  offeredRate: RATE,
  sliceMs: SLICE_MS,
  rounds: ROUNDS,
  messageBytes: variants[0].messageBytes,
  dataChars: variants[0].dataChars,
  // Per variant: the flat ratio of sums, and the per-slice figures.
  summary,
  // The goal figure: median over rounds of ours / plain relay, staggered order.
  cpuRatio: ratio('ours', 'baseline'),
  ackRatio: ratio('baseline-ack', 'baseline'),
  oursOverAck: ratio('ours', 'baseline-ack'),
  mailboxRatio: ratio('ours-1s-mailbox', 'ours'),
  // Ours before the change, in the same rounds: its ratio to the plain relay, and ours / before.
  before: variants.some((v) => v.kind === 'ours-before')
    ? {
        rev: BEFORE,
        cpuRatio: ratio('ours-before', 'baseline'),
        afterOverBefore: ratio('ours', 'ours-before'),
        paired: {
          cpuRatio: ratio('ours-before', 'baseline', 'paired'),
          afterOverBefore: ratio('ours', 'ours-before', 'paired'),
        },
      }
    : null,
  paired: {
    cpuRatio: ratio('ours', 'baseline', 'paired'),
    ackRatio: ratio('baseline-ack', 'baseline', 'paired'),
    oursOverAck: ratio('ours', 'baseline-ack', 'paired'),
  },
};
log(
  `ratios (median of ${ROUNDS} rounds), staggered: ours/plain ${result.cpuRatio?.toFixed(2)}, ` +
    `plain+ok/plain ${result.ackRatio?.toFixed(2)}, ours/(plain+ok) ${result.oursOverAck?.toFixed(2)}; ` +
    `paired: ours/plain ${result.paired.cpuRatio?.toFixed(2)}`,
);
if (result.before) {
  log(
    `before (${BEFORE}), staggered: ours-before/plain ${result.before.cpuRatio?.toFixed(2)}, ` +
      `ours/ours-before ${result.before.afterOverBefore?.toFixed(2)}; ` +
      `paired: ours-before/plain ${result.before.paired.cpuRatio?.toFixed(2)}`,
  );
}
process.stdout.write(JSON.stringify(result) + '\n');
