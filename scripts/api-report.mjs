// The public API of every entry point of the built package, as API Extractor reports it, against
// the goldens in projects/ngx-trtc-calling/api/. Reads the bundled .d.ts files that
// `ng build ngx-trtc-calling` writes to dist/ngx-trtc-calling/types/, so it checks what an app
// gets, not what the sources say.
//
//   node scripts/api-report.mjs           fails, printing the diff, when a report differs from its golden
//   node scripts/api-report.mjs --update  rewrites the goldens (after a deliberate change of the API)
//
// One config for all entries, built here rather than an api-extractor.json per entry: the entries
// differ only in their file names.
import { Extractor, ExtractorConfig, ExtractorLogLevel } from '@microsoft/api-extractor';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, unlinkSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const dist = join(root, 'dist', 'ngx-trtc-calling');
const types = join(dist, 'types');
const goldens = join(root, 'projects', 'ngx-trtc-calling', 'api');
const update = process.argv.includes('--update');

if (!existsSync(types) || !existsSync(join(dist, 'package.json'))) {
  console.error(`api-report: no complete build in ${dist}; run \`npm run build:lib\` first`);
  process.exit(1);
}

// ngx-trtc-calling.d.ts → ngx-trtc-calling; ngx-trtc-calling-tencent-angular.d.ts → ngx-trtc-calling/tencent/angular
const entries = readdirSync(types)
  .filter((f) => f.endsWith('.d.ts'))
  .map((file) => {
    const base = file.slice(0, -'.d.ts'.length);
    const subpath = base === 'ngx-trtc-calling' ? '' : base.slice('ngx-trtc-calling-'.length);
    return {
      file,
      name: base,
      specifier: subpath ? `ngx-trtc-calling/${subpath.replaceAll('-', '/')}` : base,
    };
  });

// The entries import each other by package name. API Extractor reports a type from another entry
// as an import only when the compiler finds it as a library, in a node_modules folder; found any
// other way (tsconfig paths) it counts as this entry's own and is inlined. So each entry is
// analysed from a copy in dist/api-report/, beside a node_modules/ngx-trtc-calling copy of the
// package: inside the workspace, so that rxjs and @angular/* resolve from its node_modules.
const work = join(root, 'dist', 'api-report');
const temp = join(work, 'reports');
rmSync(work, { recursive: true, force: true });
mkdirSync(temp, { recursive: true });
cpSync(types, join(work, 'types'), { recursive: true });
cpSync(types, join(work, 'node_modules', 'ngx-trtc-calling', 'types'), { recursive: true });
cpSync(join(dist, 'package.json'), join(work, 'node_modules', 'ngx-trtc-calling', 'package.json'));
const changed = [];
const QUIET = new Set([
  'console-preamble',
  'console-compiler-version-notice',
  'console-api-report-changed',
  'console-api-report-not-copied',
  'console-api-report-copied',
  'console-api-report-missing',
  'console-api-report-created',
]);

for (const entry of entries) {
  const config = ExtractorConfig.prepare({
    configObject: {
      projectFolder: root,
      mainEntryPointFilePath: join(work, 'types', entry.file),
      compiler: {
        overrideTsconfig: {
          compilerOptions: {
            target: 'ES2022',
            module: 'ES2022',
            moduleResolution: 'bundler',
            lib: ['ES2022', 'dom', 'dom.iterable'],
            strict: true,
            skipLibCheck: true,
          },
          files: [join(work, 'types', entry.file)],
        },
      },
      apiReport: {
        enabled: true,
        reportFileName: `${entry.name}.api.md`,
        reportFolder: goldens,
        reportTempFolder: temp,
      },
      docModel: { enabled: false },
      dtsRollup: { enabled: false },
      tsdocMetadata: { enabled: false },
      messages: {
        compilerMessageReporting: { default: { logLevel: ExtractorLogLevel.Warning } },
        extractorMessageReporting: {
          default: { logLevel: ExtractorLogLevel.Warning, addToApiReportFile: true },
          // Release tags (@public, @beta) are not used: what an entry exports is public.
          'ae-missing-release-tag': { logLevel: ExtractorLogLevel.None, addToApiReportFile: false },
          // Missing doc comments are a review matter, and the message names a machine's path.
          'ae-undocumented': { logLevel: ExtractorLogLevel.None, addToApiReportFile: false },
          // A type used in the API but not exported by the entry: a finding, shown in the report.
          'ae-forgotten-export': { logLevel: ExtractorLogLevel.None, addToApiReportFile: true },
        },
        // The doc comments are written for readers and editors, not to the TSDoc grammar.
        tsdocMessageReporting: { default: { logLevel: ExtractorLogLevel.None } },
      },
    },
    configObjectFullPath: join(root, 'api-extractor.json'),
    packageJsonFullPath: join(root, 'projects', 'ngx-trtc-calling', 'package.json'),
  });
  const result = Extractor.invoke(config, {
    localBuild: update,
    messageCallback: (message) => {
      // The compiler notice is noise; "you have changed the API signature…" is said below, with the diff.
      if (QUIET.has(message.messageId)) message.handled = true;
    },
  });
  if (!result.succeeded && !result.apiReportChanged) {
    console.error(`api-report: API Extractor failed on ${entry.file}`);
    process.exit(1);
  }
  if (result.apiReportChanged) changed.push(entry);
}

// A golden of an entry that no longer exists is a change as well.
const stale = readdirSync(goldens).filter(
  (f) => f.endsWith('.api.md') && !entries.some((e) => `${e.name}.api.md` === f),
);

if (update) {
  for (const f of stale) unlinkSync(join(goldens, f));
  const touched = [...changed.map((e) => `${e.name}.api.md`), ...stale.map((f) => `${f} (removed)`)];
  console.log(
    touched.length ? `api-report: updated ${touched.join(', ')}` : 'api-report: goldens up to date',
  );
} else if (changed.length || stale.length) {
  for (const entry of changed) {
    const golden = join(goldens, `${entry.name}.api.md`);
    const actual = join(temp, `${entry.name}.api.md`);
    if (!existsSync(golden)) {
      console.error(`\napi-report: no golden for ${entry.specifier}; its report:\n`);
      console.error(readFileSync(actual, 'utf8'));
      continue;
    }
    console.error(`\napi-report: the public API of ${entry.specifier} changed:\n`);
    const diff = spawnSync(
      'git',
      ['diff', '--no-index', '--no-prefix', relative(root, golden), relative(root, actual)],
      {
        cwd: root,
        encoding: 'utf8',
      },
    );
    console.error(diff.stdout);
  }
  for (const f of stale) console.error(`\napi-report: ${f} is the golden of an entry that no longer exists`);
  console.error(
    '\napi-report: if the change is intended, run `npm run api:update` and commit the goldens with it',
  );
  rmSync(work, { recursive: true, force: true });
  process.exit(1);
} else {
  console.log(`api-report: the public API of ${entries.length} entries matches the goldens`);
}
rmSync(work, { recursive: true, force: true });
