/**
 * Group calls whose media runs on Janus VideoRoom: a calling-server started by this spec with two
 * Janus instances (`--janus`, `--sfu-threshold 0`: every room on Janus), each a real `/usr/bin/janus`
 * on loopback with its own ports. Pages are the harness (`webRtcMedia` with the `sfu` loader).
 */
import type { Page } from '@playwright/test';
import { startServer, type RunningServer } from '../projects/calling-server/src';
import { JanusProcess } from '../projects/calling-server/src/janus/start-janus.test-util';
import WebSocket from 'ws';
import { expect, test, type UserPage } from './fixtures';
import { phaseOf, smallVideoUser } from './support/harness-call';

const GROUP = Number(process.env['E2E_JANUS_GROUP'] ?? 8);

let janus: JanusProcess[] = [];
let server: RunningServer;

test.describe.configure({ mode: 'serial', timeout: 240_000 });

test.beforeEach(async () => {
  janus = [
    await JanusProcess.start({ adminKey: 'e2e-admin' }),
    await JanusProcess.start({ adminKey: 'e2e-admin' }),
  ];
  server = await startCallingServer(0);
});

/** A calling-server on both instances; rooms of up to `sfuThreshold` sessions stay on the mesh. */
function startCallingServer(sfuThreshold: number): Promise<RunningServer> {
  return startServer({
    host: '127.0.0.1',
    port: 0,
    dev: true,
    sessionPolicy: 'multi',
    logLevel: 'silent',
    shutdownGraceMs: 200,
    janusUrls: [`${janus[0]!.url}#janus-a`, `${janus[1]!.url}#janus-b`],
    sfuThreshold,
    janusAdminKey: 'e2e-admin',
    // The mesh's limit (6) does not apply to rooms on Janus.
    maxPeersPerRoom: 16,
  });
}

test.afterEach(async () => {
  await server?.close();
  await Promise.all(janus.map((j) => j.dispose()));
});

/** The harness on this spec's server, logged in as `userID`, with a small camera profile. */
async function join(
  newUserPage: (name: string, url?: string) => Promise<UserPage>,
  staticBaseURL: string,
  userID: string,
): Promise<UserPage> {
  const query = new URLSearchParams({ ws: server.url, http: server.httpUrl });
  // Small and slow: eight pages encode one stream and decode seven each on two cores.
  return smallVideoUser(newUserPage, `${staticBaseURL}/harness/?${query}`, userID);
}

/** Frames of every remote view of `page` advance (the tiles show moving video). */
async function expectMovingTiles(page: Page, peers: readonly string[], timeout = 60_000): Promise<void> {
  const times = () => page.evaluate((ids) => ids.map((id) => window.harness.videoStats(id)), peers);
  await expect
    .poll(async () => (await times()).filter((s) => (s?.videoWidth ?? 0) > 0).length, {
      message: 'every remote tile has a decoded size',
      timeout,
    })
    .toBe(peers.length);
  const first = await times();
  await expect
    .poll(
      async () =>
        (await times()).filter((s, i) => (s?.currentTime ?? 0) > (first[i]?.currentTime ?? 0)).length,
      { message: 'every remote tile moves', timeout: 20_000 },
    )
    .toBe(peers.length);
}

/** `size` users in one group call over Janus; each page renders every other user. */
async function groupCall(
  newUserPage: (name: string, url?: string) => Promise<UserPage>,
  staticBaseURL: string,
  size: number,
): Promise<{ users: UserPage[]; roomID: number }> {
  const ids = Array.from({ length: size }, (_, i) => `g${i}`);
  const users: UserPage[] = [];
  for (const id of ids) users.push(await join(newUserPage, staticBaseURL, id));
  const [caller, ...callees] = users;
  const { roomID } = await caller!.page.evaluate((list) => window.harness.groupCall(list, 2), ids.slice(1));
  for (const callee of callees) {
    await expect.poll(() => phaseOf(callee.page), { message: `${callee.name} rings` }).toBe('ringing');
    await callee.page.evaluate(() => window.harness.accept());
  }
  for (const user of users) {
    await expect
      .poll(() => phaseOf(user.page), { message: `${user.name} connected`, timeout: 60_000 })
      .toBe('connected');
    await user.page.evaluate(
      (others) => {
        window.harness.startLocalView();
        for (const other of others) window.harness.startRemoteView(other);
      },
      ids.filter((id) => id !== user.name),
    );
  }
  return { users, roomID };
}

