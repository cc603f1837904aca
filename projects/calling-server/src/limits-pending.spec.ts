/**
 * Upgrades in progress per address: one address holding sockets in their HTTP stage (slowloris:
 * connect, never finish the upgrade) must not take the node's whole `--max-pending-upgrades`, or
 * every other client gets 503 until the attacker lets go.
 */
import { Socket } from 'node:net';
import { TestClient, closeAll, startTestServer, until } from './test-client.test-util';

/** A raw TCP connection from `from` (another loopback address) that never finishes its request. */
function stalledSocket(port: number, from: string): Promise<Socket & { answer: string }> {
  return new Promise((resolve, reject) => {
    const s = Object.assign(new Socket(), { answer: '' });
    s.on('error', () => undefined);
    s.on('data', (d: Buffer) => (s.answer += d.toString()));
    s.once('connect', () => {
      s.write('GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n');
      resolve(s);
    });
    s.once('error', reject);
    s.connect({ port, host: '127.0.0.1', localAddress: from });
  });
}

describe('upgrades in progress per address', () => {
  const sockets: Socket[] = [];
  afterEach(async () => {
    for (const s of sockets.splice(0)) s.destroy();
    await closeAll();
  });

  it('refuses a stalling address its own sockets over maxConnectionsPerAddress, never another address', async () => {
    const server = await startTestServer({ maxPendingUpgrades: 4, maxConnectionsPerAddress: 2 });
    const stalled: (Socket & { answer: string })[] = [];
    for (let i = 0; i < 4; i++) stalled.push(await stalledSocket(server.port, '127.0.0.2'));
    sockets.push(...stalled);
    // The address's first two stall on; its third and fourth are answered 503 (its own sockets).
    await until(() => stalled.filter((s) => /^HTTP\/1.1 503 /.test(s.answer)).length === 2, 'two refused');
    expect(server.metrics.connectionsClosed.get('maxPendingUpgrades')).toBe(2);
    const alice = await TestClient.login(server.url, 'alice');
    await alice.ok({ t: 'ping' });
  });
});
