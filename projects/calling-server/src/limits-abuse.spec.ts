/**
 * Abuse limits (issue 12, findings 7 and 8): every frame counts against the rate limit, a
 * rate-limited frame is not parsed, a flooder is disconnected, and the node caps its connections
 * and its upgrades in progress before the upgrade.
 */
import { request } from 'node:http';
import { Socket } from 'node:net';
import { ERR } from './errors';
import * as frames from './frames';
import type { RunningServer } from './server';
import { TestClient, closeAll, startTestServer, until } from './test-client.test-util';

/** Answers of an HTTP upgrade request: the status line, or 'closed' when the socket just closed. */
function upgradeStatus(url: string): Promise<number | 'closed'> {
  return new Promise((resolve) => {
    const req = request(url.replace(/^ws/, 'http'), {
      headers: {
        connection: 'Upgrade',
        upgrade: 'websocket',
        'sec-websocket-version': '13',
        'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
      },
    });
    req.on('upgrade', (res, socket) => {
      socket.destroy();
      resolve(res.statusCode ?? 0);
    });
    req.on('response', (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', () => resolve('closed'));
    req.end();
  });
}

/** A raw TCP connection that never sends a request (an upgrade that never comes). */
function idleSocket(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = new Socket();
    s.on('error', () => undefined);
    s.once('connect', () => resolve(s));
    s.once('error', reject);
    s.connect(port, '127.0.0.1');
  });
}

const closeCounts = (server: RunningServer, reason: string) => server.metrics.connectionsClosed.get(reason);

describe('abuse limits', () => {
  let server: RunningServer;
  const sockets: Socket[] = [];
  afterEach(async () => {
    for (const s of sockets.splice(0)) s.destroy();
    await closeAll();
  });

  it('counts binary and oversize frames against the rate limit', async () => {
    server = await startTestServer({
      ratePerSecond: 1,
      rateBurst: 10,
      rateStrikes: 1000,
      maxFrameBytes: 1024,
    });
    const alice = await TestClient.login(server.url, 'alice');
    for (let i = 0; i < 20; i++) alice.sendRaw(Buffer.from([1, 2, 3]), true);
    for (let i = 0; i < 20; i++) alice.sendRaw(`{"t":"ping","id":${i},"pad":"${'x'.repeat(2000)}"}`);
    await until(() => alice.ofType('error').length === 40, 'forty errors');
    const codes = alice.ofType('error').map((e) => e.code);
    expect(codes.filter((c) => c === ERR.RATE_LIMITED).length).toBeGreaterThanOrEqual(30);
    expect(codes.filter((c) => c === ERR.BAD_FRAME).length).toBeLessThanOrEqual(10);
  });

  it('does not parse a rate-limited frame', async () => {
    server = await startTestServer({ ratePerSecond: 1, rateBurst: 5, rateStrikes: 1000 });
    const alice = await TestClient.connect(server.url);
    const parse = jest.spyOn(frames, 'parseClientFrame');
    for (let i = 0; i < 20; i++) alice.sendRaw(`{"id":${i},"t":"nope"}`);
    await until(() => alice.ofType('error').length === 20, 'twenty errors');
    expect(parse).toHaveBeenCalledTimes(5);
    parse.mockRestore();
    const errors = alice.ofType('error');
    expect(errors.filter((e) => e.code === ERR.UNKNOWN_TYPE)).toHaveLength(5);
    // Answered with the id sniffed from the frame's head, without parsing it.
    expect(errors.filter((e) => e.code === ERR.RATE_LIMITED).map((e) => e.id)).toEqual(
      Array.from({ length: 15 }, (_, i) => i + 5),
    );
  });

  it('closes a connection that keeps exceeding the rate with 1008, and only that one', async () => {
    server = await startTestServer({ ratePerSecond: 5, rateBurst: 5, rateStrikes: 20 });
    const [mallory, bob] = await TestClient.loginAll(server.url, ['mallory', 'bob'] as const);
    for (let i = 0; i < 400; i++) mallory.sendRaw(Buffer.from('x'), true);
    const { code, reason } = await mallory.closed;
    expect(code).toBe(1008);
    expect(reason).toMatch(/rate/);
    expect(mallory.ofType('error').length).toBeLessThanOrEqual(5 + 20);
    expect(closeCounts(server, 'rateStrikes')).toBe(1);
    await bob.ok({ t: 'ping' });
  });

  it('caps WebSocket connections over all addresses before the upgrade (503)', async () => {
    server = await startTestServer({ maxConnections: 3 });
    const clients = await Promise.all([1, 2, 3].map(() => TestClient.connect(server.url)));
    expect(await upgradeStatus(server.url)).toBe(503);
    expect(closeCounts(server, 'maxConnections')).toBe(1);
    await expect(TestClient.connect(server.url)).rejects.toThrow(/503/);
    clients[0]?.close();
    await until(() => server.metrics.render().includes('calling_connections 2'), 'close noticed');
    const again = await TestClient.connect(server.url);
    await again.ok({ t: 'ping' });
  });

  it('caps connections still in their HTTP stage, and shows them in /metrics', async () => {
    server = await startTestServer({ maxPendingUpgrades: 4 });
    for (let i = 0; i < 4; i++) sockets.push(await idleSocket(server.port));
    await until(() => server.metrics.render().includes('calling_upgrades_pending 4'), 'four pending');
    const fifth = await idleSocket(server.port);
    sockets.push(fifth);
    let answer = '';
    fifth.on('data', (d: Buffer) => (answer += d.toString()));
    await new Promise((r) => fifth.once('close', r));
    expect(answer).toMatch(/^HTTP\/1.1 503 /);
    expect(closeCounts(server, 'maxPendingUpgrades')).toBe(1);
    sockets.splice(0).forEach((s) => s.destroy());
    await until(() => server.metrics.render().includes('calling_upgrades_pending 0'), 'none pending');
    const alice = await TestClient.login(server.url, 'alice');
    await alice.ok({ t: 'ping' });
  });
});
