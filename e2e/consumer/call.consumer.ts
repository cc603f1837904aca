import { expect, test, type Browser, type Page } from '@playwright/test';

async function logIn(browser: Browser, userID: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(process.env['CONSUMER_URL'] ?? '');
  await page.getByLabel('Your userID', { exact: true }).fill(userID);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByText(`Logged in as ${userID}`)).toBeVisible();
  expect(errors).toEqual([]);
  return page;
}

const phase = (page: Page) => page.getByTestId('phase');

test('the ng-add sample panel of a fresh app calls between two pages over the packed calling-server', async ({
  browser,
}) => {
  const alice = await logIn(browser, 'alice');
  const bob = await logIn(browser, 'bob');

  await alice.getByLabel('Call', { exact: true }).fill('bob');
  await alice.getByRole('button', { name: 'Video call' }).click();
  await expect(phase(bob)).toHaveText('ringing');
  await bob.getByRole('button', { name: /^Accept/ }).click();
  await expect(phase(alice)).toHaveText('connected');
  await expect(phase(bob)).toHaveText('connected');
  // Media flows: each side plays the other's camera.
  for (const [page, peer] of [
    [alice, 'bob'],
    [bob, 'alice'],
  ] as const) {
    await expect
      .poll(() =>
        page
          .getByLabel(peer, { exact: true })
          .locator('video')
          .evaluate((v: HTMLVideoElement) => v.videoWidth),
      )
      .toBeGreaterThan(0);
  }

  await alice.getByRole('button', { name: 'Hang up' }).click();
  await expect(phase(alice)).toHaveText('idle');
  await expect(phase(bob)).toHaveText('idle');
  await expect(alice.getByRole('alert')).toHaveCount(0);
  await expect(bob.getByRole('alert')).toHaveCount(0);
});
