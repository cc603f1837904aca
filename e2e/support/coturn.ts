/**
 * A coturn (`/usr/bin/turnserver`, the Debian package) of a test's own, on 127.0.0.1: TURN REST
 * credentials (`use-auth-secret`), UDP and TCP on one ephemeral port, relay ports of its own,
 * loopback peers allowed (both browsers are on this machine), no TLS/DTLS, no CLI, its database,
 * pid and log files in a temp folder. `restart()` kills it and starts it again on the same ports
 * (every allocation is lost, as when a TURN server crashes).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Path of the coturn binary (`TURNSERVER_PATH` overrides the Debian package's). */
export const TURNSERVER_PATH = process.env['TURNSERVER_PATH'] || '/usr/bin/turnserver';

export interface Coturn {
  /** The shared secret (`static-auth-secret`) credentials must be signed with. */
  readonly secret: string;
  /** `turn:127.0.0.1:<port>?transport=udp`. */
  readonly url: string;
  readonly port: number;
  /** The log so far (for a failed test's report). */
  log(): string;
  /** SIGKILL, then the same server again on the same ports; resolves once it answers. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts a coturn; resolves once it answers a STUN binding request. `relayIp`: the address its
 * relays use (default 127.0.0.1; a peer that never takes loopback candidates, such as Janus,
 * needs this host's interface address, which stays on the machine as well).
 */
export async function startCoturn(options: {
  readonly secret: string;
  readonly relayIp?: string;
}): Promise<Coturn> {
  if (!existsSync(TURNSERVER_PATH)) {
    throw new Error(`${TURNSERVER_PATH} not found: apt-get install -y --no-install-recommends coturn`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'e2e-coturn-'));
  const port = await freeUdpPort();
  // 100 relay ports at a random place above the ephemeral range's usual start.
  const minPort = 50_000 + Math.floor(Math.random() * 150) * 100;
  const args = [
    '-n',
    '--listening-ip=127.0.0.1',
    `--relay-ip=${options.relayIp ?? '127.0.0.1'}`,
    `--listening-port=${port}`,
    `--min-port=${minPort}`,
    `--max-port=${minPort + 99}`,
    '--use-auth-secret',
    `--static-auth-secret=${options.secret}`,
    '--realm=e2e.test',
    '--no-cli',
    '--no-tls',
    '--no-dtls',
    '--allow-loopback-peers',
    `--userdb=${join(dir, 'turndb')}`,
    `--pidfile=${join(dir, 'turnserver.pid')}`,
    `--log-file=${join(dir, 'turn.log')}`,
    '--simple-log',
    '--verbose',
  ];
  let child: ChildProcess | undefined;
  const start = async () => {
    const proc = spawn(TURNSERVER_PATH, args, { stdio: 'ignore' });
    child = proc;
    await answersStun(port, () => proc.exitCode !== null || proc.signalCode !== null);
  };
  const kill = async () => {
    const proc = child;
    child = undefined;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise((resolve) => proc.once('exit', resolve));
    proc.kill('SIGKILL');
    await exited;
  };
  await start();
  return {
    secret: options.secret,
    url: `turn:127.0.0.1:${port}?transport=udp`,
    port,
    log: () => {
      const file = join(dir, 'turn.log');
      return existsSync(file) ? readFileSync(file, 'utf8') : '';
    },
    restart: async () => {
      await kill();
      await start();
    },
    stop: async () => {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A UDP port free on 127.0.0.1 right now (coturn listens on it for UDP and TCP). */
function freeUdpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4');
    socket.once('error', reject);
    socket.bind(0, '127.0.0.1', () => {
      const { port } = socket.address();
      socket.close(() => resolve(port));
    });
  });
}

/** Resolves once a STUN binding request to the port is answered (up to 10 s). */
async function answersStun(port: number, died: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  // RFC 5389 binding request: type 0x0001, length 0, magic cookie, a 12-byte transaction ID.
  const request = Buffer.concat([Buffer.from([0, 1, 0, 0, 0x21, 0x12, 0xa4, 0x42]), Buffer.alloc(12, 7)]);
  while (Date.now() < deadline) {
    if (died()) throw new Error('turnserver exited during start');
    const answered = await new Promise<boolean>((resolve) => {
      const socket = createSocket('udp4');
      const timer = setTimeout(() => finish(false), 200);
      const finish = (ok: boolean) => {
        clearTimeout(timer);
        socket.close();
        resolve(ok);
      };
      socket.once('message', (message) => finish(message.readUInt16BE(0) === 0x0101));
      socket.once('error', () => finish(false));
      socket.send(request, port, '127.0.0.1');
    });
    if (answered) return;
  }
  throw new Error(`turnserver did not answer on 127.0.0.1:${port} within 10 s`);
}
