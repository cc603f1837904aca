import { randomUUID } from 'node:crypto';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { WebSocket, type RawData } from 'ws';
import type {
  ClientFrame,
  GroupRequest,
  HistoryRequest,
  LoginRequest,
  OkResults,
  RtcRequest,
  SendRequest,
  ServerFrame,
  WireErrorCode,
  WireMessage,
  WirePeer,
} from 'ngx-trtc-calling/wire';
import type {
  AppendResult,
  Backend,
  Bus,
  BusEvent,
  BusHandler,
  GroupRefusal,
  RoomPeer,
  RoomPush,
  Store,
  StoredCopy,
} from './cluster';
import type { ServerConfig } from './config';
import { ERR, WireError, errorName } from './errors';
import { GROUP_ID_PATTERN, inviteesOver, parseClientFrame, sendOkText, sniffRequestId } from './frames';
import type { Metrics } from './metrics';
import { TokenBucket } from './token-bucket';
import { USER_ID_PATTERN, verifyUserSig } from './usersig';

/** Longest delay `setTimeout` honours; longer UserSig lifetimes are re-armed in steps. */
const MAX_TIMER_MS = 2 ** 31 - 1;
/** Room pushes kept for a session in its grace period; more and the session ends at once. */
const MAX_PENDING_ROOM_PUSHES = 64;
/** Dropped frames logged at `warn` per connection; the rest at `debug` (a flood must not flood logs). */
const MAX_WARNED_DROPS = 20;
/** How long a node forwards room pushes for a session another node resumed (in-flight pushes). */
const MOVED_FORWARD_MS = 10_000;

type Reply = { readonly result: object; readonly andThen?: () => void };

/** One WebSocket connection; bound to a `Session` once logged in. */
class Connection {
  session: Session | null = null;
  missedPongs = 0;
  loginTimer: NodeJS.Timeout | undefined;
  /** Set once the server closes it or it closed: later frames are ignored. */
  closing = false;
  gone = false;
  warnedDrops = 0;
  /**
   * Frames are handled one after the other, in arrival order, even when a handler waits: while
   * one waits (`waiting` > 0), later frames chain behind `tail`; otherwise a frame is handled at
   * once, in the socket's own callback.
   */
  tail: Promise<void> | null = null;
  waiting = 0;

  /** Whether `socket` is corked until the end of this event-loop turn. */
  corked = false;

  constructor(
    readonly id: number,
    readonly ws: WebSocket,
    readonly address: string,
    readonly bucket: TokenBucket,
    /** The socket under `ws`, when known: its frames of one loop turn are written together. */
    readonly socket: Duplex | undefined,
  ) {}
}

/** A logged-in session of a user: its peerID in rooms. Survives its socket during the grace period. */
class Session {
  state: 'live' | 'grace' | 'ended' = 'live';
  readonly rooms = new Set<number>();
  graceTimer: NodeJS.Timeout | undefined;
  expiryTimer: NodeJS.Timeout | undefined;
  pending: RoomPush[] = [];
  /** While its login replay is read: live messages wait here (then the replay, then these). */
  replaying: WireMessage[] | null = null;

  constructor(
    readonly id: string,
    readonly user: LocalUser,
    public conn: Connection | null,
  ) {}

  get peer(): WirePeer {
    return { userID: this.user.id, peerID: this.id };
  }
}

/** The sessions of one user on this node. */
class LocalUser {
  readonly sessions = new Set<Session>();
  /** Highest seq pushed to a session here (catch-up after the bus reconnects starts after it). */
  pushedSeq = 0;

  constructor(readonly id: string) {}

  get online(): boolean {
    for (const s of this.sessions) if (s.conn) return true;
    return false;
  }
}

/** What the hub needs from its server. */
export interface HubDeps {
  readonly config: ServerConfig;
  readonly log: Logger;
  readonly metrics: Metrics;
  readonly now: () => number;
  /** Shared state and node-to-node bus (in memory, or Redis). */
  readonly backend: Backend;
}

const wirePeer = (p: WirePeer): WirePeer => ({ userID: p.userID, peerID: p.peerID });

/**
 * The signaling core: connections, sessions and their delivery on this node. Shared state (user
 * seqs and mailboxes, presence, groups, rooms) is in the backend's `Store`; pushes for sessions on
 * other nodes go through its `Bus`. Frames of one connection are handled strictly in order; with
 * the in-memory store each frame is handled in one go, and a login's replay is pushed right after
 * its `ok`, before any live message, on either store.
 */
export class Hub implements BusHandler {
  private readonly config: ServerConfig;
  private readonly log: Logger;
  private readonly metrics: Metrics;
  private readonly now: () => number;
  private readonly backend: Backend;
  private readonly store: Store;
  private readonly bus: Bus;
  private readonly node: string;
  private readonly connections = new Set<Connection>();
  private readonly perAddress = new Map<string, number>();
  private readonly sessions = new Map<string, Session>();
  private readonly users = new Map<string, LocalUser>();
  /** Sessions another node resumed: room pushes still arriving here are forwarded to it. */
  private readonly moved = new Map<string, { node: string; timer: NodeJS.Timeout }>();
  private readonly heartbeatTimer: NodeJS.Timeout;
  private readonly sweepTimer: NodeJS.Timeout;
  private nextConnectionId = 1;
  private closing = false;

  constructor(deps: HubDeps) {
    this.config = deps.config;
    this.log = deps.log;
    this.metrics = deps.metrics;
    this.now = deps.now;
    this.backend = deps.backend;
    this.store = deps.backend.store;
    this.bus = deps.backend.bus;
    this.node = this.bus.node;
    const c = this.config;
    this.registerGauges();
    this.heartbeatTimer = setInterval(
      () => this.guard('heartbeat', () => this.heartbeat()),
      c.heartbeatIntervalMs,
    );
    this.sweepTimer = setInterval(
      () => this.guard('sweep', () => this.store.sweep()),
      Math.max(10, Math.min(1000, Math.floor(c.mailboxRetentionMs / 4))),
    );
    this.heartbeatTimer.unref();
    this.sweepTimer.unref();
  }

