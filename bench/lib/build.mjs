// Bundles TypeScript sources into temporary .mjs files with esbuild (no ts-node): the library's
// path aliases resolve to the sources, npm packages stay external and resolve from the repo.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const root = resolve(import.meta.dirname, '..', '..');
/** Where temporary bundles go: inside the repo so that external packages resolve from node_modules. */
export const cacheDir = join(root, 'node_modules', '.cache', 'ngx-trtc-calling-bench');

const alias = {
  'ngx-trtc-calling/core': join(root, 'projects/ngx-trtc-calling/core/index.ts'),
  'ngx-trtc-calling/testing': join(root, 'projects/ngx-trtc-calling/testing/index.ts'),
  'ngx-trtc-calling/webrtc': join(root, 'projects/ngx-trtc-calling/webrtc/index.ts'),
  'ngx-trtc-calling/wire': join(root, 'projects/ngx-trtc-calling/wire/index.ts'),
};

/**
 * Bundles `entry` (a path relative to the repo, or absolute) to `<cacheDir>/<name>.mjs` and returns its path.
 * `packages: 'external'` keeps rxjs, ws, pino… as ordinary imports (one copy, as in production).
 */
export async function bundle(entry, name, { platform = 'node', external = [], define = {} } = {}) {
  mkdirSync(cacheDir, { recursive: true });
  const outfile = join(cacheDir, `${name}.mjs`);
  await build({
    entryPoints: [resolve(root, entry)],
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

/**
 * Bundles `entry` as it was at git revision `rev`, like `bundle` does: the revision's `paths` are
 * read with `git archive` into a temporary directory (no checkout, the working tree is left
 * alone), bundled, and the directory removed. Its npm packages resolve from today's node_modules.
 */
export async function bundleAtRev(rev, entry, name, paths = ['projects', 'tsconfig.json']) {
  const dir = mkdtempSync(join(tmpdir(), 'ngx-trtc-calling-rev-'));
  try {
    const tar = spawnSync('git', ['-C', root, 'archive', '--format=tar', rev, ...paths], {
      maxBuffer: 1 << 30,
    });
    if (tar.status !== 0) throw new Error(`git archive ${rev}: ${String(tar.stderr).trim() || tar.error}`);
    const untar = spawnSync('tar', ['-x', '-C', dir], { input: tar.stdout });
    if (untar.status !== 0) throw new Error(`tar: ${String(untar.stderr).trim() || untar.error}`);
    return await bundle(join(dir, entry), name);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Removes every temporary bundle. */
export function cleanBundles() {
  rmSync(cacheDir, { recursive: true, force: true });
}
