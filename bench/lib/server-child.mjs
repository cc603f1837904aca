// One server in its own process, so that its CPU time is measured apart from the load client's.
// Driven over IPC: {cmd:'start', kind:'ours'|'baseline'|'baseline-ack', options} → {port};
// {cmd:'stats', gc?} → process.cpuUsage(), memoryUsage() and the server's own counters;
// {cmd:'stop'} → closes the server and exits (which also writes a --cpu-prof profile).
import process from 'node:process';
import { pathToFileURL } from 'node:url';

let server = null;
let counters = () => ({});

function stats(gc) {
  if (gc && typeof globalThis.gc === 'function') {
    globalThis.gc();
    globalThis.gc();
  }
  const cpu = process.cpuUsage();
  return {
    cpu: { user: cpu.user, system: cpu.system },
    mem: process.memoryUsage(),
    t: performance.now(),
    counters: counters(),
  };
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
    else if (m.cmd === 'stats') result = stats(m.gc);
    else if (m.cmd === 'stop') {
      await server?.close();
      process.send({ id: m.id, ok: true, result: stats(false) }, () => process.exit(0));
      return;
    }
    process.send({ id: m.id, ok: true, result });
  } catch (e) {
    process.send({ id: m.id, ok: false, error: String(e?.stack ?? e) });
  }
});
process.on('disconnect', () => process.exit(0));
