/**
 * Test helper: a real `redis-server` child process on a free loopback port, without persistence
 * (`--save '' --appendonly no`) unless asked for the append-only file the README recommends, that
 * tests may stop and start again on the same port.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A free TCP port on 127.0.0.1 (bound and released). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/** Resolves once something accepts TCP connections on `port`. */
async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const started = Date.now();
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = new Socket();
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
      s.connect(port, '127.0.0.1');
    });
    if (ok) return;
    if (Date.now() - started > timeoutMs) throw new Error(`redis-server did not listen on ${port}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Whether `redis-server` is on the PATH (CI installs it; see .ci/run and TOOLCHAIN.md). */
export function haveRedisServer(): boolean {
  return spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
}

/** One redis-server process on a fixed port. */
export class RedisProcess {
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();

  private constructor(
    readonly port: number,
    /** With an append-only file (fsync per write) in this directory: a restart keeps the data. */
    private readonly dir?: string,
  ) {}

  /** Starts a redis-server on a free port (`persistent`: `appendonly yes`, `appendfsync always`). */
  static async start(options: { persistent?: boolean } = {}): Promise<RedisProcess> {
    if (!haveRedisServer()) {
      throw new Error(
        'redis-server is not installed: apt-get install -y --no-install-recommends redis-server',
      );
    }
    const dir = options.persistent ? mkdtempSync(join(tmpdir(), 'calling-redis-')) : undefined;
    const r = new RedisProcess(await freePort(), dir);
    await r.restart();
    return r;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** (Re)starts the process on the same port; an empty data set each time unless persistent. */
  async restart(): Promise<void> {
    await this.stop();
    const persistence = this.dir
      ? ['--dir', this.dir, '--appendonly', 'yes', '--appendfsync', 'always']
      : ['--appendonly', 'no'];
    const child = spawn(
      'redis-server',
      ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', ...persistence],
      { stdio: 'ignore' },
    );
    this.child = child;
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    await waitForPort(this.port, 5000);
  }

  /** Kills the process (SIGKILL: no goodbye to its clients) and waits for it to exit. */
  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await this.exited;
  }

  /** Stops the process and deletes its append-only file, if any. */
  async dispose(): Promise<void> {
    await this.stop();
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
  }
}
