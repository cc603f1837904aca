/**
 * The demo's device pickers with several fake cameras (`--use-fake-device-for-media-stream=device-count=3`,
 * a browser of its own for this file): switching the camera during a call changes the local
 * track, and the peer keeps receiving video.
 *
 * Chromium's fake cameras differ in pixel format: the first is I420, the second Y16 (a depth
 * format WebRTC does not send: the peer gets no frames from it, whatever the app does), the
 * third MJPEG. So the test switches between the first and the third.
 */
import { expect, test } from './fixtures';
import { expectNoPageErrors } from './support/demo-user';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './support/chromium';

test.use({
  launchOptions: {
    executablePath: CHROMIUM_PATH,
    args: CHROMIUM_ARGS.map((arg) =>
      arg === '--use-fake-device-for-media-stream' ? `${arg}=device-count=3` : arg,
    ),
  },
});

test('change of camera during a call: the local view and the peer follow', async ({ openDemo }) => {
  const alice = await openDemo('alice');
  const bob = await openDemo('bob');
  const picker = alice.page.getByLabel('Camera');
  await expect(picker.locator('option')).toHaveCount(3);
  await expect(alice.page.getByLabel('Microphone').locator('option')).not.toHaveCount(0);
  const [first, , second] = await picker
    .locator('option')
    .evaluateAll((options) => options.map((o) => (o as HTMLOptionElement).value));
  if (first === undefined || second === undefined) throw new Error('the camera picker lost its options');

  await alice.call('bob');
  await bob.accept();
  await bob.expectRemoteVideo('alice');
  const before = await alice.expectPlaying(alice.localTile(), 'local video');
  expect(before.deviceId, 'the default camera is the first').toBe(first);

  await picker.selectOption(second);
  await expect
    .poll(async () => (await alice.sample(alice.localTile())).deviceId, {
      message: 'local view on the new camera',
    })
    .toBe(second);
  await alice.expectPlaying(alice.localTile(), 'local video from the second camera');
  await bob.expectRemoteVideo('alice');
  await expect(picker).toHaveValue(second);

  await picker.selectOption(first);
  await expect.poll(async () => (await alice.sample(alice.localTile())).deviceId).toBe(first);
  await bob.expectRemoteVideo('alice');

  await alice.hangup();
  await bob.expectPhase('idle');
  expectNoPageErrors(alice, bob);
});
