/**
 * Issue 3 smoke test: two users in two Chromium contexts, fake camera and microphone, a video
 * call over the real calling-server and browser WebRTC, both sides rendering the other's video.
 */
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import type { VideoStats } from './harness/harness-api';

const phaseOf = (page: Page) => page.evaluate(() => window.harness.phase());
const statsOf = (page: Page, view: string) => page.evaluate((v) => window.harness.videoStats(v), view);

/** Waits until `view` plays real frames: a decoded size, and time advancing between two samples. */
async function expectPlaying(page: Page, view: string): Promise<VideoStats> {
  await expect
    .poll(async () => (await statsOf(page, view))?.videoWidth ?? 0, {
      message: `${view} video has a size`,
      timeout: 30_000,
    })
    .toBeGreaterThan(0);
  const first = (await statsOf(page, view))!;
  await page.waitForTimeout(600);
  const second = (await statsOf(page, view))!;
  expect(second.currentTime, `${view} video time advances`).toBeGreaterThan(first.currentTime);
  expect(second.paused).toBe(false);
  return second;
}

test('alice video-calls bob; both see each other; alice hangs up and both are idle', async ({
  openHarness,
}, testInfo) => {
  const alice = await openHarness('alice');
  const bob = await openHarness('bob');

  await alice.page.evaluate(() => window.harness.call('bob', 2));
  await expect.poll(() => phaseOf(bob.page), { message: 'bob rings' }).toBe('ringing');
  await bob.page.evaluate(() => window.harness.accept());
  await expect.poll(() => phaseOf(alice.page), { message: 'alice connected' }).toBe('connected');
  await expect.poll(() => phaseOf(bob.page), { message: 'bob connected' }).toBe('connected');

  for (const [user, peer] of [
    [alice, 'bob'],
    [bob, 'alice'],
  ] as const) {
    await user.page.evaluate((p) => {
      window.harness.startLocalView();
      window.harness.startRemoteView(p);
    }, peer);
  }

  const aliceSees = await expectPlaying(alice.page, 'bob');
  const bobSees = await expectPlaying(bob.page, 'alice');
  await expectPlaying(alice.page, 'local');
  await expectPlaying(bob.page, 'local');
  // The fake camera shows the same pattern in both contexts: prove the remote frames crossed
  // the peer connection (decoded from the other browser), not a local stream rendered twice.
  for (const user of [alice, bob]) {
    const before = await user.page.evaluate(() => window.harness.rtcStats());
    expect(before.states, `${user.name}'s peer connections`).toEqual(['connected']);
    await expect
      .poll(async () => (await user.page.evaluate(() => window.harness.rtcStats())).framesDecoded, {
        message: `${user.name} keeps decoding the peer's video`,
      })
      .toBeGreaterThan(before.framesDecoded);
    expect(before.audioBytesReceived, `${user.name} receives audio`).toBeGreaterThan(0);
  }
  testInfo.annotations.push({
    type: 'video',
    description: `alice sees bob ${aliceSees.videoWidth}x${aliceSees.videoHeight}, bob sees alice ${bobSees.videoWidth}x${bobSees.videoHeight}`,
  });

  for (const user of [alice, bob]) {
    await testInfo.attach(`${user.name}-in-call.png`, {
      body: await user.page.screenshot({ path: testInfo.outputPath(`${user.name}-in-call.png`) }),
      contentType: 'image/png',
    });
  }

  await alice.page.evaluate(() => window.harness.hangup());
  await expect.poll(() => phaseOf(alice.page), { message: 'alice idle' }).toBe('idle');
  await expect.poll(() => phaseOf(bob.page), { message: 'bob idle' }).toBe('idle');
  expect(await alice.page.evaluate(() => window.harness.endReasons())).toEqual(['hangup']);
  for (const user of [alice, bob]) {
    await expect
      .poll(async () => (await user.page.evaluate(() => window.harness.rtcStats())).open, {
        message: `${user.name}'s peer connections closed`,
      })
      .toBe(0);
  }
  expect(await bob.page.evaluate(() => window.harness.endReasons())).toEqual(['remoteHangup']);

  const names = (page: Page) => page.evaluate(() => window.harness.events().map((e) => e.type));
  expect(await names(bob.page)).toEqual(expect.arrayContaining(['onInvited', 'onUserEnter', 'onCallEnd']));
  expect(await names(alice.page)).toEqual(
    expect.arrayContaining(['onUserAccept', 'onUserEnter', 'onUserVideoAvailable', 'onCallEnd']),
  );
  for (const user of [alice, bob]) {
    expect(await user.page.evaluate(() => window.harness.errors()), `${user.name}'s page errors`).toEqual([]);
    await user.page.evaluate(() => window.harness.destroy());
  }
});
