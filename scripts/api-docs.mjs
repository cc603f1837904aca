// The API reference: TypeDoc over the package's eight entries, from their doc comments, into
// dist/api-docs/ (`npm run docs:api`). With `--check` (npm test) it only converts and validates:
// every public symbol documented, every {@link} resolving, nothing referenced but not exported;
// any warning fails.
//
// Each entry is documented under its import path (`ngx-trtc-calling/core`, …): TypeDoc names a
// module from its file, so a generated wrapper per entry re-exports it under a `@module` comment.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Application, LogLevel } from 'typedoc';

const root = resolve(import.meta.dirname, '..');
const lib = 'projects/ngx-trtc-calling';
const ENTRIES = {
  'ngx-trtc-calling': [
    'src/public-api.ts',
    'Angular: provideCalling, withSelfHosted, CallingService, the views.',
  ],
  'ngx-trtc-calling/core': [
    'core/index.ts',
    'Calling, the call state and its selectors, the operators, the ports.',
  ],
  'ngx-trtc-calling/webrtc': [
    'webrtc/index.ts',
    'WebSocket signaling and a WebRTC mesh for the self-hosted server.',
  ],
  'ngx-trtc-calling/janus': [
    'janus/index.ts',
    'The media of self-hosted calls placed on a Janus VideoRoom (loaded lazily by webRtcMedia).',
  ],
  'ngx-trtc-calling/tencent': ['tencent/index.ts', 'Tencent Cloud adapters over tim-js-sdk and trtc-js-sdk.'],
  'ngx-trtc-calling/tencent/angular': ['tencent/angular/index.ts', 'withTencentCloud() for provideCalling.'],
  'ngx-trtc-calling/wire': ['wire/index.ts', "The self-hosted server's client ↔ server protocol."],
  'ngx-trtc-calling/ui': [
    'ui/index.ts',
    'The call UI kit: call screen, controls, incoming and outgoing screens, device check, texts, user info.',
  ],
  'ngx-trtc-calling/testing': [
    'testing/index.ts',
    'VirtualNetwork, VirtualClock, recordEvents, SentSignals, signal builders: marble-test call flows.',
  ],
  'ngx-trtc-calling/testing/angular': [
    'testing/angular/index.ts',
    'provideCallingTesting() and provideMockCalling() for TestBed.',
  ],
};

const { values } = parseArgs({ options: { check: { type: 'boolean', default: false } } });
const work = join(root, 'dist/api-docs-src');
const out = join(root, 'dist/api-docs');
rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });

const wrappers = Object.entries(ENTRIES).map(([name, [file, summary]]) => {
  const wrapper = join(work, `${name.replaceAll('/', '__')}.ts`);
  const target = relative(work, join(root, lib, file)).replace(/\.ts$/, '');
  writeFileSync(wrapper, `/**\n * ${summary}\n *\n * @module ${name}\n */\nexport * from '${target}';\n`);
  return wrapper;
});
writeFileSync(
  join(work, 'tsconfig.json'),
  JSON.stringify({
    extends: relative(work, join(root, 'tsconfig.json')),
    compilerOptions: { noEmit: true, types: [] },
    include: ['*.ts', relative(work, join(root, lib, '**/*.ts'))],
    exclude: ['**/*.spec.ts', '**/*.test-util.ts', 'schematics/**'].map((glob) =>
      relative(work, join(root, lib, glob)),
    ),
  }),
);

const app = await Application.bootstrapWithPlugins({
  name: 'ngx-trtc-calling',
  entryPoints: wrappers,
  entryPointStrategy: 'resolve',
  tsconfig: join(work, 'tsconfig.json'),
  readme: join(root, lib, 'README.md'),
  out,
  excludePrivate: true,
  excludeExternals: true,
  sourceLinkExternal: false,
  disableSources: true,
  githubPages: false,
  validation: { notExported: true, invalidLink: true, rewrittenLink: true, notDocumented: true },
  treatWarningsAsErrors: true,
  treatValidationWarningsAsErrors: true,
  logLevel: LogLevel.Info,
});
const project = await app.convert();
if (!project) process.exit(1);
app.validate(project);
if (app.logger.hasErrors() || app.logger.hasWarnings()) {
  console.error('api-docs: fix the warnings above (undocumented public symbols, broken links)');
  process.exit(1);
}
if (values.check) console.log('api-docs: every public symbol documented, every link resolves');
else {
  await app.generateDocs(project, out);
  console.log(`api-docs: ${relative(root, out)}/index.html`);
}
