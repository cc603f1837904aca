import type { Socket } from 'node:net';
import { ERR } from './errors';
import type { RunningServer } from './server';
import { TestClient, closeAll, delay, startTestServer, until } from './test-client.test-util';

const envelope = (n: number) =>
  JSON.stringify({
    businessID: 1,
    inviteID: 'i',
    inviter: 'alice',
    actionType: 1,
    inviteeList: Array.from({ length: n }, (_, i) => `u${i}`),
    data: '{}',
    timeout: 30,
    groupID: '',
  });

describe('limits (each refuses only the offender)', () => {
  let server: RunningServer;
  afterEach(closeAll);

  it('answers frames over maxFrameBytes with FRAME_TOO_LARGE and keeps the connection', async () => {
    server = await startTestServer({ maxFrameBytes: 1024, wsMaxPayloadBytes: 4096 });
    const alice = await TestClient.login(server.url, 'alice');
    const bob = await TestClient.login(server.url, 'bob');
    alice.sendRaw(`{"t":"send","id":77,"to":"bob","conversationType":"C2C","data":"${'x'.repeat(2000)}"}`);
    expect(await alice.take((f) => f.t === 'error')).toMatchObject({ id: 77, code: ERR.FRAME_TOO_LARGE });
    alice.sendRaw(`{"data":"${'x'.repeat(2000)}","id":78}`); // id not up front: no id in the error
    const err = await alice.take((f) => f.t === 'error');
    expect(err).toMatchObject({ code: ERR.FRAME_TOO_LARGE });
    expect('id' in err).toBe(false);
    await alice.sendMsg('bob', 'small');
    expect(await bob.nextMsg()).toMatchObject({ data: 'small' });
    expect(bob.messages()).toHaveLength(1);
  });

  it('closes with 1009 on frames over wsMaxPayloadBytes without harming others', async () => {
    server = await startTestServer({ maxFrameBytes: 1024, wsMaxPayloadBytes: 4096 });
    const alice = await TestClient.login(server.url, 'alice');
    const bob = await TestClient.login(server.url, 'bob');
    alice.sendRaw('x'.repeat(10_000));
    expect((await alice.closed).code).toBe(1009);
    await until(() => server.metrics.framesDropped.get('wsMaxPayload') === 1, 'metric');
    await bob.ok({ t: 'ping' });
    const alice2 = await TestClient.login(server.url, 'alice');
    await alice2.sendMsg('bob', 'still here');
    await bob.nextMsg('still here');
  });

  it('rate-limits each connection with a token bucket', async () => {
    server = await startTestServer({ ratePerSecond: 4, rateBurst: 5 }); // one token per 250 ms
    const alice = await TestClient.login(server.url, 'alice'); // the login took one token
    const bob = await TestClient.login(server.url, 'bob');
    const replies = await Promise.all(Array.from({ length: 10 }, () => alice.request({ t: 'ping' })));
    const codes = replies.map((r) => (r.t === 'ok' ? 'ok' : r.code));
    expect(codes.filter((c) => c === 'ok')).toHaveLength(4);
    expect(codes.filter((c) => c === ERR.RATE_LIMITED)).toHaveLength(6);
    for (let i = 0; i < 4; i++) await bob.ok({ t: 'ping' }); // bob has his own bucket
    await delay(400); // one token back
    await alice.ok({ t: 'ping' });
    expect(alice.closeEvent).toBeUndefined();
  });

  it('refuses signaling envelopes with more than 50 invitees by default', async () => {
    server = await startTestServer();
    const alice = await TestClient.login(server.url, 'alice');
    await alice.error(
      { t: 'send', to: 'bob', conversationType: 'C2C', data: envelope(51) },
      ERR.TOO_MANY_INVITEES,
    );
    await alice.sendMsg('bob', envelope(50));
  });

  it('refuses connections over maxConnectionsPerAddress with an error frame, then closes', async () => {
    server = await startTestServer({ maxConnectionsPerAddress: 3 });
    const connect = () => TestClient.connect(server.url);
    const first = await Promise.all([connect(), connect(), connect()]);
    const extra = await TestClient.connect(server.url);
    const { code } = await extra.closed;
    expect(code).toBe(ERR.TOO_MANY_CONNECTIONS);
    expect(extra.frames).toEqual([expect.objectContaining({ t: 'error', code: ERR.TOO_MANY_CONNECTIONS })]);
    for (const c of first) await c.ok({ t: 'ping' });
    first[0].close();
    await first[0].closed;
    await until(() => server.metrics.render().includes('calling_connections 2'), 'close noticed');
    const again = await TestClient.connect(server.url);
    await again.ok({ t: 'ping' });
  });

  it('drops a connection that does not read (slow consumer)', async () => {
    server = await startTestServer({
      maxBufferedBytes: 256 * 1024,
      ratePerSecond: 10_000,
      rateBurst: 10_000,
      maxStoredBytesPerSender: 64 * 1024 * 1024,
      maxStoredBytesPerUser: 64 * 1024 * 1024,
    });
    const alice = await TestClient.login(server.url, 'alice');
    const bob = await TestClient.login(server.url, 'bob');
    const carol = await TestClient.login(server.url, 'carol');
    (bob.ws as unknown as { _socket: Socket })._socket.pause();
    const chunk = 'y'.repeat(60 * 1024);
    for (let i = 0; i < 400 && server.metrics.connectionsClosed.get('slowConsumer') === 0; i++) {
      await alice.sendMsg('bob', chunk);
    }
    expect(server.metrics.connectionsClosed.get('slowConsumer')).toBe(1);
    await alice.sendMsg('carol', 'unaffected');
    await carol.nextMsg('unaffected');
  });
});
