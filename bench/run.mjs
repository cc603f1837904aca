// `npm run bench [-- name…]`: runs every benchmark (or the named ones) one after the other, each in
// its own Node process, prints one table of figures against their goals and writes
// bench/results.json (a partial run updates only its own entries). See BENCHMARKS.md.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import process from 'node:process';
import { cleanBundles } from './lib/build.mjs';
import { machine, root } from './lib/common.mjs';

/** Wall-clock budget of a whole run; each benchmark also has its own timeout. */
const TOTAL_BUDGET_MS = 10 * 60_000;
/** `quiet`: wait (bounded) for the machine's other jobs to calm down before starting. */
const BENCHES = [
  { name: 'engine', file: 'engine.mjs', timeoutMs: 120_000, quiet: true },
  { name: 'relay', file: 'relay.mjs', timeoutMs: 240_000, quiet: true },
  { name: 'latency', file: 'latency.mjs', timeoutMs: 120_000, quiet: true },
  // 100,000 sockets per side (or what the open-files limit allows): run under the hard limit.
  { name: 'scale', file: 'scale.mjs', timeoutMs: 600_000, raiseNoFile: true, quiet: true },
  // Four series of 21 calls (instant answer off/on × answered at once/later).
  { name: 'browser', file: 'browser.mjs', timeoutMs: 300_000, quiet: true },
  // Needs redis-server on the PATH (.ci/run installs it).
  { name: 'cross-node', file: 'cross-node.mjs', timeoutMs: 120_000, quiet: true },
  { name: 'bundles', file: 'bundles.mjs', timeoutMs: 240_000 },
  // Needs /usr/bin/janus (.ci/run installs the janus package); Chromium pages in group calls.
  { name: 'sfu', file: 'sfu.mjs', timeoutMs: 300_000, quiet: true },
];
/** Most time spent waiting for a quiet machine, per benchmark. */
const QUIET_WAIT_MS = Number(process.env.BENCH_QUIET_WAIT_MS ?? 30_000);
/** "Quiet": other processes use less than this share of all cores (over a 1 s sample, twice). */
const QUIET_BUSY = 0.3;

const wanted = process.argv.slice(2);
const unknown = wanted.filter((w) => !BENCHES.some((b) => b.name === w));
if (unknown.length) {
  console.error(
    `unknown benchmark(s): ${unknown.join(', ')}; known: ${BENCHES.map((b) => b.name).join(', ')}`,
  );
  process.exit(2);
}
const selected = BENCHES.filter((b) => wanted.length === 0 || wanted.includes(b.name));

function noFileLimit() {
  const r = spawnSync('bash', ['-c', 'echo "$(ulimit -Sn) $(ulimit -Hn)"'], { encoding: 'utf8' });
  const [soft, hard] = r.stdout.trim().split(' ');
  return { soft, hard };
}

let current = null;
// The benchmarks run in their own process groups (so that a timeout ends servers and workers too):
// pass Ctrl-C on to the running one.
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    if (current) {
      try {
        process.kill(-current.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    process.exit(130);
  });
}

function cpuTimes() {
  const [, ...fields] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
  const n = fields.map(Number);
  const idle = n[3] + (n[4] ?? 0);
  return { idle, total: n.reduce((a, b) => a + b, 0) };
}

/** Share of all cores busy over `ms` (whatever runs: nothing of ours runs between benchmarks). */
async function busyShare(ms = 1_000) {
  const a = cpuTimes();
  await new Promise((r) => setTimeout(r, ms));
  const b = cpuTimes();
  return 1 - (b.idle - a.idle) / Math.max(1, b.total - a.total);
}

/** Waits until two consecutive 1 s samples show the machine quiet, at most QUIET_WAIT_MS. */
async function waitForQuiet() {
  const t0 = performance.now();
  let busy = await busyShare();
  let calm = busy < QUIET_BUSY ? 1 : 0;
  while (calm < 2 && performance.now() - t0 < QUIET_WAIT_MS) {
    busy = await busyShare();
    calm = busy < QUIET_BUSY ? calm + 1 : 0;
  }
  return { busyAtStart: busy, waitedSeconds: (performance.now() - t0) / 1000, quiet: calm >= 2 };
}

