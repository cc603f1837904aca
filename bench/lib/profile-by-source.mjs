// Self time of a .cpuprofile grouped by original source file, through the inline source map of
// the bundle it ran (bench bundles carry one). Usage:
//   node bench/lib/profile-by-source.mjs <file.cpuprofile> <bundle.mjs> [count]
import { readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { dirname, relative, resolve } from 'node:path';
import process from 'node:process';
import { pathToFileURL } from 'node:url';
import { root } from './build.mjs';

const [profileFile, bundleFile, count = '25'] = process.argv.slice(2);
const profile = JSON.parse(readFileSync(profileFile, 'utf8'));
const code = readFileSync(bundleFile, 'utf8');
const m = /\/\/# sourceMappingURL=data:application\/json;base64,(.+)\s*$/.exec(code);
if (!m) throw new Error('the bundle has no inline source map');
const map = new SourceMap(JSON.parse(Buffer.from(m[1], 'base64').toString('utf8')));
const bundleUrl = pathToFileURL(bundleFile).href;
const hits = new Map();
for (const s of profile.samples) hits.set(s, (hits.get(s) ?? 0) + 1);
const perSample = (profile.endTime - profile.startTime) / profile.samples.length;
const bySource = new Map();
let total = 0;
for (const n of profile.nodes) {
  const count = hits.get(n.id);
  if (!count) continue;
  const f = n.callFrame;
  let key;
  if (f.url === bundleUrl) {
    const e = map.findEntry(f.lineNumber, f.columnNumber);
    key = e?.originalSource
      ? relative(root, resolve(dirname(bundleFile), e.originalSource.replace(/^file:\/\//, '')))
      : 'bundle (unmapped)';
  } else if (f.url)
    key = f.url.startsWith('node:') ? 'node internals' : relative(root, f.url.replace('file://', ''));
  else key = f.functionName || '(native)';
  if (key === '(idle)') continue;
  bySource.set(key, (bySource.get(key) ?? 0) + count * perSample);
  total += count * perSample;
}
const rows = [...bySource.entries()].sort((a, b) => b[1] - a[1]);
console.log(`${(total / 1e6).toFixed(2)} s busy`);
for (const [k, us] of rows.slice(0, Number(count)))
  console.log(`${((100 * us) / total).toFixed(1).padStart(5)} %  ${k}`);