  /** Live (connected, logged-in) sessions. */
  get liveSessions(): number {
    let n = 0;
    for (const s of this.sessions.values()) if (s.conn) n++;
    return n;
  }

  // ---- connections --------------------------------------------------------------------------

  /**
   * Takes over a freshly upgraded socket from `address`. With the underlying `socket`, frames
   * sent to it within one event-loop turn leave in one write (see `send`).
   */
  accept(ws: WebSocket, address: string, socket?: Duplex): void {
    ws.on('error', (err: Error & { code?: string }) => {
      if (err.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') {
        // ws closes the socket with 1009 itself, without buffering the rest of the frame.
        this.metrics.framesDropped.inc('wsMaxPayload');
        this.log.warn({ address }, 'closed 1009: frame larger than wsMaxPayloadBytes');
      } else {
        this.log.debug({ err: err.message, address }, 'socket error');
      }
    });
    if (this.closing) {
      ws.close(1001, 'serverShutdown');
      return;
    }
    const count = (this.perAddress.get(address) ?? 0) + 1;
    if (count > this.config.maxConnectionsPerAddress) {
      this.metrics.connectionsClosed.inc('TOO_MANY_CONNECTIONS');
      this.log.warn({ address, limit: this.config.maxConnectionsPerAddress }, 'connection refused: too many');
      const frame: ServerFrame = {
        t: 'error',
        code: ERR.TOO_MANY_CONNECTIONS,
        message: `more than ${this.config.maxConnectionsPerAddress} connections from this address`,
      };
      ws.send(JSON.stringify(frame));
      ws.close(ERR.TOO_MANY_CONNECTIONS, 'TOO_MANY_CONNECTIONS');
      return;
    }
    this.perAddress.set(address, count);
    const id = this.nextConnectionId++;
    const conn = new Connection(
      id,
      ws,
      address,
      new TokenBucket(this.config.ratePerSecond, this.config.rateBurst),
      socket,
    );
    this.connections.add(conn);
    this.armLoginTimer(conn);
    ws.on('message', (data, isBinary) => this.onMessage(conn, data, isBinary));
    ws.on('pong', () => {
      conn.missedPongs = 0;
    });
    ws.on('close', (code) => this.guard('close', () => this.onClose(conn, code)));
    this.log.debug({ conn: conn.id, address }, 'connected');
  }

  private armLoginTimer(conn: Connection): void {
    clearTimeout(conn.loginTimer);
    conn.loginTimer = setTimeout(() => {
      if (conn.session || conn.gone) return;
      this.metrics.connectionsClosed.inc('loginTimeout');
      this.send(conn, { t: 'error', code: ERR.NOT_LOGGED_IN, message: 'no login in time' });
      this.closeConnection(conn, ERR.NOT_LOGGED_IN, 'loginTimeout');
    }, this.config.loginTimeoutMs);
    conn.loginTimer.unref();
  }

  private onClose(conn: Connection, code: number): void {
    if (conn.gone) return;
    conn.gone = true;
    conn.closing = true;
    clearTimeout(conn.loginTimer);
    this.connections.delete(conn);
    const left = (this.perAddress.get(conn.address) ?? 1) - 1;
    if (left > 0) this.perAddress.set(conn.address, left);
    else this.perAddress.delete(conn.address);
    const s = conn.session;
    conn.session = null;
    this.log.debug({ conn: conn.id, code, user: s?.user.id }, 'closed');
    if (s && s.conn === conn) this.socketGone(s);
  }

  /** A session lost its socket: it waits for a resume when in rooms, else it ends. */
  private socketGone(s: Session): void {
    s.conn = null;
    s.replaying = null;
    if (s.state === 'ended') return;
    if (s.rooms.size > 0 && !this.closing && this.config.peerLeaveGraceMs > 0) {
      s.state = 'grace';
      this.background('grace', this.store.setSessionLive(s.user.id, s.id, false));
      s.graceTimer = setTimeout(
        () => this.guard('grace', () => this.endSession(s, 'graceExpired')),
        this.config.peerLeaveGraceMs,
      );
      s.graceTimer.unref();
    } else {
      this.background('close', this.endSession(s, 'disconnected'));
    }
  }

  private closeConnection(conn: Connection, code: number, reason: string): void {
    conn.closing = true;
    try {
      conn.ws.close(code, reason);
    } catch {
      conn.ws.terminate();
    }
  }

  /**
   * Sends a frame (or its JSON text); false when the socket is gone. Drops a connection that
   * does not read.
   *
   * The socket is corked until the end of this event-loop turn (`setImmediate`, after every I/O
   * callback of the turn): a reply and the pushes a socket gets in the same turn leave in one
   * write, one TCP segment, one wake-up of the reader, instead of one each.
   */
  private send(conn: Connection, frame: ServerFrame | string): boolean {
    const ws = conn.ws;
    if (conn.gone || ws.readyState !== WebSocket.OPEN) return false;
    if (ws.bufferedAmount > this.config.maxBufferedBytes) {
      this.metrics.connectionsClosed.inc('slowConsumer');
      this.log.warn({ conn: conn.id, buffered: ws.bufferedAmount }, 'terminated: slow consumer');
      conn.closing = true;
      ws.terminate();
      return false;
    }
    if (conn.socket && !conn.corked) {
      conn.socket.cork();
      conn.corked = true;
      this.corked.push(conn);
      if (this.corked.length === 1) setImmediate(this.uncorkAll);
    }
    ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
    return true;
  }