/** Runs one benchmark; resolves with its parsed JSON line, or throws. */
function runBench(b, remainingMs) {
  const timeoutMs = Math.min(b.timeoutMs, remainingMs);
  const script = join(root, 'bench', b.file);
  const [cmd, args] = b.raiseNoFile
    ? ['bash', ['-c', 'ulimit -n "$(ulimit -Hn)" && exec "$0" "$1"', process.execPath, script]]
    : [process.execPath, [script]];
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], detached: true });
    current = child;
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    const timer = setTimeout(() => {
      console.error(`  ✖ ${b.name}: over ${Math.round(timeoutMs / 1000)} s, stopping it`);
      try {
        process.kill(-child.pid, 'SIGKILL'); // its process group: servers, workers, Chromium
      } catch {
        child.kill('SIGKILL');
      }
    }, timeoutMs);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      current = null;
      const line = out.trim().split('\n').at(-1);
      if (code === 0 && line) {
        try {
          return resolve(JSON.parse(line));
        } catch {
          // fall through
        }
      }
      reject(new Error(`${b.name} exited with ${code ?? signal}`));
    });
  });
}

const resultsFile = join(root, 'bench', 'results.json');
const previous = existsSync(resultsFile) ? JSON.parse(readFileSync(resultsFile, 'utf8')) : {};
const startedAt = performance.now();
const out = {
  machine: { ...machine(), noFile: noFileLimit() },
  totalSeconds: null,
  benchmarks: { ...(previous.benchmarks ?? {}) },
};
let errors = 0;
for (const b of selected) {
  const remaining = TOTAL_BUDGET_MS - (performance.now() - startedAt);
  if (remaining < 10_000) {
    console.error(`✖ ${b.name}: skipped, the run is out of time`);
    errors++;
    continue;
  }
  console.error(`\n▶ ${b.name}`);
  const background = b.quiet ? await waitForQuiet() : null;
  if (background) {
    console.error(
      `  · other jobs: ${(100 * background.busyAtStart).toFixed(0)} % of the CPUs busy at start` +
        (background.quiet
          ? ''
          : ` (not quiet after ${background.waitedSeconds.toFixed(0)} s: noisy figures)`),
    );
  }
  const load = [loadavg()[0]];
  const t0 = performance.now();
  try {
    const result = await runBench(b, TOTAL_BUDGET_MS - (performance.now() - startedAt));
    load.push(loadavg()[0]);
    out.benchmarks[b.name] = {
      seconds: (performance.now() - t0) / 1000,
      date: out.machine.date,
      background,
      loadAverage: load,
      result,
    };
    console.error(`✔ ${b.name} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  } catch (err) {
    errors++;
    out.benchmarks[b.name] = {
      seconds: (performance.now() - t0) / 1000,
      date: out.machine.date,
      error: err.message,
    };
    console.error(`✖ ${b.name}: ${err.message}`);
  }
}
out.totalSeconds = (performance.now() - startedAt) / 1000;
out.partial = selected.length !== BENCHES.length;
cleanBundles();
writeFileSync(resultsFile, JSON.stringify(out, null, 2) + '\n');

// ---- the table -----------------------------------------------------------------------------
const r = (name) => out.benchmarks[name]?.result;
const f = (x, d = 2) => (typeof x === 'number' && Number.isFinite(x) ? x.toFixed(d) : '—');
const int = (x) => (typeof x === 'number' ? Math.round(x).toLocaleString('en-US') : '—');
const rows = [];
const row = (bench, figure, value, goal = '', ok = null) =>
  rows.push([bench, figure, value, goal, ok === null ? '' : ok ? '✔' : '✖']);
const relay = r('relay');
if (relay?.summary?.ours?.saturation) {
  const o = relay.summary.ours;
  const b = relay.summary.baseline;
  const a = relay.summary['baseline-ack'];
  const lean = relay.summary['ours-1s-mailbox'];
  const n = relay.rounds;
  row(
    '1 relay',
    `server CPU/msg @${int(relay.offeredRate)}/s, ours (staggered)`,
    `${f(o.cpuUsPerMsg, 1)} µs`,
  );
  row('1 relay', 'server CPU/msg, plain ws@8 relay (staggered)', `${f(b.cpuUsPerMsg, 1)} µs`);
  row(
    '1 relay',
    `ratio ours / plain relay, staggered (median of ${n})`,
    `${f(relay.cpuRatio)}×`,
    '≤ 1.5×',
    relay.cpuRatio <= 1.5,
  );
  const before = relay.before;
  if (before?.cpuRatio) {
    row('1 relay', `ours at ${before.rev} (before) / plain relay, staggered`, `${f(before.cpuRatio)}×`);
    row(
      '1 relay',
      `ours now / ours at ${before.rev}, staggered (same rounds)`,
      `${f(before.afterOverBefore)}×`,
    );
  }
  if (relay.paired && o.paired) {
    row(
      '1 relay',
      `paired order: ours / plain relay (${f(o.paired.cpuUsPerMsg, 1)} / ${f(b.paired.cpuUsPerMsg, 1)} µs)`,
      `${f(relay.paired.cpuRatio)}×`,
    );
  }
  if (a) {
    row('1 relay', 'server CPU/msg, plain relay + ok reply', `${f(a.cpuUsPerMsg, 1)} µs`);
    row('1 relay', 'ratio (plain relay + ok reply) / plain relay', `${f(relay.ackRatio)}×`);
    row('1 relay', 'ratio ours / (plain relay + ok reply)', `${f(relay.oursOverAck)}×`);
  }
  if (lean) {
    row(
      '1 relay',
      'server CPU/msg, ours with a 1 s mailbox',
      `${f(lean.cpuUsPerMsg, 1)} µs (${f(relay.mailboxRatio)}×)`,
    );
  }
  const sat = (x) => `${int(x.saturation.msgPerSec)} (${int(x.saturation.perCoreMsgPerSec)})`;
  row('1 relay', 'saturation: ours msg/s (per server CPU-s)', sat(o));
  row('1 relay', 'saturation: plain relay msg/s (per CPU-s)', sat(b));
  row(
    '1 relay',
    `saturation: CPU/msg ours / plain relay (${f(o.saturation.cpuUsPerMsg, 1)} / ${f(b.saturation.cpuUsPerMsg, 1)} µs)`,
    `${f(o.saturation.cpuUsPerMsg / b.saturation.cpuUsPerMsg)}×`,
  );
}
const latency = r('latency');
if (latency?.ours) {
  const o = latency.ours;
  row('2 latency', `invite p50 (${int(o.rate)} msg/s, ${int(o.sessions)} sessions)`, `${f(o.p50Ms, 3)} ms`);
  row('2 latency', 'invite p99', `${f(o.p99Ms, 3)} ms`, '< 5 ms', o.p99Ms < 5);
  if (latency.baseline) {
    row(
      '2 latency',
      'plain relay p50 / p99',
      `${f(latency.baseline.p50Ms, 3)} / ${f(latency.baseline.p99Ms, 3)} ms`,
    );
  }
  if (latency.loadAverage) {
    row(
      '2 latency',
      'load average during the run (2 cores)',
      latency.loadAverage.map((x) => f(x)).join(' → '),
    );
  }
}
const scale = r('scale');
if (scale?.ours) {
  const o = scale.ours;
  // The goal is 100,000 on one node; a machine that lets one process hold fewer sockets says why.
  const reached = o.sessions >= 100_000;
  row(
    '3 scale',
    'concurrent logged-in sessions, one node',
    int(o.sessions) + (o.limitedBy ? ' (this machine’s open-files limit)' : ''),
    '100,000',
    reached,
  );
  row(
    '3 scale',
    'server RSS per idle session',
    `${f(o.rssPerSessionKB)} KB`,
    '≤ 10 KB',
    o.rssPerSessionKB <= 10,
  );
  if (scale.baseline)
    row('3 scale', 'plain ws RSS per idle connection', `${f(scale.baseline.rssPerSessionKB)} KB`);
}
const engine = r('engine');
if (engine?.virtual) {
  const v = engine.virtual;
  row('4 engine', `events/s (${int(v.cycles)} cycles, VirtualClock)`, int(v.eventsPerSec));
  if (engine.async)
    row('4 engine', 'events/s on the real asyncScheduler (timer-bound)', int(engine.async.eventsPerSec));
  row('4 engine', 'call cycles/s', int(v.cyclesPerSec));
  row(
    '4 engine',
    'heap growth after GC',
    `${f(v.heapGrowthMB)} MB`,
    '≤ 1 MB',
    v.heapGrowthMB <= 1 && v.complete,
  );
  if (v.heapDataGrowthMB !== undefined) {
    row('4 engine', 'heap growth after GC, code space excluded', `${f(v.heapDataGrowthMB)} MB`);
  }
  row('4 engine', 'heap growth from a cold start (first call on)', `${f(v.heapGrowthFromColdMB)} MB`);
}
const browserR = r('browser');
if (browserR) {
  row(
    '5 browser',
    `invite → first remote frame p50 (${browserR.calls} calls)`,
    `${f(browserR.p50Ms, 0)} ms`,
    '< 400 ms',
    browserR.p50Ms < 400,
  );
  row('5 browser', 'invite → first remote frame p95', `${f(browserR.p95Ms, 0)} ms`);
  const ia = browserR.instantAnswer;
  if (ia) {
    const ms = (s) => `${f(s.p50, 0)} / ${f(s.p95, 0)} ms`;
    const pair = (key, series) => `${ms(ia.on[series][key])} (off: ${ms(ia.off[series][key])})`;
    row(
      '5 browser',
      `instant answer, answered at once: invite → caller's first frame p50 / p95`,
      pair('inviteToFirstFrame', 'instant'),
      '< 150 ms',
      ia.on.instant.inviteToFirstFrame.p50 < 150,
    );
    row(
      '5 browser',
      `instant answer, Accept ${browserR.acceptDelayMs} ms after ringing → caller's first frame p50 / p95`,
      pair('acceptToCallerFrame', 'later'),
      '< 80 ms',
      ia.on.later.acceptToCallerFrame.p50 < 80,
    );
    row(
      '5 browser',
      `instant answer, Accept → callee's first frame p50 / p95`,
      pair('acceptToCalleeFrame', 'later'),
      '< 80 ms',
      ia.on.later.acceptToCalleeFrame.p50 < 80,
    );
    row(
      '5 browser',
      `Accept → the callee's own camera's first frame (the floor) p50 / p95`,
      pair('acceptToCameraFrame', 'later'),
    );
  }
}
const crossNode = r('cross-node');
if (crossNode?.ratios) {
  const by = (scenario, kind) => crossNode.results.find((x) => x.scenario === scenario && x.kind === kind);
  for (const kind of ['c2c', 'rtc']) {
    const mem = by('memory', kind);
    const cross = by('redis-cross', kind);
    if (!mem || !cross) continue;
    const label = kind === 'c2c' ? 'signaling message (C2C)' : 'SDP/ICE relay (rtc)';
    row('7 cross-node', `${label}: CPU/msg one node in memory`, `${f(mem.totalCpuUsPerMsg, 1)} µs`);
    row('7 cross-node', `${label}: CPU/msg across two nodes (+ Redis)`, `${f(cross.totalCpuUsPerMsg, 1)} µs`);
    row(
      '7 cross-node',
      `${label}: ratio cross-node / one node`,
      `${f(crossNode.ratios[`${kind}.crossVsMemory.totalCpu`])}×`,
      '≤ 3×',
      crossNode.ratios[`${kind}.crossVsMemory.totalCpu`] <= 3,
    );
    row(
      '7 cross-node',
      `${label}: unloaded round trip p50, one node / cross-node`,
      `${f(mem.rttUnloadedMs.p50, 2)} / ${f(cross.rttUnloadedMs.p50, 2)} ms`,
    );
  }
} else if (crossNode?.error) {
  row('7 cross-node', 'ERROR', crossNode.error);
}
const bundles = r('bundles');
if (bundles) {
  const e = bundles.entries;
  const kb = (x) => (x?.gzipKB !== undefined ? `${f(x.gzipKB)} KB` : x?.missing ? 'not built' : '—');
  // The budgets come with the figures (scripts/bundle-size.mjs), so this table cannot drift from them.
  const budget = (x) => (x?.limitKB ? [`≤ ${x.limitKB} KB`, x.gzipKB <= x.limitKB] : []);
  row('6 bundles', 'core (with its rxjs)', kb(e.core), ...budget(e.core));
  row('6 bundles', 'webrtc, beyond core', kb(e.webrtc), ...budget(e.webrtc));
  row('6 bundles', 'angular, beyond core', kb(e.angular), ...budget(e.angular));
  row('6 bundles', 'wire (protocol)', kb(e.wire), ...budget(e.wire));
  row('6 bundles', 'tencent, beyond core, SDKs external', kb(e.tencent));
  if (bundles.demo?.ok) row('6 bundles', 'demo app, total JS gzip', `${f(bundles.demo.jsGzipKB)} KB`);
  else if (bundles.demo) row('6 bundles', 'demo app, total JS gzip', 'does not build now');
  const ref = bundles.reference;
  row(
    '6 bundles',
    'trtc-calling-js alone / with SDKs',
    `${kb(ref['trtc-calling-js'])} / ${kb(ref['trtc-calling-js+sdks'])}`,
  );
}
const sfu = r('sfu');
if (sfu?.calls) {
  const j = sfu.roomJoinMs;
  row(
    '8 sfu',
    'room.join p50 of a fresh room, mesh / placed on Janus',
    `${f(j.mesh.p50)} / ${f(j.janus.p50)} ms`,
  );
  row(
    '8 sfu',
    'Janus placement adds to room.join (p50)',
    `${f(sfu.placementAddsMs)} ms`,
    '< 50 ms',
    sfu.placementAddsMs < 50,
  );
  const at = (mode, size) => sfu.calls.find((c) => c.mode === mode && c.size === size);
  const both = (a, b, fmt) => `${a.error ? 'no call' : fmt(a)} / ${b.error ? 'no call' : fmt(b)}`;
  for (const size of [...new Set(sfu.calls.filter((c) => c.mode === 'mesh').map((c) => c.size))]) {
    const m = at('mesh', size);
    const s = at('janus', size);
    if (!m || !s) continue;
    row(
      '8 sfu',
      `${size} people: call setup (all see all), mesh / Janus`,
      `${both(m, s, (c) => int(c.setupMs))} ms`,
    );
    row(
      '8 sfu',
      `${size} people: uplink per client, mesh / Janus (video streams)`,
      `${both(m, s, (c) => int(c.uplinkKbpsPerClient))} kbit/s (${both(m, s, (c) => c.videoStreamsSentPerClient)})`,
    );
    row(
      '8 sfu',
      `${size} people: Chromium CPU per participant, mesh / Janus (+ Janus)`,
      `${both(m, s, (c) => f(c.cpuPercentPerParticipant, 1))} % (+ ${f(s.janusCpuPercent, 1)} %)`,
    );
    for (const failed of [m, s].filter((c) => c.error))
      row(
        '8 sfu',
        `${size} people on ${failed.mode === 'janus' ? 'Janus' : 'the mesh'}: no call`,
        failed.error,
      );
  }
  const big = sfu.calls.filter(
    (c) => c.mode === 'janus' && !sfu.calls.some((m) => m.mode === 'mesh' && m.size === c.size),
  );
  for (const b of big.filter((c) => c.error))
    row('8 sfu', `${b.size} people over Janus`, `no call: ${b.error}`);
  for (const b of big.filter((c) => !c.error))
    row(
      '8 sfu',
      `${b.size} people over Janus: video streams sent per client, uplink`,
      `${b.videoStreamsSentPerClient}, ${int(b.uplinkKbpsPerClient)} kbit/s`,
      '1 stream',
      b.videoStreamsSentPerClient === 1,
    );
} else if (sfu?.error) {
  row('8 sfu', 'ERROR', sfu.error);
}
for (const [name, b] of Object.entries(out.benchmarks)) if (b.error) row(name, 'ERROR', b.error);

