import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import type { ServerFrame } from 'ngx-trtc-calling/wire';
import { ERR } from './errors';
import { inviteData } from './invite.test-util';
import { RedisProcess } from './redis-server.test-util';
import type { RunningServer } from './server';
import { TestClient, closeAll, delay, startTestServer } from './test-client.test-util';

/** Room access across two nodes on one real redis-server: the list is shared, and expires. */
let redis: RedisProcess;
let raw: Redis;
beforeAll(async () => {
  redis = await RedisProcess.start();
  raw = new Redis(redis.url, { lazyConnect: true });
  await raw.connect();
});
afterAll(async () => {
  raw?.disconnect();
  await redis?.stop();
});
afterEach(closeAll);

const offer = { kind: 'offer', sdp: 'v=0\r\n' } as const;
const roomPush = (f: ServerFrame): boolean => f.t === 'peer' || f.t === 'rtc';

async function twoNodes(
  prefix: string,
  longestRingTimeoutMs = 60_000,
): Promise<[RunningServer, RunningServer]> {
  const start = (i: number) =>
    startTestServer({
      redisUrl: redis.url,
      redisKeyPrefix: prefix,
      nodeId: `p${i}-${randomUUID().slice(0, 4)}`,
      nodeTimeoutMs: 1000,
      maxPeersPerRoom: 2,
      longestRingTimeoutMs,
      mailboxRetentionMs: Math.max(longestRingTimeoutMs, 1000),
    });
  return [await start(0), await start(1)];
}

describe('room access through Redis', () => {
  it('admits the invitees on any node and refuses strangers on every node alike', async () => {
    const [a, b] = await twoNodes(`pv${randomUUID().slice(0, 8)}:`);
    const alice = await TestClient.login(a.url, 'alice');
    const bob = await TestClient.login(b.url, 'bob');
    const [m1, m2] = [await TestClient.login(a.url, 'm1'), await TestClient.login(b.url, 'm2')];
    const ra = await alice.ok<'room.join'>({ t: 'room.join', roomID: 8001 });
    const data = inviteData('alice', ['bob'], 8001);
    await alice.sendMsg('bob', data);
    await bob.nextMsg(data);
    // Strangers on either node cannot fill the two-peer room before bob.
    const busy = await m2.error({ t: 'room.join', roomID: 8001 }, ERR.ROOM_NOT_INVITED);
    await m1.error({ t: 'room.join', roomID: 8001 }, ERR.ROOM_NOT_INVITED);
    const rb = await bob.ok<'room.join'>({ t: 'room.join', roomID: 8001 });
    expect(rb.peers).toEqual([{ userID: 'alice', peerID: ra.peerID }]);
    // A room with only a pending invitation answers the same.
    await bob.sendMsg('carol', inviteData('bob', ['carol'], 8002));
    const pending = await m1.error({ t: 'room.join', roomID: 8002 }, ERR.ROOM_NOT_INVITED);
    expect(pending.message.replace('8002', 'R')).toBe(busy.message.replace('8001', 'R'));
    // A non-member's invitation grants nothing, whichever node relays it.
    await m2.sendMsg('m1', inviteData('m2', ['m1'], 8001));
    await m1.error({ t: 'room.join', roomID: 8001 }, ERR.ROOM_NOT_INVITED);
    await m2.error({ t: 'rtc', roomID: 8001, to: ra.peerID, payload: offer }, ERR.NOT_A_MEMBER);
    await delay(50);
    expect(alice.frames.filter(roomPush)).toEqual([
      { t: 'peer', roomID: 8001, event: 'joined', peer: { userID: 'bob', peerID: rb.peerID } },
    ]);
    expect(bob.frames.filter(roomPush)).toEqual([]);
  });

  it('keeps a room’s list while peers are in it or an invitation rings, then lets it expire', async () => {
    const prefix = `pv${randomUUID().slice(0, 8)}:`;
    const [a, b] = await twoNodes(prefix, 300); // the list outlives the ring time by 30 s of grace
    const alice = await TestClient.login(a.url, 'alice');
    const bob = await TestClient.login(b.url, 'bob');
    await alice.ok({ t: 'room.join', roomID: 8101 });
    expect(await raw.pttl(`${prefix}ra:8101`)).toBe(-1); // someone is in: no expiry
    await alice.sendMsg('bob', inviteData('alice', ['bob'], 8101));
    expect(await raw.pttl(`${prefix}ra:8101`)).toBe(-1);
    await bob.ok({ t: 'room.join', roomID: 8101 });
    await alice.ok({ t: 'room.leave', roomID: 8101 });
    await bob.ok({ t: 'room.leave', roomID: 8101 });
    // Empty, but bob's invitation still rings: the list expires once it stopped.
    const ttl = await raw.pttl(`${prefix}ra:8101`);
    expect(ttl).toBeGreaterThan(25_000);
    expect(ttl).toBeLessThanOrEqual(30_300);
    await raw.pexpire(`${prefix}ra:8101`, 1); // as if the grace had passed
    await delay(20);
    expect(await raw.exists(`${prefix}ra:8101`)).toBe(0);

    // A room claimed by a join alone stays its user's for a grace after its last peer leaves.
    await alice.ok({ t: 'room.join', roomID: 8102 });
    await alice.ok({ t: 'room.leave', roomID: 8102 });
    const grace = await raw.pttl(`${prefix}ra:8102`);
    expect(grace).toBeGreaterThan(25_000);
    expect(grace).toBeLessThanOrEqual(30_000);
    await raw.pexpire(`${prefix}ra:8102`, 1);
    await delay(20);
    expect(await raw.keys(`${prefix}ra:*`)).toEqual([]);
  });

  it('refuses a stranger’s group.join on any node unless the group was created open', async () => {
    const prefix = `pv${randomUUID().slice(0, 8)}:`;
    const [a, b] = await twoNodes(prefix);
    const alice = await TestClient.login(a.url, 'alice');
    const mallory = await TestClient.login(b.url, 'mallory');
    await alice.ok({ t: 'group.create', groupID: 'closed', members: ['bob'] });
    await mallory.error({ t: 'group.join', groupID: 'closed' }, ERR.GROUP_CLOSED);
    await alice.ok({ t: 'group.create', groupID: 'lobby', open: true });
    await mallory.ok({ t: 'group.join', groupID: 'lobby' });
    await alice.sendMsg('lobby', 'hello', 'GROUP');
    expect((await mallory.nextMsg('hello')).from).toBe('alice');
    // Deleted and created again closed: the old group's openness does not linger.
    await alice.ok({ t: 'group.delete', groupID: 'lobby' });
    expect(await raw.exists(`${prefix}gp:lobby`)).toBe(0);
    await alice.ok({ t: 'group.create', groupID: 'lobby' });
    const eve = await TestClient.login(b.url, 'eve');
    await eve.error({ t: 'group.join', groupID: 'lobby' }, ERR.GROUP_CLOSED);
    // A member on the other node adds her: then she is in.
    await mallory.error({ t: 'group.add', groupID: 'lobby', members: ['mallory'] }, ERR.NOT_A_MEMBER);
    await alice.ok({ t: 'group.add', groupID: 'lobby', members: ['eve'] });
    await eve.ok({ t: 'group.join', groupID: 'lobby' });
    await alice.sendMsg('lobby', 'in', 'GROUP');
    expect((await eve.nextMsg('in')).from).toBe('alice');
  });
});
