// Package checks of the built library (after `npm run build:lib`): packs dist/ngx-trtc-calling
// as npm would publish it, lints the tarball with publint (errors and warnings fail) and checks
// its types with @arethetypeswrong/cli, and that the files a user reads ship with it.
//
// attw's `esm-only` profile fits an Angular package (ESM only, like @angular/core): it ignores the
// node10 and CommonJS resolutions, but it keeps internal resolution errors, which attw reports
// without a resolution kind, so the node10 ones (the entries import each other by subpath, which
// node10 cannot resolve) are filtered here by the resolution option they name.
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';

const root = resolve(import.meta.dirname, '..');
const dist = join(root, 'dist/ngx-trtc-calling');
const IGNORED_RESOLUTIONS = new Set(['node10', 'node16-cjs']);
const REQUIRED_FILES = ['README.md', 'LICENSE', 'CHANGELOG.md', 'package.json', 'schematics/collection.json'];

const out = mkdtempSync(join(tmpdir(), 'ngx-trtc-calling-pack-'));
const failures = [];
try {
  const [packed] = JSON.parse(
    execFileSync('npm', ['pack', dist, '--json', '--pack-destination', out], { encoding: 'utf8' }),
  );
  const tarball = join(out, packed.filename);
  const files = new Set(packed.files.map((f) => f.path));
  for (const file of REQUIRED_FILES) if (!files.has(file)) failures.push(`the tarball lacks ${file}`);

  const { messages, pkg } = await publint({ pkgDir: dist, level: 'warning', strict: true });
  for (const m of messages) failures.push(`publint ${m.type}: ${formatMessage(m, pkg)}`);

  // attw's report goes to a file: written to a pipe, its last part was lost when attw exited
  // before the pipe drained (a report of about 200 KB came back cut in the middle).
  const report = join(out, 'attw.json');
  const fd = openSync(report, 'w');
  try {
    execFileSync('npx', ['attw', tarball, '--profile', 'esm-only', '--format', 'json'], {
      stdio: ['ignore', fd, 'inherit'],
      cwd: root,
    });
  } catch {
    // attw exits 1 on any problem, ignored ones included; judged below
  } finally {
    closeSync(fd);
  }
  const attw = readFileSync(report, 'utf8');
  const { problems } = JSON.parse(attw).analysis;
  for (const p of problems) {
    const resolution = p.resolutionKind ?? p.resolutionOption;
    if (resolution && IGNORED_RESOLUTIONS.has(resolution)) continue;
    failures.push(
      `attw ${p.kind}${p.entrypoint ? ` at ${p.entrypoint}` : ''}${resolution ? ` (${resolution})` : ''}`,
    );
  }
  console.log(
    `package check: ${packed.filename}, ${packed.files.length} files, ${(packed.size / 1024).toFixed(1)} KiB packed`,
  );
} finally {
  rmSync(out, { recursive: true, force: true });
}
if (failures.length) {
  for (const f of failures) console.error(`  ✖ ${f}`);
  process.exit(1);
}
console.log(
  'package check: publint and attw (esm-only) clean, README, LICENSE, CHANGELOG and ng add shipped',
);
