/** The demo's in-call media controls, seen from the peer: microphone, camera, audio↔video. */
import { expect, test } from './fixtures';
import { type DemoUser, expectNoPageErrors } from './support/demo-user';

async function connect(alice: DemoUser, bob: DemoUser): Promise<void> {
  await alice.call('bob');
  await bob.accept();
  await alice.expectRemoteVideo('bob');
  await bob.expectRemoteVideo('alice');
}

test('microphone muted → the peer shows muted; camera off → the peer shows video off', async ({
  openDemo,
}) => {
  const alice = await openDemo('alice');
  const bob = await openDemo('bob');
  await connect(alice, bob);
  const aliceAtBob = bob.remoteTile('alice');
  const mic = alice.page.getByRole('button', { name: 'Mute microphone' });
  const camera = alice.page.getByRole('button', { name: 'Turn camera off' });

  await mic.click();
  await expect(mic).toHaveAttribute('aria-pressed', 'true');
  await expect(alice.localTile().getByTestId('self-muted-badge')).toBeVisible();
  await expect(aliceAtBob).toHaveAttribute('data-audio', 'false');
  await expect(aliceAtBob.getByTestId('muted-badge')).toHaveText('muted');
  expect(await bob.eventTypes()).toContain('onUserAudioAvailable');

  await mic.click();
  await expect(mic).toHaveAttribute('aria-pressed', 'false');
  await expect(aliceAtBob).toHaveAttribute('data-audio', 'true');
  await expect(aliceAtBob.getByTestId('muted-badge')).toHaveCount(0);

  await camera.click();
  await expect(camera).toHaveAttribute('aria-pressed', 'true');
  await expect(alice.localTile().getByTestId('self-video-off-badge')).toBeVisible();
  await expect(aliceAtBob).toHaveAttribute('data-video', 'false');
  await expect(aliceAtBob.getByTestId('video-off-badge')).toHaveText('video off');
  // Audio goes on while the camera is off.
  await expect(aliceAtBob).toHaveAttribute('data-audio', 'true');

  await camera.click();
  await expect(camera).toHaveAttribute('aria-pressed', 'false');
  await expect(aliceAtBob).toHaveAttribute('data-video', 'true');
  await expect(aliceAtBob.getByTestId('video-off-badge')).toHaveCount(0);
  await bob.expectRemoteVideo('alice');

  await alice.hangup();
  await bob.expectPhase('idle');
  expectNoPageErrors(alice, bob);
});

test('switch to audio: both sides become an audio call', async ({ openDemo }) => {
  const alice = await openDemo('alice');
  const bob = await openDemo('bob');
  await connect(alice, bob);

  await alice.page.getByRole('button', { name: 'Switch to audio call' }).click();
  // A switch is a question: bob's call changes only once bob agrees.
  await expect(bob.page.getByTestId('switch-request')).toContainText('alice asks to switch to an audio call');
  await expect(bob.stage()).toHaveAttribute('data-call-type', 'video');
  await bob.page.getByTestId('accept-switch').click();
  for (const user of [alice, bob]) {
    await expect(user.stage(), `${user.name}'s call is audio`).toHaveAttribute('data-call-type', 'audio');
    await expect(user.page.getByRole('button', { name: 'Turn camera off' })).toBeDisabled();
    await expect(user.page.getByRole('button', { name: 'Switch to video call' })).toBeEnabled();
    await expect(user.page.getByTestId('video-off-badge'), 'no "video off" in an audio call').toHaveCount(0);
  }
  await expect(bob.remoteTile('alice')).toHaveAttribute('data-video', 'false');
  await expect(alice.remoteTile('bob')).toHaveAttribute('data-video', 'false');
  await expect(alice.remoteTile('bob')).toHaveAttribute('data-audio', 'true');
  await expect(bob.remoteTile('alice')).toHaveAttribute('data-audio', 'true');
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
  await alice.page.getByRole('button', { name: 'Switch to audio call' }).click();
  await bob.page.getByTestId('accept-switch').click();
  await expect(bob.stage()).toHaveAttribute('data-call-type', 'audio');

  await bob.page.getByRole('button', { name: 'Switch to video call' }).click();
  await alice.page.getByTestId('accept-switch').click();
  for (const user of [alice, bob]) {
    await expect(user.stage(), `${user.name}'s call is video again`).toHaveAttribute(
      'data-call-type',
      'video',
    );
  }
  await alice.expectRemoteVideo('bob');
  await bob.expectRemoteVideo('alice');
  await bob.hangup();
  await alice.expectPhase('idle');
  expectNoPageErrors(alice, bob);
});
