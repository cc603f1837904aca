// 3. Scale: 100,000 concurrent logged-in idle sessions on one server process (the goal), or as many
// as this machine lets one process hold; server RSS per idle session = (RSS with the sessions − RSS
// before, both after a full GC) / sessions. The client sockets live in worker processes, each
// connecting from its own loopback address (127.0.0.2, .3, …: ~28k ephemeral ports each). The
// server is configured for the bench: connections per address and the rate limits are lifted.
// Ours, then the plain ws relay holding as many idle connections.
//
// Open files: one process holds at most RLIMIT_NOFILE sockets. The bench asks for enough (prlimit
// on each child: raising the hard limit needs CAP_SYS_RESOURCE); when it cannot have them, it
// measures the largest count that fits and says so (`limitedBy`).
import { fork, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
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

const WANTED = Number(process.env.BENCH_SCALE_SESSIONS ?? 100_000);
/** Sockets per client worker (and so per source address): well under its ephemeral ports. */
const PER_WORKER = Number(process.env.BENCH_SCALE_PER_WORKER ?? 5_000);
/** Descriptors a process needs besides its sockets (stdio, IPC, libuv, the listening socket). */
const FD_RESERVE = 200;
const KINDS = (process.env.BENCH_SCALE_KINDS ?? 'ours,baseline').split(',');
/** A directory: heap snapshots of the server before and after the sessions (heap-diff.mjs). */
const SNAPSHOTS = process.env.BENCH_SCALE_SNAPSHOTS;

const { module: server, path: bundlePath } = await serverModule();

/** The open-files limit of process `pid` (soft, hard). */
function nofile(pid) {
  const line = readFileSync(`/proc/${pid}/limits`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('Max open files'));
  const [soft, hard] = (line?.match(/\d+|unlimited/g) ?? []).map((v) =>
    v === 'unlimited' ? Infinity : Number(v),
  );
  return { soft: soft ?? 1024, hard: hard ?? 1024 };
}

/** Raises the open-files limit of `pid` to `want` if it can (prlimit); returns the soft limit it has. */
function raiseNofile(pid, want) {
  const have = nofile(pid);
  if (have.soft >= want) return have.soft;
  for (const target of [want, have.hard]) {
    const r = spawnSync('prlimit', ['--pid', String(pid), `--nofile=${target}:${target}`], {
      stdio: 'ignore',
    });
    if (r.status === 0) break;
  }
  return nofile(pid).soft;
}

function startWorker() {
  const child = fork(join(import.meta.dirname, 'lib', 'scale-worker.mjs'), [], {
    env: { ...process.env, BENCH_SERVER_BUNDLE: bundlePath },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  raiseNofile(child.pid, PER_WORKER + FD_RESERVE);
  const ready = new Promise((r) => child.once('message', r));
  const { request, exited } = ipcRequests(child, 'worker');
  return { ready, request, exited, kill: () => child.kill() };
}

async function measure(kind) {
  const srv = await startServerProcess(kind, benchServerOptions(devApp(server)));
  const limit = raiseNofile(srv.pid, WANTED + FD_RESERVE);
  const SESSIONS = Math.min(WANTED, limit - FD_RESERVE);
  const limitedBy =
    SESSIONS < WANTED
      ? `open files: one process may hold ${limit} descriptors here (hard RLIMIT_NOFILE ${nofile(srv.pid).hard}; ` +
        'raising it needs CAP_SYS_RESOURCE, which this container does not grant)'
      : null;
  const WORKERS = Math.ceil(SESSIONS / PER_WORKER);
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
      w.request(
        {
          cmd: 'open',
          url: srv.url,
          ids: ids.slice(k * share, (k + 1) * share),
          localAddress: `127.0.0.${2 + k}`,
        },
        600_000,
      ),
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
    sessionsWanted: WANTED,
    sessions,
    limitedBy,
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
