import type { WebSocketLike } from 'ngx-trtc-calling/webrtc';

type Listener = (event: any) => void; // eslint-disable-line @typescript-eslint/no-explicit-any
export type JanusRequest = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * A scripted Janus WebSocket endpoint for unit tests: `create` and `attach` are answered with
 * fresh IDs, `keepalive`/`trickle` acked, `detach`/`destroy` succeed, and plugin `message`s go to
 * `onMessage`, whose result (plugin data and an optional jsep) becomes the `event` after an `ack`.
 */
export class FakeJanus {
  readonly sent: JanusRequest[] = [];
  readonly sockets: FakeJanusSocket[] = [];
  /** Answer to a plugin request: `undefined` leaves it unanswered (the test answers it, or lets it time out). */
  onMessage: (
    body: JanusRequest,
    jsep: JanusRequest | undefined,
    handleID: number,
  ) => { data: Record<string, unknown>; jsep?: { type: 'offer' | 'answer'; sdp: string } } | undefined =
    () => ({ data: { videoroom: 'event' } });
  /** Whether sockets open (false: the connection is refused). */
  reachable = true;
  #ids = 100;

  /** The WebSocket constructor to hand to the client. */
  readonly WebSocket = ((fake: FakeJanus) =>
    class {
      constructor(url: string, protocol: string) {
        const socket = new FakeJanusSocket(fake, url, protocol);
        fake.sockets.push(socket);
        return socket;
      }
    })(this) as unknown as new (url: string, protocol: string) => WebSocketLike;

  /** The requests sent so far of one `janus` kind (plugin messages: of one `body.request`). */
  requests(kind: string): JanusRequest[] {
    return this.sent.filter(
      (m) => m['janus'] === kind || (m['janus'] === 'message' && m['body']?.request === kind),
    );
  }

  receive(socket: FakeJanusSocket, message: JanusRequest): void {
    this.sent.push(message);
    const reply = (m: Record<string, unknown>) => socket.push({ transaction: message['transaction'], ...m });
    switch (message['janus']) {
      case 'create':
      case 'attach':
        reply({ janus: 'success', data: { id: ++this.#ids } });
        return;
      case 'keepalive':
      case 'trickle':
        reply({ janus: 'ack' });
        return;
      case 'detach':
      case 'destroy':
        reply({ janus: 'success' });
        return;
      case 'message': {
        reply({ janus: 'ack' });
        const answer = this.onMessage(message['body'], message['jsep'], message['handle_id']);
        if (answer) {
          reply({
            janus: 'event',
            sender: message['handle_id'],
            plugindata: { plugin: 'janus.plugin.videoroom', data: answer.data },
            ...(answer.jsep ? { jsep: answer.jsep } : {}),
          });
        }
        return;
      }
      default:
        reply({ janus: 'error', error: { code: 453, reason: 'unknown request' } });
    }
  }
}

export class FakeJanusSocket implements WebSocketLike {
  readyState = 0;
  readonly #listeners = new Map<string, Set<Listener>>();

  constructor(
    private readonly fake: FakeJanus,
    readonly url: string,
    readonly protocol: string,
  ) {
    queueMicrotask(() => {
      if (fake.reachable) {
        this.readyState = 1;
        this.#emit('open', {});
      } else {
        this.close(1006);
      }
    });
  }

  send(data: string): void {
    this.fake.receive(this, JSON.parse(data) as JanusRequest);
  }

  /** Janus sends `message` to the client (answers are delivered after the current task). */
  push(message: Record<string, unknown>): void {
    queueMicrotask(() => this.readyState === 1 && this.#emit('message', { data: JSON.stringify(message) }));
  }

  close(code = 1000): void {
    if (this.readyState === 3) return;
    this.readyState = 3;
    this.#emit('close', { code, reason: '' });
  }

  addEventListener(type: string, listener: Listener): void {
    if (!this.#listeners.has(type)) this.#listeners.set(type, new Set());
    this.#listeners.get(type)?.add(listener);
  }

  removeEventListener(type: string, listener: Listener): void {
    this.#listeners.get(type)?.delete(listener);
  }

  #emit(type: string, event: unknown): void {
    for (const listener of [...(this.#listeners.get(type) ?? [])]) listener(event);
  }
}

/** Lets queued microtasks (socket events, answers) run. */
export async function settle(rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i++) await Promise.resolve();
}
