// 5. Browser call setup: calls between two Chromium pages on loopback, fake camera and microphone,
// over the e2e harness page (e2e/harness: `window.harness` driving `Calling` with the webrtc
// adapters) against a real calling-server, one clock for both pages (`performance.timeOrigin`).
// Four series, interleaved: instant answer off (`?instantAnswer=0`) and on, each with the callee
// accepting as soon as its phase turns `ringing` (a MutationObserver on the harness's status line,
// which re-renders synchronously on every phase change: no human or Playwright round trip inside
// the figure) and ACCEPT_DELAY_MS later (as a person would; with instant answer the connection is
// ready by then). Measured per call: invite → the first `requestVideoFrameCallback` of the
// caller's remote <video> and of the callee's, and Accept → each. One warm-up call per series.
/* global window, document, MutationObserver -- the page functions run in Chromium */
import { chromium } from '@playwright/test';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import process from 'node:process';
import { URLSearchParams } from 'node:url';
import { bundle, cacheDir } from './lib/build.mjs';
import { log, percentile, root, serverModule, sleep } from './lib/common.mjs';

const CALLS = Number(process.env.BENCH_BROWSER_CALLS ?? 20);
const WARMUP = 1;
/** How long after `ringing` the `later` series accepts (with instant answer, the link is up by then). */
const ACCEPT_DELAY_MS = 800;
const STEP_TIMEOUT_MS = 15_000;

for (const f of ['e2e/harness/harness.ts', 'e2e/support/build-harness.ts', 'e2e/support/chromium.ts']) {
  if (!existsSync(join(root, f))) throw new Error(`the e2e harness is missing (${f})`);
}
const tools = await import(
  await bundle('bench/browser/harness-tools.mjs', `harness-tools-${process.pid}`, {
    define: { __dirname: JSON.stringify(join(root, 'e2e', 'support')) },
  })
);
if (!existsSync(tools.CHROMIUM_PATH)) {
  throw new Error(
    `no Chromium at ${tools.CHROMIUM_PATH}: apt-get install -y --no-install-recommends chromium`,
  );
}
const harnessDir = await tools.buildHarness(join(cacheDir, `harness-${process.pid}`));
const { module: server } = await serverModule();
const srv = await server.startServer({
  host: '127.0.0.1',
  port: 0,
  dev: true,
  logLevel: 'error',
  shutdownGraceMs: 500,
});
const statics = await tools.startStaticServer({ mounts: { '/harness/': harnessDir }, host: '127.0.0.1' });
const url = `${statics.baseURL}/harness/?${new URLSearchParams({ ws: srv.url, http: srv.httpUrl })}`;
const browser = await chromium.launch({
  executablePath: tools.CHROMIUM_PATH,
  args: [...tools.CHROMIUM_ARGS],
});
const version = browser.version();

/** One user: its own browser context (a background tab's rVFC is throttled to ~1 s), logged in. */
async function openUser(userID, query = '') {
  const context = await browser.newContext({
    permissions: ['camera', 'microphone'],
    viewport: { width: 800, height: 600 },
  });
  const page = await context.newPage();
  page.setDefaultTimeout(STEP_TIMEOUT_MS);
  await page.goto(url + query);
  await page.waitForFunction(() => !!window.harness);
  await page.evaluate((u) => window.harness.login(u), userID);
  return { context, page };
}

/**
 * One series of calls between two fresh users: `accept` `instant` (on the transition to
 * `ringing`, as before) or `later` (ACCEPT_DELAY_MS after it, as a person would: with instant
 * answer the connection is ready by then). Measured per call, on one machine clock
 * (`performance.timeOrigin + now` of both pages): invite → the caller's first remote frame,
 * invite → the callee's, and Accept → each of them.
 */
