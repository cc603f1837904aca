/**
 * Fixtures of the e2e suite, for any spec that drives real Chromium pages against the
 * calling-server the global setup started (the harness smoke test, and the Angular demo tests):
 *
 * - `servers` (worker): URLs of the calling-server and the static server (`support/env.ts`);
 * - `newUserPage(name, url?)`: a page in its OWN browser context (one per user: a hidden tab's
 *   `requestVideoFrameCallback` is throttled to ~1 s), camera and microphone granted, its console
 *   and page errors collected; at the end of the test each page's console is attached to the
 *   report and its context closed;
 * - `openHarness(userID)`: `newUserPage` on the harness page, logged in as `userID`;
 * - `demoUrl(options?)`: the demo app's URL, wired to the calling-server (`?server=`) with an
 *   optional ring timeout (`?ringTimeout=`);
 * - `openDemo(userID, options?)`: `newUserPage` on the demo app, logged in as `userID` through
 *   its login form, as a `DemoUser` (`support/demo-user.ts`).
 *
 * Import `test` and `expect` from here instead of `@playwright/test`.
 */
import { test as base, expect, type BrowserContext, type Page } from '@playwright/test';
import './harness/harness-api';
import { DemoUser } from './support/demo-user';
import { readServers, type E2eServers } from './support/env';

/** One user's page and its context. */
export interface UserPage {
  readonly name: string;
  readonly context: BrowserContext;
  readonly page: Page;
  /** Console lines and page errors so far (`[type] text`). */
  readonly console: string[];
}

/** Options of the demo app's URL. */
export interface DemoOptions {
  /** Seconds an invitation rings (the demo's default is 30). */
  readonly ringTimeout?: number;
}

export interface E2eFixtures {
  newUserPage(name: string, url?: string): Promise<UserPage>;
  openHarness(userID: string): Promise<UserPage>;
  /** The harness URL, wired to the calling-server. */
  harnessUrl: string;
  demoUrl(options?: DemoOptions): string;
  openDemo(userID: string, options?: DemoOptions): Promise<DemoUser>;
}

export interface E2eWorkerFixtures {
  servers: E2eServers;
}

export const test = base.extend<E2eFixtures, E2eWorkerFixtures>({
  servers: [
    // eslint-disable-next-line no-empty-pattern
    async ({}, use) => {
      await use(readServers());
    },
    { scope: 'worker' },
  ],

  harnessUrl: async ({ servers }, use) => {
    const query = new URLSearchParams({ ws: servers.callingServerUrl, http: servers.callingServerHttpUrl });
    await use(`${servers.staticBaseURL}/harness/?${query}`);
  },

  newUserPage: async ({ browser }, use, testInfo) => {
    const opened: UserPage[] = [];
    await use(async (name, url) => {
      const context = await browser.newContext({
        permissions: ['camera', 'microphone'],
        viewport: { width: 800, height: 600 },
      });
      const page = await context.newPage();
      const lines: string[] = [];
      page.on('console', (m) => lines.push(`[${m.type()}] ${m.text()}`));
      page.on('pageerror', (e) => lines.push(`[pageerror] ${e.stack ?? e.message}`));
      const user: UserPage = { name, context, page, console: lines };
      opened.push(user);
      if (url) await page.goto(url);
      return user;
    });
    for (const user of opened) {
      if (user.console.length) {
        await testInfo.attach(`${user.name}-console.txt`, {
          body: user.console.join('\n'),
          contentType: 'text/plain',
        });
      }
      await user.context.close();
    }
  },

  openHarness: async ({ newUserPage, harnessUrl }, use) => {
    await use(async (userID) => {
      const user = await newUserPage(userID, harnessUrl);
      await user.page.waitForFunction(() => typeof window.harness === 'object', undefined, {
        timeout: 15_000,
      });
      await user.page.evaluate((id) => window.harness.login(id), userID);
      return user;
    });
  },

  demoUrl: async ({ servers }, use) => {
    await use((options = {}) => {
      const query = new URLSearchParams({ server: servers.callingServerUrl });
      if (options.ringTimeout !== undefined) query.set('ringTimeout', String(options.ringTimeout));
      return `${servers.staticBaseURL}/?${query}`;
    });
  },

  openDemo: async ({ newUserPage, demoUrl }, use) => {
    await use(async (userID, options) => {
      const user = new DemoUser(await newUserPage(userID, demoUrl(options)));
      await user.login();
      return user;
    });
  },
});

export { expect };
