import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import type { RoomSfuPush, ServerFrame, WireSfu } from 'ngx-trtc-calling/wire';
import { RedisProcess } from '../redis-server.test-util';
import type { RunningServer } from '../server';
import { TestClient, closeAll, startTestServer } from '../test-client.test-util';
import { eventually, joinAsPublisher } from './janus-peer.test-util';
import { JanusProcess } from './start-janus.test-util';

const isSfu = (f: ServerFrame): f is RoomSfuPush => f.t === 'room.sfu';

interface Health {
  readonly janus?: readonly { readonly name: string; readonly up: boolean }[];
}
const health = async (s: RunningServer): Promise<Health> =>
  (await fetch(`${s.httpUrl}/healthz`)).json() as Promise<Health>;
const allUp = (s: RunningServer, n: number): Promise<void> =>
  eventually(async () => (await health(s)).janus?.filter((j) => j.up).length === n, 8000, `${n} janus up`);

/** Alice opens `roomID`, invites bob and bob joins it; both answers' SFU. */
async function call(alice: TestClient, bob: TestClient, roomID: number): Promise<[WireSfu, WireSfu]> {
  const a = await alice.ok<'room.join'>({ t: 'room.join', roomID });
  await alice.invite(roomID, 'bob');
  const b = await bob.ok<'room.join'>({ t: 'room.join', roomID });
  if (!a.sfu || !b.sfu) throw new Error(`room ${roomID} was not placed on janus`);
  return [a.sfu, b.sfu];
}

