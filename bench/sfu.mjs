// 8. Group calls on the mesh against Janus VideoRoom, side by side in one run: Chromium pages on
// loopback (the e2e harness, fake camera at the `240p` profile, each user in its own browser
// context) in one group call, against a calling-server on the mesh and one that places every room
// on a real `/usr/bin/janus` (`--sfu-threshold 0`) the benchmark starts with the project's config.
// Per size and mode: call setup (groupCall → every page decodes every other user's video), then
// over a MEASURE_MS window: uplink per client (outbound-rtp bytes of the page's connections) and
// CPU per participant (utime + stime of every Chromium process, / participants) — and Janus' own
// CPU. Apart from the browser: what placement adds to `room.join` on the server (the VideoRoom
// `create` and `allowed` round trips), mesh against Janus, over the wire in Node.
/* global window -- the page functions run in Chromium */
import { chromium } from '@playwright/test';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import process from 'node:process';
import { URLSearchParams } from 'node:url';
import WebSocket from 'ws';
import { bundle, cacheDir } from './lib/build.mjs';
import { log, percentile, root, serverModule, sleep } from './lib/common.mjs';

const SIZES = (process.env.BENCH_SFU_SIZES ?? '4,6').split(',').map(Number);
/** The Janus-only size: everyone sees everyone, uplink ≈ one stream (a mesh of 8 is past its limit). */
const BIG = Number(process.env.BENCH_SFU_BIG ?? 8);
const MEASURE_MS = Number(process.env.BENCH_SFU_MEASURE_MS ?? 6000);
const SETTLE_MS = 3000;
const JOINS = Number(process.env.BENCH_SFU_JOINS ?? 30);
const STEP_TIMEOUT_MS = 60_000;
const CLK_TCK = 100;

const tools = await import(
  await bundle('bench/browser/harness-tools.mjs', `harness-tools-sfu-${process.pid}`, {
    define: { __dirname: JSON.stringify(join(root, 'e2e', 'support')) },
  })
);
const { JanusProcess, haveJanus } = await import(
  await bundle('projects/calling-server/src/janus/start-janus.test-util.ts', `janus-process-${process.pid}`, {
    define: { __dirname: JSON.stringify(join(root, 'projects', 'calling-server', 'src', 'janus')) },
  })
);
if (!haveJanus()) throw new Error('no /usr/bin/janus: apt-get install -y --no-install-recommends janus');

const harnessDir = await tools.buildHarness(join(cacheDir, `harness-sfu-${process.pid}`));
const { module: server } = await serverModule();
const janus = await JanusProcess.start({ adminKey: 'bench-admin' });
const common = { host: '127.0.0.1', port: 0, dev: true, logLevel: 'error', shutdownGraceMs: 500 };
const mesh = await server.startServer({ ...common, sessionPolicy: 'multi', maxPeersPerRoom: 16 });
const sfu = await server.startServer({
  ...common,
  sessionPolicy: 'multi',
  maxPeersPerRoom: 16,
  janusUrls: [`${janus.url}#bench`],
  janusAdminKey: 'bench-admin',
  sfuThreshold: 0,
});
const statics = await tools.startStaticServer({ mounts: { '/harness/': harnessDir }, host: '127.0.0.1' });
const browser = await chromium.launch({
  executablePath: tools.CHROMIUM_PATH,
  args: [...tools.CHROMIUM_ARGS],
});

