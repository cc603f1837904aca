// One server in its own process, so that its CPU time is measured apart from the load client's.
// Driven over IPC: {cmd:'start', kind:'ours'|'baseline'|'baseline-ack', options} → {port};
// {cmd:'stats', gc?, reset?} → process.cpuUsage(), memoryUsage(), the server's own counters, and
// since the last reset: event-loop delay percentiles and GC pauses;
// {cmd:'snapshot', path} → writes a heap snapshot (for bench/lib/heap-diff.mjs);
// {cmd:'stop'} → closes the server and exits (which also writes a --cpu-prof profile).
import process from 'node:process';
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';

let server = null;
let counters = () => ({});
// How late the server's event loop runs (1 ms resolution): its own pauses (GC, long handlers)
// and the time it waits for a CPU. GC pauses are observed separately.
const loopDelay = monitorEventLoopDelay({ resolution: 1 });
loopDelay.enable();
let gcPauses = [];
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) gcPauses.push(e.duration);
}).observe({ entryTypes: ['gc'] });

function stats(gc, reset) {
  if (gc && typeof globalThis.gc === 'function') {
    globalThis.gc();
    globalThis.gc();
  }
  const cpu = process.cpuUsage();
  const ms = (ns) => ns / 1e6;
  const result = {
    cpu: { user: cpu.user, system: cpu.system },
    mem: process.memoryUsage(),
    t: performance.now(),
    counters: counters(),
    loopDelayMs: {
      p50: ms(loopDelay.percentile(50)),
      p99: ms(loopDelay.percentile(99)),
      max: ms(loopDelay.max),
    },
    gc: {
      count: gcPauses.length,
      totalMs: gcPauses.reduce((a, b) => a + b, 0),
      maxMs: Math.max(0, ...gcPauses),
    },
  };
  if (reset) {
    loopDelay.reset();
    gcPauses = [];
  }
  return result;
}

async function start(kind, options) {
  if (kind === 'ours') {
    const { startServer } = await import(pathToFileURL(process.env.BENCH_SERVER_BUNDLE).href);
    const s = await startServer({ host: '127.0.0.1', port: 0, ...options });
    server = s;
    counters = () => ({
      relayed: s.metrics.messagesRelayed.get('C2C'),
      deliveries: s.metrics.deliveries.get(),
      logins: s.metrics.logins.get(),
      refused: s.metrics.loginsRefused.get('USERSIG_INVALID'),
    });
    return { port: s.port };
  }
  const { startBaseline } = await import('./baseline-relay.mjs');
  const s = await startBaseline({ ack: kind === 'baseline-ack' });
  server = s;
  counters = s.counters;
  return { port: s.port };
}

process.on('message', async (m) => {
  try {
    let result;
    if (m.cmd === 'start') result = await start(m.kind, m.options ?? {});
    else if (m.cmd === 'stats') result = stats(m.gc, m.reset);
    else if (m.cmd === 'snapshot') result = (await import('node:v8')).writeHeapSnapshot(m.path);
    else if (m.cmd === 'stop') {
      await server?.close();
      process.send({ id: m.id, ok: true, result: stats(false, false) }, () => process.exit(0));
      return;
    }
    process.send({ id: m.id, ok: true, result });
  } catch (e) {
    process.send({ id: m.id, ok: false, error: String(e?.stack ?? e) });
  }
});
process.on('disconnect', () => process.exit(0));
