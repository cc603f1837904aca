import type { RoomSfuPush, ServerFrame } from 'ngx-trtc-calling/wire';
import { ERR } from '../errors';
import type { RunningServer } from '../server';
import { TestClient, closeAll, startTestServer } from '../test-client.test-util';
import { JanusClient } from './janus-client';
import { eventually, joinAsPublisher } from './janus-peer.test-util';
import { JanusProcess } from './start-janus.test-util';

const isSfu = (f: ServerFrame): f is RoomSfuPush => f.t === 'room.sfu';

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

/** The `max_publishers` Janus gave a VideoRoom (private rooms are listed with the admin key). */
async function maxPublishers(url: string, room: number, adminKey: string): Promise<unknown> {
  const client = await JanusClient.connect(url, {
    timeoutMs: 2000,
    keepaliveMs: 10_000,
    onClose: () => undefined,
  });
  try {
    const list = (await client.request({ request: 'list', admin_key: adminKey }))['list'] as
      { room: number; max_publishers: number }[] | undefined;
    return list?.find((r) => r.room === room)?.max_publishers;
  } finally {
    client.close();
  }
}

describe('calling-server places rooms on a real Janus VideoRoom', () => {
  let janus: JanusProcess;
  let server: RunningServer;
  beforeAll(async () => {
    janus = await JanusProcess.start();
  }, 20_000);
  afterAll(async () => {
    // Unset when Janus did not start (beforeAll failed).
    await (janus as JanusProcess | undefined)?.dispose();
  });
  afterEach(closeAll);

  const start = async (sfuThreshold: number): Promise<RunningServer> =>
    startTestServer({
      sessionPolicy: 'multi',
      maxPeersPerRoom: 8,
      janusUrls: [`${janus.url}#j1@10`],
      janusAdminKey: janus.adminKey,
      sfuThreshold,
    });

  const janusUp = (s: RunningServer): Promise<void> =>
    eventually(async () => {
      const health = (await (await fetch(`${s.httpUrl}/healthz`)).json()) as { janus?: { up: boolean }[] };
      return health.janus?.[0]?.up === true;
    }, 5000);

  it('creates the room with tokens, answers each joiner with only its own, refuses other tokens, destroys it at the end', async () => {
    server = await start(0);
    await janusUp(server);
    const [alice, bob, carol] = await TestClient.loginAll(server.url, ['alice', 'bob', 'carol']);
    const a = await alice.ok<'room.join'>({ t: 'room.join', roomID: 4101 });
    expect(a.sfu).toEqual({ url: janus.url, room: 4101, token: expect.any(String), instance: 'j1' });
    const aliceSfu = a.sfu!;
    expect(await roomExists(janus.url, 4101)).toBe(true);
    // Joining again (a retry, or the join after a prepared one) answers the same SFU.
    expect((await alice.ok<'room.join'>({ t: 'room.join', roomID: 4101 })).sfu).toEqual(aliceSfu);
    // Janus lets alice's token in as a publisher, and refuses a forged one (433: unauthorized).
    expect(await joinAsPublisher(janus.url, 4101, aliceSfu.token, 'alice')).toMatchObject({
      videoroom: 'joined',
    });
    expect(await joinAsPublisher(janus.url, 4101, 'forged-token', 'mallory')).toMatchObject({
      error_code: 433,
    });
    // The server's secret is what lets the room change: no secret, no destroy.
    const outsider = await JanusClient.connect(janus.url, {
      timeoutMs: 2000,
      keepaliveMs: 10_000,
      onClose: () => undefined,
    });
    await expect(outsider.request({ request: 'destroy', room: 4101, secret: 'guess' })).rejects.toMatchObject(
      { code: 433 },
    );
    outsider.close();

    // A stranger gets the usual refusal and no token.
    const refused = await carol.error({ t: 'room.join', roomID: 4101 }, ERR.ROOM_NOT_INVITED);
    expect(JSON.stringify(refused)).not.toContain('token');

    // A later invitee gets a token of its own, which Janus accepts; the reply carries no other.
    await alice.invite(4101, 'bob');
    const b = await bob.ok<'room.join'>({ t: 'room.join', roomID: 4101 });
    expect(b.sfu).toMatchObject({ url: janus.url, room: 4101, instance: 'j1' });
    expect(b.sfu?.token).not.toBe(aliceSfu.token);
    expect(JSON.stringify(b)).not.toContain(aliceSfu.token);
    expect(await joinAsPublisher(janus.url, 4101, b.sfu!.token, 'bob')).toMatchObject({
      videoroom: 'joined',
    });
    expect(alice.ofType('room.sfu')).toEqual([]);

    await bob.ok({ t: 'room.leave', roomID: 4101 });
    expect(await roomExists(janus.url, 4101)).toBe(true);
    await alice.ok({ t: 'room.leave', roomID: 4101 });
    await eventually(async () => !(await roomExists(janus.url, 4101)), 3000, 'videoroom destroyed');
    expect(server.metrics.render()).toMatch(/^calling_janus_placements_total\{instance="j1"\} 1$/m);
    expect(server.metrics.render()).toMatch(/^calling_janus_up\{instance="j1"\} 1$/m);
    expect(server.metrics.render()).toMatch(/^calling_janus_capacity\{instance="j1"\} 10$/m);
  }, 30_000);

  it('keeps a room on the mesh up to the threshold and moves everyone with room.sfu past it', async () => {
    server = await start(2);
    await janusUp(server);
    const [alice, bob, carol] = await TestClient.loginAll(server.url, ['alice', 'bob', 'carol']);
    const a = await alice.ok<'room.join'>({ t: 'room.join', roomID: 4202 });
    await alice.invite(4202, 'bob', 'carol');
    const b = await bob.ok<'room.join'>({ t: 'room.join', roomID: 4202 });
    expect(a.sfu).toBeUndefined();
    expect(b.sfu).toBeUndefined();
    expect(await roomExists(janus.url, 4202)).toBe(false);

    const c = await carol.ok<'room.join'>({ t: 'room.join', roomID: 4202 });
    expect(c.sfu).toMatchObject({ url: janus.url, room: 4202, instance: 'j1' });
    expect(c.peers.map((p) => p.userID).sort()).toEqual(['alice', 'bob']);
    const toAlice = (await alice.take(isSfu)) as RoomSfuPush;
    const toBob = (await bob.take(isSfu)) as RoomSfuPush;
    expect(toAlice).toMatchObject({ t: 'room.sfu', roomID: 4202, sfu: { url: janus.url, room: 4202 } });
    expect(new Set([toAlice.sfu.token, toBob.sfu.token, c.sfu?.token]).size).toBe(3);
    for (const [sfu, user] of [
      [toAlice.sfu, 'alice'],
      [toBob.sfu, 'bob'],
    ] as const)
      expect(await joinAsPublisher(janus.url, sfu.room, sfu.token, user)).toMatchObject({
        videoroom: 'joined',
      });
  }, 30_000);

  it('lets a room grow past the mesh size to --max-peers-per-sfu-room (default 16), and sizes the VideoRoom to it', async () => {
    // The default of every limit: only the Janus instance is configured.
    server = await startTestServer({
      sessionPolicy: 'multi',
      janusUrls: [`${janus.url}#j1@10`],
      janusAdminKey: janus.adminKey,
    });
    await janusUp(server);
    const names = Array.from({ length: 17 }, (_, i) => `user${i}`);
    const [host, ...others] = await TestClient.loginAll(server.url, names);
    await host!.ok({ t: 'room.join', roomID: 4301 });
    await host!.invite(4301, ...names.slice(1));
    for (const client of others.slice(0, 15)) await client.ok({ t: 'room.join', roomID: 4301 });
    expect(await maxPublishers(janus.url, 4301, janus.adminKey)).toBe(16);
    await others[15]!.error({ t: 'room.join', roomID: 4301 }, ERR.ROOM_FULL);
  }, 30_000);
});
