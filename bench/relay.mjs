// 1. Server relay: server CPU per relayed C2C signaling message and throughput, ours vs a plain
// ws@8 relay, same load client, same message, same run. The server runs in a child process and
// reports process.cpuUsage() over IPC; the load client (this process) never shares its CPU time.
import process from 'node:process';
import { setImmediate } from 'node:timers';
import {
  benchServerOptions,
  cpuDelta,
  inviteEncoder,
  log,
  openSessions,
  serverModule,
  sleep,
  startServerProcess,
} from './lib/common.mjs';

const PAIRS = Number(process.env.BENCH_RELAY_PAIRS ?? 100);
const RATE = Number(process.env.BENCH_RELAY_RATE ?? 10_000); // msg/s offered in the CPU phase
const WARMUP_MS = 1_500;
const MEASURE_MS = Number(process.env.BENCH_RELAY_MS ?? 6_000);
const SATURATE_MS = Number(process.env.BENCH_RELAY_SATURATE_MS ?? 4_000);
const WINDOW = 2_000; // most messages in flight in the saturation phase
const ROUNDS = Number(process.env.BENCH_RELAY_ROUNDS ?? 2);
/**
 * What is measured, in this order each round: the plain relay; ours (the goal figure); the plain
 * relay answering each send with an `ok` like ours does (same frames and syscalls per message as
 * ours: isolates the protocol's share); ours with a 1 s mailbox (isolates the store's share).
 */
const VARIANTS = {
  baseline: { server: 'baseline' },
  ours: { server: 'ours' },
  'baseline-ack': { server: 'baseline-ack' },
  'ours-1s-mailbox': { server: 'ours', options: { mailboxRetentionMs: 1_000, longestRingTimeoutMs: 0 } },
  // Not run by default: ours with frames to one socket coalesced per tick (a proposed change).
  'ours-corked': { server: 'ours', options: { corkPerTick: true } },
};
const DEFAULT_KINDS = ['baseline', 'ours', 'baseline-ack', 'ours-1s-mailbox'];
const KINDS = process.env.BENCH_RELAY_KINDS?.split(',') ?? DEFAULT_KINDS;
const PROFILE = process.env.BENCH_PROFILE === '1';

const { module: server } = await serverModule();
const secretKey = server.DEV_SECRET_KEY;
const userSig = (userID) => server.genUserSig({ sdkAppID: 1400000001, secretKey, userID });
const encode = await inviteEncoder();