const widths = [0, 1, 2, 3, 4].map((i) => Math.max(...rows.map((x) => String(x[i]).length), 4));
const line = (cells) => cells.map((c, i) => String(c).padEnd(widths[i])).join('  ');
console.log(`\n${line(['bench', 'figure', 'result', 'goal', 'ok'])}`);
console.log(widths.map((w) => '-'.repeat(w)).join('  '));
for (const x of rows) console.log(line(x));
const noisy = Object.entries(out.benchmarks)
  .filter(([, b]) => b.background && !b.background.quiet)
  .map(([name]) => name);
const loads = Object.entries(out.benchmarks)
  .filter(([, b]) => b.loadAverage)
  .map(([name, b]) => `${name} ${b.loadAverage.map((x) => x.toFixed(1)).join('→')}`)
  .join(', ');
const m = out.machine;
const machineLine =
  `${m.nproc} × ${m.cpu}, Node ${m.node}, ${m.platform}, ${m.date}; run took ${out.totalSeconds.toFixed(0)} s` +
  (out.partial ? ' (partial run: other figures from the previous bench/results.json)' : '') +
  `. 1-min load average (2 cores) before→after each: ${loads}` +
  (noisy.length ? `. Other jobs kept the machine busy during: ${noisy.join(', ')} (noisy figures)` : '');
console.log(`\n${machineLine}`);

// The same table in BENCHMARKS.md, between its markers, formatted as prettier would.
const doc = join(root, 'BENCHMARKS.md');
const START = '<!-- figures:start -->';
const END = '<!-- figures:end -->';
if (existsSync(doc)) {
  const text = readFileSync(doc, 'utf8');
  const a = text.indexOf(START);
  const b = text.indexOf(END);
  if (a >= 0 && b > a) {
    const cell = (c) => String(c).replace(/\|/g, '\\|');
    const table = [
      '| bench | figure | result | goal | ok |',
      '| --- | --- | --- | --- | --- |',
      ...rows.map((x) => `| ${x.map(cell).join(' | ')} |`),
    ].join('\n');
    const section = `${START}\n\n${table}\n\n${machineLine}.\n\n${END}`;
    const prettier = await import('prettier');
    const next = text.slice(0, a) + section + text.slice(b + END.length);
    const options = (await prettier.resolveConfig(doc)) ?? {};
    writeFileSync(doc, await prettier.format(next, { ...options, filepath: doc }));
    console.log('BENCHMARKS.md updated');
  }
}
process.exit(errors ? 1 : 0);
