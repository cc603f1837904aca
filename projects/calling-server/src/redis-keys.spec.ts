import { Redis } from 'ioredis';
import { RedisProcess } from './redis-server.test-util';
import { TestClient, closeAll, delay, startTestServer } from './test-client.test-util';

/** Polls `count` until it is 0; resolves with its last value (not 0: timed out). */
async function drained(count: () => Promise<number>, timeoutMs: number): Promise<number> {
  const end = Date.now() + timeoutMs;
  let n = await count();
  while (n > 0 && Date.now() < end) {
    await delay(100);
    n = await count();
  }
  return n;
}

/**
 * Redis memory is bounded: every key expires with the data it serves, so messages to userIDs
 * nobody ever uses leave nothing behind once their retention is over.
 */
let redis: RedisProcess;
let admin: Redis;
beforeAll(async () => {
  redis = await RedisProcess.start();
  admin = new Redis(redis.url);
});
afterAll(async () => {
  admin?.disconnect();
  await redis?.dispose();
});
afterEach(closeAll);

const RETENTION_MS = 400;

it('sends to never-seen recipients leave no key once their retention is over', async () => {
  const prefix = `k${Date.now().toString(36)}:`;
  const server = await startTestServer({
    redisUrl: redis.url,
    redisKeyPrefix: prefix,
    mailboxRetentionMs: RETENTION_MS,
    longestRingTimeoutMs: RETENTION_MS,
  });
  const alice = await TestClient.login(server.url, 'alice');
  for (let i = 0; i < 30; i++) await alice.sendMsg(`stranger${i}`, `hello ${i}`);
  const strangers = async () => (await admin.keys(`${prefix}u:stranger*`)).length;
  expect(await strangers()).toBeGreaterThanOrEqual(30); // stored meanwhile

  expect(await drained(strangers, 4 * RETENTION_MS + 3000)).toBe(0);
  // A user with a session keeps its seq (its clients hold lastSeq); once gone, it expires too.
  expect(await admin.exists(`${prefix}u:alice:q`)).toBe(1);
  alice.close();
  await alice.closed;
  const users = async () => (await admin.keys(`${prefix}u:*`)).length;
  expect(await drained(users, 4 * RETENTION_MS + 3000)).toBe(0);
}, 20_000);