/** The Janus instance and VideoRoom a page's media is on now, from the engine's log line. */
function placement(user: UserPage): { instance: string; room: number } | undefined {
  const lines = user.console.filter((l) => l.includes(' media on janus-'));
  const match = /media on (janus-[ab]) \(room (\d+)\)/.exec(lines[lines.length - 1] ?? '');
  return match ? { instance: match[1]!, room: Number(match[2]) } : undefined;
}

const others = (users: readonly UserPage[], user: UserPage) =>
  users.filter((u) => u !== user).map((u) => u.name);

test(`a group of ${GROUP} over Janus: everyone sees everyone, each sends one video stream`, async ({
  newUserPage,
  servers,
}, testInfo) => {
  const { users } = await groupCall(newUserPage, servers.staticBaseURL, GROUP);
  for (const user of users) await expectMovingTiles(user.page, others(users, user));
  for (const user of users) {
    const stats = await user.page.evaluate(() => window.harness.rtcStats());
    // One peer connection up (the publisher), one down (the multi-stream subscription).
    expect(stats.open, `${user.name}'s open peer connections`).toBe(2);
    expect(stats.videoStreamsSent, `${user.name} sends one video stream`).toBe(1);
    expect(await user.page.evaluate(() => window.harness.errors())).toEqual([]);
  }
  testInfo.annotations.push({ type: 'janus', description: `${GROUP} pages, 2 peer connections each` });
});

test('the Janus instance of a call is killed: the call is back on the other one, nobody left', async ({
  newUserPage,
  servers,
}, testInfo) => {
  const { users } = await groupCall(newUserPage, servers.staticBaseURL, 3);
  for (const user of users) await expectMovingTiles(user.page, others(users, user));
  const before = placement(users[0]!);
  expect(before, 'the room is on a Janus instance').toBeDefined();
  const killed = Date.now();
  await janus[before!.instance === 'janus-a' ? 0 : 1]!.kill();
  const other = before!.instance === 'janus-a' ? 'janus-b' : 'janus-a';
  for (const user of users) {
    await expect
      .poll(() => placement(user)?.instance, { message: `${user.name} moved to ${other}`, timeout: 30_000 })
      .toBe(other);
  }
  for (const user of users) await expectMovingTiles(user.page, others(users, user), 30_000);
  const gap = Date.now() - killed;
  for (const user of users) {
    const events = await user.page.evaluate(() => window.harness.events());
    expect(
      events.filter((e) => e.type === 'onUserLeave'),
      `${user.name} saw nobody leave`,
    ).toEqual([]);
    expect(await user.page.evaluate(() => window.harness.phase())).toBe('connected');
  }
  testInfo.annotations.push({
    type: 'janus failover',
    description: `moving video again ${gap} ms after SIGKILL`,
  });
  expect(gap, 'bounded gap').toBeLessThan(45_000);
});

test('a mesh call that grows past the threshold moves to Janus, nobody leaving', async ({
  newUserPage,
  servers,
}, testInfo) => {
  await server.close();
  server = await startCallingServer(2);
  const ids = ['m0', 'm1', 'm2'];
  const users: UserPage[] = [];
  for (const id of ids) users.push(await join(newUserPage, servers.staticBaseURL, id));
  const [m0, m1, m2] = users as [UserPage, UserPage, UserPage];
  await m0.page.evaluate(() => window.harness.groupCall(['m1', 'm2'], 2));
  await expect.poll(() => phaseOf(m1.page), { message: 'm1 rings' }).toBe('ringing');
  await m1.page.evaluate(() => window.harness.accept());
  for (const user of [m0, m1]) {
    await expect.poll(() => phaseOf(user.page)).toBe('connected');
    await user.page.evaluate(
      (ids) => ids.forEach((id) => window.harness.startRemoteView(id)),
      ['m0', 'm1', 'm2'],
    );
  }
  await expectMovingTiles(m0.page, ['m1']);
  expect(placement(m0), 'two people: the mesh').toBeUndefined();
  const grown = Date.now();
  await expect.poll(() => phaseOf(m2.page), { message: 'm2 rings' }).toBe('ringing');
  await m2.page.evaluate(() => window.harness.accept());
  await expect.poll(() => phaseOf(m2.page)).toBe('connected');
  await m2.page.evaluate(() => ['m0', 'm1'].forEach((id) => window.harness.startRemoteView(id)));
  for (const user of users) {
    await expect
      .poll(() => placement(user)?.instance, { message: `${user.name} on Janus`, timeout: 30_000 })
      .toBeDefined();
  }
  for (const user of users) await expectMovingTiles(user.page, others(users, user), 30_000);
  testInfo.annotations.push({
    type: 'mesh to janus',
    description: `all on Janus ${Date.now() - grown} ms after the third accepted`,
  });
  for (const user of users) {
    const stats = await user.page.evaluate(() => window.harness.rtcStats());
    expect(stats.videoStreamsSent, `${user.name} sends one video stream`).toBe(1);
    const events = await user.page.evaluate(() => window.harness.events());
    expect(
      events.filter((e) => e.type === 'onUserLeave'),
      `${user.name} saw nobody leave`,
    ).toEqual([]);
  }
});

