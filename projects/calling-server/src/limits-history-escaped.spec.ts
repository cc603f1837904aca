/**
 * A history page is measured by the text it is sent as: data JSON escapes (a control character
 * takes six bytes, `\u0001`) must not let a sender make another user's history replies outgrow the
 * page (a quarter of `--max-buffered-bytes`), which on a slow link ends the reader's connection.
 */
import type { OkResults } from 'ngx-trtc-calling/wire';
import { TestClient, closeAll, startTestServer } from './test-client.test-util';

describe('history pages of data that JSON escapes', () => {
  afterEach(closeAll);

  it('keeps every page within a quarter of maxBufferedBytes, and pages through all of it', async () => {
    const maxBufferedBytes = 256 * 1024;
    const server = await startTestServer({ maxBufferedBytes, ratePerSecond: 10_000, rateBurst: 10_000 });
    const [mallory, bob] = await TestClient.loginAll(server.url, ['mallory', 'bob'] as const);
    // 4 KiB of data, 24 KiB on the wire.
    const escaped = '\u0001'.repeat(4 * 1024);
    for (let i = 0; i < 30; i++) await mallory.sendMsg('bob', `${i}:${escaped}`);
    const sizes: number[] = [];
    bob.ws.on('message', (data: Buffer) => sizes.push(data.length));
    const seen: number[] = [];
    let beforeSeq: number | undefined;
    for (let page = 0; page < 30; page++) {
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
    expect(seen).toEqual(Array.from({ length: 30 }, (_, i) => i));
    for (const size of sizes) expect(size).toBeLessThanOrEqual(maxBufferedBytes / 4 + 1024);
  });
});