  /** Sockets corked in this loop turn, written out together at its end. */
  private readonly corked: Connection[] = [];
  private readonly uncorkAll = (): void => {
    for (const conn of this.corked) {
      conn.corked = false;
      conn.socket?.uncork();
    }
    this.corked.length = 0;
  };

  private onMessage(conn: Connection, data: RawData, isBinary: boolean): void {
    // Checked on arrival (size, rate), handled in order: a reply never overtakes an earlier one.
    let id: number | undefined;
    let work: () => Promise<void> | void;
    try {
      if (conn.closing) return;
      const buf = Buffer.isBuffer(data)
        ? data
        : Array.isArray(data)
          ? Buffer.concat(data)
          : Buffer.from(data);
      if (buf.length > this.config.maxFrameBytes) {
        id = isBinary ? undefined : sniffRequestId(buf.subarray(0, 256).toString('utf8'));
        const size = buf.length;
        const rid = id;
        work = () => this.reject(conn, ERR.FRAME_TOO_LARGE, `frame of ${size} bytes`, rid);
      } else if (isBinary) {
        work = () => this.reject(conn, ERR.BAD_FRAME, 'binary frame');
      } else {
        const parsed = parseClientFrame(buf.toString('utf8'));
        id = parsed.ok ? parsed.frame.id : parsed.id;
        const rid = id;
        if (!conn.bucket.take()) {
          const reason = `more than ${this.config.ratePerSecond} frames/s`;
          work = () => this.reject(conn, ERR.RATE_LIMITED, reason, rid);
        } else if (!parsed.ok) {
          work = () => this.reject(conn, parsed.code, parsed.reason, rid);
        } else {
          work = () => this.dispatch(conn, parsed.frame);
        }
      }
    } catch (err) {
      const rid = id;
      work = () => this.internalError(conn, err, rid);
    }
    this.run(conn, work, id);
  }

  /**
   * Handles one frame in order: at once when nothing earlier is still waiting (a handler that
   * needs no I/O then finishes within this callback, without a promise), else behind the last.
   */
  private run(conn: Connection, work: () => Promise<void> | void, id: number | undefined): void {
    const failed = (err: unknown): void => this.internalError(conn, err, id);
    let pending: Promise<void>;
    if (conn.waiting === 0) {
      let r: Promise<void> | void;
      try {
        r = work();
      } catch (err) {
        return failed(err);
      }
      if (!r) return;
      pending = r.catch(failed);
    } else {
      pending = (conn.tail ?? Promise.resolve()).then(work).catch(failed);
    }
    conn.waiting++;
    const tail = pending.then(() => {
      if (--conn.waiting === 0) conn.tail = null;
    });
    conn.tail = tail;
  }

  private internalError(conn: Connection, err: unknown, id: number | undefined): void {
    this.metrics.framesDropped.inc('INTERNAL');
    this.log.error({ conn: conn.id, err }, 'frame handler failed');
    this.send(conn, {
      t: 'error',
      ...(id !== undefined ? { id } : {}),
      code: ERR.INTERNAL,
      message: 'internal',
    });
  }

  private reject(conn: Connection, code: WireErrorCode, reason: string, id?: number): void {
    const name = errorName(code);
    this.metrics.framesDropped.inc(name);
    const level = conn.warnedDrops++ < MAX_WARNED_DROPS ? 'warn' : 'debug';
    this.log[level]({ conn: conn.id, code: name, reason, id, user: conn.session?.user.id }, 'frame refused');
    this.send(conn, { t: 'error', ...(id !== undefined ? { id } : {}), code, message: reason });
  }

  /** Handles a frame and answers it; returns a promise only when the handler waits. */
  private dispatch(conn: Connection, frame: ClientFrame): Promise<void> | void {
    if (conn.gone) return;
    let reply: Reply | Promise<Reply>;
    try {
      reply = this.handle(conn, frame);
    } catch (e) {
      return this.refuse(conn, frame, e);
    }
    if (reply instanceof Promise) {
      return reply.then(
        (r) => this.answer(conn, frame, r),
        (e: unknown) => this.refuse(conn, frame, e),
      );
    }
    this.answer(conn, frame, reply);
  }

  private answer(conn: Connection, frame: ClientFrame, reply: Reply): void {
    if (frame.t === 'send') this.send(conn, sendOkText(frame.id, reply.result as OkResults['send']));
    else this.send(conn, { t: 'ok', id: frame.id, result: reply.result });
    reply.andThen?.();
  }

  private refuse(conn: Connection, frame: ClientFrame, e: unknown): void {
    if (!(e instanceof WireError)) throw e;
    if (frame.t === 'login') this.metrics.loginsRefused.inc(errorName(e.code));
    this.reject(conn, e.code, `${frame.t}: ${e.message}`, frame.id);
  }

  /** The frequent frames (send, rtc, ping) are handled synchronously when the store allows it. */
  private handle(conn: Connection, f: ClientFrame): Reply | Promise<Reply> {
    if (f.t === 'ping') {
      const time = this.now();
      return {
        result: { time } satisfies OkResults['ping'],
        andThen: () => this.send(conn, { t: 'pong', id: f.id, time }),
      };
    }
    const s = conn.session;
    if (s && f.t === 'send') {
      const sent = this.sendMessage(s, f);
      return sent instanceof Promise ? sent.then((result) => ({ result })) : { result: sent };
    }
    if (s && f.t === 'rtc') {
      const relayed = this.relayRtc(s, f);
      return relayed instanceof Promise ? relayed.then(() => ({ result: {} })) : { result: {} };
    }
    return this.handleAsync(conn, f);
  }

