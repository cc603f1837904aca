/**
 * Bundles the harness page with esbuild: `e2e/harness/harness.ts` (importing the library's
 * `core` and `webrtc` entry points from source through the root tsconfig's `paths`) plus its
 * `index.html`, into `dist/e2e/harness/`.
 */
import { copyFileSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';

export const ROOT = resolve(__dirname, '../..');
/** Where the bundled harness page is written (served under `/harness/`). */
export const HARNESS_DIST = join(ROOT, 'dist/e2e/harness');

export async function buildHarness(outdir = HARNESS_DIST): Promise<string> {
  mkdirSync(outdir, { recursive: true });
  await build({
    absWorkingDir: ROOT,
    entryPoints: ['e2e/harness/harness.ts'],
    outfile: join(outdir, 'harness.js'),
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'chrome120',
    sourcemap: true,
    tsconfig: 'tsconfig.json',
    logLevel: 'warning',
  });
  copyFileSync(join(ROOT, 'e2e/harness/index.html'), join(outdir, 'index.html'));
  return outdir;
}