async function series({ name, instantAnswer, accept }) {
  const query = instantAnswer ? '' : '&instantAnswer=0';
  const caller = await openUser(`bench-${name}-a`, query);
  const callee = await openUser(`bench-${name}-b`, query);
  const callerID = `bench-${name}-a`;
  const calleeID = `bench-${name}-b`;
  const results = [];
  // Callee: accept on `ringing` (now or later), then watch its first frame of the caller.
  await callee.page.evaluate(
    ({ callerID, delay }) => {
      const b = (window.__bench = { calls: [], errors: [] });
      let ringing = false;
      const watchFrames = (record) => {
        const seen = new Set();
        const watch = () => {
          for (const [selector, key] of [
            [`#remote-${callerID} video`, 'firstFrame'],
            ['#local video', 'localFrame'],
          ]) {
            for (const v of document.querySelectorAll(selector)) {
              if (seen.has(v)) continue;
              seen.add(v);
              v.requestVideoFrameCallback((now) => {
                if (!record[key]) record[key] = performance.timeOrigin + now;
              });
            }
          }
        };
        record.observer = new MutationObserver(watch);
        record.observer.observe(document.body, { childList: true, subtree: true });
        watch();
      };
      const accept = (record) => {
        record.acceptAt = performance.timeOrigin + performance.now();
        window.harness.accept().catch((e) => b.errors.push(String(e)));
        window.harness.startRemoteView(callerID);
        // The callee's own camera, opened by Accept: its first frame is the floor of the caller's.
        window.harness.startLocalView();
        watchFrames(record);
      };
      const check = () => {
        const now = window.harness.phase() === 'ringing';
        if (now && !ringing) {
          const record = {
            ringingAt: performance.timeOrigin + performance.now(),
            acceptAt: 0,
            firstFrame: 0,
            localFrame: 0,
          };
          b.calls.push(record);
          if (delay > 0) setTimeout(() => accept(record), delay);
          else accept(record);
        }
        ringing = now;
      };
      new MutationObserver(check).observe(document.getElementById('status'), {
        childList: true,
        characterData: true,
        subtree: true,
      });
    },
    { callerID, delay: accept === 'later' ? ACCEPT_DELAY_MS : 0 },
  );

  for (let i = 0; i < WARMUP + CALLS; i++) {
    // Caller: arm the first-frame watch, call, attach the remote view.
    await caller.page.evaluate(async (calleeID) => {
      const b = (window.__bench = { t0: 0, firstFrame: 0, connected: 0, watched: new Set() });
      const watch = (video) => {
        if (b.watched.has(video)) return;
        b.watched.add(video);
        video.requestVideoFrameCallback((now) => {
          if (!b.firstFrame) b.firstFrame = performance.timeOrigin + now;
        });
      };
      b.observer = new MutationObserver(() => {
        for (const v of document.querySelectorAll(`#remote-${calleeID} video`)) watch(v);
        if (!b.connected && window.harness.phase() === 'connected') {
          b.connected = performance.timeOrigin + performance.now();
        }
      });
      b.observer.observe(document.body, { childList: true, subtree: true, characterData: true });
      for (const v of document.querySelectorAll(`#remote-${calleeID} video`)) watch(v);
      b.t0 = performance.timeOrigin + performance.now();
      const call = window.harness.call(calleeID, 2);
      window.harness.startRemoteView(calleeID);
      await call;
    }, calleeID);
    await caller.page.waitForFunction(() => window.__bench.firstFrame > 0, null, { polling: 20 });
    await callee.page.waitForFunction((n) => window.__bench.calls[n]?.firstFrame > 0, i, { polling: 20 });
    const c = await caller.page.evaluate(() => {
      window.__bench.observer.disconnect();
      const { t0, firstFrame, connected } = window.__bench;
      return { t0, firstFrame, connected };
    });
    const e = await callee.page.evaluate((n) => {
      const record = window.__bench.calls[n];
      record.observer.disconnect();
      const { ringingAt, acceptAt, firstFrame, localFrame } = record;
      return { ringingAt, acceptAt, firstFrame, localFrame };
    }, i);
    const r = {
      call: i,
      warmup: i < WARMUP,
      firstFrameMs: c.firstFrame - c.t0,
      calleeFirstFrameMs: e.firstFrame - c.t0,
      acceptToCallerFrameMs: c.firstFrame - e.acceptAt,
      acceptToCalleeFrameMs: e.firstFrame - e.acceptAt,
      // The callee's camera shows its first frame locally (null: not seen).
      acceptToCameraFrameMs: e.localFrame ? e.localFrame - e.acceptAt : null,
      // Across the two pages (both on this machine's clock): the signaling part.
      inviteToRingingMs: e.ringingAt - c.t0,
      // The caller's phase turned `connected` (the callee's peer is in the room).
      inviteToConnectedMs: c.connected ? c.connected - c.t0 : null,
    };
    results.push(r);
    log(
      `${name} call ${i}${r.warmup ? ' (warm-up)' : ''}: first remote frame after ${r.firstFrameMs.toFixed(0)} ms, ` +
        `callee's after ${r.calleeFirstFrameMs.toFixed(0)} ms; after Accept ${r.acceptToCallerFrameMs.toFixed(0)} / ` +
        `${r.acceptToCalleeFrameMs.toFixed(0)} ms (ringing after ${r.inviteToRingingMs.toFixed(1)} ms)`,
    );
    await caller.page.evaluate(() => window.harness.hangup());
    await caller.page.waitForFunction(() => window.harness.phase() === 'idle', null, { polling: 20 });
    await callee.page.waitForFunction(() => window.harness.phase() === 'idle', null, { polling: 20 });
    await sleep(300);
  }
  const errors = [
    ...(await caller.page.evaluate(() => window.harness.errors())),
    ...(await callee.page.evaluate(() => [...window.harness.errors(), ...window.__bench.errors])),
  ];
  await caller.context.close();
  await callee.context.close();
  const measured = results.filter((r) => !r.warmup);
  const stat = (key) => {
    const xs = measured
      .map((r) => r[key])
      .filter((x) => typeof x === 'number')
      .sort((a, b) => a - b);
    return { p50: percentile(xs, 50), p95: percentile(xs, 95), min: xs[0], max: xs.at(-1) };
  };
  return {
    name,
    instantAnswer,
    accept,
    calls: measured.length,
    inviteToFirstFrame: stat('firstFrameMs'),
    inviteToCalleeFirstFrame: stat('calleeFirstFrameMs'),
    acceptToCallerFrame: stat('acceptToCallerFrameMs'),
    acceptToCalleeFrame: stat('acceptToCalleeFrameMs'),
    acceptToCameraFrame: stat('acceptToCameraFrameMs'),
    inviteToRinging: stat('inviteToRingingMs'),
    inviteToConnected: stat('inviteToConnectedMs'),
    warmupMs: results.find((r) => r.warmup)?.firstFrameMs ?? null,
    errors,
    results,
  };
}

