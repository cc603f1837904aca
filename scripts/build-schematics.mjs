// Builds the `ng add` schematic into the built package (after `ng build ngx-trtc-calling`, which
// empties dist/ngx-trtc-calling): ng-add bundled by esbuild into one CommonJS file, since the
// Angular CLI loads schematic factories with require() and the package is `"type": "module"`,
// so a `.js` file there would be taken for ESM; the collection is rewritten to name that `.cjs`.
import { build } from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const source = join(root, 'projects/ngx-trtc-calling/schematics');
const dist = join(root, 'dist/ngx-trtc-calling');
if (!existsSync(join(dist, 'package.json'))) {
  console.error('build-schematics: no dist/ngx-trtc-calling; run `ng build ngx-trtc-calling` first');
  process.exit(1);
}
const out = join(dist, 'schematics');

await build({
  entryPoints: [join(source, 'ng-add/index.ts')],
  outfile: join(out, 'ng-add/index.cjs'),
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  // The devkit and @schematics/angular come with the app's Angular CLI.
  packages: 'external',
  logLevel: 'warning',
});
copyFileSync(join(source, 'ng-add/schema.json'), join(out, 'ng-add/schema.json'));

const collection = JSON.parse(readFileSync(join(source, 'collection.json'), 'utf8'));
delete collection.$schema;
for (const schematic of Object.values(collection.schematics))
  schematic.factory = schematic.factory.replace(/^(\.\/[\w/-]+)#/, '$1.cjs#');
mkdirSync(out, { recursive: true });
writeFileSync(join(out, 'collection.json'), `${JSON.stringify(collection, null, 2)}\n`);
