/**
 * Test helper: a real `/usr/bin/janus` (VideoRoom plugin, WebSocket transport) on loopback with its
 * own ports, configured from the templates in `projects/calling-server/janus/` written into a temp
 * dir; started without root and stopped (SIGTERM, then SIGKILL), each step bounded.
 * `scripts/janus-dev.mjs` does the same for humans.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import WebSocket from 'ws';
import { freePort } from '../redis-server.test-util';

export const JANUS_BIN = process.env['JANUS_BIN'] || '/usr/bin/janus';
const TEMPLATES = resolve(__dirname, '../../janus');

/** Whether the Janus binary runs here (CI installs the `janus` package; see .ci/run). */
export function haveJanus(): boolean {
  // `janus --version` prints the version and exits 1 (1.1.2), so the output is what counts.
  return String(spawnSync(JANUS_BIN, ['--version'], { encoding: 'utf8' }).stdout).includes('Janus version');
}

/** Values for the `{{NAME}}` placeholders of the shipped templates. */
export interface JanusTemplateValues {
  readonly CONFIG_DIR: string;
  readonly WS_PORT: number;
  readonly ADMIN_PORT: number;
  readonly ADMIN_SECRET: string;
  readonly VIDEOROOM_ADMIN_KEY: string;
  readonly RTP_PORT_RANGE: string;
}

/** Writes every template of `projects/calling-server/janus/` into `values.CONFIG_DIR`, filled in. */
export function writeJanusConfig(values: JanusTemplateValues): void {
  for (const name of readdirSync(TEMPLATES).filter((n) => n.endsWith('.jcfg'))) {
    const text = readFileSync(join(TEMPLATES, name), 'utf8').replace(
      /\{\{([A-Z_]+)\}\}/g,
      (_, key: string) => {
        const value = (values as unknown as Record<string, string | number | undefined>)[key];
        if (value === undefined) throw new Error(`janus template ${name}: no value for ${key}`);
        return String(value);
      },
    );
    writeFileSync(join(values.CONFIG_DIR, name), text);
  }
}

/** Resolves once the Janus WebSocket API answers an `info` request on `url`. */
export async function waitForJanus(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await janusAnswers(url, Math.max(100, deadline - Date.now()))) return;
    if (Date.now() > deadline) throw new Error(`janus did not answer on ${url} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function janusAnswers(url: string, timeoutMs: number): Promise<boolean> {
  return new Promise((resolveAnswer) => {
    const ws = new WebSocket(url, 'janus-protocol');
    const done = (ok: boolean): void => {
      clearTimeout(timer);
      ws.removeAllListeners();
      ws.on('error', () => undefined);
      ws.terminate();
      resolveAnswer(ok);
    };
    const timer = setTimeout(() => done(false), Math.min(timeoutMs, 1000));
    ws.once('open', () => ws.send(JSON.stringify({ janus: 'info', transaction: 'probe' })));
    ws.once('message', (data: Buffer) => done(String(data).includes('"server_info"')));
    ws.once('error', () => done(false));
    ws.once('close', () => done(false));
  });
}

let rtpBase = 20000 + (process.pid % 200) * 100;

/** One Janus process on fixed ports; `restart()` brings it back on the same ones. */
export class JanusProcess {
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  /** What Janus wrote to stdout/stderr (for failure messages). */
  log = '';

  private constructor(
    readonly dir: string,
    readonly port: number,
    readonly adminPort: number,
    readonly adminKey: string,
  ) {}

  /** Starts Janus on free ports (see `create`). */
  static async start(options: { adminKey?: string } = {}): Promise<JanusProcess> {
    const j = await JanusProcess.create(options);
    await j.restart();
    return j;
  }

  /** Picks the ports and writes the config; `restart()` starts it (a test may start it late). */
  static async create(options: { adminKey?: string } = {}): Promise<JanusProcess> {
    if (!haveJanus()) {
      throw new Error(
        `janus is not installed at ${JANUS_BIN}: apt-get install -y --no-install-recommends janus`,
      );
    }
    const dir = mkdtempSync(join(tmpdir(), 'calling-janus-'));
    const rtp = rtpBase;
    rtpBase = rtpBase >= 39000 ? 20000 : rtpBase + 100;
    const j = new JanusProcess(dir, await freePort(), await freePort(), options.adminKey ?? 'test-admin-key');
    writeJanusConfig({
      CONFIG_DIR: dir,
      WS_PORT: j.port,
      ADMIN_PORT: j.adminPort,
      ADMIN_SECRET: 'test-admin-secret',
      VIDEOROOM_ADMIN_KEY: j.adminKey,
      RTP_PORT_RANGE: `${rtp}-${rtp + 99}`,
    });
    return j;
  }

  get url(): string {
    return `ws://127.0.0.1:${this.port}`;
  }

  /** (Re)starts Janus on the same ports and waits until its WebSocket API answers (bounded). */
  async restart(timeoutMs = 10_000): Promise<void> {
    await this.stop();
    const child = spawn(JANUS_BIN, ['-F', this.dir, '-C', join(this.dir, 'janus.jcfg'), '-o'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    const keep = (chunk: Buffer): void => {
      this.log = (this.log + String(chunk)).slice(-20_000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.exited = new Promise((r) => child.once('exit', () => r()));
    try {
      await waitForJanus(this.url, timeoutMs);
    } catch (error) {
      await this.stop();
      throw new Error(`${(error as Error).message}\n${this.log.slice(-2000)}`);
    }
  }

  /** SIGKILL: the instance dies without a goodbye (what a crash looks like to its clients). */
  async kill(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await this.exited;
  }

  /** SIGSTOP: the instance hangs with its sockets open (only a health ping notices). */
  pause(): void {
    this.child?.kill('SIGSTOP');
  }

  /** SIGCONT after `pause()`. */
  resume(): void {
    this.child?.kill('SIGCONT');
  }

  /** SIGTERM, then SIGKILL after `graceMs`. */
  async stop(graceMs = 3000): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return this.exited;
    child.kill('SIGCONT');
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
