import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { Metrics } from '../metrics';
import { startNodeProcess, type NodeProcess } from '../node-process.test-util';
import { RedisProcess } from '../redis-server.test-util';
import { TEST_APP, TEST_KEY, TestClient, closeAll, startTestServer } from '../test-client.test-util';
import { JanusClient } from './janus-client';
import { JanusSfu } from './janus-sfu';
import { eventually } from './janus-peer.test-util';
import { MemoryPlacements } from './placements';
import { JanusProcess } from './start-janus.test-util';

/**
 * VideoRooms nobody can destroy but the server (only its secret opens them) must not outlive their
 * calls: a room emptied by the end of a dead node's sessions, and a room the periodic sweep finds
 * without members anywhere, lose their VideoRoom and placement.
 */

/** Asks Janus itself whether a VideoRoom exists. */
async function roomExists(url: string, room: number): Promise<boolean> {
  const client = await JanusClient.connect(url, {
    timeoutMs: 2000,
    keepaliveMs: 10_000,
    onClose: () => undefined,
  });
  try {
    return (await client.request({ request: 'exists', room }))['exists'] === true;
  } finally {
    client.close();
  }
}

describe('VideoRooms of calls without members are destroyed', () => {
  let janus: JanusProcess | undefined;
  beforeAll(async () => {
    janus = await JanusProcess.start();
  }, 20_000);
  afterAll(async () => {
    await janus?.dispose();
  });

  describe('with Redis, when the node holding every member dies', () => {
    let redis: RedisProcess | undefined;
    let admin: Redis | undefined;
    let victim: NodeProcess | undefined;
    beforeAll(async () => {
      redis = await RedisProcess.start();
      admin = new Redis(redis.url);
    });
    afterAll(async () => {
      admin?.disconnect();
      await redis?.stop();
    });
    afterEach(async () => {
      await victim?.kill();
      await closeAll();
    });

    it('the node that ends its sessions destroys the VideoRoom and drops the placement', async () => {
      const j = janus!;
      const prefix = `jc${randomUUID().slice(0, 8)}:`;
      const timing = { nodeTimeoutMs: 500, peerLeaveGraceMs: 300 };
      victim = await startNodeProcess('victim', [
        ...['--sdkappid', String(TEST_APP), '--secret-key', TEST_KEY, '--session-policy', 'multi'],
        ...['--redis-url', redis!.url, '--redis-key-prefix', prefix],
        ...['--node-timeout-ms', String(timing.nodeTimeoutMs)],
        ...['--peer-leave-grace-ms', String(timing.peerLeaveGraceMs)],
        ...['--janus', `${j.url}#solo`, '--sfu-threshold', '0', '--janus-admin-key', j.adminKey],
      ]);
      const survivor = await startTestServer({
        sessionPolicy: 'multi',
        redisUrl: redis!.url,
        redisKeyPrefix: prefix,
        nodeId: 'survivor',
        ...timing,
        janusUrls: [`${j.url}#solo`],
        janusAdminKey: j.adminKey,
        sfuThreshold: 0,
      });
      const [alice, bob] = await TestClient.loginAll(victim.url, ['alice', 'bob']);
      // The victim's Janus connection comes up in the background: retry until the room is placed.
      let placed: number | undefined;
      await eventually(
        async () => {
          placed = (await alice.ok<'room.join'>({ t: 'room.join', roomID: 5601 })).sfu?.room;
          return placed !== undefined;
        },
        8000,
        'room placed on janus',
      );
      await alice.invite(5601, 'bob');
      expect((await bob.ok<'room.join'>({ t: 'room.join', roomID: 5601 })).sfu?.room).toBe(placed);
      expect(await roomExists(j.url, placed!)).toBe(true);
      expect(await admin!.get(`${prefix}sfu:5601`)).toBe(`solo|${placed}`);

      const killedAt = Date.now();
      await victim.kill();
      // Dead after the node timeout plus the grace, reaped at the survivor's next heartbeat.
      await eventually(async () => !(await roomExists(j.url, placed!)), 6000, 'videoroom destroyed');
      expect(Date.now() - killedAt).toBeLessThan(6000);
      expect(await admin!.get(`${prefix}sfu:5601`)).toBeNull();
      expect(survivor.metrics.clusterReaped.get()).toBe(2);
    }, 40_000);
  });

  describe('the periodic sweep', () => {
    const sfus: JanusSfu[] = [];
    afterEach(() => {
      for (const s of sfus.splice(0)) s.close();
    });

    /** A JanusSfu on the test's Janus sweeping every 100 ms; `size` answers each room's member count. */
    async function sweeping(size: () => number): Promise<JanusSfu> {
      const j = janus!;
      const sfu = new JanusSfu({
        instances: [{ url: j.url, name: 'solo', capacity: 10 }],
        placements: new MemoryPlacements(Date.now),
        secret: TEST_KEY,
        adminKey: j.adminKey,
        threshold: 0,
        publishers: 4,
        log: pino({ level: 'silent' }),
        metrics: new Metrics(),
        pruneMs: 100,
      });
      sfus.push(sfu);
      sfu.start({
        // Nobody on this node: every room it placed is a candidate at each sweep.
        localUsers: () => new Map(),
        moved: () => undefined,
        roomSize: () => Promise.resolve(size()),
      });
      await eventually(() => Promise.resolve(sfu.health()[0]?.up === true), 5000, 'janus up');
      return sfu;
    }

    it('destroys the VideoRoom of a room without members anywhere, within a sweep period', async () => {
      const sfu = await sweeping(() => 0);
      const placed = await sfu.join(5701, 'alice', 1, []);
      const room = placed!.sfu.room;
      expect(await roomExists(janus!.url, room)).toBe(true);
      const joinedAt = Date.now();
      await eventually(async () => !(await roomExists(janus!.url, room)), 2000, 'videoroom destroyed');
      expect(Date.now() - joinedAt).toBeLessThan(2000);
      // The placement went with it: the next join places and creates the room afresh.
      expect(await sfu.join(5701, 'alice', 1, [])).toBeDefined();
      expect(await roomExists(janus!.url, room)).toBe(true);
    }, 20_000);

    it('keeps the VideoRoom of a room with members on other nodes (forgets it here only)', async () => {
      let sizeAsked = 0;
      const sfu = await sweeping(() => {
        sizeAsked++;
        return 2;
      });
      const placed = await sfu.join(5702, 'alice', 1, []);
      await eventually(() => Promise.resolve(sizeAsked > 0), 2000, 'a sweep');
      await new Promise((r) => setTimeout(r, 300));
      expect(await roomExists(janus!.url, placed!.sfu.room)).toBe(true);
      expect(sfu.rooms.localCount('solo')).toBe(0);
      // Forgotten here: later sweeps do not ask again.
      expect(sizeAsked).toBe(1);
    }, 20_000);
  });
});
