// Checks the demo's production build (`npx ng build demo`): lists every file it emits with its
// size, and fails when any of them carries Tencent SDK code (tim-js-sdk, trtc-js-sdk,
// tsignaling) or a reference to the library's Tencent entry. The demo runs on the self-hosted
// backend only, so none of that may be shipped — not even as a lazy chunk nobody loads.
//
//   node scripts/check-demo-bundle.mjs [dist/demo/browser]
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';

const dir = process.argv[2] ?? 'dist/demo/browser';
const KB = 1024;

/** Strings that only the SDKs (or code that loads them) contain; each survives minification. */
const MARKERS = [
  { what: 'trtc-js-sdk (TRTC.createClient)', re: /TRTC\.createClient/ },
  { what: 'trtc-js-sdk (createClient/createStream API)', re: /createClient\b[\s\S]{0,2000}createStream\b/ },
  { what: 'tim-js-sdk (webim endpoints)', re: /webim/i },
  { what: 'tim-js-sdk (TIMCustomElem)', re: /TIMCustomElem/ },
  { what: 'Tencent Cloud endpoints (qcloud / qq.com)', re: /qcloud|\.qq\.com/i },
  {
    what: 'an import of an SDK package',
    re: /["'`](tim-js-sdk|trtc-js-sdk|tsignaling|@tencentcloud\/chat)["'`/]/,
  },
  { what: 'an import of ngx-trtc-calling/tencent', re: /ngx-trtc-calling\/tencent/ },
];

function filesUnder(root) {
  return readdirSync(root).flatMap((name) => {
    const path = join(root, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

let files;
try {
  files = filesUnder(dir).sort();
} catch {
  console.error(`✖ no demo build at ${dir}: run \`npx ng build demo\` first`);
  process.exit(1);
}
const code = files.filter((f) => /\.(m?js|css|html)$/.test(f));
if (!code.some((f) => f.endsWith('.js'))) {
  console.error(`✖ ${dir} holds no JavaScript: not a demo build`);
  process.exit(1);
}

const findings = [];
let rawTotal = 0;
let gzipTotal = 0;
console.log(`demo build ${dir}:`);
for (const file of code) {
  const text = readFileSync(file, 'utf8');
  const raw = Buffer.byteLength(text);
  const gzip = gzipSync(text, { level: 9 }).length;
  if (file.endsWith('.js') || file.endsWith('.css')) {
    rawTotal += raw;
    gzipTotal += gzip;
  }
  const hits = MARKERS.filter((m) => m.re.test(text)).map((m) => m.what);
  for (const what of hits) findings.push(`${relative(dir, file)}: ${what}`);
  console.log(
    `  ${hits.length ? '✖' : ' '} ${relative(dir, file).padEnd(28)} ${(raw / KB).toFixed(1).padStart(7)} KB  ${(gzip / KB).toFixed(1).padStart(6)} KB gzip`,
  );
}
console.log(
  `  total JS+CSS: ${(rawTotal / KB).toFixed(1)} KB, ${(gzipTotal / KB).toFixed(1)} KB gzip, ${code.filter((f) => f.endsWith('.js')).length} JS file(s)`,
);

if (findings.length) {
  console.error('✖ the demo build ships Tencent SDK code:');
  for (const f of findings) console.error(`  ${f}`);
  process.exit(1);
}
console.log('✔ no tim-js-sdk / trtc-js-sdk / tsignaling code and no reference to ngx-trtc-calling/tencent');
