/**
 * Bounded memory per connection (issue 12, finding 4): a history reply never exceeds a page of a
 * quarter of `--max-buffered-bytes`; the client follows `more`/`beforeSeq` for the older pages.
 */
import type { OkResults } from 'ngx-trtc-calling/wire';
import type { Socket } from 'node:net';
import { WebSocket } from 'ws';
import {
  silentTransportLogger,
  webSocketSignaling,
  type WebSocketConstructor,
} from 'ngx-trtc-calling/webrtc';
import { TEST_APP, TestClient, closeAll, officialSig, startTestServer, until } from './test-client.test-util';

describe('history pages', () => {
  afterEach(closeAll);

  it('answers a big history in pages no larger than a quarter of maxBufferedBytes', async () => {
    const maxBufferedBytes = 256 * 1024;
    const server = await startTestServer({
      maxBufferedBytes,
      ratePerSecond: 10_000,
      rateBurst: 10_000,
      maxStoredBytesPerSender: 64 * 1024 * 1024,
      maxStoredBytesPerUser: 64 * 1024 * 1024,
    });
    const [alice, bob] = await TestClient.loginAll(server.url, ['alice', 'bob'] as const);
    const chunk = 'h'.repeat(20 * 1024);
    for (let i = 0; i < 60; i++) await alice.sendMsg('bob', `${i}:${chunk}`);
    const sizes: number[] = [];
    bob.ws.on('message', (data: Buffer) => sizes.push(data.length));
    const seen: number[] = [];
    let beforeSeq: number | undefined;
    for (let page = 0; page < 60; page++) {
      const r = await bob.ok<'history'>({
        t: 'history',
        since: 0,
        limit: 500,
        ...(beforeSeq !== undefined ? { beforeSeq } : {}),
      });
      const result: OkResults['history'] = r;
      seen.unshift(...result.messages.map((m) => Number(m.data.split(':')[0])));
      if (!result.more) break;
      beforeSeq = result.beforeSeq;
    }
    expect(seen).toEqual(Array.from({ length: 60 }, (_, i) => i));
    expect(sizes.length).toBeGreaterThan(1);
    for (const size of sizes) expect(size).toBeLessThanOrEqual(maxBufferedBytes / 4 + 1024);
  });

  it('keeps what paused readers asking for big histories buffer within maxBufferedBytes plus one page', async () => {
    const maxBufferedBytes = 256 * 1024;
    const server = await startTestServer({
      maxBufferedBytes,
      ratePerSecond: 10_000,
      rateBurst: 10_000,
      sessionPolicy: 'multi',
      maxStoredBytesPerSender: 64 * 1024 * 1024,
      maxStoredBytesPerUser: 64 * 1024 * 1024,
    });
    const alice = await TestClient.login(server.url, 'alice');
    const readers: TestClient[] = [];
    for (let i = 0; i < 4; i++) readers.push(await TestClient.login(server.url, 'bob'));
    const chunk = 'p'.repeat(60 * 1024);
    for (let i = 0; i < 40; i++) await alice.sendMsg('bob', chunk);
    await until(() => readers.every((r) => r.messages().length === 40), 'pushes read');
    for (const r of readers) {
      (r.ws as unknown as { _socket: Socket })._socket.pause();
      for (let i = 0; i < 40; i++) r.sendRaw({ t: 'history', id: i, since: 0, limit: 500 });
    }
    await until(
      () => server.metrics.connectionsClosed.get('slowConsumer') === 4,
      'slow readers dropped',
      5000,
    );
    const peak = Number(/calling_buffered_bytes_peak (\d+)/.exec(server.metrics.render())?.[1]);
    expect(peak).toBeGreaterThan(0);
    expect(peak).toBeLessThanOrEqual(maxBufferedBytes + maxBufferedBytes / 4 + 4096);
  });

  it('the library client follows the pages and returns the whole history, oldest first', async () => {
    const server = await startTestServer({
      maxBufferedBytes: 256 * 1024,
      ratePerSecond: 10_000,
      rateBurst: 10_000,
      maxStoredBytesPerSender: 64 * 1024 * 1024,
      maxStoredBytesPerUser: 64 * 1024 * 1024,
    });
    const alice = await TestClient.login(server.url, 'alice');
    const chunk = 'c'.repeat(30 * 1024);
    for (let i = 0; i < 30; i++) await alice.sendMsg('bob', `${i}:${chunk}`);
    const bob = webSocketSignaling({
      url: server.url,
      SDKAppID: TEST_APP,
      WebSocket: WebSocket as unknown as WebSocketConstructor,
      logger: silentTransportLogger,
    });
    await bob.login({ userID: 'bob', userSig: officialSig('bob') });
    try {
      const all = await bob.history({ since: 0, limit: 500 });
      expect(all.map((m) => Number(m.data.split(':')[0]))).toEqual(Array.from({ length: 30 }, (_, i) => i));
      const newest = await bob.history({ since: 0, limit: 12 });
      expect(newest.map((m) => Number(m.data.split(':')[0]))).toEqual(
        Array.from({ length: 12 }, (_, i) => i + 18),
      );
    } finally {
      await bob.logout();
    }
  });
});
