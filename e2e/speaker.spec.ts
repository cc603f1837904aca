/**
 * Choosing the speaker in a real Chromium. Its fake audio devices include two outputs besides the
 * default, and `setSinkId` works on them: the remote audio element follows `switchDevice` during a
 * call and keeps playing, and a speaker chosen before a call is used by the next call's element.
 */
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';

/** The hidden element playing `userID`'s audio: its sink, whether paused, its time. */
const remoteAudio = (page: Page, userID: string) =>
  page.evaluate((id) => {
    const audio = document.querySelector<HTMLAudioElement & { sinkId: string }>(
      `audio[data-ngx-trtc-calling="audio:${id}"]`,
    );
    return audio ? { sinkId: audio.sinkId, paused: audio.paused, currentTime: audio.currentTime } : null;
  }, userID);

async function expectAudioPlaying(page: Page, userID: string): Promise<void> {
  await expect
    .poll(async () => (await remoteAudio(page, userID))?.paused, { message: 'audio plays' })
    .toBe(false);
  const first = (await remoteAudio(page, userID))!.currentTime;
  await expect
    .poll(async () => (await remoteAudio(page, userID))!.currentTime, { message: 'audio time advances' })
    .toBeGreaterThan(first);
}

async function audioCall(caller: Page, callee: Page, calleeID: string): Promise<void> {
  await caller.evaluate((id) => window.harness.call(id, 1), calleeID);
  await expect.poll(() => callee.evaluate(() => window.harness.phase())).toBe('ringing');
  await callee.evaluate(() => window.harness.accept());
  await expect.poll(() => callee.evaluate(() => window.harness.phase())).toBe('connected');
}

test('the speaker follows switchDevice during a call and is kept for the next call', async ({
  openHarness,
}) => {
  const alice = await openHarness('alice');
  const bob = await openHarness('bob');
  const speakers = await bob.page.evaluate(() => window.harness.speakers());
  const [first, second] = speakers.filter((s) => s.deviceID !== 'default');
  if (!first || !second)
    throw new Error(`fewer than two of Chromium's fake outputs: ${JSON.stringify(speakers)}`);

  await audioCall(alice.page, bob.page, 'bob');
  await expectAudioPlaying(bob.page, 'alice');
  expect((await remoteAudio(bob.page, 'alice'))!.sinkId, 'the system default at first').toBe('');

  await bob.page.evaluate((id) => window.harness.useSpeaker(id), first.deviceID);
  await expect.poll(async () => (await remoteAudio(bob.page, 'alice'))!.sinkId).toBe(first.deviceID);
  await expectAudioPlaying(bob.page, 'alice');

  await alice.page.evaluate(() => window.harness.hangup());
  await expect.poll(() => bob.page.evaluate(() => window.harness.phase())).toBe('idle');
  expect(await remoteAudio(bob.page, 'alice'), 'the element goes with the call').toBeNull();

  // Chosen between calls: the next call's new element plays there from the start.
  await bob.page.evaluate((id) => window.harness.useSpeaker(id), second.deviceID);
  await audioCall(alice.page, bob.page, 'bob');
  await expect.poll(async () => (await remoteAudio(bob.page, 'alice'))?.sinkId).toBe(second.deviceID);
  await expectAudioPlaying(bob.page, 'alice');
  await bob.page.evaluate(() => window.harness.hangup());
  await expect.poll(() => alice.page.evaluate(() => window.harness.phase())).toBe('idle');
  expect(await bob.page.evaluate(() => window.harness.errors())).toEqual([]);
});