/** CPU ticks (utime + stime) of the processes whose command name matches `name`, below `rootPid`. */
function cpuTicks(match) {
  const parents = new Map();
  const stats = new Map();
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const close = text.lastIndexOf(')');
      const comm = text.slice(text.indexOf('(') + 1, close);
      const f = text.slice(close + 2).split(' ');
      parents.set(Number(pid), Number(f[1]));
      stats.set(Number(pid), { comm, ticks: Number(f[11]) + Number(f[12]) });
    } catch {
      // gone meanwhile
    }
  }
  const below = (pid) => {
    for (let p = pid; p > 1; p = parents.get(p) ?? 0) if (p === process.pid) return true;
    return false;
  };
  let ticks = 0;
  for (const [pid, s] of stats) if (below(pid) && match(s.comm, pid)) ticks += s.ticks;
  return ticks;
}
const janusPid = () => {
  const pids = readdirSync('/proc').filter((p) => /^\d+$/.test(p));
  for (const pid of pids) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (cmd.startsWith('/usr/bin/janus') && cmd.includes(janus.dir)) return Number(pid);
    } catch {
      // gone
    }
  }
  return -1;
};
const jpid = janusPid();
const chromiumTicks = () => cpuTicks((comm, pid) => pid !== jpid && /chrom/i.test(comm));
const janusTicks = () => cpuTicks((_, pid) => pid === jpid);

async function openUser(srv, userID) {
  const context = await browser.newContext({ viewport: { width: 640, height: 480 } });
  const page = await context.newPage();
  page.setDefaultTimeout(STEP_TIMEOUT_MS);
  await page.goto(`${statics.baseURL}/harness/?${new URLSearchParams({ ws: srv.url, http: srv.httpUrl })}`);
  await page.waitForFunction(() => !!window.harness);
  await page.evaluate(async (u) => {
    await window.harness.login(u);
    await window.harness.setVideoQuality('240p');
  }, userID);
  return { context, page, userID };
}

const until = async (fn, what) => {
  const end = Date.now() + STEP_TIMEOUT_MS;
  while (!(await fn())) {
    if (Date.now() > end) throw new Error(`${what}: not within ${STEP_TIMEOUT_MS} ms`);
    await sleep(50);
  }
};

/**
 * One group call of `size` on `srv`: setup time, then uplink and CPU over MEASURE_MS. A call that
 * does not come up within the step timeout is recorded as such (a starved machine can do that to
 * a mesh of 6), and the run goes on.
 */
async function groupCall(mode, srv, size) {
  const users = [];
  try {
    return await measureCall(mode, srv, size, users);
  } catch (e) {
    log(`sfu: ${mode} ${size}: ${e.message}`);
    return { mode, size, error: e.message };
  } finally {
    await Promise.all(
      users.map((u) => u.page.evaluate(() => window.harness.hangup()).catch(() => undefined)),
    );
    await Promise.all(users.map((u) => u.context.close()));
  }
}

async function measureCall(mode, srv, size, users) {
  const tag = `${mode}${size}-${Date.now() % 100000}`;
  for (let i = 0; i < size; i++) users.push(await openUser(srv, `${tag}-u${i}`));
  const ids = users.map((u) => u.userID);
  const [caller, ...callees] = users;
  const started = Date.now();
  await caller.page.evaluate((list) => window.harness.groupCall(list, 2), ids.slice(1));
  await Promise.all(
    callees.map(async (u) => {
      await until(async () => (await u.page.evaluate(() => window.harness.phase())) === 'ringing', 'ringing');
      await u.page.evaluate(() => window.harness.accept());
    }),
  );
  await Promise.all(
    users.map(async (u) => {
      const others = ids.filter((id) => id !== u.userID);
      await u.page.evaluate((list) => {
        for (const id of list) window.harness.startRemoteView(id);
      }, others);
      await until(
        async () =>
          (await u.page.evaluate(
            (list) => list.filter((id) => (window.harness.videoStats(id)?.videoWidth ?? 0) > 0).length,
            others,
          )) === others.length,
        `${u.userID} sees everyone`,
      );
    }),
  );
  const setupMs = Date.now() - started;
  await sleep(SETTLE_MS);
  const sample = async () => ({
    at: performance.now(),
    chromium: chromiumTicks(),
    janus: janusTicks(),
    stats: await Promise.all(users.map((u) => u.page.evaluate(() => window.harness.rtcStats()))),
  });
  const a = await sample();
  await sleep(MEASURE_MS);
  const b = await sample();
  const seconds = (b.at - a.at) / 1000;
  const uplinkKbps = users.map(
    (_, i) => ((b.stats[i].bytesSent - a.stats[i].bytesSent) * 8) / seconds / 1000,
  );
  const streams = b.stats.map((s) => s.videoStreamsSent);
  const result = {
    mode,
    size,
    setupMs,
    uplinkKbpsPerClient: percentile(
      [...uplinkKbps].sort((x, y) => x - y),
      50,
    ),
    videoStreamsSentPerClient: percentile(
      [...streams].sort((x, y) => x - y),
      50,
    ),
    peerConnectionsPerClient: b.stats[0].open,
    cpuPercentPerParticipant: ((b.chromium - a.chromium) / CLK_TCK / seconds / size) * 100,
    janusCpuPercent: mode === 'janus' ? ((b.janus - a.janus) / CLK_TCK / seconds) * 100 : null,
  };
  log(`sfu: ${JSON.stringify(result)}`);
  return result;
}

