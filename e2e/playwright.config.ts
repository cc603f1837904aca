/**
 * Playwright configuration of the e2e suite: the system Chromium (no browser download),
 * one worker (two browser contexts per test already keep 2 cores busy), no retries, list + JSON
 * reporters, artifacts (screenshots, traces on failure, results.json) under `e2e/artifacts/`.
 *
 * `globalSetup` bundles the harness page and starts a dev calling-server and a static server;
 * specs get them through the fixtures of `fixtures.ts`.
 *
 * Run: `npx playwright test -c e2e/playwright.config.ts` (or `npm run test:e2e`).
 */
import { defineConfig } from '@playwright/test';
import { chromiumLaunchOptions } from './support/chromium';

export default defineConfig({
  testDir: '.',
  testMatch: '**/*.spec.ts',
  // consumer/ has its own config (test:consumer); its kit/ holds jest specs run inside the
  // generated app, which Playwright must not load.
  testIgnore: 'consumer/**',
  outputDir: 'artifacts/test-results',
  globalSetup: './global-setup.ts',
  workers: 1,
  retries: 0,
  fullyParallel: false,
  forbidOnly: !!process.env['CI'],
  // Bounded but generous: a 2-core CI machine runs two Chromium renderers plus WebRTC per test.
  timeout: 90_000,
  globalTimeout: 15 * 60_000,
  expect: { timeout: 20_000 },
  reporter: [['list'], ['json', { outputFile: 'artifacts/results.json' }]],
  use: {
    browserName: 'chromium',
    headless: true,
    launchOptions: chromiumLaunchOptions,
    actionTimeout: 20_000,
    navigationTimeout: 30_000,
    screenshot: 'on',
    trace: 'retain-on-failure',
    video: 'off',
  },
  projects: [{ name: 'chromium' }],
});
