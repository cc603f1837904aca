// The bundle budgets `npm test` enforces (KB = 1024 bytes, min+gzip, esbuild defaults).
import { measureEntry } from './bundle-size.mjs';

const KB = 1024;
/** core and the rxjs it brings: an app that uses any entry already pays for them. */
const CORE = ['ngx-trtc-calling/core', 'rxjs', 'rxjs/*', 'tslib'];
const SDKS = [/tim-js-sdk/, /trtc-js-sdk/, /tsignaling/];
const budgets = [
  // core is measured with the rxjs it uses, exactly as an app bundles it.
  { entry: 'ngx-trtc-calling/core', limit: 20 * KB, forbid: [...SDKS, /@angular\//] },
  // The other entries are measured as what they ADD beyond core: core, rxjs and tslib are
  // external (not subtracted), so the figure is the entry's own code.
  { entry: 'ngx-trtc-calling/webrtc', limit: 12 * KB, external: CORE, forbid: [...SDKS, /@angular\//] },
  // The Angular layer's own code: Angular (and the CDK) and the sibling entries, which have their
  // own budgets (webrtc) or load lazily (tencent, with its SDKs), are external too.
  {
    entry: 'ngx-trtc-calling',
    limit: 10 * KB,
    external: [...CORE, '@angular/*', 'ngx-trtc-calling/webrtc', 'ngx-trtc-calling/tencent'],
    forbid: SDKS,
  },
];

let failed = false;
for (const { entry, limit, forbid, external } of budgets) {
  const { gzip, min, inputs } = await measureEntry(entry, { external });
  const pulled = inputs.filter((i) => forbid.some((re) => re.test(i)));
  const ok = gzip <= limit && pulled.length === 0;
  failed ||= !ok;
  console.log(
    `${ok ? '✔' : '✖'} ${entry}: ${(gzip / KB).toFixed(2)} KB min+gzip (${(min / KB).toFixed(1)} KB min), budget ${(limit / KB).toFixed(0)} KB` +
      (external ? ' beyond core' : '') +
      (pulled.length ? `; must not include ${pulled.join(', ')}` : ''),
  );
}
if (failed) process.exit(1);
