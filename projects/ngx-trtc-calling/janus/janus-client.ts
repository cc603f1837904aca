import { interval, Subject, type Observable, type SchedulerLike, type Subscription } from 'rxjs';
import {
  CallingTransportError,
  CLIENT_ERROR,
  MEDIA_ERROR,
  type TransportLogger,
  type WebSocketLike,
} from 'ngx-trtc-calling/webrtc';

/** A `WebSocket` constructor that takes a subprotocol (Janus speaks `janus-protocol`). */
export type JanusWebSocketConstructor = new (url: string, protocol: string) => WebSocketLike;

/** An SDP offer or answer as Janus carries it. */
export interface Jsep {
  readonly type: 'offer' | 'answer';
  readonly sdp: string;
}

/** A plugin's answer or event: its `plugindata.data`, and the SDP that came with it. */
export interface PluginEvent {
  readonly data: Readonly<Record<string, unknown>>;
  readonly jsep?: Jsep;
}

/** What the plugin handle hears without asking (events of other participants, `hangup`, …). */
export type HandleEvent =
  ({ readonly kind: 'event' } & PluginEvent) | { readonly kind: 'hangup' | 'webrtcup' | 'detached' };

/** Options of `JanusClient.connect`. */
export interface JanusClientOptions {
  readonly WebSocket: JanusWebSocketConstructor;
  readonly scheduler: SchedulerLike;
  readonly logger: TransportLogger;
  /** How long a request may wait for its answer, ms. */
  readonly timeout: number;
  /** Interval of session keepalives, ms (Janus ends a silent session after 60 s by default). */
  readonly keepalive: number;
}

interface Pending {
  readonly resolve: (message: JanusMessage) => void;
  readonly reject: (error: Error) => void;
  /** Resolved by Janus's `ack` (trickle, keepalive) rather than by a later `event`/`success`. */
  readonly onAck: boolean;
  readonly timer: Subscription;
}

interface JanusMessage {
  readonly janus: string;
  readonly transaction?: string;
  readonly sender?: number;
  readonly data?: { readonly id?: number };
  readonly plugindata?: { readonly data?: Record<string, unknown> };
  readonly jsep?: Jsep;
  readonly error?: { readonly code?: number; readonly reason?: string };
}

/** The code of a plugin error that carries none of its own. */
const PLUGIN_ERROR = MEDIA_ERROR.SFU_FAILED;
const OPEN = 1;
/** Janus's `JANUS_ERROR_SESSION_NOT_FOUND`. */
const NO_SUCH_SESSION = 458;

/**
 * The part of the Janus WebSocket API (https://janus.conf.meetecho.com/docs/rest.html) that the
 * VideoRoom engine uses: one session per connection, kept alive, plugin handles, requests matched
 * to their answers by transaction, and the events Janus sends on its own routed to their handle.
 * Janus's `janus.js` does the same in a global-script shape ten times this size (ARCHITECTURE.md).
 */
export class JanusClient {
  /** Emits once when the socket closes (Janus died, or `destroy`). */
  readonly closed$: Observable<void>;

  readonly #socket: WebSocketLike;
  readonly #options: JanusClientOptions;
  readonly #pending = new Map<string, Pending>();
  readonly #handles = new Map<number, Subject<HandleEvent>>();
  readonly #closed = new Subject<void>();
  #sessionID = 0;
  #transactions = 0;
  #keepalive: Subscription | undefined;
  #done = false;