describe('Janus faults and placement across instances', () => {
  const janus: JanusProcess[] = [];
  afterEach(async () => {
    await closeAll();
    await Promise.all(janus.splice(0).map((j) => j.dispose()));
  });

  const serverFor = (
    instances: readonly JanusProcess[],
    names: readonly string[],
    extra = {},
  ): Promise<RunningServer> =>
    startTestServer({
      sessionPolicy: 'multi',
      maxPeersPerRoom: 8,
      sfuThreshold: 0,
      janusAdminKey: 'test-admin-key',
      janusUrls: instances.map((j, i) => `${j.url}#${names[i]}`),
      ...extra,
    });

  it('places least loaded by capacity; a SIGKILLed instance is taken out and its rooms move with room.sfu', async () => {
    janus.push(await JanusProcess.start(), await JanusProcess.start());
    const [ja, jb] = janus as [JanusProcess, JanusProcess];
    const server = await startTestServer({
      sessionPolicy: 'multi',
      maxPeersPerRoom: 8,
      sfuThreshold: 0,
      janusAdminKey: 'test-admin-key',
      janusUrls: [`${ja.url}#a@4`, `${jb.url}#b@10`],
    });
    await allUp(server, 2);
    const [alice, bob] = await TestClient.loginAll(server.url, ['alice', 'bob']);
    // a: 0/4 vs b: 0/10 → a; then 1/4 > 0/10 → b; then 1/4 > 1/10 → b.
    const [r1] = await call(alice, bob, 5101);
    const [r2] = await call(alice, bob, 5102);
    const [r3, r3bob] = await call(alice, bob, 5103);
    expect([r1.instance, r2.instance, r3.instance]).toEqual(['a', 'b', 'b']);

    const killedAt = Date.now();
    await jb.kill();
    const moved = new Map<number, RoomSfuPush>();
    for (let i = 0; i < 2; i++) {
      const push = (await alice.take(isSfu, 5000)) as RoomSfuPush;
      moved.set(push.roomID, push);
    }
    const gap = Date.now() - killedAt;
    expect([...moved.keys()].sort()).toEqual([5102, 5103]);
    for (const push of moved.values()) expect(push.sfu).toMatchObject({ url: ja.url, instance: 'a' });
    const bobMoved = (await bob.take((f) => isSfu(f) && f.roomID === 5103, 5000)) as RoomSfuPush;
    expect(bobMoved.sfu.token).not.toBe(moved.get(5103)?.sfu.token);
    expect(bobMoved.sfu.token).not.toBe(r3bob.token);
    // The rooms exist on the surviving instance and let the moved users in.
    expect(await joinAsPublisher(ja.url, bobMoved.sfu.room, bobMoved.sfu.token, 'bob')).toMatchObject({
      videoroom: 'joined',
    });
    expect(gap).toBeLessThan(3000);
    expect((await health(server)).janus).toEqual([
      expect.objectContaining({ name: 'a', up: true }),
      expect.objectContaining({ name: 'b', up: false }),
    ]);
    const metrics = server.metrics.render();
    expect(metrics).toMatch(/^calling_janus_up\{instance="b"\} 0$/m);
    expect(metrics).toMatch(/^calling_janus_rooms\{instance="a"\} 3$/m);
    expect(metrics).toMatch(/^calling_janus_placements_total\{instance="a"\} 3$/m);
    // A room on the mesh-free instance was not touched.
    expect([...moved.keys()]).not.toContain(5101);

    // b comes back: it takes placements again.
    await jb.restart();
    await allUp(server, 2);
    const [r4] = await call(alice, bob, 5104);
    expect(r4.instance).toBe('b');
  }, 40_000);

  it('Janus unreachable at start: rooms stay on the mesh, health says down, and it recovers when Janus comes up', async () => {
    const j = await JanusProcess.create();
    janus.push(j);
    const lines: { level: number; msg: string; janus?: string }[] = [];
    const logger = pino(
      { level: 'info' },
      { write: (line: string) => lines.push(JSON.parse(line) as { level: number; msg: string }) },
    );
    const server = await serverFor([j], ['solo'], { logger });
    const [alice, bob] = await TestClient.loginAll(server.url, ['alice', 'bob']);
    const a = await alice.ok<'room.join'>({ t: 'room.join', roomID: 5201 });
    expect(a.sfu).toBeUndefined();
    expect(a.peers).toEqual([]);
    expect((await health(server)).janus).toEqual([expect.objectContaining({ name: 'solo', up: false })]);
    expect(server.metrics.render()).toMatch(/^calling_janus_up\{instance="solo"\} 0$/m);
    expect(server.metrics.render()).toMatch(
      /^calling_janus_placement_failures_total\{reason="noInstance"\} 1$/m,
    );
    // One clear error (level 50) for the outage, not one per retry.
    const errors = lines.filter((l) => l.level === 50);
    expect(errors).toEqual([
      expect.objectContaining({ janus: 'solo', msg: expect.stringContaining('unreachable') }),
    ]);

    await j.restart();
    await allUp(server, 1);
    const [sfu] = await call(alice, bob, 5202);
    expect(sfu).toMatchObject({ url: j.url, room: 5202, instance: 'solo' });
  }, 30_000);

  it('the only instance restarts: its lost rooms are created again and their members told with room.sfu', async () => {
    const j = await JanusProcess.start();
    janus.push(j);
    const server = await serverFor([j], ['solo']);
    await allUp(server, 1);
    const [alice, bob] = await TestClient.loginAll(server.url, ['alice', 'bob']);
    const [a1, b1] = await call(alice, bob, 5501);
    await j.kill();
    await eventually(async () => (await health(server)).janus?.[0]?.up === false, 3000, 'janus down');
    // Nowhere to move to: nobody is told anything while it is down.
    expect(alice.ofType('room.sfu')).toEqual([]);
    await j.restart();
    const toAlice = (await alice.take(isSfu, 8000)) as RoomSfuPush;
    const toBob = (await bob.take(isSfu, 8000)) as RoomSfuPush;
    expect(toAlice.sfu).toEqual(a1);
    expect(toBob.sfu).toEqual(b1);
    expect(await joinAsPublisher(j.url, a1.room, a1.token, 'alice')).toMatchObject({ videoroom: 'joined' });
  }, 30_000);

  describe('with Redis', () => {
    let redis: RedisProcess | undefined;
    beforeAll(async () => {
      redis = await RedisProcess.start();
    });
    afterAll(async () => {
      await redis?.stop();
    });

    it('two nodes place each room on the same instance, balance together, and follow one move', async () => {
      janus.push(await JanusProcess.start(), await JanusProcess.start());
      const [ja, jb] = janus as [JanusProcess, JanusProcess];
      const prefix = `j${randomUUID().slice(0, 8)}:`;
      const node = (id: string): Promise<RunningServer> =>
        serverFor([ja, jb], ['a', 'b'], { redisUrl: redis?.url, redisKeyPrefix: prefix, nodeId: id });
      const [n1, n2] = [await node('n1'), await node('n2')];
      await allUp(n1, 2);
      await allUp(n2, 2);
      const alice = await TestClient.login(n1.url, 'alice');
      const bob = await TestClient.login(n2.url, 'bob');
      const [a1, b1] = await call(alice, bob, 5301);
      expect(b1).toMatchObject({ url: a1.url, room: a1.room, instance: a1.instance });
      expect(b1.token).not.toBe(a1.token);
      // Node 2 places the next room, seeing node 1's placement in the load.
      const b2 = await bob.ok<'room.join'>({ t: 'room.join', roomID: 5302 });
      expect(b2.sfu?.instance).not.toBe(a1.instance);
      // Each user's token from either node is accepted by the instance.
      expect(await joinAsPublisher(b1.url, b1.room, b1.token, 'bob')).toMatchObject({ videoroom: 'joined' });

      const dead = a1.instance === 'a' ? ja : jb;
      await dead.kill();
      const toAlice = (await alice.take((f) => isSfu(f) && f.roomID === 5301, 5000)) as RoomSfuPush;
      const toBob = (await bob.take((f) => isSfu(f) && f.roomID === 5301, 5000)) as RoomSfuPush;
      expect(toAlice.sfu.instance).not.toBe(a1.instance);
      expect(toBob.sfu).toMatchObject({
        url: toAlice.sfu.url,
        room: toAlice.sfu.room,
        instance: toAlice.sfu.instance,
      });
      expect(await joinAsPublisher(toBob.sfu.url, toBob.sfu.room, toBob.sfu.token, 'bob')).toMatchObject({
        videoroom: 'joined',
      });
    }, 40_000);

    it('a room that crosses the threshold on one node moves its members on the other with room.sfu', async () => {
      janus.push(await JanusProcess.start());
      const [j] = janus as [JanusProcess];
      const prefix = `j${randomUUID().slice(0, 8)}:`;
      const node = (id: string): Promise<RunningServer> =>
        serverFor([j], ['solo'], {
          redisUrl: redis?.url,
          redisKeyPrefix: prefix,
          nodeId: id,
          sfuThreshold: 1,
        });
      const [n1, n2] = [await node('n1'), await node('n2')];
      await allUp(n1, 1);
      await allUp(n2, 1);
      const alice = await TestClient.login(n1.url, 'alice');
      const bob = await TestClient.login(n2.url, 'bob');
      const a = await alice.ok<'room.join'>({ t: 'room.join', roomID: 5401 });
      expect(a.sfu).toBeUndefined();
      await alice.invite(5401, 'bob');
      const b = await bob.ok<'room.join'>({ t: 'room.join', roomID: 5401 });
      expect(b.sfu).toMatchObject({ url: j.url, room: 5401, instance: 'solo' });
      const toAlice = (await alice.take(isSfu, 5000)) as RoomSfuPush;
      expect(toAlice.sfu).toMatchObject({ url: j.url, room: 5401, instance: 'solo' });
      expect(toAlice.sfu.token).not.toBe(b.sfu?.token);
      expect(await joinAsPublisher(j.url, 5401, toAlice.sfu.token, 'alice')).toMatchObject({
        videoroom: 'joined',
      });
    }, 30_000);
  });
});
