/**
 * The demo app for the e2e suite: its production build (`ng build demo`), built into
 * `dist/e2e/demo/` — or, with `E2E_DEMO_DIR` set (as `npm test` does right after its own
 * `build:demo` step), that folder as it is.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ROOT } from './build-harness';

/** Where the demo is built for the e2e suite (the browser files land in `browser/`). */
export const DEMO_DIST = join(ROOT, 'dist/e2e/demo');

/** The folder with the demo's `index.html`, built now unless `E2E_DEMO_DIR` names one. */
export function buildDemo(): string {
  const given = process.env['E2E_DEMO_DIR'];
  if (given) {
    const dir = resolve(ROOT, given);
    if (!existsSync(join(dir, 'index.html'))) {
      throw new Error(`E2E_DEMO_DIR=${given}: no index.html there (build it with \`npx ng build demo\`)`);
    }
    return dir;
  }
  const started = Date.now();
  const build = spawnSync('npx', ['ng', 'build', 'demo', '--output-path', DEMO_DIST], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, NG_CLI_ANALYTICS: 'false', NG_FORCE_TTY: 'false' },
    timeout: 300_000,
  });
  if (build.status !== 0) {
    throw new Error(
      `e2e: \`ng build demo\` failed (${build.status ?? build.signal}):\n${build.stdout}\n${build.stderr}`,
    );
  }
  console.log(`e2e: demo built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return join(DEMO_DIST, 'browser');
}
