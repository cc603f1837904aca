/**
 * Screen sharing and call statistics in real Chromium over the real calling-server: Chromium's
 * fake display capture (a moving pattern) as the shared screen, a second video transceiver on
 * the peer connection, the peer told which one carries it; the browser's own end of a capture;
 * a capture refused by the page's permissions policy; and stats/quality during a loopback call.
 */
import type { Page } from '@playwright/test';
import { expect, test, type UserPage } from './fixtures';
import { connect, phaseOf } from './support/harness-call';
import { CHROMIUM_ARGS, chromiumLaunchOptions } from './support/chromium';

// Picks the whole (fake) screen without a picker; the fake UI flag accepts the capture.
test.use({
  launchOptions: {
    ...chromiumLaunchOptions,
    args: [...CHROMIUM_ARGS, '--auto-select-desktop-capture-source=Entire screen'],
  },
});

/** Waits until `userID`'s screen view on `page` shows frames that move. */
async function expectScreenPlaying(page: Page, userID: string): Promise<void> {
  const stats = () => page.evaluate((id) => window.harness.screenStats(id), userID);
  await expect
    .poll(async () => (await stats())?.videoWidth ?? 0, { message: 'the screen has a size', timeout: 20_000 })
    .toBeGreaterThan(0);
  const first = (await stats())!;
  await page.waitForTimeout(600);
  const second = (await stats())!;
  expect(second.currentTime, 'the screen video advances').toBeGreaterThan(first.currentTime);
  expect(second.paused).toBe(false);
}

test('alice shares her screen, bob sees it moving beside her camera, alice stops and bob is told', async ({
  openHarness,
}) => {
  const alice = await openHarness('alice');
  const bob = await openHarness('bob');
  await connect(alice, bob);
  await bob.page.evaluate(() => window.harness.startRemoteView('alice'));

  await alice.page.evaluate(() => window.harness.startScreenShare());
  expect(await alice.page.evaluate(() => window.harness.screenSharing())).toBe(true);
  await expect
    .poll(() => bob.page.evaluate(() => window.harness.remoteScreenShares()), { message: 'bob is told' })
    .toEqual(['alice']);
  await bob.page.evaluate(() => window.harness.startRemoteScreenView('alice'));
  await expectScreenPlaying(bob.page, 'alice');

  // Two different sources: the camera view holds the camera, the screen view the screen.
  const camera = await bob.page.evaluate(() => {
    const video = (id: string) => document.querySelector<HTMLVideoElement>(`#${id} video`);
    const tracks = (id: string) =>
      ((video(id)?.srcObject as MediaStream | null)?.getVideoTracks() ?? []).map((t) => t.id);
    return { camera: tracks('remote-alice'), screen: tracks('screen-alice') };
  });
  expect(camera.camera).toHaveLength(1);
  expect(camera.screen).toHaveLength(1);
  expect(camera.screen[0]).not.toBe(camera.camera[0]);
  const pcs = await bob.page.evaluate(() => window.harness.rtcStats());
  expect(pcs.states).toEqual(['connected']);

  await alice.page.evaluate(() => window.harness.stopScreenShare());
  expect(await alice.page.evaluate(() => window.harness.screenSharing())).toBe(false);
  await expect
    .poll(() => bob.page.evaluate(() => window.harness.remoteScreenShares()), {
      message: 'bob is told it stopped',
    })
    .toEqual([]);

  // Sharing again reuses the transceiver (no renegotiation needed) and reaches bob again.
  await alice.page.evaluate(() => window.harness.startScreenShare());
  await expect
    .poll(() => bob.page.evaluate(() => window.harness.remoteScreenShares()), { message: 'shared again' })
    .toEqual(['alice']);
  await expectScreenPlaying(bob.page, 'alice');

  // The browser ends the capture (its own "Stop sharing"): both sides learn it.
  await alice.page.evaluate(() => window.harness.endScreenCapture());
  await expect.poll(() => alice.page.evaluate(() => window.harness.screenSharing())).toBe(false);
  await expect
    .poll(() => bob.page.evaluate(() => window.harness.remoteScreenShares()), {
      message: 'bob is told it ended',
    })
    .toEqual([]);
  expect(await alice.page.evaluate(() => window.harness.errors())).toEqual([]);
  expect(await bob.page.evaluate(() => window.harness.errors())).toEqual([]);
  await alice.page.evaluate(() => window.harness.hangup());
});

for (const when of ['after alice', 'at the same time as alice'] as const) {
  test(`bob shares ${when}: each sees the other's screen`, async ({ openHarness }) => {
    const alice = await openHarness('alice');
    const bob = await openHarness('bob');
    await connect(alice, bob);
    const shares = (user: UserPage) => user.page.evaluate(() => window.harness.remoteScreenShares());
    if (when === 'after alice') {
      // Bob's share goes on the transceiver alice's share added (recvonly on his side until then).
      await alice.page.evaluate(() => window.harness.startScreenShare());
      await expect.poll(() => shares(bob), { message: 'bob sees alice share' }).toEqual(['alice']);
      await bob.page.evaluate(() => window.harness.startScreenShare());
    } else {
      // Both add a transceiver at once: the offers collide and perfect negotiation sorts it out.
      await Promise.all([
        alice.page.evaluate(() => window.harness.startScreenShare()),
        bob.page.evaluate(() => window.harness.startScreenShare()),
      ]);
    }
    await expect
      .poll(() => shares(bob), { message: 'bob sees alice share', timeout: 15_000 })
      .toEqual(['alice']);
    await expect
      .poll(() => shares(alice), { message: 'alice sees bob share', timeout: 15_000 })
      .toEqual(['bob']);
    await alice.page.evaluate(() => window.harness.startRemoteScreenView('bob'));
    await bob.page.evaluate(() => window.harness.startRemoteScreenView('alice'));
    await expectScreenPlaying(alice.page, 'bob');
    await expectScreenPlaying(bob.page, 'alice');
    await alice.page.evaluate(() => window.harness.hangup());
  });
}

