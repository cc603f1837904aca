/**
 * Back into a call in progress, in real Chromium over the e2e calling-server (rejoin grace 30 s,
 * its default): a page reloaded during a 1:1 video call logs in again and is back in the call with
 * frames both ways, while the other side never saw the call end; a rejoin after the call ended
 * gets a typed error; and a group call is joined in progress with `join()`.
 */
import type { Page } from '@playwright/test';
import { expect, test, type UserPage } from './fixtures';
import { connect, phaseOf } from './support/harness-call';

const eventTypes = (page: Page) => page.evaluate(() => window.harness.events().map((e) => e.type));
const framesDecoded = async (page: Page) =>
  (await page.evaluate(() => window.harness.rtcStats())).framesDecoded;

/** Frames from `peer` keep arriving at `user`: decoded by its peer connection and playing in the view. */
async function expectFramesFrom(user: UserPage, peer: string): Promise<void> {
  await user.page.evaluate((p) => window.harness.startRemoteView(p), peer);
  const before = await framesDecoded(user.page);
  await expect
    .poll(() => framesDecoded(user.page), {
      message: `${user.name} decodes ${peer}'s video`,
      timeout: 20_000,
    })
    .toBeGreaterThan(before + 10);
  await expect
    .poll(
      async () => (await user.page.evaluate((p) => window.harness.videoStats(p), peer))?.videoWidth ?? 0,
      { message: `${user.name} renders ${peer}'s video` },
    )
    .toBeGreaterThan(0);
}

/** Reloads the page the way a user does (no hang-up first), and logs the same user in again. */
async function reloadAndLogin(user: UserPage): Promise<number> {
  const reloaded = Date.now();
  await user.page.reload();
  await user.page.waitForFunction(() => typeof window.harness === 'object');
  await user.page.evaluate((id) => window.harness.login(id), user.name);
  return reloaded;
}

test('a page reloaded during a video call comes back into it; the peer never sees it end', async ({
  openHarness,
}, testInfo) => {
  const alice = await openHarness('alice');
  const bob = await openHarness('bob');
  await connect(alice, bob);
  await expectFramesFrom(alice, 'bob');
  await expectFramesFrom(bob, 'alice');

  const reloaded = await reloadAndLogin(bob);
  await expect
    .poll(() => phaseOf(bob.page), { message: 'bob back in the call', timeout: 20_000 })
    .toBe('connected');
  const back = Date.now() - reloaded;
  expect(await bob.page.evaluate(() => window.harness.currentCall())).toMatchObject({
    joinedInProgress: 'reload',
    joined: ['alice'],
  });
  await expectFramesFrom(bob, 'alice');
  await expectFramesFrom(alice, 'bob');
  const flowing = Date.now() - reloaded;
  testInfo.annotations.push({
    type: 'rejoin',
    description: `reload → connected ${back} ms, → frames both ways ${flowing} ms`,
  });
  expect(flowing, 'frames flow both ways again within 20 s of the reload').toBeLessThan(20_000);

  // Alice's call goes on through the server's resume grace (5 s), after which the old session
  // would have been announced as left, and through the failure of the old peer connection.
  await expect
    .poll(async () => (await alice.page.evaluate(() => window.harness.rtcStats())).open, {
      message: 'alice drops the dead connection to bob’s old page',
      timeout: 30_000,
    })
    .toBe(1);
  await alice.page.waitForTimeout(Math.max(0, 8_000 - (Date.now() - reloaded)));
  await expectFramesFrom(alice, 'bob');
  expect(await phaseOf(alice.page)).toBe('connected');
  const aliceSaw = await eventTypes(alice.page);
  expect(aliceSaw).not.toContain('onCallEnd');
  expect(aliceSaw).not.toContain('onUserLeave');
  expect(await alice.page.evaluate(() => window.harness.errors())).toEqual([]);
  expect(await bob.page.evaluate(() => window.harness.errors())).toEqual([]);

  // The call ends as usual from either side.
  await bob.page.evaluate(() => window.harness.hangup());
  await expect.poll(() => phaseOf(alice.page), { message: 'alice hears the hang-up' }).toBe('idle');
  expect(await alice.page.evaluate(() => window.harness.endReasons())).toEqual(['remoteHangup']);
});