  private constructor(socket: WebSocketLike, options: JanusClientOptions) {
    this.#socket = socket;
    this.#options = options;
    this.closed$ = this.#closed.asObservable();
    socket.addEventListener('message', (event: { data: unknown }) => this.#receive(event.data));
    socket.addEventListener('close', () => this.#finish());
    socket.addEventListener('error', () => this.#finish());
  }

  /** Opens the socket and creates a Janus session; rejects 4902 when Janus cannot be reached. */
  static async connect(url: string, options: JanusClientOptions): Promise<JanusClient> {
    const socket = new options.WebSocket(url, 'janus-protocol');
    const client = new JanusClient(socket, options);
    await new Promise<void>((resolve, reject) => {
      if (socket.readyState === OPEN) return resolve();
      const sub = client.closed$.subscribe(() =>
        reject(new CallingTransportError(CLIENT_ERROR.CONNECTION_LOST, `cannot reach Janus at ${url}`)),
      );
      socket.addEventListener('open', () => {
        sub.unsubscribe();
        resolve();
      });
    });
    const created = await client.#request({ janus: 'create' });
    client.#sessionID = created.data?.id ?? 0;
    client.#keepalive = interval(options.keepalive, options.scheduler).subscribe(() => {
      client.#request({ janus: 'keepalive' }, true).catch((error: unknown) => {
        options.logger('warn', 'Janus keepalive failed', error);
        // The session timed out on Janus's side (a page too busy to keep it alive): it is gone.
        if ((error as { code?: unknown }).code === NO_SUCH_SESSION) client.destroy();
      });
    });
    return client;
  }

  /** Attaches a handle to `plugin`. */
  async attach(plugin: string): Promise<JanusHandle> {
    const attached = await this.#request({ janus: 'attach', plugin });
    const id = attached.data?.id ?? 0;
    const events = new Subject<HandleEvent>();
    this.#handles.set(id, events);
    return new JanusHandle(id, events.asObservable(), {
      message: (body, jsep) => this.#message(id, body, jsep),
      trickle: (candidate) =>
        this.#request({ janus: 'trickle', handle_id: id, candidate: candidate ?? { completed: true } }, true),
      detach: () => {
        this.#handles.delete(id);
        events.complete();
        return this.#request({ janus: 'detach', handle_id: id });
      },
    });
  }

  /** Destroys the session and closes the socket (Janus frees the handles and their peer connections). */
  destroy(): void {
    if (this.#done) return;
    if (this.#socket.readyState === OPEN) this.#send({ janus: 'destroy', transaction: 'bye' });
    this.#socket.close(1000);
    this.#finish();
  }

  async #message(handleID: number, body: object, jsep?: Jsep): Promise<PluginEvent> {
    const answer = await this.#request({
      janus: 'message',
      handle_id: handleID,
      body,
      ...(jsep ? { jsep } : {}),
    });
    const data = answer.plugindata?.data ?? {};
    if (typeof data['error_code'] === 'number' || typeof data['error'] === 'string') {
      const code = typeof data['error_code'] === 'number' ? data['error_code'] : PLUGIN_ERROR;
      throw new CallingTransportError(code, `Janus: ${String(data['error'])}`);
    }
    return answer.jsep ? { data, jsep: answer.jsep } : { data };
  }

  #request(message: Record<string, unknown>, onAck = false): Promise<JanusMessage> {
    if (this.#done) {
      return Promise.reject(
        new CallingTransportError(CLIENT_ERROR.CONNECTION_LOST, 'Janus connection closed'),
      );
    }
    const transaction = `t${++this.#transactions}`;
    return new Promise<JanusMessage>((resolve, reject) => {
      const timer = this.#options.scheduler.schedule(() => {
        this.#pending.delete(transaction);
        reject(
          new CallingTransportError(CLIENT_ERROR.TIMEOUT, `Janus did not answer ${String(message['janus'])}`),
        );
      }, this.#options.timeout);
      this.#pending.set(transaction, { resolve, reject, onAck, timer });
      this.#send({
        ...message,
        transaction,
        ...(this.#sessionID ? { session_id: this.#sessionID } : {}),
      });
    });
  }

  #send(message: object): void {
    this.#socket.send(JSON.stringify(message));
  }

  #receive(raw: unknown): void {
    let message: JanusMessage;
    try {
      message = JSON.parse(String(raw)) as JanusMessage;
    } catch (error) {
      this.#options.logger('warn', 'ignored a Janus message that is not JSON', error);
      return;
    }
    const pending = message.transaction === undefined ? undefined : this.#pending.get(message.transaction);
    if (pending && (message.janus !== 'ack' || pending.onAck)) {
      this.#pending.delete(message.transaction ?? '');
      pending.timer.unsubscribe();
      if (message.janus === 'error') {
        const { code = PLUGIN_ERROR, reason = 'error' } = message.error ?? {};
        pending.reject(new CallingTransportError(code, `Janus: ${reason}`));
      } else {
        pending.resolve(message);
      }
      return;
    }
    const handle = message.sender === undefined ? undefined : this.#handles.get(message.sender);
    if (!handle) return;
    switch (message.janus) {
      case 'event':
        handle.next({
          kind: 'event',
          data: message.plugindata?.data ?? {},
          ...(message.jsep ? { jsep: message.jsep } : {}),
        });
        return;
      case 'hangup':
      case 'webrtcup':
      case 'detached':
        handle.next({ kind: message.janus });
        return;
      default:
        // media, slowlink, trickle: nothing the engine acts on (Janus puts its candidates in the SDP).
        return;
    }
  }

  #finish(): void {
    if (this.#done) return;
    this.#done = true;
    this.#keepalive?.unsubscribe();
    const lost = new CallingTransportError(CLIENT_ERROR.CONNECTION_LOST, 'Janus connection closed');
    for (const pending of this.#pending.values()) {
      pending.timer.unsubscribe();
      pending.reject(lost);
    }
    this.#pending.clear();
    for (const handle of this.#handles.values()) handle.complete();
    this.#handles.clear();
    this.#closed.next();
    this.#closed.complete();
  }
}

interface HandleTransport {
  message(body: object, jsep?: Jsep): Promise<PluginEvent>;
  trickle(candidate: RTCIceCandidateInit | null): Promise<unknown>;
  detach(): Promise<unknown>;
}

/** A plugin handle: requests answered by the plugin, and its unsolicited events. */
export class JanusHandle {
  constructor(
    readonly id: number,
    readonly events$: Observable<HandleEvent>,
    readonly transport: HandleTransport,
  ) {}

  /** Sends a plugin request (with an SDP where one is due); resolves with the plugin's answer. */
  message(body: object, jsep?: Jsep): Promise<PluginEvent> {
    return this.transport.message(body, jsep);
  }

  /** Trickles a local candidate (`null`: gathering is complete). */
  trickle(candidate: RTCIceCandidateInit | null): Promise<unknown> {
    return this.transport.trickle(candidate);
  }

  detach(): Promise<unknown> {
    return this.transport.detach();
  }
}