/** A logged-in wire client in Node, one request at a time. */
async function wire(srv, userID) {
  const { userSig, SDKAppID } = await (await fetch(`${srv.httpUrl}/dev/usersig?userID=${userID}`)).json();
  const ws = new WebSocket(srv.url);
  await new Promise((r, j) => {
    ws.once('open', r);
    ws.once('error', j);
  });
  let id = 0;
  const request = (frame) =>
    new Promise((resolve) => {
      const mine = ++id;
      const on = (data) => {
        const f = JSON.parse(String(data));
        if ((f.t === 'ok' || f.t === 'error') && f.id === mine) {
          ws.off('message', on);
          resolve(f);
        }
      };
      ws.on('message', on);
      ws.send(JSON.stringify({ ...frame, id: mine }));
    });
  await request({ t: 'login', SDKAppID, userID, userSig });
  return { request, close: () => ws.close() };
}

/** `room.join` of a fresh room (its first joiner, so a placement each time on Janus), ms. */
async function joinLatency(srv, name) {
  const c = await wire(srv, `join-${name}`);
  const times = [];
  for (let i = 0; i < JOINS + 3; i++) {
    const roomID = 900_000 + Math.floor(Math.random() * 1_000_000);
    const t0 = performance.now();
    const r = await c.request({ t: 'room.join', roomID });
    const ms = performance.now() - t0;
    if (r.t !== 'ok') throw new Error(`room.join: ${JSON.stringify(r)}`);
    if (name === 'janus' && !r.result.sfu) throw new Error('room.join on the janus server without sfu');
    if (i >= 3) times.push(ms);
    await c.request({ t: 'room.leave', roomID });
  }
  c.close();
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p95: percentile(times, 95), n: times.length };
}

try {
  const joins = { mesh: await joinLatency(mesh, 'mesh'), janus: await joinLatency(sfu, 'janus') };
  const calls = [];
  for (const size of SIZES) {
    calls.push(await groupCall('mesh', mesh, size));
    calls.push(await groupCall('janus', sfu, size));
  }
  if (BIG) calls.push(await groupCall('janus', sfu, BIG));
  const at = (mode, size) => calls.find((c) => c.mode === mode && c.size === size);
  const first = SIZES[0];
  process.stdout.write(
    JSON.stringify({
      chromium: browser.version(),
      janus: '1.1.2 (/usr/bin/janus, VideoRoom)',
      profile: '240p',
      measureMs: MEASURE_MS,
      roomJoinMs: joins,
      placementAddsMs: joins.janus.p50 - joins.mesh.p50,
      setupAddedMs: (at('janus', first).setupMs ?? NaN) - (at('mesh', first).setupMs ?? NaN),
      calls,
    }) + '\n',
  );
} finally {
  await browser.close();
  await statics.close();
  await mesh.close();
  await sfu.close();
  await janus.dispose();
}
