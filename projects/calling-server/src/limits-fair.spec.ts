/**
 * Fair limits (issue 12, finding 3): no account can evict others' stored messages or take the
 * groups every user shares. Each scenario runs on the in-memory store and on Redis.
 */
import { randomUUID } from 'node:crypto';
import { ERR } from './errors';
import { RedisProcess, haveRedisServer } from './redis-server.test-util';
import type { ServerOptions } from './config';
import type { RunningServer } from './server';
import { TestClient, closeAll, startTestServer, until } from './test-client.test-util';

/** A TSignaling invitation as TRTCCalling sends it (what must survive the flood). */
const invitation = JSON.stringify({
  businessID: 1,
  inviteID: 'call-1',
  inviter: 'alice',
  actionType: 1,
  inviteeList: ['bob'],
  data: '{"call_type":2,"room_id":4242}',
  timeout: 30,
  groupID: '',
});

const fast = { ratePerSecond: 10_000, rateBurst: 10_000 } satisfies ServerOptions;
const chunk = 'z'.repeat(60 * 1024);

let redis: RedisProcess | undefined;
afterAll(async () => {
  await redis?.stop();
});

const stores: [string, () => Promise<ServerOptions>][] = [
  ['memory', async () => ({})],
  [
    'redis',
    async () => {
      redis ??= await RedisProcess.start();
      return { redisUrl: redis.url, redisKeyPrefix: `fair-${randomUUID().slice(0, 8)}:` };
    },
  ],
];