  private async handleAsync(conn: Connection, f: ClientFrame): Promise<Reply> {
    if (f.t === 'login') return this.login(conn, f);
    const s = conn.session;
    if (!s) throw new WireError(ERR.NOT_LOGGED_IN, 'log in first');
    switch (f.t) {
      case 'logout':
        await this.endSession(s, 'logout');
        this.armLoginTimer(conn);
        return { result: {} };
      case 'history':
        return { result: await this.history(s, f) };
      case 'group.create':
      case 'group.join':
      case 'group.leave':
        await this.group(s, f);
        return { result: {} };
      case 'room.join':
        return { result: await this.joinRoom(s, f.roomID) };
      case 'room.leave':
        if (!s.rooms.has(f.roomID)) throw new WireError(ERR.NOT_A_MEMBER, `not in room ${f.roomID}`);
        await this.leaveRoom(s, f.roomID);
        return { result: {} };
      case 'ping':
      case 'send':
      case 'rtc':
        // `handle` answers these itself once logged in; logged out they were refused above.
        throw new Error(`${f.t} reached handleAsync`);
    }
  }

  // ---- login, sessions ----------------------------------------------------------------------

  private async login(conn: Connection, f: LoginRequest): Promise<Reply> {
    const c = this.config;
    if (conn.session)
      throw new WireError(ERR.ALREADY_LOGGED_IN, `already logged in as ${conn.session.user.id}`);
    if (!USER_ID_PATTERN.test(f.userID))
      throw new WireError(ERR.INVALID_USER_ID, 'userID must match [A-Za-z0-9_-]{1,64}');
    if (f.SDKAppID !== c.sdkAppID)
      throw new WireError(ERR.SDKAPPID_MISMATCH, `SDKAppID ${f.SDKAppID} is not served here`);
    const now = this.now();
    const verdict = verifyUserSig(f.userSig, {
      sdkAppID: c.sdkAppID,
      secretKey: c.secretKey,
      userID: f.userID,
      now,
      maxLength: c.maxUserSigLength,
    });
    if (!verdict.ok) throw new WireError(verdict.code, verdict.reason);
    const userID = f.userID;
    const rsid = f.resumeSessionID;

    // A session of this node, or (several nodes) one another node held: its rooms move here.
    let resumed = rsid !== undefined ? this.sessions.get(rsid) : undefined;
    if (resumed && resumed.user.id !== userID) resumed = undefined;
    let claimed: Session | undefined;
    if (!resumed && rsid !== undefined && this.backend.clustered && !this.sessions.has(rsid)) {
      const claim = await this.store.claimSession(userID, rsid);
      if (claim && !this.sessions.has(rsid)) {
        // Waits in grace (room pushes are kept) until the old node hands the rest over.
        claimed = new Session(rsid, this.localUser(userID), null);
        claimed.state = 'grace';
        for (const roomID of claim.rooms) claimed.rooms.add(roomID);
        this.sessions.set(rsid, claimed);
        claimed.user.sessions.add(claimed);
        // Should this login fail from here on, the session ends like any other in grace.
        const orphan = claimed;
        claimed.graceTimer = setTimeout(
          () => this.guard('grace', () => this.endSession(orphan, 'graceExpired')),
          this.config.peerLeaveGraceMs,
        );
        claimed.graceTimer.unref();
        const handed =
          claim.node === this.node || !claim.alive ? null : await this.bus.handover(claim.node, rsid);
        this.metrics.clusterHandovers.inc(handed ? 'handedOver' : 'noAnswer');
        claimed.pending = [...(handed ?? []), ...claimed.pending];
        this.log.info(
          { conn: conn.id, user: userID, session: rsid, from: claim.node, answered: !!handed },
          'session claimed',
        );
      }
    }

    const sessionID = resumed?.id ?? claimed?.id ?? randomUUID();
    const opened = await this.store.openSession({
      userID,
      sessionID,
      keepSessionID: rsid,
      policy: c.sessionPolicy,
      maxSessions: c.maxSessionsPerUser,
    });
    if (!opened.ok) {
      if (claimed) await this.endSession(claimed, 'refused');
      throw new WireError(ERR.TOO_MANY_SESSIONS, `${c.maxSessionsPerUser} sessions already`);
    }
    await this.replaceSessions(userID, opened.replaced, sessionID);

    let session: Session;
    if (resumed && resumed.state !== 'ended') {
      const old = resumed.conn;
      if (old) {
        old.session = null;
        this.metrics.kicked.inc('sessionResumed');
        this.send(old, { t: 'kicked', reason: 'sessionResumed' });
        this.closeConnection(old, 1000, 'sessionResumed');
      }
      clearTimeout(resumed.graceTimer);
      resumed.state = 'live';
      resumed.conn = conn;
      session = resumed;
    } else if (claimed && claimed.state !== 'ended') {
      clearTimeout(claimed.graceTimer);
      claimed.state = 'live';
      claimed.conn = conn;
      session = claimed;
    } else {
      resumed = claimed = undefined;
      session = new Session(sessionID, this.localUser(userID), conn);
      this.sessions.set(session.id, session);
      session.user.sessions.add(session);
    }
    conn.session = session;
    clearTimeout(conn.loginTimer);
    this.armExpiry(session, verdict.expiresAt);
    this.metrics.logins.inc();
    const wasResumed = !!(resumed ?? claimed);
    this.log.info(
      { conn: conn.id, user: userID, session: session.id, resumed: wasResumed, lastSeq: f.lastSeq },
      'logged in',
    );

    // Live messages for this session wait while the replay is read (several nodes: reads wait).
    session.replaying = [];
    const replayAfter = f.lastSeq ?? opened.deliveredSeq;
    let replay: WireMessage[];
    try {
      replay = await this.store.after(userID, replayAfter);
    } catch (e) {
      // The client sees the login fail: unbind the session (it waits in grace if in rooms).
      if (conn.session === session) conn.session = null;
      if (session.conn === conn) this.socketGone(session);
      this.armLoginTimer(conn);
      throw e;
    }
    if (conn.gone || session.conn !== conn) {
      if (conn.gone && session.conn === conn) this.socketGone(session);
      throw new WireError(ERR.NOT_LOGGED_IN, 'connection closed during login');
    }
    const lastReplayed = replay.length > 0 ? replay[replay.length - 1].seq : -Infinity;
    const seq = Math.max(opened.seq, lastReplayed);
    const result: OkResults['login'] = {
      sessionID: session.id,
      seq,
      serverTime: now,
      resumed: wasResumed,
      replayAfter,
    };
    return {
      result,
      // Runs right after the ok, in the same tick: nothing live can slip in between.
      andThen: () => {
        for (const message of replay) {
          if (this.send(conn, { t: 'msg', message })) this.metrics.deliveries.inc();
        }
        this.store.markDelivered(userID, seq);
        session.user.pushedSeq = Math.max(session.user.pushedSeq, seq);
        const waiting = session.replaying ?? [];
        session.replaying = null;
        const after = Math.max(replayAfter, lastReplayed);
        for (const message of waiting) {
          if (message.seq > after && this.send(conn, { t: 'msg', message })) this.metrics.deliveries.inc();
        }
        const pending = session.pending;
        session.pending = [];
        for (const p of pending) this.send(conn, p);
      },
    };
  }

