/**
 * Test helper: what a client does first in a VideoRoom, over Janus' raw WebSocket API: join a
 * room as a publisher with a token (no media). Resolves with the plugin's answer, so that a spec
 * sees Janus itself accept or refuse a token.
 */
import WebSocket from 'ws';

export interface JoinAnswer {
  readonly videoroom?: string;
  readonly error_code?: number;
  readonly error?: string;
}

/** Joins `room` on `url` as publisher `display` with `token`; closes the session afterwards. */
export async function joinAsPublisher(
  url: string,
  room: number,
  token: string,
  display: string,
): Promise<JoinAnswer> {
  const ws = new WebSocket(url, 'janus-protocol');
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const inbox: Record<string, unknown>[] = [];
  const waiters: (() => void)[] = [];
  ws.on('message', (data: Buffer) => {
    inbox.push(JSON.parse(String(data)) as Record<string, unknown>);
    for (const w of waiters.splice(0)) w();
  });
  const next = async (pred: (m: Record<string, unknown>) => boolean): Promise<Record<string, unknown>> => {
    const deadline = Date.now() + 3000;
    for (;;) {
      const i = inbox.findIndex(pred);
      if (i >= 0) return inbox.splice(i, 1)[0] as Record<string, unknown>;
      if (Date.now() > deadline) throw new Error('janus did not answer');
      await new Promise<void>((r) => {
        waiters.push(r);
        setTimeout(r, 100);
      });
    }
  };
  const send = (frame: Record<string, unknown>): void => ws.send(JSON.stringify(frame));
  try {
    send({ janus: 'create', transaction: 'c' });
    const session = ((await next((m) => m['transaction'] === 'c'))['data'] as { id: number }).id;
    send({ janus: 'attach', session_id: session, plugin: 'janus.plugin.videoroom', transaction: 'a' });
    const handle = ((await next((m) => m['transaction'] === 'a'))['data'] as { id: number }).id;
    send({
      janus: 'message',
      session_id: session,
      handle_id: handle,
      transaction: 'j',
      body: { request: 'join', ptype: 'publisher', room, token, display },
    });
    const event = await next((m) => m['transaction'] === 'j' && 'plugindata' in m);
    send({ janus: 'destroy', session_id: session, transaction: 'd' });
    return (event['plugindata'] as { data: JoinAnswer }).data;
  } finally {
    ws.terminate();
  }
}

/** Polls an async condition until it holds (every 50 ms, at most `timeoutMs`). */
export async function eventually(
  check: () => Promise<boolean>,
  timeoutMs: number,
  what = 'condition',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} did not hold within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
