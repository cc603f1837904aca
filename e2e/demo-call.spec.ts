/**
 * The demo app (`src/`) in real Chromium over the e2e calling-server, one browser context per
 * user: one-to-one calls and how they end (hang-up, decline, a camera blocked, busy, ring
 * timeout, cancel, a reload that rejoins, a closed tab), each told in plain words and none with an
 * error banner.
 */
import { expect, test } from './fixtures';
import { expectNoPageErrors, keepScreenshot } from './support/demo-user';

test('1:1 video call: accepted, both see the other, hung up, both idle', async ({ openDemo }, testInfo) => {
  const alice = await openDemo('alice');
  const bob = await openDemo('bob');

  await alice.call('bob');
  await alice.expectPhase('dialing');
  await expect(alice.outgoing()).toHaveAttribute('data-state', 'ringing');
  await expect(alice.outgoing()).toContainText('Calling bob…');
  await expect(bob.incomingPanel()).toContainText('alice is calling you (video call)');
  await bob.accept();
  await alice.expectPhase('connected');
  await bob.expectPhase('connected');

  const aliceSees = await alice.expectRemoteVideo('bob');
  const bobSees = await bob.expectRemoteVideo('alice');
  await alice.expectPlaying(alice.localTile(), 'local video');
  await bob.expectPlaying(bob.localTile(), 'local video');
  for (const [user, peer] of [
    [alice, 'bob'],
    [bob, 'alice'],
  ] as const) {
    await expect(user.remoteTile(peer).locator('video')).toHaveCount(1);
    await expect(user.mutedBadge(user.remoteTile(peer))).toHaveCount(0);
  }
  testInfo.annotations.push({
    type: 'video',
    description: `alice sees bob ${aliceSees.videoWidth}x${aliceSees.videoHeight}, bob sees alice ${bobSees.videoWidth}x${bobSees.videoHeight}`,
  });

  await expect(alice.page.getByRole('timer', { name: 'Call duration' })).toHaveText(/^0:0[1-9]|^0:[1-5]\d/);
  await keepScreenshot(alice, testInfo, 'in-call');
  await keepScreenshot(bob, testInfo, 'in-call');

  await alice.hangup();
  await alice.expectPhase('idle');
  await bob.expectPhase('idle');
  await expect(alice.stage()).toHaveCount(0);
  await expect(bob.stage()).toHaveCount(0);
  await alice.expectLastCall('hangup');
  await bob.expectLastCall('remoteHangup');
  expect(await alice.eventTypes()).toEqual(
    expect.arrayContaining(['onUserAccept', 'onUserEnter', 'onUserVideoAvailable', 'onCallEnd']),
  );
  expect(await bob.eventTypes()).toEqual(expect.arrayContaining(['onInvited', 'onUserEnter', 'onCallEnd']));
  // The log is newest first.
  expect((await bob.eventTypes())[0]).toBe('onCallEnd');
  expectNoPageErrors(alice, bob);
});

test('decline: the caller sees the call declined', async ({ openDemo }) => {
  const alice = await openDemo('alice');
  const bob = await openDemo('bob');

  await alice.call('bob', { type: 'audio' });
  await expect(bob.incomingPanel()).toContainText('alice is calling you (audio call)');
  await bob.reject();
  await expect(bob.incomingPanel()).toHaveCount(0);
  await alice.expectPhase('idle');
  await bob.expectPhase('idle');
  await alice.expectLastCall('rejected');
  await bob.expectLastCall('rejected');
  await alice.expectOutcome('bob declined.');
  await expect(alice.outgoing()).toHaveAttribute('data-state', 'declined');
  await expect(alice.outgoing()).toContainText('bob declined the call.');
  await alice.outgoing().getByRole('button', { name: 'Close' }).click();
  await expect(alice.outgoing()).toHaveCount(0);
  expect(await alice.eventTypes()).toContain('onReject');
  await expect(alice.errorBanner()).toHaveCount(0);
  await expect(bob.errorBanner()).toHaveCount(0);
  expectNoPageErrors(alice, bob);
});

