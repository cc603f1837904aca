import { Socket } from 'node:net';
import type { RunningServer } from './server';
import { TestClient, closeAll, officialSig, startTestServer, until } from './test-client.test-util';

/** The TCP socket under a test client's WebSocket (to cork it: several frames in one write). */
const rawSocket = (client: TestClient): Socket => (client.ws as unknown as { _socket: Socket })._socket;

/**
 * The frames a socket gets within one event-loop turn leave in one write. Counted on the server's
 * side of the connection: the writes its sockets hand to the kernel (`_writev`/`_write`).
 */
describe('write coalescing', () => {
  let server: RunningServer;
  let writes: Map<number, number>;
  afterEach(async () => {
    jest.restoreAllMocks();
    await closeAll();
  });

  beforeEach(() => {
    writes = new Map();
    const count = (socket: Socket) => {
      if (server && socket.localPort === server.port) {
        writes.set(socket.remotePort!, (writes.get(socket.remotePort!) ?? 0) + 1);
      }
    };
    const writev = Socket.prototype._writev!;
    const write = Socket.prototype._write;
    jest.spyOn(Socket.prototype, '_writev').mockImplementation(function (this: Socket, ...args) {
      count(this);
      return writev.apply(this, args);
    });
    jest.spyOn(Socket.prototype, '_write').mockImplementation(function (this: Socket, ...args) {
      count(this);
      return write.apply(this, args);
    });
  });

  /** Sends `n` pings in one TCP write; resolves with the server's writes until all are answered. */
  async function pingsInOneWrite(client: TestClient, n: number): Promise<number> {
    const socket = rawSocket(client);
    const port = socket.localPort!;
    const pongs = () => client.frames.filter((f) => f.t === 'pong').length;
    const before = pongs();
    writes.set(port, 0);
    socket.cork();
    for (let i = 0; i < n; i++) client.sendRaw({ t: 'ping', id: 1000 + i });
    socket.uncork();
    await until(() => pongs() === before + n, `${n} pongs`);
    return writes.get(port) ?? 0;
  }

  it('answers several requests of one read with one write', async () => {
    server = await startTestServer();
    const alice = await TestClient.login(server.url, 'alice');
    // Three pings, each answered by an ok and a pong: six frames, one write.
    expect(await pingsInOneWrite(alice, 3)).toBe(1);
    expect(alice.frames.filter((f) => f.t === 'ok' || f.t === 'pong')).toHaveLength(1 + 6); // + login ok
  });

  it('still writes every frame, in order, when a turn ends with the socket closing', async () => {
    server = await startTestServer();
    const alice = await TestClient.login(server.url, 'alice');
    await TestClient.login(server.url, 'alice'); // single policy: alice's first session is kicked
    const { code } = await alice.closed;
    expect(code).toBe(1000);
    expect(alice.frames.at(-1)).toEqual({ t: 'kicked', reason: 'multipleAccount' });
  });
});

describe('frame order', () => {
  afterEach(closeAll);

  it('handles frames behind a login that waits only once it is done, in arrival order', async () => {
    const server = await startTestServer();
    const bob = await TestClient.login(server.url, 'bob');
    const alice = await TestClient.connect(server.url);
    const socket = rawSocket(alice);
    socket.cork();
    alice.sendRaw({
      t: 'login',
      id: 1,
      SDKAppID: server.config.sdkAppID,
      userID: 'alice',
      userSig: officialSig('alice'),
    });
    alice.sendRaw({ t: 'send', id: 2, to: 'bob', conversationType: 'C2C', data: 'first' });
    alice.sendRaw({ t: 'ping', id: 3 });
    alice.sendRaw({ t: 'send', id: 4, to: 'bob', conversationType: 'C2C', data: 'second' });
    socket.uncork();
    await until(() => alice.frames.filter((f) => f.t === 'ok').length === 4, 'four replies');
    expect(alice.frames.map((f) => (f.t === 'ok' || f.t === 'pong' ? `${f.t} ${f.id}` : f.t))).toEqual([
      'ok 1',
      'ok 2',
      'ok 3',
      'pong 3',
      'ok 4',
    ]);
    await until(() => bob.messages().length === 2, 'two messages');
    expect(bob.messages().map((m) => m.data)).toEqual(['first', 'second']);
  });
});