test('a share started while the call rings reaches bob once he accepts, not before', async ({
  openHarness,
}) => {
  const alice = await openHarness('alice');
  const bob = await openHarness('bob');
  await alice.page.evaluate(() => window.harness.call('bob', 2));
  await expect.poll(() => phaseOf(bob.page), { message: 'bob rings' }).toBe('ringing');
  // Alice is in the room while it rings (bob too, receive-only, with instant answer).
  await alice.page.evaluate(() => window.harness.startScreenShare());
  await bob.page.waitForTimeout(1_000);
  expect(await bob.page.evaluate(() => window.harness.remoteScreenShares())).toEqual([]);

  await bob.page.evaluate(() => window.harness.accept());
  await expect.poll(() => phaseOf(alice.page), { message: 'alice connected' }).toBe('connected');
  await expect
    .poll(() => bob.page.evaluate(() => window.harness.remoteScreenShares()), { message: 'bob is told' })
    .toEqual(['alice']);
  await bob.page.evaluate(() => window.harness.startRemoteScreenView('alice'));
  await expectScreenPlaying(bob.page, 'alice');
  expect(await alice.page.evaluate(() => window.harness.errors())).toEqual([]);
  await alice.page.evaluate(() => window.harness.hangup());
});

test('a capture the page may not make is SCREEN_SHARE_DENIED and changes nothing', async ({
  newUserPage,
  openHarness,
  harnessUrl,
}) => {
  // The harness served with `Permissions-Policy: display-capture=()`: getDisplayMedia is refused.
  const alice = await newUserPage('alice');
  await alice.page.goto(`${harnessUrl}&${new URLSearchParams({ permissionsPolicy: 'display-capture=()' })}`);
  await alice.page.waitForFunction(() => typeof window.harness === 'object');
  await alice.page.evaluate(() => window.harness.login('alice'));
  const bob = await openHarness('bob');
  await connect(alice, bob);

  const error = await alice.page.evaluate(() =>
    window.harness.startScreenShare().then(
      () => 'resolved',
      (e: { code?: number; reason?: string; name?: string }) => `${e.name} ${e.code} ${e.reason}`,
    ),
  );
  expect(error).toBe('CallingError 60030 screenShareDenied');
  expect(await alice.page.evaluate(() => window.harness.screenSharing())).toBe(false);
  expect(await phaseOf(alice.page)).toBe('connected');
  await bob.page.waitForTimeout(500);
  expect(await bob.page.evaluate(() => window.harness.remoteScreenShares())).toEqual([]);
  await alice.page.evaluate(() => window.harness.hangup());
});

test('stats$ reports bitrate both ways and networkQuality$ excellent or good on loopback; both clear at the end', async ({
  openHarness,
}) => {
  const alice = await openHarness('alice');
  const bob = await openHarness('bob');
  await connect(alice, bob);

  // Two rounds of getStats (2 s apart) give the first bitrates.
  await expect
    .poll(
      async () => {
        const stats = await alice.page.evaluate(() => window.harness.mediaStats());
        return stats.filter((s) => s.bitrateKbps > 0).map((s) => s.userID);
      },
      { message: 'alice sends to and receives from bob', timeout: 15_000 },
    )
    .toEqual(['alice', 'bob']);
  const stats = await alice.page.evaluate(() => window.harness.mediaStats());
  const fromBob = stats.find((s) => s.userID === 'bob')!;
  expect(fromBob.width).toBeGreaterThan(0);
  expect(fromBob.rttMs).not.toBeNull();
  expect(fromBob.packetLoss).toBeLessThan(0.05);

  // One round can read 3 on a machine whose cores are busy (a late frame is jitter); loopback
  // settles at 1–2 within a few rounds.
  await expect
    .poll(
      async () => {
        const quality = await alice.page.evaluate(() => window.harness.networkQuality());
        return quality.map((q) => `${q.userID}:${q.quality <= 2 && q.quality >= 1 ? 'good' : q.quality}`);
      },
      { message: 'quality 1–2 for alice and bob', timeout: 20_000 },
    )
    .toEqual(['alice:good', 'bob:good']);

  await alice.page.evaluate(() => window.harness.hangup());
  await expect.poll(() => phaseOf(bob.page)).toBe('idle');
  expect(await alice.page.evaluate(() => window.harness.mediaStats())).toEqual([]);
  expect(await bob.page.evaluate(() => window.harness.networkQuality())).toEqual([]);
});
