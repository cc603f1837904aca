/**
 * The consumer test's setup: an Angular app generated the way a user starts one (`ng new` of the
 * workspace's Angular CLI version, in a temp folder outside this workspace, its paths and its
 * tsconfig), which installs the packed tarballs of the library and of calling-server from npm's
 * cache, runs `ng add ngx-trtc-calling` (self-hosted backend, sample call panel) and builds in
 * production; then `npx calling-server --dev` from the installed tarball and a static server for
 * the built app. Needs `npm run build:lib` first.
 */
import { spawn, spawnSync, type SpawnSyncOptions } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../support/build-harness';
import { startStaticServer } from '../support/static-server';

const CLI_VERSION = (
  JSON.parse(readFileSync(join(ROOT, 'node_modules/@angular/cli/package.json'), 'utf8')) as {
    version: string;
  }
).version;

/** npm from the local cache first: the registry is asked only for what the cache lacks. */
const NPM_ENV = {
  ...process.env,
  NG_CLI_ANALYTICS: 'false',
  npm_config_prefer_offline: 'true',
  npm_config_audit: 'false',
  npm_config_fund: 'false',
  npm_config_update_notifier: 'false',
};

function step(what: string, command: string, args: readonly string[], options: SpawnSyncOptions): void {
  const started = Date.now();
  const result = spawnSync(command, args, { env: NPM_ENV, encoding: 'utf8', timeout: 180_000, ...options });
  if (result.status !== 0) {
    throw new Error(
      `consumer: ${what} failed (${result.error?.message ?? `exit ${result.status}`}):\n${String(result.stdout ?? '')}\n${String(result.stderr ?? '')}`,
    );
  }
  console.log(`consumer: ${what} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

const APP_TS = `import { Component } from '@angular/core';
import { CallPanel } from './call-panel/call-panel';

@Component({
  selector: 'app-root',
  imports: [CallPanel],
  template: '<app-call-panel />',
})
export class App {}
`;

export default async function globalSetup(): Promise<() => Promise<void>> {
  const lib = join(ROOT, 'dist/ngx-trtc-calling');
  if (!existsSync(join(lib, 'schematics/collection.json')))
    throw new Error(
      'consumer: no complete library build in dist/ngx-trtc-calling; run `npm run build:lib` first',
    );

  const work = mkdtempSync(join(tmpdir(), 'ngx-trtc-calling-consumer-'));
  const packs = join(work, 'packs');
  mkdirSync(packs);
  step('pack the library', 'npm', ['pack', lib, '--pack-destination', packs], { cwd: ROOT });
  step('pack calling-server', process.execPath, ['scripts/pack-server.mjs', '--pack', packs], { cwd: ROOT });
  const tarballs = readdirSync(packs)
    .filter((f) => f.endsWith('.tgz'))
    .map((f) => join(packs, f));
  if (tarballs.length !== 2) throw new Error(`consumer: expected two tarballs, found ${tarballs.join(', ')}`);

  step(
    `ng new (Angular CLI ${CLI_VERSION})`,
    'npm',
    [
      'exec',
      '--yes',
      `--package=@angular/cli@${CLI_VERSION}`,
      '--',
      'ng',
      'new',
      'shop',
      '--minimal',
      '--skip-install',
      '--skip-git',
      '--defaults',
      '--interactive=false',
      '--style=css',
      '--ssr=false',
      '--routing=false',
      '--ai-config=none',
      '--package-manager=npm',
    ],
    { cwd: work },
  );
  const app = join(work, 'shop');
  step('npm install of the app and both tarballs', 'npm', ['install', ...tarballs], { cwd: app });

  const serverPort = await freePort();
  step(
    'ng add ngx-trtc-calling',
    'npx',
    [
      'ng',
      'add',
      'ngx-trtc-calling',
      '--skip-confirmation',
      '--interactive=false',
      '--backend=self-hosted',
      `--url=ws://127.0.0.1:${serverPort}`,
      '--sample-component',
    ],
    { cwd: app },
  );
  writeFileSync(join(app, 'src/app/app.ts'), APP_TS);
  step('ng build (production)', 'npx', ['ng', 'build'], { cwd: app });

  const server = spawn(
    'npx',
    ['calling-server', '--dev', '--host', '127.0.0.1', '--port', String(serverPort)],
    {
      cwd: app,
      env: { ...NPM_ENV, CALLING_LOG_FORMAT: 'json', CALLING_LOG_LEVEL: 'warn' },
      detached: true,
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  await waitForHttp(`http://127.0.0.1:${serverPort}/healthz`, 20_000);
  const site = await startStaticServer({
    mounts: { '/': join(app, 'dist/shop/browser') },
    spaFallback: ['/'],
  });
  process.env['CONSUMER_URL'] = `${site.baseURL}/`;
  process.env['CONSUMER_APP'] = app;

  return async () => {
    await site.close();
    if (server.pid && server.exitCode === null) process.kill(-server.pid, 'SIGTERM');
    if (!process.env['CONSUMER_KEEP']) rmSync(work, { recursive: true, force: true });
  };
}

async function waitForHttp(url: string, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > until) throw new Error(`consumer: ${url} did not answer in ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
