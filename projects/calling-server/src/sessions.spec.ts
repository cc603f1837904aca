import { ERR } from './errors';
import type { RunningServer } from './server';
import { TestClient, closeAll, delay, officialSig, startTestServer, until } from './test-client.test-util';

describe('sessions', () => {
  let server: RunningServer;
  afterEach(closeAll);

  it('single policy: a new login kicks the older session out (multipleAccount), then closes it', async () => {
    server = await startTestServer();
    const first = await TestClient.login(server.url, 'alice');
    const second = await TestClient.login(server.url, 'alice');
    expect(await first.take((f) => f.t === 'kicked')).toEqual({ t: 'kicked', reason: 'multipleAccount' });
    expect((await first.closed).code).toBe(1000);
    const bob = await TestClient.login(server.url, 'bob');
    await bob.sendMsg('alice', 'for the new one');
    await second.nextMsg('for the new one');
    expect(first.messages()).toEqual([]);
    expect(server.metrics.kicked.get('multipleAccount')).toBe(1);
    // Other users are untouched.
    await bob.ok({ t: 'ping' });
    expect(bob.closeEvent).toBeUndefined();
  });

  it('multi policy: up to maxSessionsPerUser sessions, then TOO_MANY_SESSIONS', async () => {
    server = await startTestServer({ sessionPolicy: 'multi', maxSessionsPerUser: 2 });
    const a1 = await TestClient.login(server.url, 'alice');
    await TestClient.login(server.url, 'alice');
    const a3 = await TestClient.connect(server.url);
    const login = {
      t: 'login',
      SDKAppID: server.config.sdkAppID,
      userID: 'alice',
      userSig: officialSig('alice'),
    };
    await a3.error(login, ERR.TOO_MANY_SESSIONS);
    expect(a1.closeEvent).toBeUndefined();
    a1.close();
    await a1.closed;
    await until(() => server.metrics.render().includes('calling_sessions 1'), 'server noticed the close');
    await TestClient.login(server.url, 'alice');
  });

  it('terminates sockets that miss two pongs and cleans up their session', async () => {
    server = await startTestServer({ heartbeatIntervalMs: 100, peerLeaveGraceMs: 0 });
    const alive = await TestClient.login(server.url, 'alice');
    const deaf = await TestClient.login(server.url, 'bob', {}, { autoPong: false });
    await alive.ok({ t: 'room.join', roomID: 7 });
    await alive.invite(7, 'bob');
    await deaf.ok({ t: 'room.join', roomID: 7 });
    const { code } = await deaf.closed;
    expect(code).toBe(1006); // terminated, no close frame
    const left = await alive.take((f) => f.t === 'peer' && f.event === 'left', 2000);
    expect(left).toMatchObject({ roomID: 7, peer: { userID: 'bob', peerID: deaf.login.sessionID } });
    const health = (await (await fetch(`${server.httpUrl}/healthz`)).json()) as { sessions: number };
    expect(health.sessions).toBe(1);
    expect(server.metrics.connectionsClosed.get('heartbeat')).toBe(1);
    await delay(350);
    expect(alive.closeEvent).toBeUndefined(); // answering pings keeps a socket alive
    // Messages for the dead user are stored, not lost.
    await alive.sendMsg('bob', 'later');
    const bob = await TestClient.login(server.url, 'bob');
    await bob.nextMsg('later');
  });

  it('close() tells sessions serverShutdown, closes every socket and releases the port', async () => {
    server = await startTestServer();
    const a = await TestClient.login(server.url, 'alice');
    const idle = await TestClient.connect(server.url);
    await server.close();
    expect(a.ofType('kicked')).toEqual([{ t: 'kicked', reason: 'serverShutdown' }]);
    expect((await a.closed).code).toBe(1001);
    expect((await idle.closed).code).toBe(1001);
    await expect(TestClient.connect(server.url)).rejects.toThrow();
    await server.close(); // idempotent
  });
});
