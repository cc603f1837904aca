// Reads a V8 .cpuprofile (node --cpu-prof) and prints the top frames by self time and by total
// (inclusive) time. Usage: node bench/lib/profile-top.mjs <file.cpuprofile> [count] [filter]
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import process from 'node:process';

/** Self and total time per function (µs), highest self time first. */
export function topFrames(file) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const hits = new Map();
  for (const s of profile.samples) hits.set(s, (hits.get(s) ?? 0) + 1);
  const total = profile.endTime - profile.startTime;
  const perSample = total / profile.samples.length;
  const key = (n) => {
    const f = n.callFrame;
    const where = f.url ? `${basename(f.url)}:${f.lineNumber + 1}` : '';
    return `${f.functionName || '(anonymous)'} ${where}`.trim();
  };
  const self = new Map();
  const inclusive = new Map();
  for (const [id, count] of hits) {
    const n = byId.get(id);
    self.set(key(n), (self.get(key(n)) ?? 0) + count * perSample);
    // Inclusive: count each function once per sample even when recursive.
    const seen = new Set();
    for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
      const k = key(byId.get(cur));
      if (seen.has(k)) continue;
      seen.add(k);
      inclusive.set(k, (inclusive.get(k) ?? 0) + count * perSample);
    }
  }
  const rows = [...self.keys()].map((k) => ({ frame: k, selfUs: self.get(k), totalUs: inclusive.get(k) }));
  rows.sort((a, b) => b.selfUs - a.selfUs);
  const byTotal = [...inclusive.entries()]
    .map(([frame, totalUs]) => ({ frame, selfUs: self.get(frame) ?? 0, totalUs }))
    .sort((a, b) => b.totalUs - a.totalUs);
  return { totalUs: total, bySelf: rows, byTotal };
}

if (process.argv[1] === import.meta.filename) {
  const [file, count = '25', filter] = process.argv.slice(2);
  const { totalUs, bySelf, byTotal } = topFrames(file);
  const pct = (us) => ((100 * us) / totalUs).toFixed(1).padStart(5) + ' %';
  console.log(`${file}: ${(totalUs / 1e6).toFixed(2)} s profiled\n\nby self time:`);
  for (const r of bySelf.slice(0, Number(count)))
    console.log(`${pct(r.selfUs)} self ${pct(r.totalUs)} total  ${r.frame}`);
  console.log('\nby total time:');
  const re = filter ? new RegExp(filter) : null;
  for (const r of byTotal.filter((r) => !re || re.test(r.frame)).slice(0, Number(count)))
    console.log(`${pct(r.totalUs)} total ${pct(r.selfUs)} self  ${r.frame}`);
}
