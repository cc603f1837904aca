/**
 * Global setup of the e2e suite: checks Chromium, bundles the harness page, builds the demo app
 * (unless `E2E_DEMO_DIR` names a build), starts a dev-mode calling-server and a static server on
 * 127.0.0.1 (ephemeral ports; the demo at `/`, the harness under `/harness/`), publishes their
 * URLs to the workers (`support/env.ts`), and returns the teardown that stops both.
 */
import { LOG_LEVELS, startServer, type LogLevel } from '../projects/calling-server/src';
import { assertChromium } from './support/chromium';
import { buildDemo } from './support/build-demo';
import { buildHarness } from './support/build-harness';
import { publishServers } from './support/env';
import { startStaticServer } from './support/static-server';

export default async function globalSetup(): Promise<() => Promise<void>> {
  assertChromium();
  const harnessDir = await buildHarness();
  const demoDir = buildDemo();
  const callingServer = await startServer({
    host: '127.0.0.1',
    port: 0,
    dev: true,
    // Two tabs of one user may both be logged in (multi-device tests).
    sessionPolicy: 'multi',
    // Quiet unless asked (E2E_SERVER_LOG_LEVEL=debug …): pino writes to the reporter's stdout.
    logLevel: serverLogLevel(),
    shutdownGraceMs: 500,
  });
  const statics = await startStaticServer({
    // The demo's production build has <base href="/">; its deep links fall back to index.html.
    mounts: { '/harness/': harnessDir, '/': demoDir },
    spaFallback: ['/'],
  });
  publishServers({
    callingServerUrl: callingServer.url,
    callingServerHttpUrl: callingServer.httpUrl,
    sdkAppID: callingServer.config.sdkAppID,
    staticBaseURL: statics.baseURL,
  });
  return async () => {
    await statics.close();
    await callingServer.close();
  };
}

function serverLogLevel(): LogLevel {
  const level = process.env['E2E_SERVER_LOG_LEVEL'] ?? 'error';
  if (!(LOG_LEVELS as readonly string[]).includes(level)) {
    throw new Error(`E2E_SERVER_LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}`);
  }
  return level as LogLevel;
}
