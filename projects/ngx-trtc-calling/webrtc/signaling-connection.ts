import { BehaviorSubject, interval, Subscription, type Observable, type SchedulerLike } from 'rxjs';
import type { Credentials, KickedOutReason, SignalingState } from 'ngx-trtc-calling/core';
import { WIRE_ERROR, type OkResults, type ServerFrame } from 'ngx-trtc-calling/wire';
import { backoffDelay, type BackoffOptions } from './backoff';
import { CallingTransportError, CLIENT_ERROR } from './errors';
import { FrameSocket, type WebSocketConstructor } from './frame-socket';
import type { TransportLogger } from './logger';
import type { MessageInbox } from './message-inbox';
import { RequestTracker, type RequestBody, type RequestType } from './signaling-requests';
import type { SignalingRooms } from './signaling-rooms';

/** Options of a `SignalingConnection` (the resolved options of `webSocketSignaling`). */
export interface SignalingConnectionOptions {
  readonly url: string;
  readonly SDKAppID: number;
  readonly WebSocket?: WebSocketConstructor;
  readonly backoff: BackoffOptions;
  readonly random: () => number;
  readonly scheduler: SchedulerLike;
  readonly requestTimeout: number;
  readonly pingInterval: number;
  readonly logger: TransportLogger;
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
 * The logged-in session of the self-hosted signaling: login, the socket, keep-alive pings,
 * reconnecting with back-off after a drop, and the resume that asks the server to take the
 * dropped session over. Requests go out and come back through it.
 */
export class SignalingConnection {
  /** Connection state; replays the current value. */
  readonly state$: Observable<SignalingState>;

  readonly #stateSubject = new BehaviorSubject<SignalingState>({ status: 'loggedOut' });
  readonly #requests: RequestTracker;
  /** Timers owned by the current session (reconnect, ping); cleared on logout, kick, destroy. */
  #timers = new Subscription();
  #pingTimer = Subscription.EMPTY;
  #socket: FrameSocket | undefined;
  #credentials: Credentials | undefined;
  #attempt = 0;
  /** Bumped whenever the session ends, so late callbacks of an old attempt do nothing. */
  #epoch = 0;
  #destroyed = false;
  #sessionID: string | undefined;
  /** The session that dropped, offered to the server for takeover on the next login. */
  #resumeSessionID: string | undefined;

  readonly #options: SignalingConnectionOptions;
  readonly #inbox: MessageInbox;
  readonly #rooms: SignalingRooms;

  /** `inbox` and `rooms` get the pushes, and follow the session (resume position, rejoins). */
  constructor(options: SignalingConnectionOptions, inbox: MessageInbox, rooms: SignalingRooms) {
    this.#options = options;
    this.#inbox = inbox;
    this.#rooms = rooms;
    this.#requests = new RequestTracker(options);
    this.state$ = this.#stateSubject.asObservable();
  }

  get state(): SignalingState {
    return this.#stateSubject.value;
  }

  get destroyed(): boolean {
    return this.#destroyed;
  }

  /** The server's ID of the current session (undefined while not logged in). */
  get sessionID(): string | undefined {
    return this.#sessionID;
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
    // Resume positions belong to one user.
    if (this.#credentials?.userID !== credentials.userID) this.#inbox.reset();
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
        await this.request('logout', {});
      } catch (error) {
        this.#options.logger('debug', 'logout request failed; closing anyway', error);
      }
    }
    this.#endSession();
    this.#setState({ status: 'loggedOut' });
  }

  /** Closes everything and completes `state$`; the connection cannot be used afterwards. */
  destroy(): void {
    if (this.#destroyed) return;
    this.#destroyed = true;
    this.#epoch++;
    this.#timers.unsubscribe();
    this.#endSession(destroyedError());
    if (this.state.status !== 'loggedOut') this.#stateSubject.next({ status: 'loggedOut' });
    this.#stateSubject.complete();
  }

  /** Sends request `type` on the current socket; resolves with the server's `ok` result. */
  request<T extends RequestType>(type: T, body: RequestBody<T>): Promise<OkResults[T]> {
    return this.#requests.request(this.#socket, type, body);
  }

  /** Throws unless the session is `ready`. */
  assertReady(operation: string): void {
    if (this.#destroyed) throw destroyedError();
    if (this.state.status !== 'ready') {
      throw new CallingTransportError(
        CLIENT_ERROR.NOT_READY,
        `${operation}: signaling is ${this.state.status}`,
      );
    }
  }

  /** Resolves when the state leaves `notReady` (whatever it becomes) or after `requestTimeout`. */
  whenReady(): Promise<void> {
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

  /**
   * Opens a socket and logs in on it (first login and every reconnect). Resolves `true` when
   * the server took the previous session over (same peerID, rooms kept).
   */
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
      const lastSeq = this.#inbox.lastSeq;
      const result = await this.request('login', {
        SDKAppID: this.#options.SDKAppID,
        userID: credentials.userID,
        userSig: credentials.userSig,
        ...(lastSeq === undefined ? {} : { lastSeq }),
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
    this.#requests.rejectAll(
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
    if (!resumed)
      this.#rooms.rejoinAll((roomID, prepared) =>
        this.request('room.join', { roomID, ...(prepared ? { prepared: true } : {}) }),
      );
  }

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
    this.request('ping', {}).catch((error: unknown) => {
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
    this.#requests.rejectAll(
      error ?? new CallingTransportError(CLIENT_ERROR.CONNECTION_LOST, 'session ended'),
    );
    this.#rooms.clear();
    this.#pingTimer.unsubscribe();
  }

  #onFrame(socket: FrameSocket, frame: ServerFrame): void {
    if (socket !== this.#socket) return;
    switch (frame.t) {
      case 'ok':
        this.#requests.resolve(frame.id, frame.result);
        return;
      case 'pong':
        // Follows the `ok` of the same ping; only an answer when a server sends no `ok`.
        if (this.#requests.has(frame.id)) this.#requests.resolve(frame.id, { time: frame.time });
        return;
      case 'error':
        if (frame.id === undefined) {
          this.#options.logger('warn', `server error without request id: ${frame.code} ${frame.message}`);
          return;
        }
        this.#requests.reject(frame.id, new CallingTransportError(frame.code, frame.message));
        return;
      case 'kicked':
        this.#options.logger('warn', `kicked out by the server: ${frame.reason}`);
        this.#kick(frame.reason);
        return;
      case 'msg':
        this.#inbox.receive(frame.message);
        return;
      case 'peer':
        this.#rooms.peer(frame);
        return;
      case 'rtc':
        this.#rooms.rtc(frame);
        return;
      case 'room.sfu':
        this.#options.logger('debug', `room ${frame.roomID} moved to the SFU ${frame.sfu.instance}`);
        this.#rooms.sfu(frame);
        return;
      default: {
        const unknown: never = frame;
        this.#options.logger('warn', 'ignored an unknown server frame', unknown);
      }
    }
  }

  #setState(state: SignalingState): void {
    const current = this.#stateSubject.value;
    if (current.status === state.status && JSON.stringify(current) === JSON.stringify(state)) return;
    if (!this.#destroyed) this.#stateSubject.next(state);
  }
}

/** The error of every use after `destroy`. */
export function destroyedError(): CallingTransportError {
  return new CallingTransportError(CLIENT_ERROR.DESTROYED, 'signaling channel destroyed');
}
