/**
 * Frames that break the WebSocket protocol itself (invalid UTF-8 in a text frame, a reserved
 * opcode, an unmasked client frame) cannot be answered with an error frame: ws closes the socket
 * (1007/1002). They are counted and logged like any other refused frame, and nobody else notices.
 */
import { Socket } from 'node:net';
import { TestClient, closeAll, startTestServer, until } from './test-client.test-util';

/** Upgrades a raw socket, then writes `frame` (bytes as they go on the wire); resolves on close. */
function sendRawFrame(port: number, frame: Buffer): Promise<void> {
  return new Promise((resolve) => {
    const s = new Socket();
    let head = '';
    s.on('error', () => undefined);
    s.on('data', (d: Buffer) => {
      if (head.includes('\r\n\r\n')) return;
      head += d.toString('latin1');
      if (head.includes('\r\n\r\n')) s.write(frame);
    });
    s.once('close', () => resolve());
    s.connect(port, '127.0.0.1', () =>
      s.write(
        'GET / HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n' +
          'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
      ),
    );
  });
}

/** A masked client frame with `opcode` and `payload` (under 126 bytes). */
function maskedFrame(opcode: number, payload: number[]): Buffer {
  const key = [1, 2, 3, 4];
  return Buffer.from([
    0x80 | opcode,
    0x80 | payload.length,
    ...key,
    ...payload.map((b, i) => b ^ key[i % 4]!),
  ]);
}

describe('WebSocket protocol errors', () => {
  afterEach(closeAll);

  it('counts frames ws closes the socket for, as wsProtocol drops, without disturbing others', async () => {
    const server = await startTestServer();
    const alice = await TestClient.login(server.url, 'alice');
    await sendRawFrame(server.port, maskedFrame(1, [0xff, 0xfe, 0x7b])); // invalid UTF-8
    await sendRawFrame(server.port, maskedFrame(3, [0x7b, 0x7d])); // reserved opcode
    await sendRawFrame(server.port, Buffer.from([0x81, 0x02, 0x7b, 0x7d])); // not masked
    await until(() => server.metrics.framesDropped.get('wsProtocol') === 3, 'three protocol drops');
    await alice.ok({ t: 'ping' });
  });
});