test('a stranger (logged in, not invited) can neither join the room nor enter its VideoRoom', async ({
  newUserPage,
  servers,
}) => {
  const { users, roomID } = await groupCall(newUserPage, servers.staticBaseURL, 2);
  await expectMovingTiles(users[0]!.page, ['g1']);
  const where = placement(users[0]!)!;
  const mallory = await wireClient(server.url, server.httpUrl, 'mallory');
  try {
    const refused = await mallory.request({ t: 'room.join', roomID });
    expect(refused).toMatchObject({ t: 'error', code: 4100 });
  } finally {
    mallory.close();
  }
  // Straight to Janus with the room number but no token of the call: the VideoRoom refuses.
  const url = where.instance === 'janus-a' ? janus[0]!.url : janus[1]!.url;
  const answer = await janusJoin(url, where.room, 'mallory', 'forged-token');
  expect(answer['error_code'], JSON.stringify(answer)).toBeDefined();
  expect(answer['videoroom']).not.toBe('joined');
});

/** A bare wire client in Node (`ws`): logged in as `userID`, one request at a time. */
async function wireClient(url: string, httpUrl: string, userID: string) {
  const { userSig, SDKAppID } = (await (
    await fetch(`${httpUrl}/dev/usersig?userID=${encodeURIComponent(userID)}`)
  ).json()) as { userSig: string; SDKAppID: number };
  const socket = new WebSocket(url);
  await new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  let id = 0;
  const request = (frame: Record<string, unknown>) =>
    new Promise<Record<string, unknown>>((resolve) => {
      const mine = ++id;
      const onMessage = (data: Buffer) => {
        const reply = JSON.parse(String(data)) as Record<string, unknown>;
        if (reply['id'] !== mine) return;
        socket.off('message', onMessage);
        resolve(reply);
      };
      socket.on('message', onMessage);
      socket.send(JSON.stringify({ ...frame, id: mine }));
    });
  expect(await request({ t: 'login', SDKAppID, userID, userSig })).toMatchObject({ t: 'ok' });
  return { request, close: () => socket.close() };
}

/** Creates a Janus session, attaches the VideoRoom and joins `room` as a publisher: the plugin's answer. */
async function janusJoin(url: string, room: number, display: string, token: string) {
  const socket = new WebSocket(url, 'janus-protocol');
  await new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  let n = 0;
  const send = (message: Record<string, unknown>) =>
    new Promise<Record<string, unknown>>((resolve) => {
      const transaction = `x${++n}`;
      const onMessage = (data: Buffer) => {
        const reply = JSON.parse(String(data)) as Record<string, unknown>;
        if (reply['transaction'] !== transaction || reply['janus'] === 'ack') return;
        socket.off('message', onMessage);
        resolve(reply);
      };
      socket.on('message', onMessage);
      socket.send(JSON.stringify({ ...message, transaction }));
    });
  try {
    const session = ((await send({ janus: 'create' }))['data'] as { id: number }).id;
    const handle = (
      (await send({ janus: 'attach', session_id: session, plugin: 'janus.plugin.videoroom' }))['data'] as {
        id: number;
      }
    ).id;
    const answer = await send({
      janus: 'message',
      session_id: session,
      handle_id: handle,
      body: { request: 'join', ptype: 'publisher', room, display, token },
    });
    return ((answer['plugindata'] as { data?: Record<string, unknown> } | undefined)?.data ?? {}) as Record<
      string,
      unknown
    >;
  } finally {
    socket.close();
  }
}