  /** Ends the sessions the `single` policy replaced: here directly, elsewhere through the bus. */
  private async replaceSessions(
    userID: string,
    replaced: readonly { sessionID: string; node: string }[],
    keep: string,
  ): Promise<void> {
    const remote = new Map<string, string[]>();
    for (const { sessionID, node } of replaced) {
      if (sessionID === keep) continue;
      if (node !== this.node) {
        remote.set(node, [...(remote.get(node) ?? []), sessionID]);
        continue;
      }
      const s = this.sessions.get(sessionID);
      if (!s || s.user.id !== userID) continue;
      if (s.conn) await this.kick(s, 'multipleAccount');
      else await this.endSession(s, 'replaced');
    }
    for (const [node, sessionIDs] of remote) {
      this.publish(node, { k: 'kick', userID, sessionIDs, reason: 'multipleAccount' });
    }
  }

  private localUser(id: string): LocalUser {
    let user = this.users.get(id);
    if (!user) {
      user = new LocalUser(id);
      this.users.set(id, user);
    }
    return user;
  }

  private armExpiry(session: Session, expiresAt: number): void {
    clearTimeout(session.expiryTimer);
    const delay = Math.min(MAX_TIMER_MS, Math.max(0, expiresAt - this.now()));
    session.expiryTimer = setTimeout(
      () =>
        this.guard('expiry', () => {
          if (session.state === 'ended') return;
          if (this.now() < expiresAt) return this.armExpiry(session, expiresAt);
          if (session.conn) return this.kick(session, 'userSigExpired');
          return this.endSession(session, 'userSigExpired');
        }),
      delay,
    );
    session.expiryTimer.unref();
  }

  private kick(session: Session, reason: string): Promise<void> {
    const conn = session.conn;
    this.metrics.kicked.inc(reason);
    const ended = this.endSession(session, reason);
    if (conn) {
      this.send(conn, { t: 'kicked', reason });
      this.closeConnection(conn, 1000, reason);
    }
    return ended;
  }

  /** Ends a session for good: leaves its rooms (peers are told), forgets it. Idempotent. */
  private async endSession(session: Session, reason: string): Promise<void> {
    if (session.state === 'ended') return;
    session.state = 'ended';
    clearTimeout(session.graceTimer);
    clearTimeout(session.expiryTimer);
    session.pending = [];
    session.replaying = null;
    this.forget(session);
    this.log.debug({ user: session.user.id, session: session.id, reason }, 'session ended');
    for (const roomID of [...session.rooms]) await this.leaveRoom(session, roomID);
    await this.store.closeSession(session.user.id, session.id);
  }

  /** Removes a session from this node's maps and detaches its socket. */
  private forget(session: Session): void {
    if (this.sessions.get(session.id) === session) this.sessions.delete(session.id);
    session.user.sessions.delete(session);
    if (session.user.sessions.size === 0 && this.users.get(session.user.id) === session.user) {
      this.users.delete(session.user.id);
    }
    if (session.conn?.session === session) session.conn.session = null;
    session.conn = null;
  }

  // ---- messages -----------------------------------------------------------------------------

  /** Relays a message: synchronous with a store that offers `immediate`, else a promise. */
  private sendMessage(s: Session, f: SendRequest): OkResults['send'] | Promise<OkResults['send']> {
    const c = this.config;
    const invitees = inviteesOver(f.data, c.maxInvitees);
    if (invitees !== undefined) {
      throw new WireError(ERR.TOO_MANY_INVITEES, `${invitees} invitees, at most ${c.maxInvitees}`);
    }
    const me = s.user.id;
    const now = this.store.immediate;
    if (f.conversationType === 'C2C') {
      if (!USER_ID_PATTERN.test(f.to)) throw new WireError(ERR.INVALID_USER_ID, 'to is not a userID');
      const recipients = f.to === me ? [] : [f.to];
      return now
        ? this.relay(s, f, now.append(recipients, this.base(me, f)))
        : this.relayLater(s, f, recipients);
    }
    if (!now) return this.relayLater(s, f, null);
    return this.relay(
      s,
      f,
      now.append(this.groupRecipients(me, f.to, now.groupMembers(f.to)), this.base(me, f)),
    );
  }

  /** The message's fields but its per-recipient seq: a fresh ID and the server's time. */
  private base(from: string, f: SendRequest): Omit<WireMessage, 'seq'> {
    return {
      id: randomUUID(),
      from,
      conversationType: f.conversationType,
      to: f.to,
      data: f.data,
      time: this.now(),
    };
  }

