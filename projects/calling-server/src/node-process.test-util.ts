/**
 * Test helper: calling-server nodes as real child processes (so a test can SIGKILL one), from a
 * bundle of `src/main.ts` built once per test file by the server's one build recipe
 * (scripts/build-server.mjs, run as a child: jest runs these specs as CommonJS, the recipe is ESM).
 * The bundle is written under `node_modules/.cache/` so that its external packages (ws, pino,
 * ioredis) resolve as usual.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const ROOT = join(__dirname, '..', '..', '..');
let bundle: Promise<string> | undefined;

/** Builds (once) and returns the path of the bundled server entry point. */
export function serverBundle(): Promise<string> {
  bundle ??= (async () => {
    const dir = join(ROOT, 'node_modules', '.cache', 'calling-server-test');
    mkdirSync(dir, { recursive: true });
    const outfile = join(dir, `main-${process.pid}.js`);
    await promisify(execFile)(process.execPath, [
      join(ROOT, 'scripts', 'build-server.mjs'),
      '--outfile',
      outfile,
    ]);
    return outfile;
  })();
  return bundle;
}

/** A node running in a child process. */
export interface NodeProcess {
  readonly name: string;
  readonly url: string;
  readonly httpUrl: string;
  readonly child: ChildProcess;
  /** Output so far (stdout and stderr). */
  output(): string;
  /** SIGKILL: the node dies without a word to anyone; resolves once it has exited. */
  kill(): Promise<void>;
}

/** Runs `node bundle args…`; resolves with its exit code and output (kills it after `timeoutMs`). */
export async function runServerProcess(
  args: readonly string[],
  timeoutMs: number,
): Promise<{ code: number | null; output: string; ms: number }> {
  const main = await serverBundle();
  const started = Date.now();
  const child = spawn(process.execPath, [main, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  clearTimeout(timer);
  return { code, output, ms: Date.now() - started };
}

/** Starts a node process with these flags; resolves once it listens. */
export async function startNodeProcess(name: string, args: readonly string[]): Promise<NodeProcess> {
  const main = await serverBundle();
  const child = spawn(process.execPath, [main, '--node-id', name, '--port', '0', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const listening = await new Promise<{ url: string; httpUrl: string }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`node ${name} did not start:\n${output}`)), 15_000);
    const onData = (d: Buffer) => {
      output += d.toString();
      const line = output.split('\n').find((l) => l.includes('calling-server listening'));
      if (line) {
        clearTimeout(timer);
        resolve(JSON.parse(line) as { url: string; httpUrl: string });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`node ${name} exited with ${code}:\n${output}`));
    });
  });
  return {
    name,
    ...listening,
    child,
    output: () => output,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}
