/**
 * An accessibility audit of the demo on the UI kit with axe-core, over every main state, at a
 * desktop and a phone width: sign-in, dialer (with a user ID error), device check, outgoing,
 * incoming (and its device check before answering), a 1:1 call, history, and (desktop) a group call. No serious or critical violation
 * is allowed. Each state's screenshot is kept with the test; `E2E_UPDATE_DOCS_SCREENSHOT=1`
 * copies them to `docs/` (the README's screenshots come from this run).
 */
import AxeBuilder from '@axe-core/playwright';
import { copyFileSync, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { TestInfo } from '@playwright/test';
import { expect, test } from './fixtures';
import { DemoUser, expectNoPageErrors, keepScreenshot } from './support/demo-user';

const DOCS = resolve(__dirname, '../docs');

const WIDTHS = {
  desktop: { width: 1280, height: 800 },
  phone: { width: 390, height: 844 },
} as const;

/** The serious and critical violations axe finds on `user`'s page, one line each. */
async function audit(user: DemoUser): Promise<string[]> {
  const results = await new AxeBuilder({ page: user.page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/** Audits the state and keeps its screenshot (copied to docs/ on request). */
async function check(
  user: DemoUser,
  state: string,
  width: keyof typeof WIDTHS,
  testInfo: TestInfo,
): Promise<void> {
  // No hover highlight on whatever ended up under the pointer; animations settled.
  await user.page.mouse.move(0, WIDTHS[width].height - 1);
  await user.page.waitForTimeout(300);
  expect.soft(await audit(user), `${state} (${width}): serious or critical axe violations`).toEqual([]);
  const shot = await keepScreenshot(user, testInfo, `${width}-${state}`);
  if (process.env['E2E_UPDATE_DOCS_SCREENSHOT'] === '1') {
    mkdirSync(DOCS, { recursive: true });
    copyFileSync(shot, resolve(DOCS, `demo-${width}-${state}.png`));
  }
}

for (const width of ['desktop', 'phone'] as const) {
  test(`every main state passes axe (${width})`, async ({ newUserPage, demoUrl, openDemo }, testInfo) => {
    test.setTimeout(180_000);
    // bob's page, the one audited, before login.
    const first = await newUserPage('bob', demoUrl());
    await first.page.setViewportSize(WIDTHS[width]);
    const bob = new DemoUser(first);
    await expect(bob.page.getByLabel('Your user ID')).toBeVisible();
    await check(bob, 'login', width, testInfo);
    await bob.login();
    const alice = await openDemo('alice');

    // The dialer, with a user ID that does not work (an error told next to its field).
    await bob.page.getByLabel('User ID', { exact: true }).fill('no spaces');
    await expect(bob.page.getByTestId('callee-problem')).toContainText('is not a user ID');
    await check(bob, 'error', width, testInfo);
    await bob.page.getByLabel('User ID', { exact: true }).fill('');
    await check(bob, 'dialer', width, testInfo);

    // The device check before a call.
    await bob.page.getByTestId('device-check-open').click();
    await expect(bob.page.getByTestId('device-check')).toBeVisible();
    await bob.page.waitForTimeout(1000);
    await check(bob, 'device-check', width, testInfo);
    await bob.page.getByTestId('device-check').getByRole('button', { name: 'Done' }).click();

    // bob calls alice: the outgoing screen.
    await bob.call('alice');
    await expect(bob.outgoing()).toHaveAttribute('data-state', 'ringing');
    await check(bob, 'outgoing', width, testInfo);
    await bob.cancel();
    await bob.outgoing().getByRole('button', { name: 'Close' }).click();

    // alice calls bob: the incoming screen.
    await alice.call('bob');
    await expect(bob.incomingPanel()).toBeVisible();
    await check(bob, 'incoming', width, testInfo);
    // The device check inside the dialog, before answering.
    await bob.incomingPanel().getByRole('button', { name: 'Check camera and microphone first' }).click();
    await expect(bob.incomingPanel().getByTestId('incoming-device-check')).toBeVisible();
    await bob.page.waitForTimeout(1000);
    await check(bob, 'incoming-device-check', width, testInfo);
    await bob.incomingPanel().getByRole('button', { name: 'Done' }).click();
    await bob.accept();

    // In a 1:1 call with moving video.
    await bob.expectRemoteVideo('alice');
    await bob.expectPlaying(bob.localTile(), 'self view');
    await expect(bob.page.getByRole('timer', { name: 'Call duration' })).toHaveText(/^0:0[1-9]|^0:[1-5]\d/);
    await check(bob, 'call', width, testInfo);
    await alice.hangup();
    await bob.expectPhase('idle');

    // History: the calls of this session, in plain words.
    await expect(bob.page.getByTestId('call-record')).toHaveCount(2);
    await check(bob, 'history', width, testInfo);

    if (width === 'desktop') {
      const carol = await openDemo('carol');
      for (const user of [alice, bob, carol])
        await user.page.getByLabel('Video quality').selectOption('240p');
      await alice.call(['bob', 'carol']);
      await bob.accept();
      await carol.accept();
      await Promise.all([bob.expectRemoteVideo('alice'), bob.expectRemoteVideo('carol')]);
      await check(bob, 'group', width, testInfo);
      await alice.hangup();
      await bob.hangup();
      await bob.expectPhase('idle');
      expectNoPageErrors(carol);
    }
    expectNoPageErrors(alice, bob);
  });
}
