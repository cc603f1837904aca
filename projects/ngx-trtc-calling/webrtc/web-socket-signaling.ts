import {
  asyncScheduler,
  BehaviorSubject,
  interval,
  Subject,
  Subscription,
  type Observable,
  type SchedulerLike,
} from 'rxjs';
import {
  SignalingChannel,
  type Credentials,
  type HistoryQuery,
  type IncomingMessage,
  type KickedOutReason,
  type OutgoingMessage,
  type SentMessage,
  type SignalingState,
} from 'ngx-trtc-calling/core';
import { backoffDelay, DEFAULT_BACKOFF, type BackoffOptions } from './backoff';
import { CallingTransportError, CLIENT_ERROR } from './errors';
import { FrameSocket, type WebSocketConstructor } from './frame-socket';
import { consoleTransportLogger, type TransportLogger } from './logger';
import type {
  RoomMembership,
  RoomPeerEvent,
  RoomRtcMessage,
  RoomSignaling,
  RoomStatusEvent,
} from './room-signaling';
import {
  WIRE_ERROR,
  type ClientFrame,
  type OkResults,
  type RtcPayload,
  type ServerFrame,
  type WireMessage,
} from 'ngx-trtc-calling/wire';

/** Options of `webSocketSignaling`. */
export interface WebSocketSignalingOptions {
  /** `ws://` or `wss://` URL of the calling-server. */
  readonly url: string;
  readonly SDKAppID: number;
  /** WebSocket constructor; default `globalThis.WebSocket` (pass the `ws` package's in Node). */
  readonly WebSocket?: WebSocketConstructor;
  /** Reconnect back-off; `random` (default `Math.random`) drives the jitter. */
  readonly reconnect?: Partial<BackoffOptions> & { readonly random?: () => number };
  /** Scheduler of every timer (back-off, request timeouts, pings); default `asyncScheduler`. */
  readonly scheduler?: SchedulerLike;
  /** How long a request waits for its answer (and a socket for its opening), ms; default 10 000. */
  readonly requestTimeout?: number;
  /** Keep-alive ping interval while ready, ms; a ping that times out counts as a dropped socket. 0 disables; default 25 000. */
  readonly pingInterval?: number;
  /** How many message IDs are remembered for de-duplication; default 5 000. */
  readonly dedupeWindow?: number;
  /** Where ignored frames and recoveries are reported; default the console. */
  readonly logger?: TransportLogger;
}

type RequestType = keyof OkResults;
/** The client frame whose `t` admits `T` (`GroupRequest` carries three types in one interface). */
type FrameOf<T extends RequestType> = ClientFrame extends infer F
  ? F extends { readonly t: infer U }
    ? T extends U
      ? F
      : never
    : never
  : never;
type RequestBody<T extends RequestType> = Omit<FrameOf<T>, 't' | 'id'>;

interface Pending {
  readonly resolve: (result: unknown) => void;
  readonly reject: (error: Error) => void;
  readonly timer: Subscription;
}

/** Login errors after which retrying with the same UserSig cannot succeed. */
const FATAL_LOGIN_CODES: ReadonlyMap<number, KickedOutReason> = new Map<number, KickedOutReason>([
  [WIRE_ERROR.USERSIG_EXPIRED, 'userSigExpired'],
  [WIRE_ERROR.USERSIG_INVALID, 'userSigInvalid'],
  [WIRE_ERROR.USERSIG_USER_MISMATCH, 'userSigInvalid'],
  [WIRE_ERROR.SDKAPPID_MISMATCH, 'userSigInvalid'],
  [WIRE_ERROR.INVALID_USER_ID, 'userSigInvalid'],
]);

/**
 * The `SignalingChannel` of the self-hosted calling-server, over one WebSocket, plus the room
 * and group requests the WebRTC media engine and group calls need.
 *
 * Reconnects with exponential back-off after a drop: the login asks the server to take the
 * dropped session over (`resumeSessionID`: same peerID, rooms kept) and to send what follows the
 * highest `seq` seen (`lastSeq`), so nothing is lost; replayed messages are recognised by ID so
 * nothing is emitted twice. Rooms of a session the server could not resume are joined again.
 */
