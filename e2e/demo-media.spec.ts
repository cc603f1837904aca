/**
 * The demo's in-call controls (the UI kit's controls bar), seen from the peer: microphone,
 * camera, audio↔video. Each button's accessible name says what a press does and flips with it.
 */
import { expect, test } from './fixtures';
import { type DemoUser, expectNoPageErrors } from './support/demo-user';

async function connect(alice: DemoUser, bob: DemoUser): Promise<void> {
  await alice.call('bob');
  await bob.accept();
  await alice.expectRemoteVideo('bob');
  await bob.expectRemoteVideo('alice');
}

test('microphone muted → the peer shows muted; camera off → the peer shows camera off; labels flip', async ({
  openDemo,
}) => {
  const alice = await openDemo('alice');
  const bob = await openDemo('bob');
  await connect(alice, bob);
  const aliceAtBob = bob.remoteTile('alice');
  const controls = alice.controls();

  await controls.getByRole('button', { name: 'Mute microphone', exact: true }).click();
  const unmute = controls.getByRole('button', { name: 'Unmute microphone' });
  await expect(unmute).toHaveAttribute('aria-pressed', 'true');
  await expect(controls.getByRole('button', { name: 'Mute microphone', exact: true })).toHaveCount(0);
  await expect(alice.mutedBadge(alice.localTile())).toBeVisible();
  await expect(bob.mutedBadge(aliceAtBob)).toBeVisible();
  expect(await bob.eventTypes()).toContain('onUserAudioAvailable');

  await unmute.click();
  await expect(controls.getByRole('button', { name: 'Mute microphone', exact: true })).toHaveAttribute(
    'aria-pressed',
    'false',
  );
  await expect(bob.mutedBadge(aliceAtBob)).toHaveCount(0);

  await controls.getByRole('button', { name: 'Turn camera off' }).click();
  const cameraOn = controls.getByRole('button', { name: 'Turn camera on' });
  await expect(cameraOn).toHaveAttribute('aria-pressed', 'true');
  await expect(bob.cameraOffBadge(aliceAtBob)).toBeVisible();
  await expect(aliceAtBob.locator('video'), 'an avatar instead of a frozen picture').toHaveCount(0);
  // Audio goes on while the camera is off.
  await expect(bob.mutedBadge(aliceAtBob)).toHaveCount(0);

  await cameraOn.click();
  await expect(controls.getByRole('button', { name: 'Turn camera off' })).toHaveAttribute(
    'aria-pressed',
    'false',
  );
  await expect(bob.cameraOffBadge(aliceAtBob)).toHaveCount(0);
  await bob.expectRemoteVideo('alice');

  await alice.hangup();
  await bob.expectPhase('idle');
  expectNoPageErrors(alice, bob);
});

test('switch to audio: a question the peer answers, then both sides are an audio call', async ({
  openDemo,
}) => {
  const alice = await openDemo('alice');
  const bob = await openDemo('bob');
  await connect(alice, bob);

  await alice.controls().getByRole('button', { name: 'Switch to audio call' }).click();
  // A switch is a question: bob's call changes only once bob agrees.
  const request = bob.page.getByRole('group', { name: 'alice asks to switch to an audio call' });
  await expect(request).toBeVisible();
  await expect(bob.controls().getByRole('button', { name: 'Turn camera off' })).toBeVisible();
  await request.getByRole('button', { name: 'Switch' }).click();

  for (const user of [alice, bob]) {
    await expect(user.status(), `${user.name}'s call is audio`).toContainText('In an audio call');
    await expect(
      user.controls().getByRole('button', { name: /Turn camera/ }),
      'no camera in an audio call',
    ).toHaveCount(0);
    await expect(user.controls().getByRole('button', { name: 'Switch to video call' })).toBeEnabled();
    await expect(
      user.cameraOffBadge(user.page.locator('ngx-call-tile')),
      'no "camera off" in an audio call',
    ).toHaveCount(0);
    await expect(user.page.locator('ngx-call-tile video'), 'avatars, not videos').toHaveCount(0);
  }
  await alice.expectPhase('connected');
  await bob.expectPhase('connected');
  await bob.hangup();
  await alice.expectPhase('idle');
  await alice.expectLastCall('remoteHangup');
  expectNoPageErrors(alice, bob);
});

// Video → audio → video: the adapter keeps the video transceiver sendrecv and swaps tracks, so
// the peer's receiver recovers every time (it did not when the direction flipped).
test('switch back to video: both sides see video again', async ({ openDemo }) => {
  const alice = await openDemo('alice');
  const bob = await openDemo('bob');
  await connect(alice, bob);

  await alice.controls().getByRole('button', { name: 'Switch to audio call' }).click();
  await bob.page
    .getByRole('group', { name: /asks to switch/ })
    .getByRole('button', { name: 'Switch' })
    .click();
  await expect(bob.status()).toContainText('In an audio call');
  await bob.controls().getByRole('button', { name: 'Switch to video call' }).click();
  await alice.page
    .getByRole('group', { name: /asks to switch/ })
    .getByRole('button', { name: 'Switch' })
    .click();
  for (const user of [alice, bob]) {
    await expect(user.status(), `${user.name}'s call is video again`).toContainText('In a video call');
  }
  await alice.expectRemoteVideo('bob');
  await bob.expectRemoteVideo('alice');
  await bob.hangup();
  await alice.expectPhase('idle');
  expectNoPageErrors(alice, bob);
});