try {
  // Interleaved on/off, so that a load change on the machine hits both sides alike.
  const runs = [];
  for (const accept of ['instant', 'later'])
    for (const instantAnswer of [false, true])
      runs.push(await series({ name: `${accept}-${instantAnswer ? 'on' : 'off'}`, instantAnswer, accept }));
  const get = (accept, on) => runs.find((x) => x.accept === accept && x.instantAnswer === on);
  const today = get('instant', false);
  process.stdout.write(
    JSON.stringify({
      chromium: version,
      harness: 'e2e/harness (window.harness)',
      calls: today.calls,
      // Invite → first remote frame with a programmatic answer and instant answer off: the figure
      // this benchmark has always reported.
      p50Ms: today.inviteToFirstFrame.p50,
      p95Ms: today.inviteToFirstFrame.p95,
      minMs: today.inviteToFirstFrame.min,
      maxMs: today.inviteToFirstFrame.max,
      inviteToRingingP50Ms: today.inviteToRinging.p50,
      inviteToConnectedP50Ms: today.inviteToConnected.p50,
      warmupMs: today.warmupMs,
      acceptDelayMs: ACCEPT_DELAY_MS,
      instantAnswer: {
        off: { instant: today, later: get('later', false) },
        on: { instant: get('instant', true), later: get('later', true) },
      },
      errors: runs.flatMap((x) => x.errors),
    }) + '\n',
  );
} finally {
  await browser.close();
  await statics.close();
  await srv.close();
}
