// 4. Engine: consecutive call cycles (call → accept → connected → hangup) of two `Calling`
// instances over one VirtualNetwork. Bundled from the TypeScript sources by bench/engine.mjs and
// run with --expose-gc; prints one JSON line. Mode (BENCH_ENGINE_MODE):
// - `virtual` (the measured one): a VirtualClock scheduler, latency 0, the clock advanced by the
//   driver — CPU-bound, so cycles/s and events/s are the engine's (plus the test kit's) work;
// - `async`: the real asyncScheduler, latency 0 — every hop waits for a real ≥1 ms timer, so the
//   figure measures Node's timers (the process is mostly idle), kept for comparison.
import process from 'node:process';
import { setImmediate } from 'node:timers';
import { getHeapSpaceStatistics, writeHeapSnapshot } from 'node:v8';
import { asyncScheduler } from 'rxjs';
import { Calling, SILENT_LOGGER } from 'ngx-trtc-calling/core';
import { VirtualClock, VirtualNetwork } from 'ngx-trtc-calling/testing';
import { DEV_SDK_APP_ID } from 'ngx-trtc-calling/wire';

const CYCLES = Number(process.env.BENCH_ENGINE_CYCLES ?? 10_000);
/** Cycles run before the measured ones: JIT compilation, and the 100-entry callRecords ring filling up. */
const WARMUP = Number(process.env.BENCH_ENGINE_WARMUP ?? 200);
const MODE = process.env.BENCH_ENGINE_MODE ?? 'virtual';
/** Idle virtual time between two calls. */
const GAP_MS = Number(process.env.BENCH_ENGINE_GAP_MS ?? 1_000);
const TRIM_SENT = process.env.BENCH_ENGINE_KEEP_SENT !== '1';
const TIME_LIMIT_MS = Number(process.env.BENCH_ENGINE_TIME_LIMIT_MS ?? 240_000);
/** A directory: write heap snapshots at the start and at each tenth (see bench/lib/heap-diff.mjs). */
const SNAPSHOTS = process.env.BENCH_ENGINE_SNAPSHOTS;
const gc = globalThis.gc;
if (typeof gc !== 'function') throw new Error('run with --expose-gc');

const clock = MODE === 'virtual' ? new VirtualClock() : null;
const scheduler = clock ? clock.scheduler : asyncScheduler;
// historyRetention 0: the network's message history (server-side state of the test kit) keeps
// nothing older than the current instant; with the default 120 s and one virtual second per call
// it would hold the last 120 calls' messages, which is the kit's memory, not the engine's.
const network = new VirtualNetwork({ scheduler, latency: 0, historyRetention: 0 });
const client = (userID) =>
  new Calling({
    SDKAppID: DEV_SDK_APP_ID,
    signaling: network.signaling(),
    media: network.media({ userID }),
    scheduler,
    logger: SILENT_LOGGER,
  });
const alice = client('alice');
const bob = client('bob');
let events = 0;
const counts = {};
for (const c of [alice, bob]) {
  c.events$.subscribe((e) => {
    events++;
    counts[e.type] = (counts[e.type] ?? 0) + 1;
  });
}

const macrotask = () => new Promise((r) => setImmediate(r));
/** Drives time until `predicate` holds (bounded). */
async function until(predicate, what) {
  for (let i = 0; i < 10_000; i++) {
    if (predicate()) return;
    if (clock) await clock.advance(1);
    else await new Promise((r) => setTimeout(r, 0));
  }
  throw new Error(`never reached: ${what}`);
}
async function run(promise) {
  let settled = false;
  promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  if (clock) await clock.settle();
  else await macrotask();
  await until(() => settled, 'operation');
  return promise;
}
// The network keeps every accepted send in `sent` (an inspection log for tests) until
// `clearSent()`: the bench clears it after each cycle so that the heap figure is the engine's,
// not the test kit's.