test('a page that never comes back: the peer keeps the call through the grace, then it ends as a hang-up', async ({
  openHarness,
}, testInfo) => {
  test.setTimeout(120_000);
  const alice = await openHarness('alice');
  const bob = await openHarness('bob');
  await connect(alice, bob);
  await expectFramesFrom(alice, 'bob');
  const closed = Date.now();
  await bob.page.close();
  // The link to bob's page dies and fails after its ICE restarts (~25 s): alice still waits.
  await alice.page.waitForTimeout(28_000);
  expect(await phaseOf(alice.page)).toBe('connected');
  expect(await eventTypes(alice.page)).not.toContain('onCallEnd');
  expect(await alice.page.evaluate(() => window.harness.mediaConnection())).toContain('reconnecting');
  // The server's grace (5 s resume + 30 s rejoin) is over: bob left, the call ends as his hang-up.
  await expect
    .poll(() => phaseOf(alice.page), { message: 'alice hears bob left', timeout: 30_000 })
    .toBe('idle');
  const ended = Date.now() - closed;
  testInfo.annotations.push({ type: 'grace', description: `page closed → call ended ${ended} ms` });
  expect(await alice.page.evaluate(() => window.harness.endReasons())).toEqual(['remoteHangup']);
  expect(await eventTypes(alice.page)).toContain('onUserLeave');
  expect(await alice.page.evaluate(() => window.harness.errors())).toEqual([]);
});

test('a rejoin after the call ended gets CALL_ENDED (60019) and leaves the page idle', async ({
  openHarness,
}) => {
  const alice = await openHarness('alice');
  const bob = await openHarness('bob');
  await connect(alice, bob);
  await bob.page.reload();
  await bob.page.waitForFunction(() => typeof window.harness === 'object');
  // Alice hangs up while bob's page is away.
  await alice.page.evaluate(() => window.harness.hangup());
  await expect.poll(() => phaseOf(alice.page)).toBe('idle');

  await bob.page.evaluate(() => window.harness.login('bob'));
  await expect
    .poll(() => bob.page.evaluate(() => window.harness.errors()), { message: 'bob is told the call is over' })
    .toEqual([expect.stringContaining('60019')]);
  expect(await phaseOf(bob.page)).toBe('idle');
  expect(await bob.page.evaluate(() => window.harness.endReasons())).toEqual(['remoteHangup']);
  expect(await bob.page.evaluate(() => window.harness.currentCall())).toBeNull();
  // The record is gone: a second login of the page does not try again.
  await bob.page.reload();
  await bob.page.waitForFunction(() => typeof window.harness === 'object');
  await bob.page.evaluate(() => window.harness.login('bob'));
  await bob.page.waitForTimeout(1_000);
  expect(await bob.page.evaluate(() => window.harness.errors())).toEqual([]);
  expect(await bob.page.evaluate(() => window.harness.endReasons())).toEqual([]);
});

test('join() enters a group call in progress that the user was invited to', async ({ openHarness }) => {
  const alice = await openHarness('alice');
  const bob = await openHarness('bob');
  const carol = await openHarness('carol');
  const { roomID } = await alice.page.evaluate(() => window.harness.groupCall(['bob', 'carol'], 2));
  await expect.poll(() => phaseOf(bob.page)).toBe('ringing');
  await expect.poll(() => phaseOf(carol.page)).toBe('ringing');
  await bob.page.evaluate(() => window.harness.accept());
  await carol.page.evaluate(() => window.harness.reject());
  await expect.poll(() => phaseOf(alice.page)).toBe('connected');

  // Carol changes her mind: she joins the call in progress by its room.
  await carol.page.evaluate((id) => window.harness.join(id, 2), roomID);
  await expect.poll(() => phaseOf(carol.page), { timeout: 20_000 }).toBe('connected');
  await expect
    .poll(async () => (await carol.page.evaluate(() => window.harness.currentCall()))?.joined.sort(), {
      message: 'carol meets alice and bob',
      timeout: 20_000,
    })
    .toEqual(['alice', 'bob']);
  await expectFramesFrom(carol, 'alice');
  await expectFramesFrom(alice, 'carol');
  expect(await eventTypes(alice.page)).toContain('onUserEnter');
  expect(await carol.page.evaluate(() => window.harness.errors())).toEqual([]);

  // A user who was not invited is refused by the server (ROOM_NOT_INVITED 4100), and stays idle.
  const dave = await openHarness('dave');
  const refused = await dave.page.evaluate(
    (id) =>
      window.harness.join(id, 2).then(
        () => 'joined',
        (error: { code?: number }) => error.code,
      ),
    roomID,
  );
  expect(refused).toBe(4100);
  expect(await phaseOf(dave.page)).toBe('idle');
  expect(await alice.page.evaluate(() => window.harness.currentCall()?.joined.sort())).toEqual([
    'bob',
    'carol',
  ]);
});
