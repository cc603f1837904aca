import { Redis } from 'ioredis';
import { RedisProcess } from './redis-server.test-util';
import { TestClient, closeAll, delay, startTestServer } from './test-client.test-util';

/**
 * A node that the others took for dead (Redis was away for longer than the node timeout, so
 * another node reaped its sessions) while its clients stayed connected to it: it registers them
 * again at its next heartbeat, and messages reach them live again.
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

it('a node reaped by another registers its live sessions again; messages reach them live', async () => {
  const prefix = `r${Date.now().toString(36)}:`;
  const opts = { redisUrl: redis.url, redisKeyPrefix: prefix, nodeTimeoutMs: 400 };
  const a = await startTestServer({ ...opts, nodeId: 'ra' });
  const b = await startTestServer({ ...opts, nodeId: 'rb' });
  const alice = await TestClient.login(a.url, 'alice');
  const bob = await TestClient.login(b.url, 'bob');
  await alice.sendMsg('bob', 'before');
  await bob.nextMsg('before');

  // What a reap of node B does in Redis (see RedisBackend.reap), while B and bob stay up.
  const nodeB = (await admin.zrange(`${prefix}nodes`, '0', '-1')).find((n) => n.startsWith('rb'))!;
  await admin
    .multi()
    .hdel(`${prefix}u:bob:p`, bob.login.sessionID)
    .del(`${prefix}n:${nodeB}`)
    .zrem(`${prefix}nodes`, nodeB)
    .exec();

  await delay(600); // B's heartbeats (every 100 ms) run meanwhile
  const sent = await alice.sendMsg('bob', 'after');
  expect(await bob.nextMsg('after', 2000)).toMatchObject({ id: sent.messageID });
  expect(await admin.hget(`${prefix}u:bob:p`, bob.login.sessionID)).toBe(`${nodeB}|L`);
  expect(b.metrics.redisEvents.get('reaped')).toBe(1);
});