export class WebSocketSignaling extends SignalingChannel implements RoomSignaling {
  /** Incoming messages (hot; completes on `destroy`). */
  readonly messages$: Observable<IncomingMessage>;
  /** Connection state; replays the current value. */
  readonly state$: Observable<SignalingState>;
  /** Peers joining/leaving the rooms this session is in. */
  readonly peerEvents$: Observable<RoomPeerEvent>;
  /** Negotiation relayed from peers of the rooms this session is in. */
  readonly rtc$: Observable<RoomRtcMessage>;
  /** Rooms joined again (or lost) after a reconnect. */
  readonly roomStatus$: Observable<RoomStatusEvent>;

  readonly #options: Required<Omit<WebSocketSignalingOptions, 'WebSocket' | 'reconnect'>> & {
    readonly WebSocket?: WebSocketConstructor;
    readonly backoff: BackoffOptions;
    readonly random: () => number;
  };
  readonly #stateSubject = new BehaviorSubject<SignalingState>({ status: 'loggedOut' });
  readonly #messageSubject = new Subject<IncomingMessage>();
  readonly #peerSubject = new Subject<RoomPeerEvent>();
  readonly #rtcSubject = new Subject<RoomRtcMessage>();
  readonly #roomStatusSubject = new Subject<RoomStatusEvent>();
  readonly #pending = new Map<number, Pending>();
  /** Timers owned by the current session (reconnect, ping); cleared on logout, kick, destroy. */
  #timers = new Subscription();
  #socket?: FrameSocket;
  #credentials?: Credentials;
  #nextRequestID = 1;
  #attempt = 0;
  /** Bumped whenever the session ends, so late callbacks of an old attempt do nothing. */
  #epoch = 0;
  #destroyed = false;
  /** Resume position: highest seq received, or of our own echo copies (`send` results). */
  #lastSeq?: number;
  readonly #seen = new Set<string>();
  readonly #rooms = new Set<number>();
  #sessionID?: string;
  /** The session that dropped, offered to the server for takeover on the next login. */
  #resumeSessionID?: string;

  constructor(options: WebSocketSignalingOptions) {
    super();
    const { reconnect = {}, ...rest } = options;
    const { random = Math.random, ...backoff } = reconnect;
    this.#options = {
      scheduler: asyncScheduler,
      requestTimeout: 10_000,
      pingInterval: 25_000,
      dedupeWindow: 5_000,
      logger: consoleTransportLogger,
      ...rest,
      backoff: { ...DEFAULT_BACKOFF, ...backoff },
      random,
    };
    this.state$ = this.#stateSubject.asObservable();
    this.messages$ = this.#messageSubject.asObservable();
    this.peerEvents$ = this.#peerSubject.asObservable();
    this.rtc$ = this.#rtcSubject.asObservable();
    this.roomStatus$ = this.#roomStatusSubject.asObservable();
  }

  /** The current connection state (synchronous snapshot of `state$`). */
  get state(): SignalingState {
    return this.#stateSubject.value;
  }

  /** The server's ID of the current session (undefined while not logged in). */
  get currentSessionID(): string | undefined {
    return this.#sessionID;
  }

  /** Highest message `seq` received so far for the logged-in user (sent on every resume). */
  get lastReceivedSeq(): number | undefined {
    return this.#lastSeq;
  }

  /** Logs in; resolves once `ready`. Rejects with the server's `code` when the login is refused. */
  async login(credentials: Credentials): Promise<void> {
    if (this.#destroyed) throw destroyedError();
    const status = this.state.status;
    if (status === 'ready' && this.#credentials?.userID === credentials.userID) return;
    if (status === 'ready' || status === 'connecting' || status === 'notReady') {
      throw new CallingTransportError(
        CLIENT_ERROR.BUSY,
        `login: already ${status} as ${this.#credentials?.userID ?? '?'}; log out first`,
      );
    }
    if (this.#credentials?.userID !== credentials.userID) {
      // Resume positions belong to one user.
      this.#lastSeq = undefined;
      this.#seen.clear();
    }
    this.#endSession();
    this.#resumeSessionID = undefined;
    this.#credentials = credentials;
    const epoch = this.#epoch;
    this.#setState({ status: 'connecting' });
    try {
      await this.#connect();
    } catch (error) {
      if (epoch === this.#epoch) {
        this.#endSession();
        this.#setState({ status: 'loggedOut' });
      }
      throw error;
    }
    if (epoch !== this.#epoch)
      throw new CallingTransportError(CLIENT_ERROR.CONNECTION_LOST, 'login: cancelled');
    this.#attempt = 0;
    this.#setState({ status: 'ready' });
    this.#startPing();
  }

  /** Logs out (telling the server when connected); safe when logged out. */
  async logout(): Promise<void> {
    if (this.state.status === 'loggedOut') return;
    const socket = this.#socket;
    const wasReady = this.state.status === 'ready';
    this.#epoch++;
    this.#timers.unsubscribe();
    this.#timers = new Subscription();
    if (wasReady && socket?.isOpen) {
      try {
        await this.#request('logout', {});
      } catch (error) {
        this.#options.logger('debug', 'logout request failed; closing anyway', error);
      }
    }
    this.#endSession();
    this.#setState({ status: 'loggedOut' });
  }

  /** Sends a custom message; rejects unless `ready`. */
  async send(message: OutgoingMessage): Promise<SentMessage> {
    this.#assertReady('send');
    const result = await this.#request('send', {
      to: message.to,
      conversationType: message.conversationType,
      data: message.data,
      ...(message.offlinePushInfo ? { offlinePushInfo: message.offlinePushInfo } : {}),
    });
    // The server stores an echo copy for our other sessions; a resume must not replay it to us.
    this.#remember(result.messageID);
    if (result.seq !== undefined) this.#raiseLastSeq(result.seq);
    return { id: result.messageID, time: result.time };
  }

  /** Recent messages of this user's conversations, oldest first; rejects unless `ready`. */
  async history(query: HistoryQuery): Promise<readonly IncomingMessage[]> {
    this.#assertReady('history');
    const result = await this.#request('history', { since: query.since, limit: query.limit });
    return result.messages.map(toIncomingMessage);
  }

  /** Creates an IM group with this user and `members`. */
  async createGroup(groupID: string, members: readonly string[] = []): Promise<void> {
    this.#assertReady('createGroup');
    await this.#request('group.create', { groupID, members });
  }

  /** Joins an IM group. */
  async joinGroup(groupID: string): Promise<void> {
    this.#assertReady('joinGroup');
    await this.#request('group.join', { groupID });
  }

  /** Leaves an IM group. */
  async leaveGroup(groupID: string): Promise<void> {
    this.#assertReady('leaveGroup');
    await this.#request('group.leave', { groupID });
  }

  /** Joins a WebRTC room; rejoined automatically after a reconnect until `leaveRoom`. */
  async joinRoom(roomID: number): Promise<RoomMembership> {
    this.#assertReady('joinRoom');
    const result = await this.#request('room.join', { roomID });
    this.#rooms.add(roomID);
    return { peerID: result.peerID, peers: result.peers };
  }

  /** Leaves a WebRTC room; resolves at once when not connected (the session left it anyway). */
  async leaveRoom(roomID: number): Promise<void> {
    this.#rooms.delete(roomID);
    if (this.state.status !== 'ready') return;
    await this.#request('room.leave', { roomID });
  }

  /**
   * Relays an SDP/ICE/media-state payload to one peer of a room. While reconnecting it waits
   * (up to `requestTimeout`) for the connection to come back, so that a short drop in the middle
   * of a negotiation loses no candidate.
   */
  async sendRtc(roomID: number, toPeerID: string, payload: RtcPayload): Promise<void> {
    if (this.state.status === 'notReady') await this.#whenReady();
    this.#assertReady('sendRtc');
    await this.#request('rtc', { roomID, to: toPeerID, payload });
  }

  /** Closes everything and completes every stream; the channel cannot be used afterwards. */
  destroy(): void {
    if (this.#destroyed) return;
    this.#destroyed = true;
    this.#epoch++;
    this.#timers.unsubscribe();
    this.#endSession(destroyedError());
    if (this.state.status !== 'loggedOut') this.#stateSubject.next({ status: 'loggedOut' });
    this.#stateSubject.complete();
    this.#messageSubject.complete();
    this.#peerSubject.complete();
    this.#rtcSubject.complete();
    this.#roomStatusSubject.complete();
  }

  // ---- session ---------------------------------------------------------------------------

  /** Opens a socket and logs in on it (first login and every reconnect). */
  /** Resolves `true` when the server took the previous session over (same peerID, rooms kept). */
  async #connect(): Promise<boolean> {
    const credentials = this.#credentials;
    if (!credentials) throw new CallingTransportError(CLIENT_ERROR.NOT_READY, 'no credentials');
    const ctor = this.#options.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
    if (!ctor)
      throw new CallingTransportError(CLIENT_ERROR.CONNECTION_LOST, 'no WebSocket implementation available');
    const socket: FrameSocket = new FrameSocket(ctor, this.#options.url, {
      frame: (frame) => this.#onFrame(socket, frame),
      badFrame: (raw) => this.#options.logger('warn', 'ignored a frame that is not a server frame', raw),
      closed: (code, reason) => this.#onClosed(socket, code, reason),
    });
    this.#socket = socket;
    const openTimer = this.#options.scheduler.schedule(
      () => socket.close(1000, 'open timeout'),
      this.#options.requestTimeout,
    );
    try {
      await socket.opened;
    } catch (error) {
      throw new CallingTransportError(
        CLIENT_ERROR.CONNECTION_LOST,
        `cannot connect to ${this.#options.url}`,
        {
          cause: error,
        },
      );
    } finally {
      openTimer.unsubscribe();
    }
    try {
      const result = await this.#request('login', {
        SDKAppID: this.#options.SDKAppID,
        userID: credentials.userID,
        userSig: credentials.userSig,
        ...(this.#lastSeq === undefined ? {} : { lastSeq: this.#lastSeq }),
        ...(this.#resumeSessionID === undefined ? {} : { resumeSessionID: this.#resumeSessionID }),
      });
      this.#sessionID = result.sessionID;
      return result.resumed === true;
    } catch (error) {
      socket.close(1000, 'login failed');
      throw error;
    }
  }

  #onClosed(socket: FrameSocket, code: number, reason: string): void {
    if (socket !== this.#socket) return;
    this.#socket = undefined;
    if (this.#sessionID !== undefined) this.#resumeSessionID = this.#sessionID;
    this.#sessionID = undefined;
    this.#rejectPending(
      new CallingTransportError(
        CLIENT_ERROR.CONNECTION_LOST,
        `connection closed (${code}${reason ? `: ${reason}` : ''})`,
      ),
    );
    const fatal = FATAL_LOGIN_CODES.get(code);
    if (this.state.status === 'ready' && fatal) {
      this.#kick(fatal);
      return;
    }
    if (this.state.status === 'ready') {
      // A drop while logged in: go on in the background (an attempt in flight handles its own failure).
      this.#timers.remove(this.#pingTimer);
      this.#pingTimer.unsubscribe();
      this.#setState({ status: 'notReady', reason: `connection closed (${code})` });
      this.#scheduleReconnect();
    }
  }

  #scheduleReconnect(): void {
    const delay = backoffDelay(this.#attempt++, this.#options.backoff, this.#options.random);
    this.#options.logger('debug', `reconnecting in ${delay} ms (attempt ${this.#attempt})`);
    const epoch = this.#epoch;
    const timer = this.#options.scheduler.schedule(() => {
      this.#timers.remove(timer);
      if (epoch === this.#epoch) void this.#reconnect();
    }, delay);
    this.#timers.add(timer);
  }

  async #reconnect(): Promise<void> {
    const epoch = this.#epoch;
    let resumed: boolean;
    try {
      resumed = await this.#connect();
    } catch (error) {
      if (epoch !== this.#epoch) return;
      const fatal = error instanceof CallingTransportError ? FATAL_LOGIN_CODES.get(error.code) : undefined;
      if (fatal) {
        this.#kick(fatal);
        return;
      }
      this.#options.logger('debug', 'reconnect attempt failed', error);
      this.#socket?.close(1000, 'reconnect failed');
      this.#scheduleReconnect();
      return;
    }
    if (epoch !== this.#epoch) return;
    this.#attempt = 0;
    this.#resumeSessionID = undefined;
    this.#setState({ status: 'ready' });
    this.#startPing();
    // A resumed session kept its rooms and peerID; a fresh one has to join them again.
    if (!resumed) for (const roomID of [...this.#rooms]) void this.#rejoinRoom(roomID);
  }

  async #rejoinRoom(roomID: number): Promise<void> {
    try {
      const result = await this.#request('room.join', { roomID });
      if (this.#rooms.has(roomID)) {
        this.#roomStatusSubject.next({
          type: 'rejoined',
          roomID,
          peerID: result.peerID,
          peers: result.peers,
        });
      }
    } catch (error) {
      if (!this.#rooms.delete(roomID)) return;
      this.#options.logger('warn', `could not rejoin room ${roomID} after reconnect`, error);
      this.#roomStatusSubject.next({ type: 'lost', roomID, error: asError(error) });
    }
  }

  #pingTimer = Subscription.EMPTY;

  #startPing(): void {
    const period = this.#options.pingInterval;
    if (!(period > 0)) return;
    const socket = this.#socket;
    this.#pingTimer.unsubscribe();
    this.#pingTimer = interval(period, this.#options.scheduler).subscribe(() => this.#ping(socket));
    this.#timers.add(this.#pingTimer);
  }

  #ping(socket: FrameSocket | undefined): void {
    if (!socket || socket !== this.#socket) return;
    this.#request('ping', {}).catch((error: unknown) => {
      if (
        error instanceof CallingTransportError &&
        error.code === CLIENT_ERROR.TIMEOUT &&
        socket === this.#socket
      ) {
        this.#options.logger('warn', 'ping timed out; treating the connection as dropped');
        socket.close(4000, 'ping timeout');
      }
    });
  }

  /** The server ended this session (`kicked` push, or a fatal close): no reconnect. */
  #kick(reason: KickedOutReason): void {
    this.#epoch++;
    this.#timers.unsubscribe();
    this.#timers = new Subscription();
    this.#endSession();
    this.#setState({ status: 'kickedOut', reason });
  }

  /** Closes the socket, fails pending requests, forgets rooms. Leaves `state` to the caller. */
  #endSession(error?: Error): void {
    const socket = this.#socket;
    this.#socket = undefined;
    this.#sessionID = undefined;
    this.#resumeSessionID = undefined;
    socket?.close(1000, 'session ended');
    this.#rejectPending(error ?? new CallingTransportError(CLIENT_ERROR.CONNECTION_LOST, 'session ended'));
    this.#rooms.clear();
    this.#pingTimer.unsubscribe();
  }

  // ---- frames ----------------------------------------------------------------------------

  #onFrame(socket: FrameSocket, frame: ServerFrame): void {
    if (socket !== this.#socket) return;
    switch (frame.t) {
      case 'ok':
        this.#settle(frame.id, (p) => p.resolve(frame.result));
        return;
      case 'pong':
        // Follows the `ok` of the same ping; only an answer when a server sends no `ok`.
        if (this.#pending.has(frame.id)) this.#settle(frame.id, (p) => p.resolve({ time: frame.time }));
        return;
      case 'error':
        if (frame.id === undefined) {
          this.#options.logger('warn', `server error without request id: ${frame.code} ${frame.message}`);
          return;
        }
        this.#settle(frame.id, (p) => p.reject(new CallingTransportError(frame.code, frame.message)));
        return;
      case 'msg':
        this.#onMessage(frame.message);
        return;
      case 'kicked':
        this.#options.logger('warn', `kicked out by the server: ${frame.reason}`);
        this.#kick(frame.reason);
        return;
      case 'peer':
        this.#peerSubject.next({ roomID: frame.roomID, event: frame.event, peer: frame.peer });
        return;
      case 'rtc':
        this.#rtcSubject.next({ roomID: frame.roomID, from: frame.from, payload: frame.payload });
        return;
      default: {
        const unknown: never = frame;
        this.#options.logger('warn', 'ignored an unknown server frame', unknown);
      }
    }
  }

  #onMessage(message: WireMessage): void {
    // Duplicates are recognised by ID, not by `seq <= lastSeq`: with several server nodes two
    // live messages may arrive out of seq order, and the lower one is not a replay.
    this.#raiseLastSeq(message.seq);
    if (this.#seen.has(message.id)) {
      this.#options.logger('debug', `dropped duplicate message ${message.id} (seq ${message.seq})`);
      return;
    }
    this.#remember(message.id);
    this.#messageSubject.next(toIncomingMessage(message));
  }

  #raiseLastSeq(seq: number): void {
    this.#lastSeq = Math.max(this.#lastSeq ?? seq, seq);
  }

  #remember(id: string): void {
    this.#seen.add(id);
    if (this.#seen.size > this.#options.dedupeWindow) {
      // A Set iterates in insertion order: the first entry is the oldest.
      const oldest = this.#seen.values().next().value;
      if (oldest !== undefined) this.#seen.delete(oldest);
    }
  }

  // ---- requests --------------------------------------------------------------------------

  #request<T extends RequestType>(type: T, body: RequestBody<T>): Promise<OkResults[T]> {
    const socket = this.#socket;
    if (!socket) {
      return Promise.reject(
        new CallingTransportError(CLIENT_ERROR.CONNECTION_LOST, `${type}: not connected`),
      );
    }
    const id = this.#nextRequestID++;
    return new Promise<OkResults[T]>((resolve, reject) => {
      const timer = this.#options.scheduler.schedule(() => {
        this.#pending.delete(id);
        reject(
          new CallingTransportError(
            CLIENT_ERROR.TIMEOUT,
            `${type}: no answer within ${this.#options.requestTimeout} ms`,
          ),
        );
      }, this.#options.requestTimeout);
      this.#pending.set(id, { resolve: resolve as (result: unknown) => void, reject, timer });
      if (!socket.send({ t: type, id, ...body } as ClientFrame)) {
        this.#settle(id, (p) =>
          p.reject(
            new CallingTransportError(CLIENT_ERROR.CONNECTION_LOST, `${type}: connection is not open`),
          ),
        );
      }
    });
  }

  #settle(id: number, action: (pending: Pending) => void): void {
    const pending = this.#pending.get(id);
    if (!pending) {
      this.#options.logger('debug', `ignored an answer to unknown or expired request ${id}`);
      return;
    }
    this.#pending.delete(id);
    pending.timer.unsubscribe();
    action(pending);
  }

  #rejectPending(error: Error): void {
    const all = [...this.#pending.values()];
    this.#pending.clear();
    for (const pending of all) {
      pending.timer.unsubscribe();
      pending.reject(error);
    }
  }

  /** Resolves when the state leaves `notReady` (whatever it becomes) or after `requestTimeout`. */
  #whenReady(): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = new Subscription();
      const finish = () => {
        done.unsubscribe();
        resolve();
      };
      done.add(this.#options.scheduler.schedule(finish, this.#options.requestTimeout));
      done.add(
        this.#stateSubject.subscribe({
          next: (state) => {
            if (state.status !== 'notReady') finish();
          },
          complete: finish,
        }),
      );
    });
  }

  #assertReady(operation: string): void {
    if (this.#destroyed) throw destroyedError();
    if (this.state.status !== 'ready') {
      throw new CallingTransportError(
        CLIENT_ERROR.NOT_READY,
        `${operation}: signaling is ${this.state.status}`,
      );
    }
  }

  #setState(state: SignalingState): void {
    const current = this.#stateSubject.value;
    if (current.status === state.status && JSON.stringify(current) === JSON.stringify(state)) return;
    if (!this.#destroyed) this.#stateSubject.next(state);
  }
}

/**
 * Creates the `SignalingChannel` of the self-hosted calling-server.
 *
 * @example
 * const signaling = webSocketSignaling({ url: 'wss://calls.example.com/ws', SDKAppID: 1400000000 });
 * await signaling.login({ userID: 'alice', userSig });
 */
export function webSocketSignaling(options: WebSocketSignalingOptions): WebSocketSignaling {
  return new WebSocketSignaling(options);
}

function toIncomingMessage(message: WireMessage): IncomingMessage {
  return {
    id: message.id,
    from: message.from,
    conversationType: message.conversationType,
    ...(message.conversationType === 'GROUP' ? { groupID: message.to } : {}),
    data: message.data,
    time: message.time,
  };
}

function destroyedError(): CallingTransportError {
  return new CallingTransportError(CLIENT_ERROR.DESTROYED, 'signaling channel destroyed');
}

function asError(value: unknown): Error {
  return value instanceof Error ? value : new Error(String(value));
}
