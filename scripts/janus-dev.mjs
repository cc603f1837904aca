// A local Janus for development: the project's config (projects/calling-server/janus/*.jcfg)
// written into a temp dir with this run's ports, `/usr/bin/janus` started without root on
// loopback, its URL printed once its WebSocket API answers, stopped on Ctrl-C (SIGTERM, then
// SIGKILL after 3 s). Usage:
//   node scripts/janus-dev.mjs [--port 8188] [--admin-port 7188] [--admin-key dev-admin-key]
//                              [--rtp-ports 20000-20999]
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import process from 'node:process';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';

const TEMPLATES = resolve(import.meta.dirname, '../projects/calling-server/janus');
const JANUS_BIN = process.env.JANUS_BIN || '/usr/bin/janus';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '8188' },
    'admin-port': { type: 'string', default: '7188' },
    'admin-key': { type: 'string', default: 'dev-admin-key' },
    'rtp-ports': { type: 'string', default: '20000-20999' },
  },
});

const dir = mkdtempSync(join(tmpdir(), 'janus-dev-'));
const fill = {
  CONFIG_DIR: dir,
  WS_PORT: values.port,
  ADMIN_PORT: values['admin-port'],
  ADMIN_SECRET: 'dev-admin-secret',
  VIDEOROOM_ADMIN_KEY: values['admin-key'],
  RTP_PORT_RANGE: values['rtp-ports'],
};
for (const name of readdirSync(TEMPLATES).filter((n) => n.endsWith('.jcfg'))) {
  const text = readFileSync(join(TEMPLATES, name), 'utf8').replace(/\{\{([A-Z_]+)\}\}/g, (_, key) => {
    if (!(key in fill)) throw new Error(`${name}: no value for ${key}`);
    return fill[key];
  });
  writeFileSync(join(dir, name), text);
}

const url = `ws://127.0.0.1:${values.port}`;
const child = spawn(JANUS_BIN, ['-F', dir, '-C', join(dir, 'janus.jcfg'), '-o'], { stdio: 'inherit' });
let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  if (child.exitCode === null && child.signalCode === null) {
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 3000).unref();
  }
};
child.once('error', (err) => {
  console.error(`janus-dev: cannot run ${JANUS_BIN}: ${err.message} (apt-get install janus)`);
  process.exitCode = 1;
});
child.once('exit', (code, signal) => {
  rmSync(dir, { recursive: true, force: true });
  if (!stopping) console.error(`janus-dev: janus exited (${signal ?? code})`);
  process.exit(stopping ? 0 : 1);
});
process.on('SIGINT', stop);
process.on('SIGTERM', stop);

/** Whether Janus answers an `info` request on `url`. */
function answers() {
  return new Promise((done) => {
    const ws = new WebSocket(url, 'janus-protocol');
    const finish = (ok) => {
      clearTimeout(timer);
      ws.removeAllListeners();
      ws.on('error', () => {});
      ws.terminate();
      done(ok);
    };
    const timer = setTimeout(() => finish(false), 1000);
    ws.once('open', () => ws.send(JSON.stringify({ janus: 'info', transaction: 'probe' })));
    ws.once('message', (data) => finish(String(data).includes('server_info')));
    ws.once('error', () => finish(false));
  });
}

const deadline = Date.now() + 10_000;
while (!(await answers())) {
  if (stopping || child.exitCode !== null) break;
  if (Date.now() > deadline) {
    console.error(`janus-dev: janus did not answer on ${url} within 10 s`);
    stop();
    break;
  }
  await new Promise((r) => setTimeout(r, 100));
}
if (!stopping && child.exitCode === null) {
  console.log(
    `\njanus-dev: Janus VideoRoom on ${url} (admin API ws://127.0.0.1:${values['admin-port']}), config in ${dir}`,
  );
  console.log(
    `janus-dev: npm run server -- --dev --janus ${url}#dev --sfu-threshold 0 --janus-admin-key ${values['admin-key']}`,
  );
}
