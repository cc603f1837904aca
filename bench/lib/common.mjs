// Shared pieces of the benchmarks: the server child process, wire-protocol load clients,
// statistics and the machine description.
import { fork } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import process from 'node:process';
import { setTimeout as sleep } from 'node:timers/promises';
import { WebSocket } from 'ws';
import { buildServer } from '../../scripts/build-server.mjs';
import { bundle, bundleAtRev, cacheDir, root } from './build.mjs';

export { root, sleep };

/**
 * The app the benchmark servers run with, taken from a server bundle: its DEV_SDK_APP_ID (the one
 * of ngx-trtc-calling/wire) and its public dev key (loopback only), and UserSigs for them.
 */
export function devApp(server) {
  const SDKAppID = server.DEV_SDK_APP_ID;
  const secretKey = server.DEV_SECRET_KEY;
  return {
    SDKAppID,
    secretKey,
    userSig: (userID) => server.genUserSig({ sdkAppID: SDKAppID, secretKey, userID }),
  };
}

/**
 * Server options for benchmarks: the real server for `app` (see `devApp`), with only the limits a
 * load test must lift (per-address connections, per-connection rate) and warnings-only logging.
 */
export function benchServerOptions(app, extra = {}) {
  return {
    sdkAppID: app.SDKAppID,
    secretKey: app.secretKey,
    logLevel: 'warn',
    maxConnectionsPerAddress: 50_000,
    ratePerSecond: 1_000_000,
    rateBurst: 1_000_000,
    ...extra,
  };
}

let serverBundle;
/** The calling-server sources bundled once per process, by the server's build recipe, as ESM. */
export async function serverModule() {
  serverBundle ??= await buildServer({
    entry: 'projects/calling-server/src/index.ts',
    outfile: join(cacheDir, `calling-server-${process.pid}.mjs`),
    format: 'esm',
    sourcemap: 'inline',
  });
  return { path: serverBundle, module: await import(serverBundle) };
}

const revBundles = new Map();
/**
 * The calling-server as it was at git revision `rev`, bundled the same way (once per process):
 * the path of its bundle, for `startServerProcess`'s `bundle`.
 */
export function serverBundleAt(rev) {
  if (!revBundles.has(rev)) {
    const safe = rev.replace(/[^A-Za-z0-9_.-]/g, '_');
    revBundles.set(
      rev,
      bundleAtRev(rev, 'projects/calling-server/src/index.ts', `calling-server-${safe}-${process.pid}`),
    );
  }
  return revBundles.get(rev);
}

/**
 * Request/response over a forked child's IPC channel: `request(msg, timeoutMs)` sends `msg` with
 * an `id` and resolves with the child's `{id, ok, result}` answer (rejects on `ok: false`, on
 * timeout, or when the child exits first). `exited` resolves when the child is gone.
 */
export function ipcRequests(child, name) {
  let nextId = 1;
  const waiting = new Map();
  child.on('message', (m) => {
    const w = waiting.get(m?.id);
    if (!w) return;
    waiting.delete(m.id);
    if (m.ok) w.resolve(m.result);
    else w.reject(new Error(m.error));
  });
  const exited = new Promise((r) => child.once('exit', r));
  child.once('exit', (code) => {
    for (const w of waiting.values()) w.reject(new Error(`${name} exited (${code})`));
    waiting.clear();
  });
  const request = (msg, timeoutMs = 30_000) =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      const timer = setTimeout(() => {
        waiting.delete(id);
        reject(new Error(`${name}: ${msg.cmd} timed out`));
      }, timeoutMs);
      waiting.set(id, {
        resolve: (v) => (clearTimeout(timer), resolve(v)),
        reject: (e) => (clearTimeout(timer), reject(e)),
      });
      child.send({ ...msg, id });
    });
  return { request, exited };
}

/**
 * Forks `lib/server-child.mjs` and starts a server in it (`kind`: ours | baseline | baseline-ack).
 * With `profile`, the child runs under --cpu-prof and writes its profile to bench/profiles/.
 * `bundle`: the path of another build of ours to run (e.g. `serverBundleAt(rev)`).
 */
