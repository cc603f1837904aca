import type { RunningServer } from './server';
import { TestClient, closeAll, startTestServer } from './test-client.test-util';

describe('HTTP endpoints', () => {
  let server: RunningServer;
  beforeEach(async () => {
    server = await startTestServer({ sessionPolicy: 'multi' });
  });
  afterEach(closeAll);

  it('GET /healthz reports status, uptime and live sessions', async () => {
    const first = await (await fetch(`${server.httpUrl}/healthz`)).json();
    expect(first).toEqual({ status: 'ok', uptime: expect.any(Number), sessions: 0 });
    await TestClient.login(server.url, 'alice');
    await TestClient.login(server.url, 'alice');
    await TestClient.connect(server.url); // not logged in: no session
    const res = await fetch(`${server.httpUrl}/healthz`);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await res.json()).toMatchObject({ status: 'ok', sessions: 2 });
  });

  it('GET /metrics exposes Prometheus text with the documented series', async () => {
    const alice = await TestClient.login(server.url, 'alice');
    const alice2 = await TestClient.login(server.url, 'alice');
    await TestClient.login(server.url, 'bob'); // online: the C2C and the group message reach him live
    await alice.sendMsg('bob', 'one');
    await alice.sendMsg('carol', 'stored'); // carol is offline
    await alice.ok({ t: 'group.create', groupID: 'g', members: ['bob'] });
    await alice.sendMsg('g', 'two', 'GROUP');
    await alice.ok({ t: 'room.join', roomID: 3 });
    await alice2.ok({ t: 'room.join', roomID: 3 }); // the room's user: its claimer
    await alice2.error({ t: 'login', SDKAppID: 1, userID: 'x', userSig: 'y' }); // already logged in
    const c = await TestClient.connect(server.url);
    await c.error({ t: 'login', SDKAppID: server.config.sdkAppID, userID: 'x', userSig: 'garbage' });
    c.sendRaw('not json');
    await c.take((f) => f.t === 'error');

    const res = await fetch(`${server.httpUrl}/metrics`);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    const value = (series: string) => {
      const line = text.split('\n').find((l) => l.startsWith(series + ' '));
      if (!line) throw new Error(`no series ${series} in\n${text}`);
      return Number(line.slice(series.length + 1));
    };
    expect(text).toContain('# TYPE calling_sessions gauge');
    expect(text).toContain('# TYPE calling_messages_relayed_total counter');
    expect(value('calling_sessions')).toBe(3);
    expect(value('calling_users_online')).toBe(2);
    expect(value('calling_connections')).toBe(4);
    expect(value('calling_messages_relayed_total{conversation="C2C"}')).toBe(2);
    expect(value('calling_messages_relayed_total{conversation="GROUP"}')).toBe(1);
    expect(value('calling_logins_refused_total{reason="USERSIG_INVALID"}')).toBe(1);
    expect(value('calling_frames_dropped_total{reason="ALREADY_LOGGED_IN"}')).toBe(1);
    expect(value('calling_frames_dropped_total{reason="BAD_FRAME"}')).toBe(1);
    expect(value('calling_rooms')).toBe(1);
    expect(value('calling_room_peers')).toBe(2);
    expect(value('calling_groups')).toBe(1);
    // alice: 3 echoes; bob: one C2C + one group message; carol: one.
    expect(value('calling_stored_messages')).toBe(6);
    expect(value('calling_stored_bytes')).toBe('one'.length + 'stored'.length + 'two'.length);
    expect(value('calling_logins_total')).toBe(3);
    expect(value('calling_uptime_seconds')).toBeGreaterThanOrEqual(0);
  });

  it('answers unknown paths with 404 and other methods with 405', async () => {
    expect((await fetch(`${server.httpUrl}/nope`)).status).toBe(404);
    expect((await fetch(`${server.httpUrl}/healthz`, { method: 'POST', body: 'x' })).status).toBe(405);
  });

  it('rejects startServer when the port is taken, leaving nothing running', async () => {
    await expect(startTestServer({ port: server.port })).rejects.toThrow(/EADDRINUSE/);
  });
});
