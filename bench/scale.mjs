// 3. Scale: 10,000 concurrent logged-in sessions on one server process; server RSS per idle
// session = (RSS with the sessions − RSS before, both after a full GC) / sessions. The client
// sockets live in a few worker processes (one process per ~2,500 sockets). The server is
// configured for the bench: connections per address (all clients come from 127.0.0.1) and the
// login rate are lifted. Ours, then the plain ws relay holding as many idle connections.
import { fork } from 'node:child_process';
import { join } from 'node:path';
import process from 'node:process';
import {
  benchServerOptions,
  devApp,
  ipcRequests,
  log,
  serverModule,
  sleep,
  startServerProcess,
} from './lib/common.mjs';

const SESSIONS = Number(process.env.BENCH_SCALE_SESSIONS ?? 10_000);
const WORKERS = Number(process.env.BENCH_SCALE_WORKERS ?? 4);
const KINDS = (process.env.BENCH_SCALE_KINDS ?? 'ours,baseline').split(',');
/** A directory: heap snapshots of the server before and after the sessions (heap-diff.mjs). */
const SNAPSHOTS = process.env.BENCH_SCALE_SNAPSHOTS;

const { module: server, path: bundlePath } = await serverModule();

function startWorker() {
  const child = fork(join(import.meta.dirname, 'lib', 'scale-worker.mjs'), [], {
    env: { ...process.env, BENCH_SERVER_BUNDLE: bundlePath },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const ready = new Promise((r) => child.once('message', r));
  const { request, exited } = ipcRequests(child, 'worker');
  return { ready, request, exited, kill: () => child.kill() };
}

async function measure(kind) {
  const srv = await startServerProcess(kind, benchServerOptions(devApp(server)));
  const workers = Array.from({ length: WORKERS }, startWorker);
  await Promise.all(workers.map((w) => w.ready));
  await sleep(500);
  const before = await srv.stats(true);
  if (SNAPSHOTS) await srv.snapshot(`${SNAPSHOTS}/scale-${kind}-before.heapsnapshot`);
  const ids = Array.from({ length: SESSIONS }, (_, i) => `s${kind[0]}${String(i).padStart(6, '0')}`);
  const share = Math.ceil(SESSIONS / WORKERS);
  const t0 = performance.now();
  const opened = await Promise.all(
    workers.map((w, k) =>
      w.request({ cmd: 'open', url: srv.url, ids: ids.slice(k * share, (k + 1) * share) }, 240_000),
    ),
  );
  const openMs = performance.now() - t0;
  const sessions = opened.reduce((n, o) => n + o.opened, 0);
  await sleep(2_000); // idle
  const after = await srv.stats(true);
  if (SNAPSHOTS) await srv.snapshot(`${SNAPSHOTS}/scale-${kind}-after.heapsnapshot`);
  const d = (k) => after.mem[k] - before.mem[k];
  const result = {
    kind,
    sessions,
    workers: WORKERS,
    loginsPerSec: (sessions / openMs) * 1000,
    serverLogins: after.counters.logins ?? after.counters.sessions,
    rssBeforeMB: before.mem.rss / 2 ** 20,
    rssAfterMB: after.mem.rss / 2 ** 20,
    rssPerSessionKB: d('rss') / sessions / 1024,
    heapUsedPerSessionKB: d('heapUsed') / sessions / 1024,
    externalPerSessionKB: d('external') / sessions / 1024,
    arrayBuffersPerSessionKB: d('arrayBuffers') / sessions / 1024,
  };
  log(
    `${kind}: ${sessions} sessions in ${Math.round(openMs)} ms; RSS ${result.rssBeforeMB.toFixed(0)} → ` +
      `${result.rssAfterMB.toFixed(0)} MB = ${result.rssPerSessionKB.toFixed(2)} KB/session ` +
      `(heap ${result.heapUsedPerSessionKB.toFixed(2)} KB, external ${result.externalPerSessionKB.toFixed(2)} KB)`,
  );
  await Promise.all(workers.map((w) => w.request({ cmd: 'close' }, 30_000).catch(() => w.kill())));
  await Promise.all(workers.map((w) => Promise.race([w.exited, sleep(10_000)])));
  await srv.stop();
  return result;
}

const runs = {};
for (const kind of KINDS) runs[kind] = await measure(kind);
process.stdout.write(
  JSON.stringify({
    ...runs,
    rssRatio: runs.ours && runs.baseline ? runs.ours.rssPerSessionKB / runs.baseline.rssPerSessionKB : null,
  }) + '\n',
);
