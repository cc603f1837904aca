// The one recipe that bundles calling-server with esbuild, so that what the specs and the
// benchmarks run is built the way `npm run build:server` builds what ships. As a CLI (what
// `npm run build:server` runs): `node scripts/build-server.mjs [--outfile path]`, default
// dist/calling-server/main.js. From other scripts: `SERVER_BUILD` and `buildServer()`.
import { build } from 'esbuild';
import { resolve } from 'node:path';
import process from 'node:process';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

export const root = resolve(import.meta.dirname, '..');
export const SERVER_MAIN = 'projects/calling-server/src/main.ts';
export const SERVER_OUTFILE = 'dist/calling-server/main.js';

/**
 * The esbuild settings of every calling-server bundle: one file for Node 20, npm packages left as
 * imports (`packages: 'external'`: ws, pino and ioredis resolve from node_modules, as in
 * production). `ngx-trtc-calling/wire` is not an installed package but a tsconfig `paths` alias:
 * esbuild resolves `paths` before it applies `packages: 'external'`, so the wire entry is compiled
 * into the bundle; `buildServer` checks that it stays so.
 */
export const SERVER_BUILD = Object.freeze({
  bundle: true,
  platform: 'node',
  target: 'node20',
  packages: 'external',
  logLevel: 'warning',
});

/** Workspace sources that must be inside the bundle, never left as runtime imports. */
const WORKSPACE_IMPORT = /^(ngx-trtc-calling|@calling-internal)(\/|$)/;

/**
 * Bundles `entry` (relative to the repo; default the CLI entry) to `outfile` with `SERVER_BUILD`,
 * plus `overrides` (e.g. `format: 'esm'`). Throws when a workspace import was left external.
 */
export async function buildServer({ entry = SERVER_MAIN, outfile = SERVER_OUTFILE, ...overrides } = {}) {
  const result = await build({
    ...SERVER_BUILD,
    sourcemap: true,
    ...overrides,
    entryPoints: [resolve(root, entry)],
    outfile: resolve(root, outfile),
    metafile: true,
  });
  const leftOut = Object.values(result.metafile.outputs)
    .flatMap((output) => output.imports)
    .filter((i) => i.external && WORKSPACE_IMPORT.test(i.path))
    .map((i) => i.path);
  if (leftOut.length)
    throw new Error(`calling-server bundle imports ${[...new Set(leftOut)].join(', ')} at run time`);
  return resolve(root, outfile);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({ options: { outfile: { type: 'string' } } });
  await buildServer({ outfile: values.outfile ?? SERVER_OUTFILE });
}
