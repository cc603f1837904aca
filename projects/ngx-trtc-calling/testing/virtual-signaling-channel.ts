import { BehaviorSubject, Subject, Subscription, type Observable } from 'rxjs';
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
import { deepEqual } from './deep-equal';
import type { ImServer } from './im-server';
import { scheduleIn } from './schedule';
import { VirtualErrorCode, VirtualNetworkError } from './virtual-errors';

interface PendingLogin {
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

/**
 * One IM session (one device) on a `VirtualNetwork`, created by `network.signaling()`.
 * Behaves like Tencent IM: `login` goes `connecting` → `ready` after the network latency,
 * messages arrive asynchronously, messages that arrive while the session is not ready are
 * held and delivered once it is.
 */
export class VirtualSignalingChannel extends SignalingChannel {
  /** Incoming custom messages; hot, completes on `destroy()`. */
  readonly messages$: Observable<IncomingMessage>;
  /** Connection state; replays the current value, completes on `destroy()`. */
  readonly state$: Observable<SignalingState>;

  private readonly stateSubject = new BehaviorSubject<SignalingState>({ status: 'loggedOut' });
  private readonly messageSubject = new Subject<IncomingMessage>();
  private user: string | undefined;
  private held: IncomingMessage[] = [];
  private flushPending = false;
  private waitingForNetwork = false;
  private pendingLogin: PendingLogin | undefined;
  private timers = new Subscription();
  private destroyed = false;

  /** Created by `VirtualNetwork.signaling()`; not meant to be constructed directly. */
  constructor(private readonly server: ImServer) {
    super();
    this.messages$ = this.messageSubject.asObservable();
    this.state$ = this.stateSubject.asObservable();
    server.channels.add(this);
  }

  /** The user this session logs in (connecting, ready, not ready) as, if any. */
  get userID(): string | undefined {
    return this.user;
  }

  /** Snapshot of `state$`. */
  get state(): SignalingState {
    return this.stateSubject.value;
  }

  /**
   * Logs in: rejects at once on an invalid userID or UserSig, else goes `connecting`, then
   * `ready` after the latency (later if the user is `disconnect`ed), kicking the user's other
   * sessions under the 'single' policy; stored messages follow after another latency.
   */
  async login(credentials: Credentials): Promise<void> {
    this.assertAlive('login');
    if (this.user !== undefined) {
      if (this.user === credentials?.userID && this.state.status === 'ready') return;
      throw new VirtualNetworkError(
        VirtualErrorCode.INVALID_PARAMETER,
        `login: this session is already logged in as ${this.user}; log out first`,
      );
    }
    const refused = this.server.checkCredentials(credentials);
    if (refused) throw refused;
    const userID = credentials.userID;
    this.user = userID;
    this.server.register(this, userID);
    this.setState({ status: 'connecting' });
    return new Promise<void>((resolve, reject) => {
      this.pendingLogin = { resolve, reject };
      this.scheduleLoginCompletion();
    });
  }

  /** Logs out at once; messages not yet delivered are stored if this was the user's last session. */
  async logout(): Promise<void> {
    if (this.user === undefined) {
      if (this.state.status === 'kickedOut') this.setState({ status: 'loggedOut' });
      return;
    }
    this.detach(true, 'login aborted by logout');
    this.setState({ status: 'loggedOut' });
  }

  /** Sends through the virtual server; resolves with the server ID and time, delivery follows after the latency. */
  async send(message: OutgoingMessage): Promise<SentMessage> {
    const userID = this.assertReady('send');
    return this.server.accept(this, userID, message);
  }

  /** Recent messages of this user's conversations, oldest first (see `VirtualNetwork`). */
  async history(query: HistoryQuery): Promise<readonly IncomingMessage[]> {
    const userID = this.assertReady('history');
    if (!Number.isFinite(query?.since) || !Number.isInteger(query?.limit)) {
      throw new VirtualNetworkError(VirtualErrorCode.INVALID_PARAMETER, 'history: expected {since, limit}');
    }
    return this.server.history(userID, query);
  }

