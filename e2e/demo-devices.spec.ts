/**
 * The demo's device pickers (the home screen's, then the call screen's camera menu) with several fake cameras (`--use-fake-device-for-media-stream=device-count=3`,
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

test("change of camera during a call (the call screen's camera menu): the local view and the peer follow", async ({
  openDemo,
}) => {
  const alice = await openDemo('alice');
  const bob = await openDemo('bob');
  // Before the call: the home screen's picker lists every camera.
  const picker = alice.page.getByLabel('Camera', { exact: true });
  await expect(picker.locator('option')).toHaveCount(3);
  await expect(alice.page.getByLabel('Microphone', { exact: true }).locator('option')).not.toHaveCount(0);
  const [first, , second] = await picker
    .locator('option')
    .evaluateAll((options) => options.map((o) => (o as HTMLOptionElement).value));
  if (first === undefined || second === undefined) throw new Error('the camera picker lost its options');

  await alice.call('bob');
  await bob.accept();
  await bob.expectRemoteVideo('alice');
  const before = await alice.expectPlaying(alice.localTile(), 'local video');
  expect(before.deviceId, 'the default camera is the first').toBe(first);

  /** Chooses the camera at `index` from the controls bar's camera menu (a CDK menu of radio items). */
  const choose = async (index: number) => {
    await alice.controls().getByRole('button', { name: 'Choose camera' }).click();
    const items = alice.page.getByRole('menu', { name: 'Choose camera' }).getByRole('menuitemradio');
    await expect(items).toHaveCount(3);
    await items.nth(index).click();
    await expect(alice.page.getByRole('menu')).toHaveCount(0);
  };

  await choose(2);
  await expect
    .poll(async () => (await alice.sample(alice.localTile())).deviceId, {
      message: 'local view on the new camera',
    })
    .toBe(second);
  await alice.expectPlaying(alice.localTile(), 'local video from the second camera');
  await bob.expectRemoteVideo('alice');
  await alice.controls().getByRole('button', { name: 'Choose camera' }).click();
  await expect(
    alice.page.getByRole('menu', { name: 'Choose camera' }).getByRole('menuitemradio').nth(2),
    'the menu shows the camera in use',
  ).toHaveAttribute('aria-checked', 'true');
  await alice.page.keyboard.press('Escape');

  await choose(0);
  await expect.poll(async () => (await alice.sample(alice.localTile())).deviceId).toBe(first);
  await bob.expectRemoteVideo('alice');

  await alice.hangup();
  await bob.expectPhase('idle');
  expectNoPageErrors(alice, bob);
});
