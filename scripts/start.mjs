// `npm start`: the demo on the embedded self-hosted backend. Builds and starts calling-server in
// dev mode (test UserSigs from GET /dev/usersig), serves the demo app, prints the URL.
//
// HOST (default 127.0.0.1), CALLING_PORT (8787) and DEMO_PORT (4200) choose where they listen;
// both ports are checked before anything starts. Each child runs in its own process group, so
// that ending it ends what it started too (ng serve's workers): when either child exits, or on
// Ctrl+C / SIGTERM, every child is ended and `npm start` exits, never leaving one behind to hold
// its port.
import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const host = process.env.HOST ?? '127.0.0.1';
const serverPort = Number(process.env.CALLING_PORT ?? '8787');
const demoPort = Number(process.env.DEMO_PORT ?? '4200');
const DEFAULT_SERVER_PORT = 8787;

/** Resolves when `port` on `host` can be listened on; rejects with the listen error otherwise. */
function probe(port) {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen({ port, host, exclusive: true }, () => server.close(() => done()));
  });
}

async function checkPorts() {
  const wanted = [
    { port: serverPort, variable: 'CALLING_PORT', what: 'calling-server' },
    { port: demoPort, variable: 'DEMO_PORT', what: 'the demo (ng serve)' },
  ];
  let ok = true;
  for (const { port, variable, what } of wanted) {
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      console.error(`npm start: ${variable}=${port} is not a port number (1–65535).`);
      ok = false;
      continue;
    }
    try {
      await probe(port);
    } catch (error) {
      const why =
        error.code === 'EADDRINUSE' ? 'is already in use' : `cannot be used (${error.code ?? error.message})`;
      console.error(
        `npm start: port ${port} on ${host} for ${what} ${why}.\n` +
          `  Stop what listens there (an earlier npm start?), or choose another port: ${variable}=${port + 1} npm start`,
      );
      ok = false;
    }
  }
  if (serverPort === demoPort) {
    console.error('npm start: CALLING_PORT and DEMO_PORT must differ.');
    ok = false;
  }
  if (!ok) process.exit(1);
}

const children = new Set();
let stopping = false;

/** Ends every child's process group, waits for them (SIGKILL after 5 s), then exits. */
function stop(code) {
  if (stopping) return;
  stopping = true;
  const left = [...children].filter((c) => c.exitCode === null && c.signalCode === null);
  const signalAll = (signal) => {
    for (const child of left) {
      try {
        process.kill(-child.pid, signal);
      } catch {
        // already gone
      }
    }
  };
  signalAll('SIGTERM');
  const force = setTimeout(() => signalAll('SIGKILL'), 5000);
  force.unref();
  Promise.all(left.map((c) => new Promise((r) => (c.exitCode !== null ? r() : c.once('exit', r))))).then(() =>
    process.exit(code),
  );
}

function run(name, command, args, options) {
  const child = spawn(command, args, { cwd: root, detached: true, ...options });
  children.add(child);
  child.once('exit', (code, signal) => {
    children.delete(child);
    if (!stopping) {
      console.error(`\nnpm start: ${name} exited (${signal ?? code}); stopping the rest.`);
      stop(code || 1);
    }
  });
  return child;
}

process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));
process.on('SIGHUP', () => stop(0));

await checkPorts();

const built = spawnSync('npm', ['run', 'build:server', '--silent'], { cwd: root, stdio: 'inherit' });
if (built.status !== 0) process.exit(built.status ?? 1);

run(
  'calling-server',
  process.execPath,
  [
    '--enable-source-maps',
    'dist/calling-server/main.js',
    '--dev',
    '--host',
    host,
    '--port',
    String(serverPort),
    '--session-policy',
    'multi',
  ],
  // Readable log lines even when npm start's own output is piped.
  { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, CALLING_LOG_FORMAT: 'pretty' } },
);

const demo = run(
  'ng serve',
  process.execPath,
  [
    join(root, 'node_modules/@angular/cli/bin/ng.js'),
    'serve',
    'demo',
    '--host',
    host,
    '--port',
    String(demoPort),
  ],
  { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, NG_CLI_ANALYTICS: 'false' } },
);
const bracketed = host.includes(':') ? `[${host}]` : host;
const serverQuery =
  serverPort === DEFAULT_SERVER_PORT
    ? ''
    : `?server=${encodeURIComponent(`ws://${bracketed}:${serverPort}`)}`;
let announced = false;
demo.stdout.on('data', (chunk) => {
  process.stdout.write(chunk);
  if (!announced && /Local:|localhost|127\.0\.0\.1/.test(String(chunk))) {
    announced = true;
    console.log(
      `\n  ngx-trtc-calling demo: http://${bracketed}:${demoPort}/${serverQuery}  (calling-server: ws://${bracketed}:${serverPort})`,
    );
    console.log('  Open it in two browser windows, log in as two users, and call. Ctrl+C stops both.\n');
  }
});
