import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DEV_SDK_APP_ID } from 'ngx-trtc-calling/wire';

const ROOT = join(__dirname, '..', '..', '..');
const MAIN = join(ROOT, 'dist', 'calling-server', 'main.js');

/** Collects a child's output lines; resolves the first line matching `re`. */
function waitForLine(child: ChildProcess, re: RegExp, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => reject(new Error(`no line matching ${re} in: ${buf}`)), timeoutMs);
    const onData = (d: Buffer) => {
      buf += d.toString();
      const line = buf.split('\n').find((l) => re.test(l));
      if (line) {
        clearTimeout(timer);
        resolve(line);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
  });
}

describe('command line (npm run server)', () => {
  let child: ChildProcess | undefined;
  afterEach(() => {
    // Only the process group this test started.
    if (child?.pid && child.exitCode === null) process.kill(-child.pid, 'SIGKILL');
    child = undefined;
  });

  it('builds, passes flags through (--dev), serves, and shuts down on SIGTERM', async () => {
    child = spawn('npm', ['run', 'server', '--silent', '--', '--dev', '--port', '0', '--log-level', 'info'], {
      cwd: ROOT,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, CALLING_SECRET_KEY: '' },
    });
    const warning = waitForLine(child, /DEV MODE/, 20_000);
    const line = await waitForLine(child, /calling-server listening/, 20_000);
    expect(await warning).toContain('PUBLIC dev key');
    const { httpUrl } = JSON.parse(line) as { httpUrl: string };
    const res = await fetch(`${httpUrl}/dev/usersig?userID=cli`);
    expect(res.status).toBe(200);
    const exited = new Promise((r) => child!.once('exit', r));
    const closed = waitForLine(child, /calling-server closed/, 5000);
    // npm and the server both get it (one process group); the server closes cleanly.
    process.kill(-child.pid!, 'SIGTERM');
    expect(await closed).toContain('"level":30');
    await exited;
  }, 30_000);

  it('exits 2 with a message when no secret key is configured, and prints usage on --help', () => {
    if (!existsSync(MAIN)) spawnSync('npm', ['run', 'build:server'], { cwd: ROOT, stdio: 'ignore' });
    const env = { ...process.env, CALLING_SECRET_KEY: '', CALLING_DEV: '' };
    const refused = spawnSync('node', [MAIN, '--port', '0', '--sdkappid', String(DEV_SDK_APP_ID)], {
      env,
      encoding: 'utf8',
    });
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(/secret key is required/);
    const bad = spawnSync('node', [MAIN, '--frobnicate'], { env, encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/unknown option --frobnicate/);
    const help = spawnSync('node', [MAIN, '--help'], { env, encoding: 'utf8' });
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('--session-policy');
  });
});
