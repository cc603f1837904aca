import { VirtualAction, VirtualTimeScheduler } from 'rxjs';
import { CLIENT_ERROR, silentTransportLogger } from 'ngx-trtc-calling/webrtc';
import { JanusClient, type HandleEvent } from './janus-client';
import { FakeJanus, settle } from './fake-janus.test-util';

function setup(fake = new FakeJanus(), horizon = 60_000) {
  const scheduler = new VirtualTimeScheduler(VirtualAction, horizon);
  const connect = () =>
    JanusClient.connect('ws://janus.test', {
      WebSocket: fake.WebSocket,
      scheduler,
      logger: silentTransportLogger,
      timeout: 10_000,
      keepalive: 25_000,
    });
  return { fake, scheduler, connect };
}

describe('JanusClient', () => {
  it('opens the socket with the janus-protocol subprotocol and creates a session', async () => {
    const { fake, connect } = setup();
    const client = await connect();
    expect(fake.sockets[0]?.protocol).toBe('janus-protocol');
    expect(fake.requests('create')).toHaveLength(1);
    const handle = await client.attach('janus.plugin.videoroom');
    const attach = fake.requests('attach')[0];
    expect(attach).toMatchObject({ plugin: 'janus.plugin.videoroom', session_id: 101 });
    expect(handle.id).toBe(102);
    client.destroy();
  });

  it('keeps the session alive every keepalive interval until destroyed', async () => {
    const { fake, scheduler, connect } = setup();
    const client = await connect();
    scheduler.flush(); // virtual 60 s: keepalives at 25 s and 50 s
    expect(fake.requests('keepalive')).toHaveLength(2);
    expect(fake.requests('keepalive')[0]).toMatchObject({ session_id: 101 });
    client.destroy();
    expect(fake.requests('destroy')).toHaveLength(1);
  });

  it('a session Janus no longer knows (keepalive answered 458) counts as closed', async () => {
    const { fake, scheduler, connect } = setup(new FakeJanus(), 25_000);
    const client = await connect();
    let closed = false;
    client.closed$.subscribe(() => (closed = true));
    const receive = fake.receive.bind(fake);
    fake.receive = (socket, message) =>
      message['janus'] === 'keepalive'
        ? socket.push({
            janus: 'error',
            transaction: message['transaction'],
            error: { code: 458, reason: 'No such session' },
          })
        : receive(socket, message);
    scheduler.flush();
    await settle();
    expect(closed).toBe(true);
  });

  it('resolves a plugin request with the event after the ack, jsep included', async () => {
    const { fake, connect } = setup();
    fake.onMessage = (body) => ({
      data: { videoroom: 'joined', echo: body['request'] },
      jsep: { type: 'answer', sdp: 'v=0' },
    });
    const client = await connect();
    const handle = await client.attach('janus.plugin.videoroom');
    const answer = await handle.message({ request: 'join' }, { type: 'offer', sdp: 'o' });
    expect(answer).toEqual({
      data: { videoroom: 'joined', echo: 'join' },
      jsep: { type: 'answer', sdp: 'v=0' },
    });
    expect(fake.requests('join')[0]).toMatchObject({
      handle_id: handle.id,
      jsep: { type: 'offer', sdp: 'o' },
    });
    client.destroy();
  });

  it('rejects a request the plugin refuses with the plugin’s code', async () => {
    const { fake, connect } = setup();
    fake.onMessage = () => ({
      data: { videoroom: 'event', error_code: 433, error: 'Unauthorized (not in the allowed list)' },
    });
    const client = await connect();
    const handle = await client.attach('janus.plugin.videoroom');
    await expect(handle.message({ request: 'join', token: 'forged' })).rejects.toMatchObject({ code: 433 });
    client.destroy();
  });

  it('rejects a request Janus itself refuses with Janus’s code', async () => {
    const { fake, connect } = setup();
    const client = await connect();
    fake.receive = (socket, message) =>
      socket.push({
        janus: 'error',
        transaction: message['transaction'],
        error: { code: 458, reason: 'No such session' },
      });
    await expect(client.attach('janus.plugin.videoroom')).rejects.toMatchObject({ code: 458 });
    client.destroy();
  });

  it('routes the events Janus sends on its own to their handle', async () => {
    const { fake, connect } = setup();
    const client = await connect();
    const handle = await client.attach('janus.plugin.videoroom');
    const other = await client.attach('janus.plugin.videoroom');
    const seen: HandleEvent[] = [];
    const otherSeen: HandleEvent[] = [];
    handle.events$.subscribe((e) => seen.push(e));
    other.events$.subscribe((e) => otherSeen.push(e));
    const socket = fake.sockets[0]!;
    socket.push({
      janus: 'event',
      sender: handle.id,
      plugindata: { data: { videoroom: 'event', leaving: 7 } },
    });
    socket.push({ janus: 'hangup', sender: handle.id, reason: 'DTLS alert' });
    socket.push({ janus: 'media', sender: handle.id, type: 'audio', receiving: true });
    socket.push({ janus: 'event', sender: 999, plugindata: { data: {} } });
    await settle();
    expect(seen).toEqual([{ kind: 'event', data: { videoroom: 'event', leaving: 7 } }, { kind: 'hangup' }]);
    expect(otherSeen).toEqual([]);
    client.destroy();
  });

  it('a closed socket fails what is in flight with 4902, completes the handles and emits closed$', async () => {
    const { fake, connect } = setup();
    fake.onMessage = () => undefined;
    const client = await connect();
    const handle = await client.attach('janus.plugin.videoroom');
    let closed = false;
    let completed = false;
    client.closed$.subscribe(() => (closed = true));
    handle.events$.subscribe({ complete: () => (completed = true) });
    const pending = handle.message({ request: 'join' });
    await settle();
    fake.sockets[0]!.close(1006);
    await expect(pending).rejects.toMatchObject({ code: CLIENT_ERROR.CONNECTION_LOST });
    expect(closed).toBe(true);
    expect(completed).toBe(true);
    await expect(handle.message({ request: 'leave' })).rejects.toMatchObject({
      code: CLIENT_ERROR.CONNECTION_LOST,
    });
  });

  it('a request without an answer fails with 4901 after the timeout', async () => {
    const { fake, scheduler, connect } = setup(new FakeJanus(), 10_000);
    fake.onMessage = () => undefined;
    const client = await connect();
    const handle = await client.attach('janus.plugin.videoroom');
    const pending = handle.message({ request: 'join' });
    await settle();
    scheduler.flush();
    await expect(pending).rejects.toMatchObject({ code: CLIENT_ERROR.TIMEOUT });
    client.destroy();
  });

  it('an unreachable Janus rejects connect with 4902', async () => {
    const fake = new FakeJanus();
    fake.reachable = false;
    const { connect } = setup(fake);
    await expect(connect()).rejects.toMatchObject({ code: CLIENT_ERROR.CONNECTION_LOST });
  });

  it('ignores a message that is not JSON', async () => {
    const { fake, connect } = setup();
    const client = await connect();
    fake.sockets[0]!.push('not json' as unknown as Record<string, unknown>);
    await settle();
    await expect(client.attach('janus.plugin.videoroom')).resolves.toBeDefined();
    client.destroy();
  });
});