/** One measurement of one server kind: fixed-rate CPU phase, then a saturation phase. */
async function measure(kind, round) {
  const variant = VARIANTS[kind];
  const srv = await startServerProcess(variant.server, benchServerOptions(secretKey, variant.options), {
    profile: PROFILE && round === 0 ? `relay-${kind}` : false,
  });
  const ids = Array.from({ length: 2 * PAIRS }, (_, i) => `r${round}u${String(i).padStart(5, '0')}`);
  const clients = await openSessions(srv.url, ids, { userSig, concurrency: 50 });
  // Each session sends to its partner: 2i <-> 2i+1. 16 distinct real INVITEs per session.
  const frames = clients.map((c, i) => {
    const to = ids[i ^ 1];
    return Array.from({ length: 16 }, (_, k) =>
      JSON.stringify({ t: 'send', id: k + 1, to, conversationType: 'C2C', data: encode(c.userID, to) }),
    );
  });
  const messageBytes = frames[0][0].length;
  const dataChars = JSON.parse(frames[0][0]).data.length;
  let delivered = 0;
  let sent = 0;
  let pumpWaiting = false;
  let saturating = true;
  for (const c of clients) {
    c.onFrame = (text) => {
      if (text.startsWith('{"t":"msg"')) {
        delivered++;
        if (pumpWaiting && sent - delivered < WINDOW / 2) {
          pumpWaiting = false;
          setImmediate(saturatePump);
        }
      }
    };
  }
  let cursor = 0;
  const sendOne = () => {
    const i = cursor++ % clients.length;
    clients[i].ws.send(frames[i][sent & 15]);
    sent++;
  };

  // Phase 1: a fixed offered rate, paced on 1 ms timers.
  const runFixed = async (ms) => {
    const t0 = performance.now();
    const base = sent;
    while (performance.now() - t0 < ms) {
      const due = Math.floor(((performance.now() - t0) * RATE) / 1000) - (sent - base);
      for (let k = 0; k < due; k++) sendOne();
      await sleep(1);
    }
  };
  await runFixed(WARMUP_MS);
  await sleep(200);
  const d0 = delivered;
  const s0 = await srv.stats();
  const t0 = performance.now();
  await runFixed(MEASURE_MS);
  // Let the tail drain (bounded) before reading the counters.
  for (let w = 0; w < 200 && delivered < sent; w++) await sleep(5);
  const s1 = await srv.stats();
  const wall = performance.now() - t0;
  const fixedDelivered = delivered - d0;
  const cpuUs = cpuDelta(s0, s1);

  // Phase 2: saturation: keep WINDOW messages in flight, as fast as the pair of processes goes.
  function saturatePump() {
    if (!saturating) return;
    let budget = 256;
    while (budget-- > 0 && sent - delivered < WINDOW) sendOne();
    if (sent - delivered >= WINDOW) pumpWaiting = true;
    else setImmediate(saturatePump);
  }
  const d2 = delivered;
  const s2 = await srv.stats();
  const t2 = performance.now();
  if (SATURATE_MS > 0) saturatePump();
  await sleep(SATURATE_MS);
  saturating = false;
  const s3 = await srv.stats();
  const satWall = performance.now() - t2;
  const satDelivered = delivered - d2;
  const satCpu = cpuDelta(s2, s3);
  for (let w = 0; w < 400 && delivered < sent; w++) await sleep(5);

  for (const c of clients) c.close();
  await srv.stop();
  const result = {
    kind,
    round,
    messageBytes,
    dataChars,
    offeredRate: RATE,
    delivered: fixedDelivered,
    lost: sent - delivered,
    cpuUsPerMsg: cpuUs / fixedDelivered,
    userUsPerMsg: (s1.cpu.user - s0.cpu.user) / fixedDelivered,
    systemUsPerMsg: (s1.cpu.system - s0.cpu.system) / fixedDelivered,
    serverCpuShare: cpuUs / 1000 / wall,
    saturation: {
      msgPerSec: (satDelivered / satWall) * 1000,
      // Messages per second of server CPU: what one core could relay, whatever else runs here.
      perCoreMsgPerSec: satDelivered / (satCpu / 1e6),
      cpuUsPerMsg: satCpu / satDelivered,
      userUsPerMsg: (s3.cpu.user - s2.cpu.user) / satDelivered,
      systemUsPerMsg: (s3.cpu.system - s2.cpu.system) / satDelivered,
      serverCpuShare: satCpu / 1000 / satWall,
    },
  };
  log(
    `${kind} r${round}: ${result.cpuUsPerMsg.toFixed(2)} µs CPU/msg at ${RATE}/s ` +
      `(server ${(result.serverCpuShare * 100).toFixed(0)} % of a core); saturation ` +
      `${Math.round(result.saturation.msgPerSec)} msg/s, ${result.saturation.cpuUsPerMsg.toFixed(2)} µs/msg, ` +
      `server ${(result.saturation.serverCpuShare * 100).toFixed(0)} %`,
  );
  return result;
}

const runs = [];
for (let round = 0; round < ROUNDS; round++) {
  for (const kind of KINDS) runs.push(await measure(kind, round));
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const summary = {};
for (const kind of KINDS) {
  const mine = runs.filter((r) => r.kind === kind);
  summary[kind] = {
    cpuUsPerMsg: median(mine.map((r) => r.cpuUsPerMsg)),
    saturationMsgPerSec: median(mine.map((r) => r.saturation.msgPerSec)),
    perCoreMsgPerSec: median(mine.map((r) => r.saturation.perCoreMsgPerSec)),
    saturationCpuUsPerMsg: median(mine.map((r) => r.saturation.cpuUsPerMsg)),
    saturationServerCpuShare: median(mine.map((r) => r.saturation.serverCpuShare)),
  };
}
// Ratio per round (ours / baseline measured back to back), then the median over rounds.
const ratios = [];
for (let round = 0; round < ROUNDS; round++) {
  const o = runs.find((r) => r.kind === 'ours' && r.round === round);
  const b = runs.find((r) => r.kind === 'baseline' && r.round === round);
  if (o && b) ratios.push(o.cpuUsPerMsg / b.cpuUsPerMsg);
}
const result = {
  pairs: PAIRS,
  sessions: 2 * PAIRS,
  offeredRate: RATE,
  measureMs: MEASURE_MS,
  messageBytes: runs[0].messageBytes,
  dataChars: runs[0].dataChars,
  summary,
  cpuRatio: ratios.length ? median(ratios) : null,
  cpuRatios: ratios,
  runs,
};
process.stdout.write(JSON.stringify(result) + '\n');
