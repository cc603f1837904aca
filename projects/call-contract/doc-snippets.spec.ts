// The TypeScript examples of the READMEs compile against the library's public entries, so a
// renamed or fenced export cannot leave a guide that no longer works. Each ```ts block is its own
// module; names an app would provide itself (a UserSig, its own render functions) come from one
// ambient prelude, not from the snippets.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';

const root = join(__dirname, '..', '..');
const DOCS = [
  'README.md',
  'projects/ngx-trtc-calling/README.md',
  'projects/ngx-trtc-calling/tencent/USING-TENCENT-CLOUD.md',
  'projects/ngx-trtc-calling/ui/README.md',
  'docs/getting-started.md',
  'docs/rxjs-api.md',
  'docs/tencent-cloud.md',
  'docs/self-hosted-deployment.md',
  'docs/migration.md',
];

const PRELUDE = `
declare const userSig: string;
declare const myTim: import('ngx-trtc-calling/tencent').TimInstance;
declare const user: { readonly id: string };
declare function showIncoming(sponsor: string, callType: number): void;
declare function showIncomingCall(sponsor: string, callType: number): void;
declare function render(phase: string, participants: readonly unknown[]): void;
`;

interface Snippet {
  readonly file: string;
  readonly line: number;
  readonly code: string;
}

/** Every ```ts block of a Markdown file (indented blocks inside list items included). */
export function extractSnippets(file: string, text: string): Snippet[] {
  const snippets: Snippet[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)```ts\s*$/.exec(lines[i] ?? '');
    if (!open) continue;
    const indent = open[1]?.length ?? 0;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length && !/^\s*```\s*$/.test(lines[j] ?? ''); j++)
      body.push((lines[j] ?? '').slice(indent));
    snippets.push({ file, line: i + 1, code: body.join('\n') });
    i = j;
  }
  return snippets;
}

function compile(snippets: readonly Snippet[]): string[] {
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
  const virtual = new Map<string, string>();
  virtual.set(join(root, '.doc-snippets', 'prelude.d.ts'), PRELUDE);
  snippets.forEach((s, n) => {
    // `export {}` makes a snippet without imports a module too, so top-level await is allowed.
    virtual.set(join(root, '.doc-snippets', `snippet-${n}.ts`), `${s.code}\nexport {};\n`);
  });
  // The guides import the app's own root component the way an app does.
  virtual.set(join(root, '.doc-snippets', 'app', 'app.ts'), 'export class App {}\n');
  const host = ts.createCompilerHost(config.options);
  const { getSourceFile, fileExists, readFile } = host;
  host.fileExists = (f) => virtual.has(f) || fileExists.call(host, f);
  const virtualDir = join(root, '.doc-snippets');
  host.directoryExists = (d) => d.startsWith(virtualDir) || ts.sys.directoryExists(d);
  host.readFile = (f) => virtual.get(f) ?? readFile.call(host, f);
  host.getSourceFile = (f, lang, ...rest) => {
    const text = virtual.get(f);
    return text === undefined
      ? getSourceFile.call(host, f, lang, ...rest)
      : ts.createSourceFile(f, text, lang);
  };
  const program = ts.createProgram([...virtual.keys()], { ...config.options, noEmit: true }, host);
  return ts
    .getPreEmitDiagnostics(program)
    .filter((d) => d.file && /snippet-\d+\.ts$/.test(d.file.fileName))
    .map((d) => {
      const name = d.file?.fileName ?? '';
      const n = Number(/snippet-(\d+)\.ts$/.exec(name)?.[1]);
      const where = snippets[n];
      const line = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line : 0;
      const at = where ? `${where.file}:${where.line + 1 + line}` : name;
      return `${at}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
    });
}

describe('documentation examples', () => {
  const snippets = DOCS.flatMap((file) => extractSnippets(file, readFileSync(join(root, file), 'utf8')));

  it('finds the examples of every guide', () => {
    for (const file of DOCS) expect(snippets.filter((s) => s.file === file).length).toBeGreaterThan(1);
  });

  it('compile against the public entries', () => {
    expect(compile(snippets)).toEqual([]);
  }, 120_000);

  it('reports a broken example with its file and line', () => {
    const broken = extractSnippets(
      'GUIDE.md',
      "intro\n\n```ts\nimport { NoSuchName } from 'ngx-trtc-calling/core';\n```\n",
    );
    const errors = compile(broken);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^GUIDE\.md:4: .*NoSuchName/);
  }, 120_000);
});
