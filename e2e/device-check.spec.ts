/**
 * The device check in a real Chromium with its fake camera and microphone: a moving preview, a
 * microphone level above zero, a test tone that plays to its end, the permission states, and
 * stop releasing every track — all without a room or a peer connection.
 */
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';

const preview = (page: Page) =>
  page.evaluate(() => {
    const video = document.querySelector<HTMLVideoElement>('#check-preview video');
    return video ? { width: video.videoWidth, time: video.currentTime, muted: video.muted } : null;
  });

test('preview, level, tone and permissions outside any call; stop releases the devices', async ({
  openHarness,
}) => {
  const alice = await openHarness('alice');
  const page = alice.page;
  expect(await page.evaluate(() => window.harness.permissions())).toEqual({
    camera: 'granted',
    microphone: 'granted',
  });
  await page.evaluate(() => window.harness.startDeviceCheck());
  await expect
    .poll(async () => (await preview(page))?.width ?? 0, { message: 'preview shows the camera' })
    .toBeGreaterThan(0);
  const first = (await preview(page))!;
  expect(first.muted).toBe(true);
  await expect
    .poll(async () => (await preview(page))!.time, { message: 'preview frames move' })
    .toBeGreaterThan(first.time);
  await expect
    .poll(async () => Math.max(0, ...(await page.evaluate(() => window.harness.checkLevels()))), {
      message: 'the fake microphone’s beep shows in the level',
    })
    .toBeGreaterThan(0);

  // The tone plays through an <audio> element whose time advances, and resolves at its end (~1 s).
  const tone = page.evaluate(() => window.harness.playTestTone());
  await expect
    .poll(() =>
      page.evaluate(
        () => document.querySelector<HTMLAudioElement>('audio[data-device-check="tone"]')?.currentTime ?? 0,
      ),
    )
    .toBeGreaterThan(0);
  const took = await tone;
  expect(took).toBeGreaterThan(900);
  expect(took).toBeLessThan(3000);
  expect(await page.evaluate(() => document.querySelector('audio[data-device-check="tone"]'))).toBeNull();

  const open = await page.evaluate(() => window.harness.captures());
  expect(open.tracks.map((t) => t.kind).sort()).toEqual(['audio', 'video']);
  expect(open.tracks.every((t) => t.readyState === 'live')).toBe(true);
  await page.evaluate(() => window.harness.stopDeviceCheck());
  const after = await page.evaluate(() => window.harness.captures());
  expect(
    after.tracks.every((t) => t.readyState === 'ended'),
    'stop ends every track',
  ).toBe(true);
  // Nothing joined a room: no peer connection was made, the call state never moved.
  expect((await page.evaluate(() => window.harness.rtcStats())).created).toBe(0);
  expect(await page.evaluate(() => window.harness.phase())).toBe('idle');
  expect(await page.evaluate(() => window.harness.errors())).toEqual([]);
});

test('logout stops a device check left open', async ({ openHarness }) => {
  const bob = await openHarness('bob');
  await bob.page.evaluate(() => window.harness.startDeviceCheck(false));
  const open = await bob.page.evaluate(() => window.harness.captures());
  expect(open.tracks.map((t) => t.kind)).toEqual(['audio']);
  await bob.page.evaluate(() => window.harness.destroy());
  const after = await bob.page.evaluate(() => window.harness.captures());
  expect(after.tracks.every((t) => t.readyState === 'ended')).toBe(true);
});
