/**
 * The system Chromium and the flags that make two pages call each other on one machine
 * (see docs TOOLCHAIN.md, "Chromium and WebRTC"). Playwright's own browser download does not work
 * here, so every project of `e2e/playwright.config.ts` launches this binary.
 */
import { existsSync } from 'node:fs';
import type { LaunchOptions } from '@playwright/test';

/** Path of the Chromium binary (`CHROMIUM_PATH` overrides the Debian package's). */
export const CHROMIUM_PATH = process.env['CHROMIUM_PATH'] || '/usr/bin/chromium';

/** Command-line flags of every e2e Chromium. */
export const CHROMIUM_ARGS: readonly string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  // Fake camera (a moving test pattern) and microphone (a beep); permission prompts auto-accepted.
  '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream',
  // ICE host candidates on loopback (else no candidates where only `lo` routes between pages).
  '--allow-loopback-in-peer-connection',
  // Remote audio elements play without a user gesture.
  '--autoplay-policy=no-user-gesture-required',
  // A page in the background must not be throttled while it takes part in a call.
  '--disable-background-timer-throttling',
  '--disable-renderer-backgrounding',
  '--disable-backgrounding-occluded-windows',
];

/** `launchOptions` for Playwright's `use`. */
export const chromiumLaunchOptions: LaunchOptions = {
  executablePath: CHROMIUM_PATH,
  args: [...CHROMIUM_ARGS],
};

/** Throws a helpful error when the Chromium binary is missing. */
export function assertChromium(): void {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `e2e: no Chromium at ${CHROMIUM_PATH}. Install it with ` +
        '`apt-get update && apt-get install -y --no-install-recommends chromium` ' +
        '(or set CHROMIUM_PATH). Playwright cannot download browsers here.',
    );
  }
}
