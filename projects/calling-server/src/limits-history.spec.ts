/**
 * Bounded memory per connection (issue 12, finding 4): a history reply never exceeds a page of a
 * quarter of `--max-buffered-bytes`; the client follows `more`/`beforeSeq` for the older pages.
 */
import type { OkResults } from 'ngx-trtc-calling/wire';
import { TestClient, closeAll, startTestServer } from './test-client.test-util';

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
});