test('camera blocked: the callee accepts a video call, both read why it ended, no error banner', async ({
  openDemo,
}) => {
  const alice = await openDemo('alice');
  const bob = await openDemo('bob');
  await bob.blockCamera();

  await alice.call('bob', { type: 'video' });
  await expect(bob.incomingPanel()).toContainText('alice is calling you (video call)');
  await bob.accept();
  await alice.expectPhase('idle');
  await bob.expectPhase('idle');
  await bob.expectOutcome('your camera is blocked');
  await alice.expectOutcome('bob could not join: their camera is blocked.');
  await alice.expectLastCall('mediaFailed');
  await expect(alice.errorBanner()).toHaveCount(0);
  await expect(bob.errorBanner()).toHaveCount(0);
  expectNoPageErrors(alice, bob);
});

test('no camera: a video call goes on with audio only for that user, said in a notice, no error banner', async ({
  openDemo,
}) => {
  const alice = await openDemo('alice');
  const bob = await openDemo('bob');
  await bob.removeCamera();

  await alice.call('bob', { type: 'video' });
  await expect(bob.incomingPanel()).toContainText('alice is calling you (video call)');
  await bob.accept();
  await alice.expectPhase('connected');
  await bob.expectPhase('connected');
  await expect(bob.page.getByTestId('outcome-notice')).toContainText('audio only');
  await expect(bob.errorBanner()).toHaveCount(0);
  // bob still sees alice's camera.
  await bob.expectRemoteVideo('alice');
  await alice.hangup();
  await bob.expectPhase('idle');
  expectNoPageErrors(alice, bob);
});

test('busy: a third user calling someone in a call gets line busy', async ({ openDemo }) => {
  const alice = await openDemo('alice');
  const bob = await openDemo('bob');
  const carol = await openDemo('carol');

  await alice.call('bob');
  await bob.accept();
  await alice.expectPhase('connected');

  await carol.call('alice');
  await carol.expectLastCall('busy');
  await carol.expectPhase('idle');
  await carol.expectOutcome('alice is busy.');
  await expect(carol.outgoing()).toHaveAttribute('data-state', 'busy');
  await expect(carol.outgoing()).toContainText('alice is in another call.');
  await expect(carol.errorBanner()).toHaveCount(0);
  expect(await carol.eventTypes()).toContain('onLineBusy');
  // The running call goes on, untouched, and alice never rang.
  await alice.expectPhase('connected');
  await bob.expectPhase('connected');
  await expect(alice.incomingPanel()).toHaveCount(0);
  await expect(alice.page.getByTestId('call-record')).toHaveCount(0);

  await bob.hangup();
  await alice.expectPhase('idle');
  await alice.expectLastCall('remoteHangup');
  expectNoPageErrors(alice, bob, carol);
});

test('ring timeout: nobody answers within the configured ring time', async ({ openDemo }) => {
  const ringTimeout = 3;
  const alice = await openDemo('alice', { ringTimeout });
  const bob = await openDemo('bob', { ringTimeout });

  const started = Date.now();
  await alice.call('bob');
  await expect(bob.incomingPanel()).toBeVisible();
  await alice.expectPhase('idle', 20_000);
  await bob.expectPhase('idle', 20_000);
  const seconds = (Date.now() - started) / 1000;
  expect(seconds, 'ended after the ring timeout').toBeGreaterThanOrEqual(ringTimeout - 0.5);
  await expect(bob.incomingPanel()).toHaveCount(0);
  // Both ring timers run out at once: the caller's own (noResponse) or the callee's (timeout) wins.
  await alice.expectLastCall(/^(noResponse|timeout)$/);
  await bob.expectLastCall('timeout');
  await alice.expectOutcome('bob did not answer.');
  await expect(alice.outgoing()).toHaveAttribute('data-state', 'noAnswer');
  await expect(alice.errorBanner()).toHaveCount(0);
  expect(await alice.eventTypes()).toEqual(
    expect.arrayContaining([expect.stringMatching(/^(onNoResp|onCallingTimeout)$/)]),
  );
  expect(await bob.eventTypes()).toContain('onCallingTimeout');
  expectNoPageErrors(alice, bob);
});

