/**
 * Steps the harness specs take alike: the call phase of a page, a 1:1 video call from alice to
 * bob brought to connected, and a harness page logged in with small video (many pages share two
 * cores).
 */
import { expect, type Page } from '@playwright/test';
import type { UserPage } from '../fixtures';

export const phaseOf = (page: Page) => page.evaluate(() => window.harness.phase());

/** `alice` video-calls `bob`, bob accepts, both are connected (each wait bounded by `timeout`). */
export async function connect(
  alice: UserPage,
  bob: UserPage,
  options: { readonly timeout?: number } = {},
): Promise<void> {
  const bounded = options.timeout === undefined ? {} : { timeout: options.timeout };
  await alice.page.evaluate(() => window.harness.call('bob', 2));
  await expect.poll(() => phaseOf(bob.page), { message: 'bob rings', ...bounded }).toBe('ringing');
  await bob.page.evaluate(() => window.harness.accept());
  for (const user of [alice, bob])
    await expect
      .poll(() => phaseOf(user.page), { message: `${user.name} connected`, ...bounded })
      .toBe('connected');
}

/** `newUserPage` on the harness at `url`, logged in as `userID`, sending 160×120 video at 10 fps. */
export async function smallVideoUser(
  newUserPage: (name: string, url?: string) => Promise<UserPage>,
  url: string,
  userID: string,
): Promise<UserPage> {
  const user = await newUserPage(userID, url);
  await user.page.waitForFunction(() => typeof window.harness === 'object', undefined, { timeout: 15_000 });
  await user.page.evaluate(async (id) => {
    await window.harness.login(id);
    await window.harness.setVideoQuality({ width: 160, height: 120, frameRate: 10, bitrate: 150 });
  }, userID);
  return user;
}
