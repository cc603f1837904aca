/*
 * Every `@example` (and fenced ```ts block) in the doc comments of the operators, the testing kit
 * and the TIM mapper is the code of a `#region example <file>#<name>` in a spec, which runs it —
 * so a doc example cannot drift from working code. Guides use the same regions: a ```ts block
 * after `<!-- example: <file>#<name> -->` in docs/testing-your-call-flows.md must equal its region.
 * Compared without whitespace, semicolons and trailing commas (prettier may wrap a spec's line).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';

const root = join(__dirname, '..', '..', '..');
const lib = join(root, 'projects', 'ngx-trtc-calling');
const SOURCES = [
  join(lib, 'core', 'signaling'),
  join(lib, 'testing'),
  join(lib, 'testing', 'angular'),
  join(lib, 'tencent', 'tim-message.ts'),
];
const REGION_SPECS = [
  join(lib, 'core', 'signaling', 'state-operators.spec.ts'),
  join(lib, 'testing', 'doc-examples.spec.ts'),
  join(lib, 'testing', 'angular', 'doc-examples.spec.ts'),
  join(lib, 'testing', 'call-flow.spec.ts'),
  join(lib, 'testing', 'angular', 'guide-examples.spec.ts'),
  join(lib, 'testing', 'guide-examples.spec.ts'),
];
const GUIDES = [join(root, 'docs', 'testing-your-call-flows.md')];

interface Example {
  readonly id: string;
  readonly where: string;
  readonly code: string;
}

function sourceFiles(): string[] {
  return SOURCES.flatMap((path) =>
    path.endsWith('.ts')
      ? [path]
      : readdirSync(path)
          .filter((f) => f.endsWith('.ts') && !f.endsWith('.spec.ts') && !f.endsWith('.test-util.ts'))
          .map((f) => join(path, f)),
  );
}

const DECLARATION =
  /^\s*(?:export\s+)?(?:async\s+)?(?:function|class|interface|const|type)\s+(\w+)|^\s+(?:async\s+)?(\w+)\s*[<(]/;

/** The `@example`s and fenced ```ts blocks of every doc comment in `file`, named by what follows. */
export function docExamples(file: string, text: string): Example[] {
  const out: Example[] = [];
  const comment = /\/\*\*([\s\S]*?)\*\//g;
  for (let match = comment.exec(text); match; match = comment.exec(text)) {
    const body = (match[1] ?? '').split('\n').map((line) => line.replace(/^\s*\* ?/, ''));
    const after = text.slice(match.index + match[0].length).split('\n');
    const declared = after.map((line) => DECLARATION.exec(line)).find((m) => m);
    // A comment above the imports documents the module itself.
    const first = after.find((line) => line.trim() !== '') ?? '';
    const name = first.startsWith('import ') ? 'module' : (declared?.[1] ?? declared?.[2] ?? '?');
    const id = `${basename(file)}#${name}`;
    const line = text.slice(0, match.index).split('\n').length;
    const where = `${relative(root, file)}:${line}`;
    for (let i = 0; i < body.length; i++) {
      if (/^@example\s*$/.test(body[i] ?? '')) {
        const code: string[] = [];
        for (i++; i < body.length && !/^@\w/.test(body[i] ?? ''); i++) code.push(body[i] ?? '');
        i--;
        out.push({ id, where, code: code.join('\n').trim() });
      } else if (/^```ts\s*$/.test(body[i] ?? '')) {
        const code: string[] = [];
        for (i++; i < body.length && !/^```\s*$/.test(body[i] ?? ''); i++) code.push(body[i] ?? '');
        out.push({ id, where, code: withoutImports(code.join('\n')) });
      }
    }
  }
  return out;
}

/** A fenced block shows its imports; the spec that runs it has them at its top. */
function withoutImports(code: string): string {
  return code.replace(/^import [\s\S]*?;\n/gm, '').trim();
}

/** Every `#region example <id>` of `text`. */
export function regions(file: string, text: string): Map<string, string> {
  const out = new Map<string, string>();
  const region = /^[ \t]*\/\/ #region example (\S+)\n([\s\S]*?)^[ \t]*\/\/ #endregion/gm;
  for (let match = region.exec(text); match; match = region.exec(text)) {
    const id = match[1] ?? '';
    if (out.has(id)) throw new Error(`${relative(root, file)}: region ${id} twice`);
    out.set(id, match[2] ?? '');
  }
  return out;
}

/** The ```ts blocks of a guide that follow an `<!-- example: <id> -->` line. */
export function guideExamples(file: string, text: string): Example[] {
  const out: Example[] = [];
  const block = /<!-- example: (\S+) -->\n+```ts\n([\s\S]*?)```/g;
  for (let match = block.exec(text); match; match = block.exec(text)) {
    const line = text.slice(0, match.index).split('\n').length;
    out.push({
      id: match[1] ?? '',
      where: `${relative(root, file)}:${line}`,
      code: withoutImports(match[2] ?? ''),
    });
  }
  return out;
}

function normalized(code: string): string {
  return code
    .replace(/\s+/g, '')
    .replace(/;/g, '')
    .replace(/,([)\]}])/g, '$1');
}

function readIfExists(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

describe('doc examples', () => {
  const runnable = new Map<string, string>();
  for (const file of REGION_SPECS) {
    const text = readIfExists(file);
    if (text === undefined) continue;
    for (const [id, code] of regions(file, text)) {
      if (runnable.has(id)) throw new Error(`region ${id} in two specs`);
      runnable.set(id, code);
    }
  }
  const examples = sourceFiles().flatMap((file) => docExamples(file, readFileSync(file, 'utf8')));
  const guides = GUIDES.flatMap((file) => {
    const text = readIfExists(file);
    return text === undefined ? [] : guideExamples(file, text);
  });

  it('finds the examples it checks', () => {
    expect(examples.length).toBeGreaterThanOrEqual(20);
    expect(runnable.size).toBeGreaterThanOrEqual(20);
  });

  it.each([...examples, ...guides].map((e) => [`${e.where} (${e.id})`, e] as const))(
    '%s is run by a spec, as written',
    (_, example) => {
      const code = runnable.get(example.id);
      if (code === undefined) {
        throw new Error(
          `${example.where}: no spec runs the example of ${example.id}; add it to testing/doc-examples.spec.ts ` +
            `between "// #region example ${example.id}" and "// #endregion"`,
        );
      }
      if (normalized(code) !== normalized(example.code)) {
        throw new Error(
          `${example.where}: the example of ${example.id} differs from the code its spec runs.\n` +
            `doc:\n${example.code}\n\nspec:\n${code}`,
        );
      }
    },
  );
});
