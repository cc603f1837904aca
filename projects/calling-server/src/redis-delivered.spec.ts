import { startNodeProcess, type NodeProcess } from './node-process.test-util';
import { RedisProcess } from './redis-server.test-util';
import { TEST_APP, TEST_KEY, TestClient, closeAll, delay, startTestServer } from './test-client.test-util';

/**
 * The replay start of a login without `lastSeq` (the user's delivered seq) counts only what a
 * node pushed to a socket: a message acknowledged while the recipient's node was dead (its
 * heartbeat still fresh) is in the replay of the recipient's next login, wherever it lands.
 */
let redis: RedisProcess;
let victim: NodeProcess | undefined;
beforeAll(async () => {
  redis = await RedisProcess.start();
});
afterAll(async () => {
  await victim?.kill();
  await closeAll();
  await redis?.dispose();
});

it('a message sent while the recipient’s node lies dead is replayed to its next login without lastSeq', async () => {
  const prefix = `d${Date.now().toString(36)}:`;
  const a = await startTestServer({ redisUrl: redis.url, redisKeyPrefix: prefix, nodeId: 'da' });
  victim = await startNodeProcess('dvictim', [
    ...['--sdkappid', String(TEST_APP), '--secret-key', TEST_KEY],
    ...['--redis-url', redis.url, '--redis-key-prefix', prefix, '--log-level', 'info'],
  ]);
  const alice = await TestClient.login(a.url, 'alice');
  const bob = await TestClient.login(victim.url, 'bob');
  await alice.sendMsg('bob', 'before');
  await bob.nextMsg('before');
  await delay(700); // what the nodes record as delivered is written by then

  await victim.kill(); // its heartbeat stays fresh for --node-timeout-ms (5 s)
  const sent = await alice.sendMsg('bob', 'while its node is dead');

  const again = await TestClient.login(a.url, 'bob'); // a new device: no lastSeq, no resume
  expect(await again.nextMsg('while its node is dead', 2000)).toMatchObject({ id: sent.messageID });
  expect(again.messages().map((m) => m.data)).not.toContain('before');
}, 30_000);
