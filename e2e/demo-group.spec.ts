/** The demo's group calls: three users in one call, everybody sees everybody. */
import { expect, test } from './fixtures';
import { type DemoUser, expectNoPageErrors, keepScreenshot } from './support/demo-user';

test('group video call of three: every page shows two remote tiles with moving video', async ({
  openDemo,
}, testInfo) => {
  const alice = await openDemo('alice');
  const bob = await openDemo('bob');
  const carol = await openDemo('carol');
  // Six 640×480 streams are a lot for two cores: everyone sends 240p (the quality picker).
  for (const user of [alice, bob, carol]) await user.page.getByLabel('Video quality').selectOption('240p');

  await alice.call(['bob', 'carol']);
  await expect(alice.outgoing()).toContainText('Calling bob, carol…');
  await expect(bob.incomingPanel()).toContainText('alice invites you to a group video call with 1 other');
  await expect(carol.incomingPanel()).toContainText('alice invites you to a group video call with 1 other');
  await bob.accept();
  await carol.accept();

  const everyone: [DemoUser, string[]][] = [
    [alice, ['bob', 'carol']],
    [bob, ['alice', 'carol']],
    [carol, ['alice', 'bob']],
  ];
  // Every page, every remote tile at once: the time is the slowest one's, not the sum.
  await Promise.all(
    everyone.map(async ([user, others]) => {
      await user.expectPhase('connected');
      await expect(user.remoteTiles(), `${user.name} has a tile per other participant`).toHaveCount(2);
      await Promise.all(others.map((other) => user.expectRemoteVideo(other)));
      const local = await user.sample(user.localTile());
      expect(local.videoWidth, `${user.name} captures 240p`).toBe(320);
    }),
  );
  for (const [user] of everyone) await keepScreenshot(user, testInfo, 'group-call');

  // carol leaves: the others go on, each with one remote tile.
  await carol.hangup();
  await carol.expectPhase('idle');
  await expect(alice.remoteTiles()).toHaveCount(1);
  await expect(bob.remoteTiles()).toHaveCount(1);
  await alice.expectPhase('connected');
  await expect(alice.status(), 'the status names only who is still there').toHaveText(
    'In a video group call with bob.',
  );
  await alice.expectRemoteVideo('bob');

  await alice.hangup();
  await alice.expectPhase('idle');
  await bob.expectPhase('idle');
  await alice.expectLastCall('hangup');
  expectNoPageErrors(alice, bob, carol);
});

test('group call into an IM group (groupID): the invitation reaches every member', async ({ openDemo }) => {
  const alice = await openDemo('alice');
  const bob = await openDemo('bob');
  const carol = await openDemo('carol');

  await alice.call(['bob', 'carol'], { type: 'audio', groupID: `e2e-${Date.now()}` });
  await expect(bob.incomingPanel()).toContainText('alice invites you to a group audio call');
  await expect(carol.incomingPanel()).toContainText('alice invites you to a group audio call');
  await bob.accept();
  await carol.reject();
  await alice.expectPhase('connected');
  await expect(alice.remoteTile('bob')).toHaveCount(1);
  await expect(alice.status()).toHaveText('In an audio group call with bob.');
  await expect(bob.mutedBadge(bob.remoteTile('alice'))).toHaveCount(0);
  await carol.expectLastCall('rejected');
  await bob.hangup();
  await alice.expectPhase('idle');
  await bob.expectPhase('idle');
  // The IM group does not stick: the next call from the dialer is a 1:1 call again.
  await expect(alice.page.getByLabel('IM group ID')).toHaveValue('');
  expectNoPageErrors(alice, bob, carol);
});
