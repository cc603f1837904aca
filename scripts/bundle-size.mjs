// Measures min+gzip of what an app pays for an entry point: `export * from '<entry>'`,
// bundled and minified by esbuild with its default resolution (so rxjs resolves to the
// build a default bundler picks), then gzipped at level 9. Needs `ng build ngx-trtc-calling`.
import { build } from 'esbuild';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';

const root = resolve(import.meta.dirname, '..');

/**
 * min+gzip bytes (plus raw minified bytes and the inputs) of an entry module's `source`.
 * `tsconfigRaw: '{}'`: otherwise esbuild applies the repo's tsconfig `paths` to the files under
 * dist/, so a built entry's `import 'ngx-trtc-calling/core'` would resolve to core's sources.
 */
export async function measureSource(source, { external = [] } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'ngx-trtc-calling-size-'));
  try {
    mkdirSync(join(dir, 'node_modules'));
    symlinkSync(join(root, 'dist', 'ngx-trtc-calling'), join(dir, 'node_modules', 'ngx-trtc-calling'), 'dir');
    writeFileSync(join(dir, 'entry.mjs'), source);
    const result = await build({
      entryPoints: [join(dir, 'entry.mjs')],
      bundle: true,
      minify: true,
      format: 'esm',
      write: false,
      metafile: true,
      external,
      nodePaths: [join(root, 'node_modules')],
      logLevel: 'error',
      tsconfigRaw: '{}',
    });
    const code = result.outputFiles[0].contents;
    return {
      min: code.length,
      gzip: gzipSync(code, { level: 9 }).length,
      inputs: Object.keys(result.metafile.inputs),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** min+gzip bytes of `export * from specifier`: what an app pays for that entry point. */
export function measureEntry(specifier, options = {}) {
  return measureSource(`export * from '${specifier}';\n`, options);
}
