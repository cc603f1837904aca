// The baseline: a minimal relay on plain ws@8, speaking just enough of the wire protocol for the
// same load client. `login` registers the socket under its userID (no UserSig check, no reply
// beyond `ok`); `send` is parsed, routed by `to` and forwarded as a `msg` push. Nothing else:
// no auth, no store, no seq, no limits, no acknowledgement of `send` unless `ack` is set.
import { WebSocketServer } from 'ws';

/** Starts the relay on 127.0.0.1; resolves with its port and a `close()`. */
export function startBaseline({ port = 0, ack = false } = {}) {
  const wss = new WebSocketServer({ host: '127.0.0.1', port, perMessageDeflate: false, maxPayload: 1 << 20 });
  const users = new Map();
  let relayed = 0;
  wss.on('connection', (ws) => {
    let me = null;
    ws.on('error', () => undefined);
    ws.on('message', (data) => {
      let f;
      try {
        f = JSON.parse(data.toString());
      } catch {
        return;
      }
      if (f.t === 'login') {
        me = String(f.userID);
        users.set(me, ws);
        ws.send(JSON.stringify({ t: 'ok', id: f.id, result: {} }));
      } else if (f.t === 'send' && me !== null) {
        const target = users.get(f.to);
        if (target) {
          target.send(JSON.stringify({ t: 'msg', message: { from: me, to: f.to, data: f.data } }));
          relayed++;
        }
        if (ack) ws.send(JSON.stringify({ t: 'ok', id: f.id, result: {} }));
      }
    });
    ws.on('close', () => {
      if (me !== null && users.get(me) === ws) users.delete(me);
    });
  });
  return new Promise((resolve, reject) => {
    wss.once('error', reject);
    wss.once('listening', () =>
      resolve({
        port: wss.address().port,
        counters: () => ({ relayed, sessions: users.size }),
        close: () =>
          new Promise((r) => {
            for (const ws of wss.clients) ws.terminate();
            wss.close(() => r());
          }),
      }),
    );
  });
}
