// What an app pays for an entry point of the built library, measured by size-limit with its
// esbuild plugin (bundle, minify, gzip -9). One code path for the budgets (`.size-limit.mjs`,
// run by `npm run test:budgets`) and for `bench/bundles.mjs`, so both report the same figures.
// Needs `ng build ngx-trtc-calling`.
import esbuildPlugin from '@size-limit/esbuild';
import filePlugin from '@size-limit/file';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import sizeLimit from 'size-limit';

export const KB = 1024;
const root = resolve(import.meta.dirname, '..');

/** core and the rxjs it brings: an app that uses any entry already pays for them. */
export const CORE = ['ngx-trtc-calling/core', 'rxjs', 'rxjs/*', 'tslib'];
export const ANGULAR = ['@angular/*'];
export const SDKS = ['tim-js-sdk', 'trtc-js-sdk', 'tsignaling'];

/** The built FESM file of an entry: `ngx-trtc-calling/core` → dist/…/ngx-trtc-calling-core.mjs. */
export function builtEntry(specifier) {
  return join(root, 'dist', 'ngx-trtc-calling', 'fesm2022', `${specifier.replaceAll('/', '-')}.mjs`);
}

/**
 * Fails the bundle when it would take in one of `packages`: size-limit only measures, and a
 * budget must also keep the Tencent SDKs (and, for core, Angular) out of an entry.
 */
function forbidPackages(packages) {
  const filter = new RegExp(
    `^(${packages.map((p) => p.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('|')})(/|$)`,
  );
  return {
    name: 'forbid-packages',
    setup(build) {
      build.onResolve({ filter }, (args) => ({
        errors: [{ text: `${args.path} must not be bundled (imported by ${args.importer})` }],
      }));
    },
  };
}

/**
 * A size-limit check of `import * from file` (a path: size-limit's CLI takes `import` keys as
 * paths), min+gzip, with `external` left out of the bundle and `forbid` failing it.
 * - `format: 'esm'`: as an app's bundler emits it.
 * - `conditions: ['es2015', 'es2020']`: the export conditions the Angular CLI always adds
 *   (`@angular/build`, "required to support rxjs 7.x which will use es5 code if this condition is
 *   not present"), so rxjs is measured as apps get it, not as its ES5 build.
 * - `tsconfigRaw: '{}'`: otherwise esbuild applies the repo's tsconfig `paths` to the files under
 *   dist/, so a built entry's `import 'ngx-trtc-calling/wire'` would resolve to the sources.
 * - `nodePaths`: dist/ resolves `ngx-trtc-calling/*` to the build (the workspace has no such
 *   package in node_modules); node_modules resolves rxjs for an entry module outside the repo.
 */
export function sizeCheck({ name, file, limitKB, external = [], forbid = [] }) {
  return {
    name,
    import: { [file]: '*' },
    gzip: true,
    ignore: external,
    ...(limitKB === undefined ? {} : { limit: `${limitKB} KiB` }),
    modifyEsbuildConfig: (config) => ({
      ...config,
      format: 'esm',
      conditions: ['es2015', 'es2020'],
      tsconfigRaw: '{}',
      nodePaths: [join(root, 'dist'), join(root, 'node_modules')],
      logLevel: 'error',
      plugins: forbid.length ? [forbidPackages(forbid)] : [],
    }),
  };
}

/** The budgets `npm test` enforces (KiB, min+gzip). */
export const budgets = [
  // core is measured with the rxjs it uses, exactly as an app bundles it. 24, not 20: the field
  // features (network quality and stats, screen sharing, the device check, instant answer, rejoin
  // after a reload and join(), missed calls) added about 3.5 KB of core's own code; every one of
  // them is call logic that both backends share, so none can load lazily.
  { name: 'ngx-trtc-calling/core', limitKB: 24, forbid: [...SDKS, '@angular'] },
  // The other entries are measured as what they ADD beyond core: core, rxjs and tslib are
  // external (not subtracted), so the figure is the entry's own code (webrtc's includes the wire
  // protocol it speaks, which was part of webrtc before wire became an entry of its own).
  // 12.5, not 12: splitting web-socket-signaling and web-rtc-media into parts by concern (issue
  // 11) costs about 0.7 KB of class boilerplate and member names that cross classes, which
  // esbuild cannot shorten as it shortens #private ones. 20, not 12.5: the field features
  // added about 7 KB — issued TURN credentials and ICE restarts, getStats and quality, the
  // screen transceiver, the device check, the receive-only prepared join, the rejoin takeover
  // and the SFU hand-off (the Janus path itself loads lazily and has its own budget).
  { name: 'ngx-trtc-calling/webrtc', limitKB: 20, external: CORE, forbid: [...SDKS, '@angular'] },
  // The Janus VideoRoom path, loaded lazily by webrtc's hand-off (so webrtc is external too).
  {
    name: 'ngx-trtc-calling/janus',
    limitKB: 10,
    external: [...CORE, 'ngx-trtc-calling/webrtc'],
    forbid: [...SDKS, '@angular'],
  },
  // The Angular layer's own code: Angular (and the CDK) and the sibling entries, which have their
  // own budgets (webrtc) or load lazily (tencent, with its SDKs), are external too.
  {
    name: 'ngx-trtc-calling',
    limitKB: 10,
    external: [
      ...CORE,
      ...ANGULAR,
      'ngx-trtc-calling/webrtc',
      'ngx-trtc-calling/janus',
      'ngx-trtc-calling/tencent',
    ],
    forbid: SDKS,
  },
  // The UI kit beyond the Angular layer: Angular and the CDK, core and the library's other
  // entries (the Angular layer above all, with its own budget) are external.
  {
    name: 'ngx-trtc-calling/ui',
    limitKB: 25,
    external: [
      ...CORE,
      ...ANGULAR,
      'ngx-trtc-calling',
      'ngx-trtc-calling/webrtc',
      'ngx-trtc-calling/janus',
      'ngx-trtc-calling/tencent',
    ],
    forbid: SDKS,
  },
  // The client↔server protocol, which the server also bundles: plain data and functions.
  { name: 'ngx-trtc-calling/wire', limitKB: 3, forbid: ['rxjs', ...SDKS, '@angular'] },
].map((budget) => sizeCheck({ ...budget, file: builtEntry(budget.name) }));

/**
 * Runs one check through size-limit's API: min+gzip bytes, the raw minified bytes and the
 * bundle's inputs (from esbuild's metafile).
 */
export async function measure(check) {
  const run = { ...check, files: [] };
  const [{ size }] = await sizeLimit([esbuildPlugin, filePlugin], { checks: [run] });
  const { inputs, outputs } = run.esbuildMetafile;
  return {
    gzip: size,
    min: Object.values(outputs).reduce((sum, output) => sum + output.bytes, 0),
    inputs: Object.keys(inputs),
  };
}

/** `measure` of a module written from `source` (several entries in one bundle, for instance). */
export async function measureSource(source, options = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'ngx-trtc-calling-size-'));
  try {
    const file = join(dir, 'entry.mjs');
    writeFileSync(file, source);
    return await measure(sizeCheck({ name: 'source', file, ...options }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `measure` of `export * from specifier` (a package name, resolved as an app would). */
export function measureEntry(specifier, options = {}) {
  return measureSource(`export * from '${specifier}';\n`, options);
}