describe.each(stores)('fair limits (%s store)', (_name, storeOptions) => {
  let server: RunningServer;
  const start = async (options: ServerOptions) =>
    (server = await startTestServer({ ...(await storeOptions()), ...fast, ...options }));
  afterEach(closeAll);

  if (_name === 'redis' && !haveRedisServer()) {
    it.skip('needs redis-server', () => undefined);
    return;
  }

  it('refuses a sender over its share instead of evicting a pending invitation (the issue attack)', async () => {
    await start({ maxStoredBytes: 2 * 1024 * 1024, maxStoredBytesPerSender: 512 * 1024 });
    const [alice, mallory] = await TestClient.loginAll(server.url, ['alice', 'mallory'] as const);
    await alice.sendMsg('bob', invitation); // bob is offline: it waits in his mailbox
    let refused: number | undefined;
    for (let i = 0; i < 60 && refused === undefined; i++) {
      const reply = await mallory.request({ t: 'send', to: `t${i}`, conversationType: 'C2C', data: chunk });
      if (reply.t === 'error') {
        expect(reply.code).toBe(ERR.SENDER_QUOTA_EXCEEDED);
        refused = i;
      }
    }
    expect(refused).toBeDefined();
    expect(refused).toBeLessThan(10); // 512 KiB: four sends of 2 × 60 KB
    const bob = await TestClient.login(server.url, 'bob');
    expect((await bob.nextMsg(invitation)).from).toBe('alice');
  });

  it('evicts the heaviest senders first when many accounts fill the store together', async () => {
    await start({ maxStoredBytes: 1024 * 1024, maxStoredBytesPerSender: 512 * 1024 });
    const alice = await TestClient.login(server.url, 'alice');
    await alice.sendMsg('bob', invitation);
    const flooders = await Promise.all(
      Array.from({ length: 8 }, (_, i) => TestClient.login(server.url, `m${i}`)),
    );
    for (const [n, m] of flooders.entries()) {
      for (let i = 0; i < 3; i++) await m.sendMsg(`x${n}-${i}`, chunk); // 3 × 120 KB each: within its share
    }
    const bob = await TestClient.login(server.url, 'bob');
    expect((await bob.nextMsg(invitation)).from).toBe('alice');
    expect(server.metrics.storedEvicted.get('byteLimit')).toBeGreaterThan(0);
  });

  it("drops the heaviest sender's copies from a full mailbox, never another's", async () => {
    await start({ mailboxMaxMessages: 20 });
    const [alice, mallory] = await TestClient.loginAll(server.url, ['alice', 'mallory'] as const);
    await alice.sendMsg('bob', invitation);
    for (let i = 0; i < 40; i++) await mallory.sendMsg('bob', `spam ${i}`);
    const bob = await TestClient.login(server.url, 'bob');
    expect((await bob.nextMsg(invitation)).from).toBe('alice');
    await bob.nextMsg('spam 39');
    expect(bob.messages()).toHaveLength(20);
  });

  it('bounds the groups one user owns, with a distinct error, leaving room for others', async () => {
    await start({ maxGroups: 10, maxGroupsPerUser: 3 });
    const [alice, bob] = await TestClient.loginAll(server.url, ['alice', 'bob'] as const);
    for (let i = 0; i < 3; i++) await alice.ok({ t: 'group.create', groupID: `a${i}` });
    await alice.error({ t: 'group.create', groupID: 'a3' }, ERR.GROUP_QUOTA_EXCEEDED);
    await bob.ok({ t: 'group.create', groupID: 'b0' });
    // Deleting one gives the share back; only the owner may delete.
    await bob.error({ t: 'group.delete', groupID: 'a0' }, ERR.NOT_GROUP_OWNER);
    await alice.ok({ t: 'group.delete', groupID: 'a0' });
    await alice.error({ t: 'group.join', groupID: 'a0' }, ERR.UNKNOWN_TARGET);
    await alice.ok({ t: 'group.create', groupID: 'a3' });
  });

  it('drops a group after --group-ttl-ms without activity (real time)', async () => {
    await start({ maxGroupsPerUser: 1, groupTtlMs: 1000 });
    const alice = await TestClient.login(server.url, 'alice');
    await alice.ok({ t: 'group.create', groupID: 'brief' });
    await alice.error({ t: 'group.create', groupID: 'next' }, ERR.GROUP_QUOTA_EXCEEDED);
    await new Promise((r) => setTimeout(r, 1300));
    await alice.error({ t: 'group.join', groupID: 'brief' }, ERR.UNKNOWN_TARGET);
    await alice.ok({ t: 'group.create', groupID: 'next' });
    // The gauge forgets the expired group too.
    await until(() => server.metrics.render().includes('\ncalling_groups 1\n'), 'one group counted', 3000);
  });

  it('deletes a group for every member when its owner deletes it', async () => {
    await start({});
    const [alice, bob] = await TestClient.loginAll(server.url, ['alice', 'bob'] as const);
    await alice.ok({ t: 'group.create', groupID: 'team', members: ['bob'] });
    await bob.sendMsg('team', 'hi', 'GROUP');
    await alice.ok({ t: 'group.delete', groupID: 'team' });
    await bob.error({ t: 'send', to: 'team', conversationType: 'GROUP', data: 'x' }, ERR.UNKNOWN_TARGET);
    await alice.error({ t: 'group.delete', groupID: 'team' }, ERR.UNKNOWN_TARGET);
  });
});

describe('group expiry', () => {
  afterEach(closeAll);

  it('drops a group unused for --group-ttl-ms and gives its owner the share back', async () => {
    let now = Date.now();
    const server = await startTestServer({ maxGroupsPerUser: 1, groupTtlMs: 60_000, now: () => now });
    const alice = await TestClient.login(server.url, 'alice');
    await alice.ok({ t: 'group.create', groupID: 'old' });
    await alice.error({ t: 'group.create', groupID: 'new' }, ERR.GROUP_QUOTA_EXCEEDED);
    now += 30_000;
    await alice.sendMsg('old', 'still used', 'GROUP'); // activity: another TTL
    now += 50_000;
    await alice.error({ t: 'group.create', groupID: 'new' }, ERR.GROUP_QUOTA_EXCEEDED);
    now += 61_000;
    await alice.ok({ t: 'group.create', groupID: 'new' });
    await alice.error({ t: 'group.join', groupID: 'old' }, ERR.UNKNOWN_TARGET);
  });
});