test('cancel: the caller hangs up while it rings', async ({ openDemo }) => {
  const alice = await openDemo('alice');
  const bob = await openDemo('bob');

  await alice.call('bob');
  await expect(bob.incomingPanel()).toBeVisible();
  await expect(alice.outgoing()).toHaveAttribute('data-state', 'ringing');
  await alice.cancel();
  await expect(bob.incomingPanel()).toHaveCount(0);
  await alice.expectPhase('idle');
  await bob.expectPhase('idle');
  await alice.expectLastCall('canceled');
  await bob.expectLastCall('canceled');
  await alice.expectOutcome('You cancelled the call to bob.');
  await expect(alice.outgoing()).toHaveAttribute('data-state', 'canceled');
  await bob.expectOutcome('Call with alice ended: cancelled by the caller.');
  expect(await bob.eventTypes()).toContain('onCallingCancel');
  expectNoPageErrors(alice, bob);
});

test('reload during a call: the page signs in again by itself and is back in the call; the peer never sees it end', async ({
  openDemo,
}, testInfo) => {
  test.setTimeout(90_000);
  const alice = await openDemo('alice');
  const bob = await openDemo('bob');

  await alice.call('bob');
  await bob.accept();
  await alice.expectRemoteVideo('bob');
  // Every phase alice's status line shows from here on.
  await alice.page.evaluate(() => {
    const status = document.querySelector('[data-testid="status"]')!;
    const seen: string[] = [];
    (window as unknown as { phasesSeen: string[] }).phasesSeen = seen;
    new MutationObserver(() => seen.push(status.getAttribute('data-phase') ?? '')).observe(status, {
      attributes: true,
      attributeFilter: ['data-phase'],
    });
  });

  const reloaded = Date.now();
  await bob.page.reload();
  // The demo remembers bob in this tab and signs in again; core rejoins the call it kept.
  await expect(bob.page.getByTestId('logged-in-as')).toHaveText('bob', { timeout: 15_000 });
  await bob.expectPhase('connected', 20_000);
  await bob.expectRemoteVideo('alice');
  await alice.expectRemoteVideo('bob');
  testInfo.annotations.push({
    type: 'rejoin',
    description: `reload → video both ways ${Date.now() - reloaded} ms`,
  });

  await alice.expectPhase('connected');
  expect(
    await alice.page.evaluate(() => (window as unknown as { phasesSeen: string[] }).phasesSeen),
  ).not.toContain('idle');
  expect(await alice.eventTypes()).not.toContain('onCallEnd');
  await expect(alice.page.getByTestId('call-record')).toHaveCount(0);

  await alice.hangup();
  await bob.expectPhase('idle');
  await bob.expectLastCall('remoteHangup');
  expectNoPageErrors(alice);
});

test('a closed tab during a call ends it for the peer once the server grace is over', async ({
  openDemo,
}, testInfo) => {
  test.setTimeout(120_000);
  const alice = await openDemo('alice');
  const bob = await openDemo('bob');

  await alice.call('bob');
  await bob.accept();
  await alice.expectRemoteVideo('bob');

  const closed = Date.now();
  await bob.page.close();
  // The server keeps bob's place for its grace (5 s resume + 30 s rejoin), then he has left.
  await alice.expectPhase('idle', 60_000);
  const seconds = (Date.now() - closed) / 1000;
  testInfo.annotations.push({
    type: 'grace',
    description: `tab closed → call ended ${seconds.toFixed(1)} s`,
  });
  expect(seconds, 'the call ends within the grace and a bound').toBeLessThan(50);
  await alice.expectLastCall('remoteHangup');
  await expect(alice.stage()).toHaveCount(0);
  expectNoPageErrors(alice);
});
