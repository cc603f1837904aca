import { join } from 'node:path';
import ts from 'typescript';
import { samplePanel } from './sample-panel';

const root = join(__dirname, '..', '..', '..', '..');

/** Type errors of `source` as a module of the workspace (the library through its `paths`). */
function typeErrors(source: string): string[] {
  const config = ts.getParsedCommandLineOfConfigFile(
    join(root, 'tsconfig.spec.json'),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
      },
    },
  );
  if (!config) throw new Error('tsconfig.spec.json could not be read');
  const file = join(root, '.schematic-sample', 'call-panel.ts');
  const host = ts.createCompilerHost(config.options);
  const { getSourceFile, fileExists, readFile } = host;
  host.fileExists = (f) => f === file || fileExists.call(host, f);
  host.readFile = (f) => (f === file ? source : readFile.call(host, f));
  host.getSourceFile = (f, lang, ...rest) =>
    f === file ? ts.createSourceFile(f, source, lang) : getSourceFile.call(host, f, lang, ...rest);
  const program = ts.createProgram([file], { ...config.options, noEmit: true }, host);
  return ts
    .getPreEmitDiagnostics(program)
    .filter((d) => d.file?.fileName === file)
    .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}

describe('the sample call panel of ng add', () => {
  // The consumer test builds it in a fresh app; this finds a renamed library export in seconds.
  it.each(['self-hosted', 'tencent'] as const)(
    'compiles against the library (%s backend)',
    (backend) => {
      expect(typeErrors(samplePanel({ backend, url: 'ws://localhost:8787' }))).toEqual([]);
    },
    60_000,
  );

  it('would report a name the library does not export', () => {
    expect(typeErrors("import { NoSuchName } from 'ngx-trtc-calling';\nexport { NoSuchName };\n")).toEqual([
      expect.stringContaining('NoSuchName'),
    ]);
  }, 60_000);

  it('derives the dev UserSig endpoint from the server URL', () => {
    expect(samplePanel({ backend: 'self-hosted', url: 'wss://calls.example.com/ws/' })).toContain(
      "const USER_SIG_URL = 'https://calls.example.com/ws/dev/usersig';",
    );
  });
});