  /** The members of a group but `me`; refuses a group that does not exist or `me` is not in. */
  private groupRecipients(me: string, groupID: string, members: readonly string[] | null): string[] {
    if (!members) throw new WireError(ERR.UNKNOWN_TARGET, `no group ${groupID}`);
    if (!members.includes(me)) throw new WireError(ERR.NOT_A_MEMBER, `not a member of ${groupID}`);
    return members.filter((u) => u !== me);
  }

  /** `sendMessage` over a store that does I/O (`recipients` null: the group's, read first). */
  private async relayLater(
    s: Session,
    f: SendRequest,
    recipients: string[] | null,
  ): Promise<OkResults['send']> {
    const me = s.user.id;
    const to = recipients ?? this.groupRecipients(me, f.to, await this.store.groupMembers(f.to));
    return this.relay(s, f, await this.store.append(to, this.base(me, f)));
  }

  /**
   * Pushes the stored copies; synchronous when every recipient is on this node. With several
   * nodes the ok waits until every copy is on its way to the recipients' nodes.
   */
  private relay(
    s: Session,
    f: SendRequest,
    { copies, echo }: AppendResult,
  ): OkResults['send'] | Promise<OkResults['send']> {
    const handed: Promise<void>[] = [];
    for (const copy of copies) this.route(copy, null, handed);
    // The sender's own copy: stored for its other devices, never echoed to the sending session.
    this.route(echo, s.id, handed);
    const result: OkResults['send'] = {
      messageID: echo.message.id,
      time: echo.message.time,
      seq: echo.message.seq,
    };
    const relayed = (): OkResults['send'] => {
      this.metrics.messagesRelayed.inc(f.conversationType);
      return result;
    };
    return handed.length > 0 ? Promise.all(handed).then(relayed) : relayed();
  }

  /** Pushes a stored copy to the nodes holding sessions of its user. */
  private route(copy: StoredCopy, except: string | null, handed: Promise<void>[]): void {
    for (const node of copy.nodes) {
      if (node === this.node) this.deliver(copy.userID, copy.message, except);
      else handed.push(this.publish(node, { k: 'msg', userID: copy.userID, except, message: copy.message }));
    }
  }

  /** Pushes a message to the live sessions of `userID` on this node, except `except`. */
  private deliver(userID: string, message: WireMessage, except: string | null): void {
    const user = this.users.get(userID);
    if (!user) return;
    user.pushedSeq = Math.max(user.pushedSeq, message.seq);
    for (const s of user.sessions) {
      if (!s.conn || s.id === except) continue;
      if (s.replaying) s.replaying.push(message);
      else if (this.send(s.conn, { t: 'msg', message })) this.metrics.deliveries.inc();
    }
  }

  private async history(s: Session, f: HistoryRequest): Promise<OkResults['history']> {
    const limit = Math.min(f.limit, this.config.mailboxMaxMessages);
    return { messages: await this.store.history(s.user.id, f.since, limit) };
  }

  // ---- groups -------------------------------------------------------------------------------

  private async group(s: Session, f: GroupRequest): Promise<void> {
    const c = this.config;
    const me = s.user.id;
    const limits = { maxGroups: c.maxGroups, maxGroupMembers: c.maxGroupMembers };
    let refusal: GroupRefusal | null;
    switch (f.t) {
      case 'group.create': {
        if (!GROUP_ID_PATTERN.test(f.groupID))
          throw new WireError(ERR.BAD_FRAME, 'groupID must match [A-Za-z0-9_@#.:-]{1,128}');
        const members = new Set([me]);
        for (const m of f.members ?? []) {
          if (!USER_ID_PATTERN.test(m)) throw new WireError(ERR.INVALID_USER_ID, 'a member is not a userID');
          members.add(m);
          if (members.size > c.maxGroupMembers) {
            throw new WireError(ERR.GROUP_FULL, `more than ${c.maxGroupMembers} members`);
          }
        }
        refusal = await this.store.createGroup(f.groupID, [...members], limits);
        break;
      }
      case 'group.join':
        refusal = await this.store.joinGroup(f.groupID, me, limits);
        break;
      case 'group.leave':
        refusal = await this.store.leaveGroup(f.groupID, me);
        break;
    }
    switch (refusal) {
      case null:
        return;
      case 'exists':
        throw new WireError(ERR.GROUP_EXISTS, `group ${f.groupID} exists`);
      case 'tooManyGroups':
        throw new WireError(ERR.TOO_MANY_GROUPS, `${c.maxGroups} groups already`);
      case 'unknown':
        throw new WireError(ERR.UNKNOWN_TARGET, `no group ${f.groupID}`);
      case 'full':
        throw new WireError(ERR.GROUP_FULL, `${c.maxGroupMembers} members already`);
      case 'notMember':
        throw new WireError(ERR.NOT_A_MEMBER, `not a member of ${f.groupID}`);
    }
  }

  // ---- rooms --------------------------------------------------------------------------------

  private async joinRoom(s: Session, roomID: number): Promise<OkResults['room.join']> {
    const c = this.config;
    if (s.rooms.has(roomID)) {
      const peers = await this.store.roomPeers(roomID);
      return { peerID: s.id, peers: peers.filter((p) => p.peerID !== s.id).map(wirePeer) };
    }
    if (s.rooms.size >= c.maxRoomsPerSession)
      throw new WireError(ERR.TOO_MANY_ROOMS, `in ${s.rooms.size} rooms already`);
    const me: RoomPeer = { ...s.peer, node: this.node };
    const before = await this.store.joinRoom(roomID, me, c.maxPeersPerRoom);
    if (!before) throw new WireError(ERR.ROOM_FULL, `room ${roomID} is full`);
    if (s.state === 'ended') {
      // The session ended while the join was on its way: do not leave a ghost peer behind.
      await this.store.leaveRoom(roomID, s.id);
      throw new WireError(ERR.NOT_LOGGED_IN, 'session ended');
    }
    for (const p of before) this.pushToRoomPeer(p, { t: 'peer', roomID, event: 'joined', peer: s.peer });
    s.rooms.add(roomID);
    return { peerID: s.id, peers: before.map(wirePeer) };
  }