export async function startServerProcess(kind, options = {}, { profile = false, bundle: other } = {}) {
  const execArgv = ['--expose-gc', ...(process.env.BENCH_NODE_FLAGS?.split(' ').filter(Boolean) ?? [])];
  if (profile) {
    const dir = join(root, 'bench', 'profiles');
    mkdirSync(dir, { recursive: true });
    execArgv.push('--cpu-prof', `--cpu-prof-dir=${dir}`, `--cpu-prof-name=${profile}.cpuprofile`);
  }
  const path = other ?? (await serverModule()).path;
  const child = fork(join(import.meta.dirname, 'server-child.mjs'), [], {
    execArgv,
    env: { ...process.env, BENCH_SERVER_BUNDLE: path },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const { request, exited } = ipcRequests(child, 'server child');
  const { port } = await request({ cmd: 'start', kind, options });
  return {
    kind,
    pid: child.pid,
    url: `ws://127.0.0.1:${port}`,
    stats: (gc = false, reset = false) => request({ cmd: 'stats', gc, reset }),
    snapshot: (path) => request({ cmd: 'snapshot', path }, 120_000),
    async stop() {
      try {
        await request({ cmd: 'stop' }, 15_000);
      } catch {
        child.kill('SIGKILL');
      }
      await Promise.race([exited, sleep(15_000)]);
    },
  };
}

/** CPU µs (user + system) between two `stats()` results. */
export function cpuDelta(a, b) {
  return b.cpu.user - a.cpu.user + (b.cpu.system - a.cpu.system);
}

/**
 * One wire-protocol client socket. `onFrame(text)` sees every frame after login; `request`
 * waits for the `ok`/`error` reply of one request.
 */
export class WireClient {
  constructor(ws) {
    this.ws = ws;
    this.nextId = 1;
    this.waiting = new Map();
    this.onFrame = null;
    ws.on('error', () => undefined);
    ws.on('message', (data) => {
      const text = data.toString();
      if (this.waiting.size > 0 && (text.startsWith('{"t":"ok"') || text.startsWith('{"t":"error"'))) {
        const frame = JSON.parse(text);
        const w = this.waiting.get(frame.id);
        if (w) {
          this.waiting.delete(frame.id);
          if (frame.t === 'ok') w.resolve(frame.result);
          else w.reject(new Error(`${frame.code} ${frame.message}`));
          return;
        }
      }
      this.onFrame?.(text);
    });
  }

  /** `localAddress`: the loopback address to connect from (each has its own ~28k ephemeral ports). */
  static connect(url, timeoutMs = 20_000, localAddress = undefined) {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { perMessageDeflate: false, ...(localAddress ? { localAddress } : {}) });
      const timer = setTimeout(() => {
        ws.terminate();
        reject(new Error('connect timed out'));
      }, timeoutMs);
      ws.once('open', () => {
        clearTimeout(timer);
        resolve(new WireClient(ws));
      });
      ws.once('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
    });
  }

  request(frame, timeoutMs = 20_000) {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        reject(new Error(`${frame.t} timed out`));
      }, timeoutMs);
      this.waiting.set(id, {
        resolve: (v) => (clearTimeout(timer), resolve(v)),
        reject: (e) => (clearTimeout(timer), reject(e)),
      });
      this.ws.send(JSON.stringify({ t: frame.t, id, ...frame }));
    });
  }

  /** Sends a request without waiting for its reply (the reply reaches `onFrame`). */
  fire(frame) {
    this.ws.send(JSON.stringify({ t: frame.t, id: this.nextId++, ...frame }));
  }

  close() {
    this.ws.terminate();
  }
}

/** Connects and logs in `userIDs` to `app` (at most `concurrency` at once); resolves with the clients. */
export async function openSessions(url, userIDs, { app, concurrency = 100, localAddress }) {
  const clients = new Array(userIDs.length);
  let next = 0;
  const worker = async () => {
    while (next < userIDs.length) {
      const i = next++;
      const c = await WireClient.connect(url, 20_000, localAddress);
      c.userID = userIDs[i];
      await c.request({
        SDKAppID: app.SDKAppID,
        userID: userIDs[i],
        userSig: app.userSig(userIDs[i]),
        t: 'login',
      });
      clients[i] = c;
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, userIDs.length) }, worker));
  return clients;
}

/** The `p`-th percentile (0–100) of an ascending array (nearest rank). */
export function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

/** The machine the figures come from. */
export function machine() {
  return {
    nproc: cpus().length,
    cpu: cpus()[0]?.model ?? 'unknown',
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    date: new Date().toISOString(),
  };
}

/** Prints a progress line on stderr (stdout carries the result JSON of a benchmark). */
export function log(...args) {
  console.error('  ·', ...args);
}

/** Rejects when `promise` takes longer than `ms`. */
export function deadline(promise, ms, what) {
  let timer;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: over ${ms} ms`)), ms);
    }),
  ]);
}

/** A real encoded TSignaling INVITE (the engine's own encoder), ~370 characters. */
export async function inviteEncoder() {
  const path = await bundle('bench/lib/signal-entry.mjs', `signal-${process.pid}`);
  const { encodeSignal, createInviteID } = await import(path);
  return (inviter, invitee, inviteID = createInviteID()) =>
    encodeSignal({
      action: 'invite',
      inviteID,
      inviter,
      inviteeList: [invitee],
      groupID: '',
      timeout: 30,
      onlineUserOnly: false,
      content: { kind: 'call', callType: 2, roomID: 12_345_678 },
    });
}
