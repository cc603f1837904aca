// `npm test`: every check, in order, stopping at the first failure. Ends with one
// "N passed, N failed" line counting the test cases of jest and Playwright.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const only = process.argv.slice(2);
let passed = 0;
let failed = 0;

function run(name, cmd, args, opts = {}) {
  if (only.length && !only.includes(name)) return;
  const started = Date.now();
  console.log(`\n▶ ${name}: ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, ...opts.env } });
  const secs = ((Date.now() - started) / 1000).toFixed(1);
  if (r.status !== 0) {
    console.error(`✖ ${name} failed (exit ${r.status}) after ${secs}s`);
    summary();
    process.exit(r.status || 1);
  }
  console.log(`✔ ${name} (${secs}s)`);
}

function countJest(file) {
  if (!existsSync(file)) return;
  const j = JSON.parse(readFileSync(file, 'utf8'));
  passed += j.numPassedTests;
  failed += j.numFailedTests;
}

function countPlaywright(file) {
  if (!existsSync(file)) return;
  const j = JSON.parse(readFileSync(file, 'utf8'));
  passed += j.stats?.expected ?? 0;
  failed += (j.stats?.unexpected ?? 0) + (j.stats?.flaky ?? 0);
}

function summary() {
  console.log(`\nsummary: ${passed} passed, ${failed} failed`);
}

const tmp = mkdtempSync(join(tmpdir(), 'ngx-trtc-calling-test-'));
const jestOut = join(tmp, 'jest.json');
const pwOut = join(tmp, 'playwright.json');

run('typecheck', 'npx', ['tsc', '-p', 'tsconfig.spec.json', '--noEmit']);
run('typecheck-app', 'npx', ['tsc', '-p', 'tsconfig.app.json', '--noEmit']);
if (existsSync('projects/calling-server/tsconfig.json')) {
  run('typecheck-server', 'npx', ['tsc', '-p', 'projects/calling-server/tsconfig.json', '--noEmit']);
}
if (existsSync('e2e/tsconfig.json')) {
  // Playwright only transpiles: type errors in specs, fixtures and the harness page show here.
  run('typecheck-e2e', 'npx', ['tsc', '-p', 'e2e/tsconfig.json', '--noEmit']);
}
run('lint', 'npx', ['eslint', '.', '--max-warnings=0']);
run('format', 'npx', ['prettier', '--check', '.', '--log-level=warn']);
run('jest', 'npx', ['jest', '--ci', '--json', `--outputFile=${jestOut}`]);
countJest(jestOut);
run('build-lib', 'npx', ['ng', 'build', 'ngx-trtc-calling']);
// The public API of every entry, from the built .d.ts, against the goldens in projects/ngx-trtc-calling/api/.
run('api-check', 'npm', ['run', '--silent', 'api:check']);
run('package-smoke', 'node', ['scripts/package-smoke.mjs']);
run('bundle-budgets', 'npx', ['size-limit']);
// The demo's production build within angular.json's budgets, then proof it ships no SDK code.
const demoDir = 'dist/demo/browser';
run('build-demo', 'npx', ['ng', 'build', 'demo'], { env: { NG_CLI_ANALYTICS: 'false' } });
run('check-demo-bundle', 'node', ['scripts/check-demo-bundle.mjs', demoDir]);
if (existsSync('e2e/playwright.config.ts')) {
  run('e2e', 'npx', ['playwright', 'test', '-c', 'e2e/playwright.config.ts', '--reporter=list,json'], {
    env: {
      PLAYWRIGHT_JSON_OUTPUT_NAME: pwOut,
      // The e2e suite serves the demo build of the step above, unless that step did not run.
      ...(only.length && !only.includes('build-demo') ? {} : { E2E_DEMO_DIR: demoDir }),
    },
  });
  countPlaywright(pwOut);
}
rmSync(tmp, { recursive: true, force: true });
summary();
if (failed > 0) process.exit(1);