  private async leaveRoom(s: Session, roomID: number): Promise<void> {
    s.rooms.delete(roomID);
    const rest = await this.store.leaveRoom(roomID, s.id);
    if (!rest) return;
    for (const p of rest) this.pushToRoomPeer(p, { t: 'peer', roomID, event: 'left', peer: s.peer });
  }

  /** Relays an rtc payload to a room peer; synchronous when the target is found without I/O. */
  private relayRtc(s: Session, f: RtcRequest): Promise<void> | void {
    if (!s.rooms.has(f.roomID)) throw new WireError(ERR.NOT_A_MEMBER, `not in room ${f.roomID}`);
    const frame: RoomPush = { t: 'rtc', roomID: f.roomID, from: s.peer, payload: f.payload };
    // A target on this node needs no store lookup: its own room set is authoritative.
    const local = this.sessions.get(f.to);
    if (local?.rooms.has(f.roomID)) return this.relayRtcTo(s, f, { ...local.peer, node: this.node }, frame);
    if (this.bus.relay && f.to !== s.id) return this.relayRtcRemote(f, frame);
    const now = this.store.immediate;
    if (now) return this.relayRtcTo(s, f, now.roomPeer(f.roomID, f.to), frame);
    return this.store.roomPeer(f.roomID, f.to).then((target) => this.relayRtcTo(s, f, target, frame));
  }

  private relayRtcTo(s: Session, f: RtcRequest, target: RoomPeer | null, frame: RoomPush): void {
    if (!target || target.peerID === s.id)
      throw new WireError(ERR.UNKNOWN_TARGET, `no peer ${f.to} in room ${f.roomID}`);
    this.pushToRoomPeer(target, frame);
    this.metrics.rtcRelayed.inc();
  }

  /** Several nodes: looks the target up and publishes to its node in one round trip. */
  private async relayRtcRemote(f: RtcRequest, frame: RoomPush): Promise<void> {
    const target = (await this.bus.relay?.(f.roomID, f.to, frame)) ?? null;
    if (!target) throw new WireError(ERR.UNKNOWN_TARGET, `no peer ${f.to} in room ${f.roomID}`);
    if (target.node === this.node) this.pushLocal(target.peerID, frame);
    else this.metrics.clusterPublished.inc('push');
    this.metrics.rtcRelayed.inc();
  }

  private pushToRoomPeer(p: RoomPeer, frame: RoomPush): void {
    if (p.node === this.node) this.pushLocal(p.peerID, frame);
    else this.publish(p.node, { k: 'push', sessionID: p.peerID, frame });
  }

  private pushLocal(sessionID: string, frame: RoomPush): void {
    const s = this.sessions.get(sessionID);
    if (s) return this.pushToPeer(s, frame);
    const moved = this.moved.get(sessionID);
    if (moved) this.publish(moved.node, { k: 'push', sessionID, frame });
  }

  /** Pushes to a room peer; a peer in its grace period gets it on resume (bounded). */
  private pushToPeer(p: Session, frame: RoomPush): void {
    if (p.conn && !p.replaying) {
      this.send(p.conn, frame);
      return;
    }
    if (p.state === 'ended') return;
    if (p.pending.length < MAX_PENDING_ROOM_PUSHES) {
      p.pending.push(frame);
      return;
    }
    // Too much missed to resume consistently: end it on the next tick (not inside this loop).
    clearTimeout(p.graceTimer);
    p.graceTimer = setTimeout(() => this.guard('grace', () => this.endSession(p, 'graceOverflow')), 0);
    p.graceTimer.unref();
  }

  // ---- the bus ------------------------------------------------------------------------------

  /** Publishes to another node; a failure is counted and logged (the copy stays stored). */
  private publish(node: string, event: BusEvent): Promise<void> {
    this.metrics.clusterPublished.inc(event.k);
    return this.bus.publish(node, event).catch((err: unknown) => {
      this.metrics.redisEvents.inc('publishFailed');
      this.log.warn({ err, node, kind: event.k }, 'cannot publish to node');
    });
  }

  /** @internal An event another node published to this one. */
  onBusEvent(e: BusEvent): void {
    this.metrics.clusterReceived.inc(e.k);
    switch (e.k) {
      case 'msg':
        return this.deliver(e.userID, e.message, e.except);
      case 'push':
        return this.pushLocal(e.sessionID, e.frame);
      case 'kick':
        for (const sid of e.sessionIDs) {
          const s = this.sessions.get(sid);
          if (!s || s.user.id !== e.userID) continue;
          if (s.conn) this.background('kick', this.kick(s, e.reason));
          else this.background('kick', this.endSession(s, 'replaced'));
        }
        return;
    }
  }

  /** @internal Another node resumed `sessionID`: let it go without leaving its rooms. */
  releaseSession(sessionID: string, toNode: string): RoomPush[] | undefined {
    const s = this.sessions.get(sessionID);
    if (!s || s.state === 'ended') return undefined;
    const conn = s.conn;
    s.state = 'ended';
    clearTimeout(s.graceTimer);
    clearTimeout(s.expiryTimer);
    const pending = s.pending;
    s.pending = [];
    s.replaying = null;
    this.forget(s);
    if (conn) {
      conn.session = null;
      this.metrics.kicked.inc('sessionResumed');
      this.send(conn, { t: 'kicked', reason: 'sessionResumed' });
      this.closeConnection(conn, 1000, 'sessionResumed');
    }
    const timer = setTimeout(() => this.moved.delete(sessionID), MOVED_FORWARD_MS);
    timer.unref();
    clearTimeout(this.moved.get(sessionID)?.timer);
    this.moved.set(sessionID, { node: toNode, timer });
    this.log.info({ user: s.user.id, session: sessionID, to: toNode }, 'session handed over');
    return pending;
  }