  /** Logs out, cancels every timer and completes both streams. */
  destroy(): void {
    if (this.destroyed) return;
    if (this.user !== undefined) this.detach(true, 'login aborted by destroy');
    this.destroyed = true;
    this.setState({ status: 'loggedOut' });
    this.timers.unsubscribe();
    this.server.channels.delete(this);
    this.stateSubject.complete();
    this.messageSubject.complete();
  }

  /** @internal Called by the server with a message for this session. */
  _receive(message: IncomingMessage): void {
    if (this.state.status === 'ready' && !this.flushPending) {
      this.messageSubject.next(message);
    } else {
      this.held.push(message);
    }
  }

  /** @internal Called by the server when `disconnect`/`reconnect` changes this user's network. */
  _networkChanged(online: boolean): void {
    if (this.user === undefined) return;
    if (!online) {
      if (this.state.status === 'ready') this.setState({ status: 'notReady', reason: 'disconnected' });
      return;
    }
    if (this.state.status === 'notReady') {
      this.setState({ status: 'ready' });
      this.scheduleFlush();
    } else if (this.waitingForNetwork) {
      this.waitingForNetwork = false;
      this.scheduleLoginCompletion();
    }
  }

  /** @internal Called by the server when another login takes this session's place. */
  _kick(reason: KickedOutReason): void {
    if (this.user === undefined) return;
    this.detach(false, `login aborted: kicked out (${reason})`);
    this.setState({ status: 'kickedOut', reason });
  }

  private scheduleLoginCompletion(): void {
    scheduleIn(this.timers, this.server.config.scheduler, this.server.config.latency, () => {
      const userID = this.user;
      if (userID === undefined || this.state.status !== 'connecting') return;
      if (this.server.isDisconnected(userID)) {
        this.waitingForNetwork = true;
        return;
      }
      this.server.kickOthers(this, userID);
      this.setState({ status: 'ready' });
      const login = this.pendingLogin;
      this.pendingLogin = undefined;
      login?.resolve();
      this.held = [...this.server.takeOffline(userID), ...this.held];
      this.scheduleFlush();
    });
  }

  /** Delivers the held messages one latency from now (a fresh subscriber after `await login()` sees them). */
  private scheduleFlush(): void {
    if (this.flushPending || this.held.length === 0) return;
    this.flushPending = true;
    scheduleIn(this.timers, this.server.config.scheduler, this.server.config.latency, () => {
      this.flushPending = false;
      while (this.held.length > 0 && this.state.status === 'ready') {
        this.messageSubject.next(this.held.shift() as IncomingMessage);
      }
    });
  }

  /** Leaves the server; `keepUndelivered` hands the held messages back for store-and-forward. */
  private detach(keepUndelivered: boolean, abortMessage: string): void {
    const userID = this.user as string;
    const held = this.held;
    this.user = undefined;
    this.held = [];
    this.flushPending = false;
    this.waitingForNetwork = false;
    this.timers.unsubscribe();
    this.timers = new Subscription();
    this.server.unregister(this, userID, keepUndelivered ? held : []);
    const login = this.pendingLogin;
    this.pendingLogin = undefined;
    login?.reject(new VirtualNetworkError(VirtualErrorCode.NOT_LOGGED_IN, abortMessage));
  }

  private assertAlive(operation: string): void {
    if (this.destroyed) {
      throw new VirtualNetworkError(VirtualErrorCode.DESTROYED, `${operation}: the channel is destroyed`);
    }
  }

  private assertReady(operation: string): string {
    this.assertAlive(operation);
    const status = this.state.status;
    if (status === 'ready' && this.user !== undefined) return this.user;
    if (status === 'notReady') {
      throw new VirtualNetworkError(
        VirtualErrorCode.NETWORK_UNAVAILABLE,
        `${operation}: the network is down`,
      );
    }
    throw new VirtualNetworkError(VirtualErrorCode.NOT_LOGGED_IN, `${operation}: not logged in (${status})`);
  }

  private setState(state: SignalingState): void {
    if (!deepEqual(state, this.stateSubject.value)) this.stateSubject.next(state);
  }
}
