/**
 * Instant answer in a real Chromium: while bob's phone rings his engine is in the room
 * receive-only, linked to alice (ICE and DTLS done) — and nothing of his camera or microphone is
 * opened or sent before he accepts. Alice's media reaches his device meanwhile (by design: it is
 * the device she called) but is neither rendered nor played before Accept. Accept swaps his
 * tracks in over the same connection.
 */
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';

const stats = (page: Page) => page.evaluate(() => window.harness.rtcStats());
const phase = (page: Page) => page.evaluate(() => window.harness.phase());
const captures = (page: Page) => page.evaluate(() => window.harness.captures());

test('a ringing callee is connected but captures and sends nothing until Accept', async ({ openHarness }) => {
  const alice = await openHarness('alice');
  const bob = await openHarness('bob');
  await alice.page.evaluate(() => window.harness.call('bob', 2));
  await expect.poll(() => phase(bob.page)).toBe('ringing');
  // Prepared: bob's peer connection to alice is up while it rings.
  await expect
    .poll(async () => (await stats(bob.page)).states, { message: 'bob linked to alice' })
    .toEqual(['connected']);
  await expect.poll(async () => (await stats(alice.page)).states).toEqual(['connected']);
  // A view asked for while ringing stays empty.
  await bob.page.evaluate(() => window.harness.startRemoteView('alice'));
  // Give media a moment to flow if anything were sent.
  await bob.page.waitForTimeout(1000);
  const bobBefore = await captures(bob.page);
  expect(bobBefore.calls, 'bob opened no camera or microphone while ringing').toEqual([]);
  const aliceRx = await stats(alice.page);
  expect(aliceRx.bytesReceived, 'alice received no byte of bob’s media').toBe(0);
  expect(aliceRx.framesDecoded).toBe(0);
  expect(
    await bob.page.evaluate(() => window.harness.videoStats('alice')),
    'nothing of alice renders',
  ).toBeNull();
  expect(
    await bob.page.evaluate(() => document.querySelectorAll('audio[data-ngx-trtc-calling^="audio:"]').length),
    'nothing of alice plays',
  ).toBe(0);
  // The caller still dials: bob has not entered.
  expect(await phase(alice.page)).toBe('dialing');
  const aliceEvents = await alice.page.evaluate(() => window.harness.events().map((e) => e.type));
  expect(aliceEvents).not.toContain('onUserEnter');

  await alice.page.evaluate(() => window.harness.startRemoteView('bob'));
  const accepted = await bob.page.evaluate(() => performance.now());
  await bob.page.evaluate(() => window.harness.accept());
  await expect.poll(() => phase(alice.page)).toBe('connected');
  await expect.poll(() => phase(bob.page)).toBe('connected');
  const bobAfter = await captures(bob.page);
  expect(bobAfter.calls.length, 'the devices open on Accept').toBeGreaterThan(0);
  expect(Math.min(...bobAfter.calls)).toBeGreaterThanOrEqual(accepted);
  for (const [page, peer] of [
    [alice.page, 'bob'],
    [bob.page, 'alice'],
  ] as const) {
    await expect
      .poll(async () => (await page.evaluate((id) => window.harness.videoStats(id), peer))?.videoWidth ?? 0)
      .toBeGreaterThan(0);
    await expect.poll(async () => (await stats(page)).framesDecoded).toBeGreaterThan(0);
  }
  // Still one connection each: Accept reused the prepared one.
  expect((await stats(bob.page)).created).toBe(1);
  expect((await stats(alice.page)).created).toBe(1);
  await alice.page.evaluate(() => window.harness.hangup());
  await expect.poll(() => phase(bob.page)).toBe('idle');
  expect((await captures(bob.page)).tracks.every((t) => t.readyState === 'ended')).toBe(true);
});

test('a declined invitation leaves the prepared room and never opened a device', async ({ openHarness }) => {
  const alice = await openHarness('alice');
  const bob = await openHarness('bob');
  await alice.page.evaluate(() => window.harness.call('bob', 2));
  await expect.poll(() => phase(bob.page)).toBe('ringing');
  await expect.poll(async () => (await stats(bob.page)).states).toEqual(['connected']);
  await bob.page.evaluate(() => window.harness.reject());
  await expect.poll(() => phase(alice.page)).toBe('idle');
  await expect.poll(async () => (await stats(bob.page)).open, { message: 'the link is closed' }).toBe(0);
  await expect.poll(async () => (await stats(alice.page)).open).toBe(0);
  expect((await captures(bob.page)).calls).toEqual([]);
  expect(await alice.page.evaluate(() => window.harness.endReasons())).toEqual(['rejected']);
});

test('answering with the camera off never opens it; turning it on later shows moving video at the peer', async ({
  openHarness,
}) => {
  const alice = await openHarness('alice');
  const bob = await openHarness('bob');
  await alice.page.evaluate(() => window.harness.call('bob', 2));
  await expect.poll(() => phase(bob.page)).toBe('ringing');
  await bob.page.evaluate(() => window.harness.closeCamera());
  await bob.page.evaluate(() => window.harness.accept());
  await expect.poll(() => phase(alice.page)).toBe('connected');
  await expect.poll(() => phase(bob.page)).toBe('connected');
  const peerMedia = () => alice.page.evaluate(() => window.harness.peerMedia('bob'));
  await expect
    .poll(peerMedia, { message: 'alice hears bob, sees no video' })
    .toEqual({ audio: true, video: false });
  await expect.poll(async () => (await stats(alice.page)).bytesReceived).toBeGreaterThan(0);
  const kinds = async () => (await captures(bob.page)).tracks.map((t) => t.kind);
  expect(await kinds(), 'bob opened the microphone only').toEqual(['audio']);
  expect((await stats(alice.page)).framesDecoded, 'no video of bob reaches alice').toBe(0);

  await alice.page.evaluate(() => window.harness.startRemoteView('bob'));
  await bob.page.evaluate(() => window.harness.openCamera());
  await expect.poll(peerMedia).toEqual({ audio: true, video: true });
  expect(await kinds()).toEqual(['audio', 'video']);
  await expect
    .poll(async () => (await alice.page.evaluate(() => window.harness.videoStats('bob')))?.videoWidth ?? 0)
    .toBeGreaterThan(0);
  // Moving: frames keep being decoded.
  const decoded = async () => (await stats(alice.page)).framesDecoded;
  await expect.poll(decoded).toBeGreaterThan(0);
  const before = await decoded();
  await expect.poll(decoded).toBeGreaterThan(before + 10);
  // The camera went onto the connection the call had: no second one.
  expect((await stats(alice.page)).created).toBe(1);
  await alice.page.evaluate(() => window.harness.hangup());
  await expect.poll(() => phase(bob.page)).toBe('idle');
  expect((await captures(bob.page)).tracks.every((t) => t.readyState === 'ended')).toBe(true);
});
