// 5. Browser call setup: calls between two Chromium pages on loopback, fake camera and microphone,
// over the e2e harness page (e2e/harness: `window.harness` driving `Calling` with the webrtc
// adapters) against a real calling-server. Measured on the caller's page, one clock: from just
// before `harness.call()` to the first `requestVideoFrameCallback` of the caller's remote <video>.
// The callee accepts as soon as its phase turns `ringing` (a MutationObserver on the harness's
// status line, which re-renders synchronously on every phase change), so no human or Playwright
// round trip sits inside the figure. One warm-up call is run first and reported apart.
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
async function openUser(userID) {
  const context = await browser.newContext({
    permissions: ['camera', 'microphone'],
    viewport: { width: 800, height: 600 },
  });
  const page = await context.newPage();
  page.setDefaultTimeout(STEP_TIMEOUT_MS);
  await page.goto(url);
  await page.waitForFunction(() => !!window.harness);
  await page.evaluate((u) => window.harness.login(u), userID);
  return { context, page };
}

const results = [];
try {
  const caller = await openUser('bench-alice');
  const callee = await openUser('bench-bob');

  // Callee: accept on the transition to `ringing`, recording when it saw it (epoch ms).
  await callee.page.evaluate(() => {
    const b = (window.__bench = { ringingAt: [], errors: [] });
    let ringing = false;
    const check = () => {
      const now = window.harness.phase() === 'ringing';
      if (now && !ringing) {
        b.ringingAt.push(performance.timeOrigin + performance.now());
        window.harness.accept().catch((e) => b.errors.push(String(e)));
      }
      ringing = now;
    };
    new MutationObserver(check).observe(document.getElementById('status'), {
      childList: true,
      characterData: true,
      subtree: true,
    });
  });

  for (let i = 0; i < WARMUP + CALLS; i++) {
    const timing = await callee.page.evaluate(() => window.__bench.ringingAt.length);
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
    }, 'bench-bob');
    await caller.page.waitForFunction(() => window.__bench.firstFrame > 0, null, { polling: 20 });
    const c = await caller.page.evaluate(() => {
      window.__bench.observer.disconnect();
      const { t0, firstFrame, connected } = window.__bench;
      return { t0, firstFrame, connected };
    });
    const ringingAt = await callee.page.evaluate((n) => window.__bench.ringingAt[n], timing);
    const r = {
      call: i,
      warmup: i < WARMUP,
      firstFrameMs: c.firstFrame - c.t0,
      // Across the two pages (both on this machine's clock): the signaling part.
      inviteToRingingMs: ringingAt ? ringingAt - c.t0 : null,
      // The caller's phase turned `connected` (the callee's peer is in the room).
      inviteToConnectedMs: c.connected ? c.connected - c.t0 : null,
    };
    results.push(r);
    log(
      `call ${i}${r.warmup ? ' (warm-up)' : ''}: first remote frame after ${r.firstFrameMs.toFixed(0)} ms ` +
        `(ringing after ${r.inviteToRingingMs?.toFixed(1)} ms, connected after ${r.inviteToConnectedMs?.toFixed(0)} ms)`,
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
  const frames = measured.map((r) => r.firstFrameMs).sort((a, b) => a - b);
  const ringing = measured
    .map((r) => r.inviteToRingingMs)
    .filter((x) => x !== null)
    .sort((a, b) => a - b);
  process.stdout.write(
    JSON.stringify({
      chromium: version,
      harness: 'e2e/harness (window.harness)',
      calls: measured.length,
      p50Ms: percentile(frames, 50),
      p95Ms: percentile(frames, 95),
      minMs: frames[0],
      maxMs: frames.at(-1),
      inviteToRingingP50Ms: percentile(ringing, 50),
      inviteToConnectedP50Ms: percentile(
        measured
          .map((r) => r.inviteToConnectedMs)
          .filter((x) => x !== null)
          .sort((a, b) => a - b),
        50,
      ),
      warmupMs: results.find((r) => r.warmup)?.firstFrameMs ?? null,
      errors,
      results,
    }) + '\n',
  );
} finally {
  await browser.close();
  await statics.close();
  await srv.close();
}
