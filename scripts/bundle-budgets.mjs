// The bundle budgets `npm test` enforces (KB = 1024 bytes, min+gzip, esbuild defaults).
import { measureEntry } from './bundle-size.mjs';

const KB = 1024;
const budgets = [
  // core is measured with the rxjs it uses, exactly as an app bundles it.
  { entry: 'ngx-trtc-calling/core', limit: 20 * KB, forbid: [/tim-js-sdk/, /trtc-js-sdk/, /@angular\//] },
];

let failed = false;
for (const { entry, limit, forbid, external } of budgets) {
  const { gzip, min, inputs } = await measureEntry(entry, { external });
  const pulled = inputs.filter((i) => forbid.some((re) => re.test(i)));
  const ok = gzip <= limit && pulled.length === 0;
  failed ||= !ok;
  console.log(
    `${ok ? '✔' : '✖'} ${entry}: ${(gzip / KB).toFixed(2)} KB min+gzip (${(min / KB).toFixed(1)} KB min), budget ${(limit / KB).toFixed(0)} KB` +
      (pulled.length ? `; must not include ${pulled.join(', ')}` : ''),
  );
}
if (failed) process.exit(1);
