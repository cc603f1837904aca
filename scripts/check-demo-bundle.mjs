// Checks the demo's production build (`ng build demo --stats-json`, `npm run build:demo`) from the
// esbuild metafile the build writes (stats.json): lists every file it emits with its size, and
// fails when any of them — lazy chunks included — was built from a Tencent SDK (tim-js-sdk,
// trtc-js-sdk, tsignaling, trtc-calling-js) or from the library's Tencent entry, or imports one
// at run time. The demo runs on the self-hosted backend only, so none of that may be shipped,
// not even as a lazy chunk nobody loads.
//
//   node scripts/check-demo-bundle.mjs [dist/demo]
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const dir = process.argv[2] ?? 'dist/demo';
const KB = 1024;

/** Module paths (as the metafile names inputs, or as an output imports them) that may not ship. */
const FORBIDDEN = [
  { what: 'tim-js-sdk', re: /(^|\/)node_modules\/tim-js-sdk\/|^tim-js-sdk(\/|$)/ },
  { what: 'trtc-js-sdk', re: /(^|\/)node_modules\/trtc-js-sdk\/|^trtc-js-sdk(\/|$)/ },
  { what: 'tsignaling', re: /(^|\/)node_modules\/tsignaling\/|^tsignaling(\/|$)/ },
  { what: 'trtc-calling-js', re: /(^|\/)node_modules\/trtc-calling-js\/|^trtc-calling-js(\/|$)/ },
  { what: '@tencentcloud/chat', re: /(^|\/)node_modules\/@tencentcloud\/chat\/|^@tencentcloud\/chat(\/|$)/ },
  {
    what: 'ngx-trtc-calling/tencent',
    re: /(^|\/)projects\/ngx-trtc-calling\/tencent\/|ngx-trtc-calling\/(fesm2022\/ngx-trtc-calling-)?tencent/,
  },
];

const statsFile = join(dir, 'stats.json');
if (!existsSync(statsFile)) {
  console.error(`✖ no ${statsFile}: build the demo with \`npm run build:demo\` (ng build demo --stats-json)`);
  process.exit(1);
}
const { outputs } = JSON.parse(readFileSync(statsFile, 'utf8'));
const browser = join(dir, 'browser');

const findings = [];
let rawTotal = 0;
let gzipTotal = 0;
let jsFiles = 0;
console.log(`demo build ${dir}:`);
for (const [file, output] of Object.entries(outputs).sort(([a], [b]) => a.localeCompare(b))) {
  const modules = [
    ...Object.keys(output.inputs),
    ...(output.imports ?? []).map((i) => i.path),
    ...(output.entryPoint ? [output.entryPoint] : []),
  ];
  const hits = FORBIDDEN.filter(({ re }) => modules.some((m) => re.test(m)));
  for (const { what, re } of hits) {
    findings.push(
      `${file}: ${what} (${modules
        .filter((m) => re.test(m))
        .slice(0, 3)
        .join(', ')})`,
    );
  }
  const emitted = join(browser, file);
  // Component styles are inlined into the JS chunk that holds the component: no file of their own.
  if (!existsSync(emitted)) continue;
  const gzip = gzipSync(readFileSync(emitted), { level: 9 }).length;
  rawTotal += output.bytes;
  gzipTotal += gzip;
  if (file.endsWith('.js')) jsFiles += 1;
  console.log(
    `  ${hits.length ? '✖' : ' '} ${file.padEnd(28)} ${(output.bytes / KB).toFixed(1).padStart(7)} KB  ${(gzip / KB).toFixed(1).padStart(6)} KB gzip`,
  );
}
if (jsFiles === 0) {
  console.error(`✖ ${statsFile} names no JavaScript file in ${browser}: not a demo build`);
  process.exit(1);
}
console.log(
  `  total JS+CSS: ${(rawTotal / KB).toFixed(1)} KB, ${(gzipTotal / KB).toFixed(1)} KB gzip, ${jsFiles} JS file(s)`,
);

if (findings.length) {
  console.error('✖ the demo build ships Tencent SDK code:');
  for (const f of findings) console.error(`  ${f}`);
  process.exit(1);
}
console.log(
  '✔ no module of tim-js-sdk / trtc-js-sdk / tsignaling / trtc-calling-js / ngx-trtc-calling/tencent in any output',
);
