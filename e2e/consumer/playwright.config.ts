/**
 * The consumer test (`npm run test:consumer`, after `npm run build:lib`): a fresh Angular app with
 * the packed library and `ng add`, built in production, makes a call between two of its pages
 * against the packed calling-server. See global-setup.ts. Bounded: 5 minutes in all.
 */
import { defineConfig } from '@playwright/test';
import { chromiumLaunchOptions } from '../support/chromium';

export default defineConfig({
  testDir: '.',
  testMatch: '**/*.consumer.ts',
  outputDir: '../artifacts/consumer-results',
  globalSetup: './global-setup.ts',
  workers: 1,
  retries: 0,
  forbidOnly: !!process.env['CI'],
  timeout: 90_000,
  globalTimeout: 5 * 60_000,
  expect: { timeout: 20_000 },
  reporter: [['list']],
  use: {
    browserName: 'chromium',
    headless: true,
    launchOptions: chromiumLaunchOptions,
    actionTimeout: 20_000,
    navigationTimeout: 30_000,
    trace: 'retain-on-failure',
    video: 'off',
  },
  projects: [{ name: 'chromium' }],
});
