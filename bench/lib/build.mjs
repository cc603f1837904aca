// Bundles TypeScript sources into temporary .mjs files with esbuild (no ts-node): the library's
// path aliases resolve to the sources, npm packages stay external and resolve from the repo.
import { build } from 'esbuild';
import { mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const root = resolve(import.meta.dirname, '..', '..');
/** Where temporary bundles go: inside the repo so that external packages resolve from node_modules. */
export const cacheDir = join(root, 'node_modules', '.cache', 'ngx-trtc-calling-bench');

const alias = {
  'ngx-trtc-calling/core': join(root, 'projects/ngx-trtc-calling/core/index.ts'),
  'ngx-trtc-calling/testing': join(root, 'projects/ngx-trtc-calling/testing/index.ts'),
  'ngx-trtc-calling/webrtc': join(root, 'projects/ngx-trtc-calling/webrtc/index.ts'),
};

/**
 * Bundles `entry` (a path relative to the repo) to `<cacheDir>/<name>.mjs` and returns its path.
 * `packages: 'external'` keeps rxjs, ws, pino… as ordinary imports (one copy, as in production).
 */
export async function bundle(entry, name, { platform = 'node', external = [], define = {} } = {}) {
  mkdirSync(cacheDir, { recursive: true });
  const outfile = join(cacheDir, `${name}.mjs`);
  await build({
    entryPoints: [join(root, entry)],
    outfile,
    bundle: true,
    platform,
    format: 'esm',
    target: 'node20',
    sourcemap: 'inline',
    packages: 'external',
    external,
    define,
    alias,
    logLevel: 'error',
  });
  return outfile;
}

/** Removes every temporary bundle. */
export function cleanBundles() {
  rmSync(cacheDir, { recursive: true, force: true });
}
