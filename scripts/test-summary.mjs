// `npm test`: runs the command it is given — `run-s` (npm-run-all2) over the `test:*` steps of
// package.json, in order, stopping at the first failure — then prints one "N passed, N failed"
// line counting the test cases of jest and Playwright from the JSON reports those steps write to
// dist/test-results/. It stays a script because no tool prints that combined line, which CI reads;
// it prints it after a failed step too, with the cases counted so far.
//
//   node scripts/test-summary.mjs run-s test:typecheck test:lint …
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const [cmd, ...args] = process.argv.slice(2);
if (!cmd) {
  console.error('usage: node scripts/test-summary.mjs <command> [args…]');
  process.exit(2);
}
const results = join('dist', 'test-results');
// Reports of an earlier run must not count in this one; jest writes its report only into a
// folder that exists.
rmSync(results, { recursive: true, force: true });
mkdirSync(results, { recursive: true });

const started = Date.now();
const run = spawnSync(cmd, args, {
  stdio: 'inherit',
  // The e2e step serves the demo that the build:demo step built just before it, instead of
  // building its own (as a lone `npm run test:e2e` does).
  env: { ...process.env, E2E_DEMO_DIR: process.env.E2E_DEMO_DIR ?? join('dist', 'demo', 'browser') },
});

// Every report in the folder counts: jest's (numPassedTests) and any Playwright JSON report
// (stats), so a new Playwright step only has to write its report there.
const reports = readdirSync(results)
  .filter((f) => f.endsWith('.json'))
  .map((f) => JSON.parse(readFileSync(join(results, f), 'utf8')));
let passed = 0;
let failed = 0;
for (const r of reports) {
  if (typeof r.numPassedTests === 'number') {
    passed += r.numPassedTests;
    failed += r.numFailedTests ?? 0;
  } else if (r.stats) {
    passed += r.stats.expected ?? 0;
    failed += (r.stats.unexpected ?? 0) + (r.stats.flaky ?? 0);
  }
}

const secs = ((Date.now() - started) / 1000).toFixed(0);
if (run.status !== 0) console.error(`\n✖ npm test failed (exit ${run.status ?? run.signal}) after ${secs}s`);
console.log(`\nsummary: ${passed} passed, ${failed} failed`);
process.exit(run.status !== 0 ? run.status || 1 : failed > 0 ? 1 : 0);
