// 4. Engine: bundles bench/engine/engine-entry.mjs (TypeScript sources via esbuild, no ts-node)
// into a temporary .mjs and runs it with --expose-gc, once per mode:
// - virtual: 10,000 cycles on a VirtualClock (the goal figures);
// - virtual, test kit's `sent` log kept: shows what the kit's inspection log costs (diagnostic);
// - async: 1,000 cycles on the real asyncScheduler at latency 0 (timer-bound; comparison only).
import { spawnSync } from 'node:child_process';
import process from 'node:process';
import { bundle } from './lib/build.mjs';
import { log } from './lib/common.mjs';

const CYCLES = Number(process.env.BENCH_ENGINE_CYCLES ?? 10_000);
const file = await bundle('bench/engine/engine-entry.mjs', `engine-${process.pid}`);

function run(env, timeoutMs = 300_000) {
  const r = spawnSync(process.execPath, ['--expose-gc', file], {
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: timeoutMs,
    maxBuffer: 16 << 20,
  });
  if (r.status !== 0) throw new Error(`engine run failed (${r.status ?? r.signal}): ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1));
}

const virtual = run({ BENCH_ENGINE_MODE: 'virtual', BENCH_ENGINE_CYCLES: String(CYCLES) });
log(
  `virtual: ${virtual.cycles} cycles, ${Math.round(virtual.eventsPerSec)} events/s, ` +
    `${Math.round(virtual.cyclesPerSec)} cycles/s, heap +${virtual.heapGrowthMB.toFixed(2)} MB ` +
    `(from cold +${virtual.heapGrowthFromColdMB.toFixed(2)} MB, of which data +${virtual.heapDataGrowthFromColdMB.toFixed(2)} MB)`,
);
const keptSent = run({
  BENCH_ENGINE_MODE: 'virtual',
  BENCH_ENGINE_CYCLES: String(CYCLES),
  BENCH_ENGINE_KEEP_SENT: '1',
});
log(`virtual, kit's sent log kept: heap +${keptSent.heapGrowthMB.toFixed(2)} MB`);
const asyncRun = run({ BENCH_ENGINE_MODE: 'async', BENCH_ENGINE_CYCLES: String(Math.min(CYCLES, 1_000)) });
log(
  `async: ${asyncRun.cycles} cycles, ${Math.round(asyncRun.eventsPerSec)} events/s, ` +
    `CPU ${((100 * asyncRun.cpuMs) / asyncRun.wallMs).toFixed(0)} % of wall`,
);
const brief = (r) => {
  const { checkpoints, eventTypes, ...rest } = r;
  return { ...rest, eventTypes, heapCheckpointsMB: checkpoints.map((c) => +c.usedMB.toFixed(3)) };
};
process.stdout.write(
  JSON.stringify({ virtual: brief(virtual), keptSentLog: brief(keptSent), async: brief(asyncRun) }) + '\n',
);
