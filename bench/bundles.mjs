// 6. Bundles: min+gzip (esbuild minify, gzip -9, through size-limit) of each entry point of the
// built library, of the reference client for comparison, and of the demo app's production build.
// Builds the library first (`ng build ngx-trtc-calling`; BENCH_SKIP_BUILD=1 measures the dist/
// that exists). Budgeted figure, "adds beyond core": the very checks of the budgets
// (scripts/bundle-size.mjs, run by size-limit in `npm test`); the subtraction method is reported
// next to it.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import process from 'node:process';
import { gzipSync } from 'node:zlib';
import {
  ANGULAR,
  budgets,
  builtEntry,
  CORE,
  KB,
  measure,
  measureEntry,
  measureSource,
  SDKS,
  sizeCheck,
} from '../scripts/bundle-size.mjs';
import { log, root } from './lib/common.mjs';

function sh(cmd, args, timeoutMs) {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { cwd: root, encoding: 'utf8', timeout: timeoutMs, maxBuffer: 64 << 20 });
  const out = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  return {
    ok: r.status === 0,
    ms: performance.now() - t0,
    tail: out.trim().split('\n').slice(-15).join('\n'),
  };
}

const result = { build: {}, entries: {}, subtracted: {}, reference: {}, demo: null };

if (process.env.BENCH_SKIP_BUILD !== '1') {
  const b = sh('npx', ['ng', 'build', 'ngx-trtc-calling'], 240_000);
  result.build.library = { ok: b.ok, seconds: b.ms / 1000 };
  if (!b.ok) log(`library build failed, measuring the existing dist/:\n${b.tail}`);
}

const row = ({ gzip, min, inputs }, extra = {}) => ({
  gzipKB: gzip / KB,
  minKB: min / KB,
  ...extra,
  pulledSdks: inputs.filter((i) => /tim-js-sdk|trtc-js-sdk|tsignaling/.test(i)),
  coreFromSources: inputs.some((i) => i.startsWith('projects/')),
});

// Budget rows: exactly the budgets' checks (same externals, same limits); tencent has no budget.
const shortName = { 'ngx-trtc-calling': 'angular' };
const budgetRows = [
  ...budgets.map((check) => ({
    name: shortName[check.name] ?? check.name.replace('ngx-trtc-calling/', ''),
    specifier: check.name,
    check,
  })),
  {
    name: 'tencent',
    specifier: 'ngx-trtc-calling/tencent',
    check: sizeCheck({
      name: 'ngx-trtc-calling/tencent',
      file: builtEntry('ngx-trtc-calling/tencent'),
      external: [...CORE, ...SDKS],
    }),
  },
];
for (const { name, specifier, check } of budgetRows) {
  if (!existsSync(builtEntry(specifier))) {
    result.entries[name] = { missing: true };
    log(`${name}: not built (${builtEntry(specifier)} missing)`);
    continue;
  }
  try {
    const m = await measure(check);
    const limitKB = check.limit ? Number.parseFloat(check.limit) : null;
    result.entries[name] = row(m, { external: check.ignore, limitKB });
    log(`${name}: ${(m.gzip / KB).toFixed(2)} KB min+gzip (${(m.min / KB).toFixed(1)} KB min)`);
  } catch (err) {
    result.entries[name] = { error: String(err.message ?? err).split('\n')[0] };
    log(`${name}: ${result.entries[name].error}`);
  }
}

// The other method: subtract. (core + entry) − core, both bundled whole, rxjs inside: the
// marginal cost including the rxjs operators only the entry uses. And the whole client side.
const ns = (specs) => specs.map((s, i) => `export * as e${i} from '${s}';`).join('\n');
try {
  const core = await measureSource(ns(['ngx-trtc-calling/core']));
  result.subtracted = { core: row(core) };
  const plus = [
    ['webrtc', ['ngx-trtc-calling/webrtc'], []],
    ['angular', ['ngx-trtc-calling'], [...ANGULAR, 'ngx-trtc-calling/webrtc', 'ngx-trtc-calling/tencent']],
    ['tencent', ['ngx-trtc-calling/tencent'], SDKS],
    [
      'webrtc+angular',
      ['ngx-trtc-calling/webrtc', 'ngx-trtc-calling'],
      [...ANGULAR, 'ngx-trtc-calling/tencent'],
    ],
  ];
  for (const [name, specs, external] of plus) {
    const m = await measureSource(ns(['ngx-trtc-calling/core', ...specs]), { external });
    result.subtracted[name] = row(m, { addsKB: (m.gzip - core.gzip) / KB, external });
    log(`core+${name}: ${(m.gzip / KB).toFixed(2)} KB; adds ${((m.gzip - core.gzip) / KB).toFixed(2)} KB`);
  }
} catch (err) {
  result.subtracted = { error: String(err.message ?? err).split('\n')[0] };
}

// The reference client, measured the same way: alone (its SDKs external), and with them.
for (const [name, external] of [
  ['trtc-calling-js', SDKS],
  ['trtc-calling-js+sdks', []],
]) {
  try {
    const { gzip, min } = await measureEntry('trtc-calling-js', { external });
    result.reference[name] = { gzipKB: gzip / KB, minKB: min / KB };
    log(`${name}: ${(gzip / KB).toFixed(2)} KB min+gzip`);
  } catch (err) {
    result.reference[name] = { error: String(err.message ?? err).split('\n')[0] };
  }
}

// The demo app: production build, total JS gzip (level 9) of what it emits.
if (process.env.BENCH_SKIP_DEMO !== '1') {
  const outputPath = join(root, 'node_modules', '.cache', 'ngx-trtc-calling-bench', 'demo');
  const b = sh('npx', ['ng', 'build', 'demo', '--output-path', outputPath], 300_000);
  if (b.ok) {
    const files = [];
    const walk = (dir) => {
      for (const f of readdirSync(dir)) {
        const p = join(dir, f);
        if (statSync(p).isDirectory()) walk(p);
        else if (f.endsWith('.js')) files.push(p);
      }
    };
    walk(outputPath);
    let raw = 0;
    let gz = 0;
    for (const f of files) {
      const data = readFileSync(f);
      raw += data.length;
      gz += gzipSync(data, { level: 9 }).length;
    }
    result.demo = { ok: true, seconds: b.ms / 1000, files: files.length, jsKB: raw / KB, jsGzipKB: gz / KB };
    log(`demo: ${files.length} JS files, ${(raw / KB).toFixed(1)} KB, ${(gz / KB).toFixed(2)} KB gzip`);
  } else {
    result.demo = { ok: false, seconds: b.ms / 1000, error: b.tail.split('\n').slice(-5).join('\n') };
    log(`demo build failed:\n${b.tail}`);
  }
}

process.stdout.write(JSON.stringify(result) + '\n');
