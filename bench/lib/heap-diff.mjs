// Compares two V8 heap snapshots (v8.writeHeapSnapshot()): objects counted by constructor name,
// largest growth first. Usage: node bench/lib/heap-diff.mjs before.heapsnapshot after.heapsnapshot [n]
import { readFileSync } from 'node:fs';
import process from 'node:process';

/** Count and self size per `type:name` of a snapshot. */
export function summarize(file) {
  const snap = JSON.parse(readFileSync(file, 'utf8'));
  const fields = snap.snapshot.meta.node_fields;
  const types = snap.snapshot.meta.node_types[0];
  const stride = fields.length;
  const iType = fields.indexOf('type');
  const iName = fields.indexOf('name');
  const iSize = fields.indexOf('self_size');
  const out = new Map();
  const nodes = snap.nodes;
  for (let i = 0; i < nodes.length; i += stride) {
    const type = types[nodes[i + iType]];
    let name = snap.strings[nodes[i + iName]];
    if (type === 'string' || type === 'concatenated string' || type === 'sliced string') name = '(string)';
    if (type === 'code' || type === 'hidden') name = `(${type})`;
    const key = `${type}:${name.length > 80 ? name.slice(0, 80) + '…' : name}`;
    const e = out.get(key) ?? { count: 0, size: 0 };
    e.count++;
    e.size += nodes[i + iSize];
    out.set(key, e);
  }
  return out;
}

if (process.argv[1] === import.meta.filename) {
  const [a, b, n = '30'] = process.argv.slice(2);
  const before = summarize(a);
  const after = summarize(b);
  const rows = [];
  for (const [key, e] of after) {
    const o = before.get(key) ?? { count: 0, size: 0 };
    rows.push({ key, dCount: e.count - o.count, dSize: e.size - o.size, count: e.count });
  }
  rows.sort((x, y) => y.dSize - x.dSize);
  for (const r of rows.slice(0, Number(n))) {
    console.log(`${String(r.dSize).padStart(10)} B ${String(r.dCount).padStart(8)} objs  ${r.key}`);
  }
}