  /** @internal This node's sessions, for registering them again after the store lost them. */
  localSessions(): { userID: string; sessionID: string; live: boolean; rooms: number[] }[] {
    return [...this.sessions.values()]
      .filter((s) => s.state !== 'ended')
      .map((s) => ({ userID: s.user.id, sessionID: s.id, live: !!s.conn, rooms: [...s.rooms] }));
  }

  /** @internal Users with sessions on this node. */
  localUserCount(): number {
    return this.users.size;
  }

  /** @internal The bus was down: push what was stored meanwhile to the live sessions here. */
  async catchUp(): Promise<void> {
    for (const user of [...this.users.values()]) {
      if (!user.online) continue;
      const missed = await this.store.after(user.id, user.pushedSeq);
      for (const m of missed) this.deliver(user.id, m, null);
    }
  }

  // ---- timers -------------------------------------------------------------------------------

  private heartbeat(): void {
    for (const conn of this.connections) {
      if (conn.missedPongs >= 2) {
        this.metrics.connectionsClosed.inc('heartbeat');
        this.log.info({ conn: conn.id, user: conn.session?.user.id }, 'terminated: missed 2 pongs');
        conn.closing = true;
        conn.ws.terminate();
        continue;
      }
      conn.missedPongs++;
      try {
        conn.ws.ping();
      } catch {
        // socket already closing; its close event cleans up
      }
    }
  }

  /** Runs a timer or event callback; an exception or rejection is logged, never thrown. */
  private guard(what: string, fn: () => void | Promise<void>): void {
    try {
      const r = fn();
      if (r) this.background(what, r);
    } catch (err) {
      this.log.error({ err, what }, 'internal error');
    }
  }

  private background(what: string, p: Promise<void>): void {
    p.catch((err: unknown) => this.log.error({ err, what }, 'internal error'));
  }

  private registerGauges(): void {
    const m = this.metrics;
    m.gauge('calling_connections', 'Open WebSocket connections.', () => this.connections.size);
    m.gauge('calling_sessions', 'Logged-in sessions with a socket.', () => this.liveSessions);
    m.gauge(
      'calling_sessions_in_grace',
      'Sessions whose socket died, kept for a resume.',
      () => this.sessions.size - this.liveSessions,
    );
    m.gauge('calling_users_online', 'Users with at least one logged-in session.', () => {
      let n = 0;
      for (const u of this.users.values()) if (u.online) n++;
      return n;
    });
    m.gauge(
      'calling_users_known',
      'User records held (online, or with stored messages).',
      () => this.store.stats().usersKnown,
    );
    m.gauge('calling_groups', 'Groups.', () => this.store.stats().groups);
    m.gauge('calling_rooms', 'Rooms with at least one peer.', () => this.store.stats().rooms);
    m.gauge('calling_room_peers', 'Peers over all rooms.', () => this.store.stats().roomPeers);
    m.gauge(
      'calling_stored_messages',
      'Stored message copies (all mailboxes).',
      () => this.store.stats().storedMessages,
    );
    m.gauge('calling_stored_bytes', 'Bytes of stored message data.', () => this.store.stats().storedBytes);
  }

  /**
   * Stops timers, tells every session `kicked {reason:'serverShutdown'}` and starts closing every
   * socket (the server terminates the stragglers). Resolves once every session has left its rooms.
   *
   * Several nodes: drains instead. Sockets are closed with 1001 and no `kicked` (clients reconnect
   * through another node and resume there); sessions stay in the store in grace for other nodes
   * to claim, and those nobody resumes are ended by a surviving node after the grace period.
   */
  shutdown(): Promise<void> {
    this.closing = true;
    clearInterval(this.heartbeatTimer);
    clearInterval(this.sweepTimer);
    for (const { timer } of this.moved.values()) clearTimeout(timer);
    this.moved.clear();
    if (this.backend.clustered) return this.drain();
    for (const conn of this.connections) {
      clearTimeout(conn.loginTimer);
      if (conn.session) {
        this.metrics.kicked.inc('serverShutdown');
        this.send(conn, { t: 'kicked', reason: 'serverShutdown' });
      }
      this.closeConnection(conn, 1001, 'serverShutdown');
    }
    const ended = [...this.sessions.values()].map((s) =>
      this.endSession(s, 'serverShutdown').catch((err: unknown) =>
        this.log.warn({ err, session: s.id }, 'session not cleaned up at shutdown'),
      ),
    );
    return Promise.all(ended).then(() => undefined);
  }

  private drain(): Promise<void> {
    for (const conn of this.connections) {
      clearTimeout(conn.loginTimer);
      this.closeConnection(conn, 1001, 'serverShutdown');
    }
    const left = [...this.sessions.values()].filter((s) => s.state !== 'ended');
    for (const s of left) {
      s.state = 'ended';
      clearTimeout(s.graceTimer);
      clearTimeout(s.expiryTimer);
      this.forget(s);
    }
    this.log.info({ sessions: left.length }, 'draining: sessions left for other nodes to resume');
    const marked = left.map((s) =>
      this.store
        .setSessionLive(s.user.id, s.id, false)
        .catch((err: unknown) => this.log.warn({ err, session: s.id }, 'session not marked for resume')),
    );
    return Promise.all(marked).then(() => undefined);
  }
}
