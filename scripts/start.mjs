// `npm start`: the demo on the embedded self-hosted backend. Builds and starts calling-server
// in dev mode (test UserSigs from GET /dev/usersig), serves the demo app, prints the URL.
// Ctrl+C stops both.
import { spawn, spawnSync } from 'node:child_process';

const host = process.env.HOST ?? '127.0.0.1';
const serverPort = process.env.CALLING_PORT ?? '8787';
const demoPort = process.env.DEMO_PORT ?? '4200';
const children = [];

function stop(code = 0) {
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  process.exit(code);
}
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));

const built = spawnSync('npm', ['run', 'build:server', '--silent'], { stdio: 'inherit' });
if (built.status !== 0) process.exit(built.status ?? 1);

const server = spawn(
  process.execPath,
  [
    '--enable-source-maps',
    'dist/calling-server/main.js',
    '--dev',
    '--host',
    host,
    '--port',
    serverPort,
    '--session-policy',
    'multi',
  ],
  { stdio: ['ignore', 'inherit', 'inherit'] },
);
children.push(server);
server.on('exit', (code) => {
  console.error(`calling-server exited (${code})`);
  stop(code ?? 1);
});

const demo = spawn('npx', ['ng', 'serve', 'demo', '--host', host, '--port', demoPort], {
  stdio: ['ignore', 'pipe', 'inherit'],
  env: { ...process.env, NG_CLI_ANALYTICS: 'false' },
});
children.push(demo);
let announced = false;
demo.stdout.on('data', (chunk) => {
  process.stdout.write(chunk);
  if (!announced && /Local:|localhost|127\.0\.0\.1/.test(String(chunk))) {
    announced = true;
    console.log(
      `\n  ngx-trtc-calling demo: http://${host}:${demoPort}/  (calling-server: ws://${host}:${serverPort})`,
    );
    console.log('  Open it in two browser windows, log in as two users, and call.\n');
  }
});
demo.on('exit', (code) => stop(code ?? 1));
