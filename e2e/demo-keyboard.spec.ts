/**
 * The demo's incoming-call panel (the library's `<calling-incoming-call>`) from the keyboard:
 * focus lands inside it and stays there, Enter accepts, Escape declines; afterwards the focus
 * goes on to the call or back to the dialer instead of getting lost.
 */
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { expectNoPageErrors } from './support/demo-user';

/** Whether the focused element is inside the incoming-call panel. */
const focusInPanel = (page: Page) =>
  page.evaluate(() => !!document.activeElement?.closest('[role="alertdialog"]'));
const focusedTestId = (page: Page) =>
  page.evaluate(
    () => document.activeElement?.getAttribute('data-testid') ?? document.activeElement?.id ?? '',
  );

test('incoming-call panel from the keyboard: focus inside, Enter accepts, Escape declines', async ({
  openDemo,
}) => {
  const alice = await openDemo('alice');
  const bob = await openDemo('bob');

  await alice.call('bob');
  await expect(bob.incomingPanel()).toBeVisible();
  await expect.poll(() => focusInPanel(bob.page), { message: 'focus moves into the panel' }).toBe(true);
  await expect(bob.incomingPanel().getByRole('button', { name: /^Accept/ })).toBeFocused();
  // The focus is trapped: Tab and Shift+Tab cycle through the panel's buttons.
  await bob.page.keyboard.press('Tab');
  await expect(bob.incomingPanel().getByRole('button', { name: /^Decline/ })).toBeFocused();
  await bob.page.keyboard.press('Tab');
  expect(await focusInPanel(bob.page), 'Tab stays in the panel').toBe(true);
  await bob.page.keyboard.press('Shift+Tab');
  expect(await focusInPanel(bob.page), 'Shift+Tab stays in the panel').toBe(true);
  await bob
    .incomingPanel()
    .getByRole('button', { name: /^Accept/ })
    .focus();

  await bob.page.keyboard.press('Enter');
  await expect(bob.incomingPanel()).toHaveCount(0);
  await bob.expectPhase('connected');
  await alice.expectPhase('connected');
  // The focus went on to the call (its heading), not back to the dialer or to <body>.
  await expect.poll(() => focusedTestId(bob.page)).toBe('stage-heading');

  // Hang up from the keyboard too.
  await bob.page.getByTestId('hangup').focus();
  await bob.page.keyboard.press('Enter');
  await bob.expectPhase('idle');
  await alice.expectPhase('idle');
  await expect.poll(() => focusedTestId(bob.page), { message: 'focus back on the dialer' }).toBe('callees');

  await alice.call('bob', { type: 'audio' });
  await expect(bob.incomingPanel()).toBeVisible();
  await expect.poll(() => focusInPanel(bob.page)).toBe(true);
  await bob.page.keyboard.press('Escape');
  await expect(bob.incomingPanel()).toHaveCount(0);
  await bob.expectPhase('idle');
  await alice.expectLastCall('rejected');
  await bob.expectLastCall('rejected');
  await expect.poll(() => focusedTestId(bob.page), { message: 'focus back on the dialer' }).toBe('callees');
  expectNoPageErrors(alice, bob);
});
