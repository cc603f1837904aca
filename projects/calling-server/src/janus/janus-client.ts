import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';

/** What the VideoRoom plugin answered, or the Janus core's own error. */
export class JanusError extends Error {
  constructor(
    /** Janus core codes (e.g. 458 no such session) or VideoRoom codes (426 no such room, 427 exists, 433 unauthorized). */
    readonly code: number,
    message: string,
  ) {
    super(message);
    this.name = 'JanusError';
  }
}

/** VideoRoom error codes the server acts on. */
export const VIDEOROOM_ERROR = { NO_SUCH_ROOM: 426, ROOM_EXISTS: 427, UNAUTHORIZED: 433 } as const;

interface Pending {
  readonly resolve: (data: Record<string, unknown>) => void;
  readonly reject: (error: Error) => void;
  readonly timer: NodeJS.Timeout;
}

export interface JanusClientOptions {
  /** Longest wait for the socket, the session and each answer (ms). */
  readonly timeoutMs: number;
  /** Keepalive period (ms): below Janus' `session_timeout`; a missed answer ends the connection. */
  readonly keepaliveMs: number;
  /** Called once when the connection is over (socket closed, keepalive unanswered, `close()`). */
  readonly onClose: (reason: string) => void;
}

/**
 * One Janus session over the documented WebSocket API (subprotocol `janus-protocol`) with one
 * VideoRoom handle: the server's synchronous VideoRoom requests (`create`, `destroy`, `allowed`,
 * `exists`) and keepalives. Media never passes here; the clients talk to Janus themselves.
 */
export class JanusClient {
  private readonly pending = new Map<string, Pending>();
  private keepalive: NodeJS.Timeout | undefined;
  private over = false;

  private constructor(
    private readonly ws: WebSocket,
    private readonly options: JanusClientOptions,
    private session = 0,
    private handle = 0,
  ) {}

  /** Connects, creates a session and attaches to the VideoRoom plugin; rejects within `timeoutMs`. */
  static async connect(url: string, options: JanusClientOptions): Promise<JanusClient> {
    const ws = new WebSocket(url, 'janus-protocol', { handshakeTimeout: options.timeoutMs });
    const client = new JanusClient(ws, options);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
      ws.once('close', () => reject(new Error(`janus ${url} closed the socket`)));
    });
    ws.removeAllListeners();
    ws.on('message', (data: Buffer) => client.onMessage(String(data)));
    ws.on('close', () => client.end('socket closed'));
    ws.on('error', () => client.end('socket error'));
    try {
      const created = await client.send({ janus: 'create' });
      client.session = idOf(created);
      const attached = await client.send({
        janus: 'attach',
        session_id: client.session,
        plugin: 'janus.plugin.videoroom',
      });
      client.handle = idOf(attached);
    } catch (error) {
      client.close();
      throw error;
    }
    client.keepalive = setInterval(() => {
      client
        .send({ janus: 'keepalive', session_id: client.session })
        .catch(() => client.end('keepalive unanswered'));
    }, options.keepaliveMs);
    client.keepalive.unref();
    return client;
  }

  /** Whether the connection still stands. */
  get open(): boolean {
    return !this.over;
  }

  /**
   * A synchronous VideoRoom request; resolves with the plugin's `data`, rejects with `JanusError`
   * when the plugin (or the core) answered an error.
   */
  async request(body: Record<string, unknown>): Promise<Record<string, unknown>> {
    const answer = await this.send({
      janus: 'message',
      session_id: this.session,
      handle_id: this.handle,
      body,
    });
    const plugindata = answer['plugindata'] as { data?: Record<string, unknown> } | undefined;
    const data = plugindata?.data;
    if (!data) throw new JanusError(0, 'janus answered without plugin data');
    if (typeof data['error_code'] === 'number')
      throw new JanusError(data['error_code'], String(data['error'] ?? 'videoroom error'));
    return data;
  }

  /** Destroys the session (best effort) and closes the socket; `onClose` is called. */
  close(): void {
    if (this.over) return;
    if (this.session && this.ws.readyState === WebSocket.OPEN) {
      this.ws.send(JSON.stringify({ janus: 'destroy', session_id: this.session, transaction: randomUUID() }));
    }
    this.end('closed');
  }

  private send(frame: Record<string, unknown>): Promise<Record<string, unknown>> {
    if (this.over) return Promise.reject(new Error('janus connection is closed'));
    const transaction = randomUUID();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(transaction);
        reject(
          new Error(`janus did not answer ${String(frame['janus'])} within ${this.options.timeoutMs} ms`),
        );
      }, this.options.timeoutMs);
      this.pending.set(transaction, { resolve, reject, timer });
      this.ws.send(JSON.stringify({ ...frame, transaction }));
    });
  }

  private onMessage(text: string): void {
    let msg: Record<string, unknown>;
    try {
      msg = JSON.parse(text) as Record<string, unknown>;
    } catch {
      return;
    }
    const transaction = msg['transaction'];
    if (typeof transaction !== 'string') return;
    const p = this.pending.get(transaction);
    // `ack` precedes the answer of an asynchronous request; the server only sends synchronous ones
    // (and keepalives, whose answer is the `ack`).
    if (!p || (msg['janus'] === 'ack' && !this.isKeepalive(msg))) return;
    this.pending.delete(transaction);
    clearTimeout(p.timer);
    if (msg['janus'] === 'error') {
      const e = msg['error'] as { code?: number; reason?: string } | undefined;
      p.reject(new JanusError(e?.code ?? 0, e?.reason ?? 'janus error'));
    } else p.resolve(msg);
  }

  private isKeepalive(msg: Record<string, unknown>): boolean {
    // Janus answers a keepalive with a bare `ack` (no `plugindata`, no `hint`).
    return !('plugindata' in msg) && !('hint' in msg);
  }

  private end(reason: string): void {
    if (this.over) return;
    this.over = true;
    clearInterval(this.keepalive);
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(new Error(`janus connection ${reason}`));
    }
    this.pending.clear();
    this.ws.removeAllListeners();
    this.ws.on('error', () => undefined);
    this.ws.terminate();
    this.options.onClose(reason);
  }
}

function idOf(answer: Record<string, unknown>): number {
  const id = (answer['data'] as { id?: unknown } | undefined)?.id;
  if (typeof id !== 'number') throw new JanusError(0, 'janus answered without an id');
  return id;
}