async function cycle(i) {
  const accepted = counts.onUserAccept ?? 0;
  await run(alice.call({ userID: 'bob', type: i % 2 ? 1 : 2 }));
  await until(() => bob.phase === 'ringing', 'ringing');
  await run(bob.accept());
  // Connected on both sides, and the caller has seen the ACCEPT: with real timers the callee's
  // room entry can reach the caller before the ACCEPT message does, and a hang-up in between
  // would drop it (the call is over), leaving a cycle without onUserAccept.
  await until(
    () => alice.phase === 'connected' && bob.phase === 'connected' && (counts.onUserAccept ?? 0) > accepted,
    'connected',
  );
  await run((i % 2 ? alice : bob).hangup());
  await until(() => alice.phase === 'idle' && bob.phase === 'idle', 'idle');
  if (TRIM_SENT) network.clearSent();
  // Idle virtual time between calls (free in real time: nothing is scheduled).
  if (clock && GAP_MS > 0) await clock.advance(GAP_MS);
}

/** Heap after two full GCs: total used, and used outside code space (JIT-compiled code). */
function heap() {
  gc();
  gc();
  const used = process.memoryUsage().heapUsed;
  const code = getHeapSpaceStatistics()
    .filter((s) => s.space_name.startsWith('code'))
    .reduce((n, s) => n + s.space_used_size, 0);
  return { usedMB: used / 2 ** 20, codeMB: code / 2 ** 20, dataMB: (used - code) / 2 ** 20 };
}

await run(
  Promise.all([
    alice.login({ userID: 'alice', userSig: 'sig' }),
    bob.login({ userID: 'bob', userSig: 'sig' }),
  ]),
);
const heapCold = heap();
if (SNAPSHOTS) writeHeapSnapshot(`${SNAPSHOTS}/engine-cold.heapsnapshot`);
for (let i = 0; i < WARMUP; i++) await cycle(i);
const heapStart = heap();
if (SNAPSHOTS) writeHeapSnapshot(`${SNAPSHOTS}/engine-0.heapsnapshot`);

const cpu0 = process.cpuUsage();
const events0 = events;
const t0 = performance.now();
let pausedMs = 0;
let done = 0;
const checkpoints = [];
for (let i = 0; i < CYCLES; i++) {
  await cycle(WARMUP + i);
  done++;
  if (done % Math.max(1, Math.floor(CYCLES / 10)) === 0) {
    // A full GC at each tenth shows whether the heap grows with the cycles or levels off (not timed).
    const p0 = performance.now();
    checkpoints.push({ cycles: done, ...heap() });
    if (SNAPSHOTS) writeHeapSnapshot(`${SNAPSHOTS}/engine-${done}.heapsnapshot`);
    pausedMs += performance.now() - p0;
  }
  if (performance.now() - t0 > TIME_LIMIT_MS) break;
}
const wallMs = performance.now() - t0 - pausedMs;
const cpu = process.cpuUsage(cpu0);
const measuredEvents = events - events0;
if (clock) await clock.advance(2_000);
else await new Promise((r) => setTimeout(r, 50));
const heapEnd = heap();
const callRecords = alice.callRecords.length;
await run(Promise.all([alice.destroy(), bob.destroy()]));
const liveTracks = network.liveTracks();
network.destroy();

process.stdout.write(
  JSON.stringify({
    mode: MODE,
    warmupCycles: WARMUP,
    cycles: done,
    complete: done === CYCLES,
    wallMs,
    cpuMs: (cpu.user + cpu.system) / 1000,
    events: measuredEvents,
    eventsPerSec: (measuredEvents / wallMs) * 1000,
    cyclesPerSec: (done / wallMs) * 1000,
    eventTypes: counts,
    heapCold,
    heapStart,
    heapEnd,
    // The goal figure: growth over the measured cycles, after the warm-up.
    heapGrowthMB: heapEnd.usedMB - heapStart.usedMB,
    // The same without code space: what is left once V8's JIT-compiled code is set aside.
    heapDataGrowthMB: heapEnd.dataMB - heapStart.dataMB,
    // From a cold start (before the first call): includes JIT code and the callRecords ring.
    heapGrowthFromColdMB: heapEnd.usedMB - heapCold.usedMB,
    heapDataGrowthFromColdMB: heapEnd.dataMB - heapCold.dataMB,
    trimmedSentLog: TRIM_SENT,
    callRecords,
    liveTracksAfterDestroy: liveTracks,
    pendingTimers: clock ? clock.pending() : null,
    checkpoints,
  }) + '\n',
);
