import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { WebSocket, type RawData } from 'ws';
import type {
  ClientFrame,
  GroupRequest,
  HistoryRequest,
  LoginRequest,
  OkResults,
  PeerPush,
  RtcPush,
  RtcRequest,
  SendRequest,
  ServerFrame,
  WireErrorCode,
  WireMessage,
  WirePeer,
} from '../../ngx-trtc-calling/webrtc/wire';
import type { ServerConfig } from './config';
import { ERR, WireError, errorName } from './errors';
import { GROUP_ID_PATTERN, parseClientFrame, signalingInviteeCount, sniffRequestId } from './frames';
import { Mailbox, MessageStore } from './message-store';
import type { Metrics } from './metrics';
import { TokenBucket } from './token-bucket';
import { USER_ID_PATTERN, verifyUserSig } from './usersig';

/** Longest delay `setTimeout` honours; longer UserSig lifetimes are re-armed in steps. */
const MAX_TIMER_MS = 2 ** 31 - 1;
/** Room pushes kept for a session in its grace period; more and the session ends at once. */
const MAX_PENDING_ROOM_PUSHES = 64;
/** Dropped frames logged at `warn` per connection; the rest at `debug` (a flood must not flood logs). */
const MAX_WARNED_DROPS = 20;

type Reply = { readonly result: object; readonly then?: () => void };

/** One WebSocket connection; bound to a `Session` once logged in. */
class Connection {
  session: Session | null = null;
  missedPongs = 0;
  loginTimer: NodeJS.Timeout | undefined;
  /** Set once the server closes it or it closed: later frames are ignored. */
  closing = false;
  gone = false;
  warnedDrops = 0;

  constructor(
    readonly id: number,
    readonly ws: WebSocket,
    readonly address: string,
    readonly bucket: TokenBucket,
    readonly log: Logger,
  ) {}
}

/** A logged-in session of a user: its peerID in rooms. Survives its socket during the grace period. */
class Session {
  state: 'live' | 'grace' | 'ended' = 'live';
  readonly rooms = new Set<number>();
  graceTimer: NodeJS.Timeout | undefined;
  expiryTimer: NodeJS.Timeout | undefined;
  pending: (PeerPush | RtcPush)[] = [];

  constructor(
    readonly id: string,
    readonly user: User,
    public conn: Connection | null,
  ) {}

  get peer(): WirePeer {
    return { userID: this.user.id, peerID: this.id };
  }
}

/** Per-user state: sequence numbers, mailbox, sessions (live and in grace). */
class User {
  readonly mailbox = new Mailbox();
  readonly sessions = new Set<Session>();
  /** Highest seq pushed to some session of this user (or sent by it). */
  deliveredSeq: number;

  constructor(
    readonly id: string,
    /** Last seq assigned to a message for this user. */
    public seq: number,
  ) {
    this.deliveredSeq = seq;
  }

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
}

/**
 * The signaling core: connections, sessions, users, groups, rooms and the message store.
 * Transport-agnostic apart from the `ws` socket API; every frame is handled synchronously, so a
 * replay at login can never interleave with live traffic.
 */
export class Hub {
  private readonly config: ServerConfig;
  private readonly log: Logger;
  private readonly metrics: Metrics;
  private readonly now: () => number;
  private readonly connections = new Set<Connection>();
  private readonly perAddress = new Map<string, number>();
  private readonly sessions = new Map<string, Session>();
  private readonly users = new Map<string, User>();
  private readonly groups = new Map<string, Set<string>>();
  private readonly rooms = new Map<number, Map<string, Session>>();
  private readonly store: MessageStore;
  private readonly heartbeatTimer: NodeJS.Timeout;
  private readonly sweepTimer: NodeJS.Timeout;
  /** Seqs of forgotten users: a user record created later starts above it, so seqs never repeat. */
  private seqFloor = 0;
  private nextConnectionId = 1;
  private closing = false;

  constructor(deps: HubDeps) {
    this.config = deps.config;
    this.log = deps.log;
    this.metrics = deps.metrics;
    this.now = deps.now;
    const c = this.config;
    this.store = new MessageStore(
      {
        retentionMs: c.mailboxRetentionMs,
        perUser: c.mailboxMaxMessages,
        maxMessages: c.maxStoredMessages,
        maxBytes: c.maxStoredBytes,
      },
      this.now,
      (reason) => this.metrics.storedEvicted.inc(reason),
    );
    this.registerGauges();
    this.heartbeatTimer = setInterval(
      () => this.guard('heartbeat', () => this.heartbeat()),
      c.heartbeatIntervalMs,
    );
    this.sweepTimer = setInterval(
      () => this.guard('sweep', () => this.sweep()),
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

  /** Takes over a freshly upgraded socket from `address`. */
  accept(ws: WebSocket, address: string): void {
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
      this.log.child({ conn: id }),
    );
    this.connections.add(conn);
    this.armLoginTimer(conn);
    ws.on('message', (data, isBinary) => this.onMessage(conn, data, isBinary));
    ws.on('pong', () => {
      conn.missedPongs = 0;
    });
    ws.on('close', (code) => this.guard('close', () => this.onClose(conn, code)));
    conn.log.debug({ address }, 'connected');
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
    conn.log.debug({ code, user: s?.user.id }, 'closed');
    if (!s || s.conn !== conn) return;
    s.conn = null;
    if (s.rooms.size > 0 && !this.closing && this.config.peerLeaveGraceMs > 0) {
      s.state = 'grace';
      s.graceTimer = setTimeout(
        () => this.guard('grace', () => this.endSession(s, 'graceExpired')),
        this.config.peerLeaveGraceMs,
      );
      s.graceTimer.unref();
    } else {
      this.endSession(s, 'disconnected');
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

  /** Sends a frame; false when the socket is gone. Drops a connection that does not read. */
  private send(conn: Connection, frame: ServerFrame): boolean {
    const ws = conn.ws;
    if (conn.gone || ws.readyState !== WebSocket.OPEN) return false;
    if (ws.bufferedAmount > this.config.maxBufferedBytes) {
      this.metrics.connectionsClosed.inc('slowConsumer');
      conn.log.warn({ buffered: ws.bufferedAmount }, 'terminated: slow consumer');
      conn.closing = true;
      ws.terminate();
      return false;
    }
    ws.send(JSON.stringify(frame));
    return true;
  }

  private onMessage(conn: Connection, data: RawData, isBinary: boolean): void {
    let id: number | undefined;
    try {
      if (conn.closing) return;
      const buf = Buffer.isBuffer(data)
        ? data
        : Array.isArray(data)
          ? Buffer.concat(data)
          : Buffer.from(data);
      if (buf.length > this.config.maxFrameBytes) {
        id = isBinary ? undefined : sniffRequestId(buf.subarray(0, 256).toString('utf8'));
        return this.reject(conn, ERR.FRAME_TOO_LARGE, `frame of ${buf.length} bytes`, id);
      }
      if (isBinary) return this.reject(conn, ERR.BAD_FRAME, 'binary frame');
      const parsed = parseClientFrame(buf.toString('utf8'));
      id = parsed.ok ? parsed.frame.id : parsed.id;
      if (!conn.bucket.take()) {
        return this.reject(conn, ERR.RATE_LIMITED, `more than ${this.config.ratePerSecond} frames/s`, id);
      }
      if (!parsed.ok) return this.reject(conn, parsed.code, parsed.reason, id);
      this.dispatch(conn, parsed.frame);
    } catch (err) {
      this.metrics.framesDropped.inc('INTERNAL');
      conn.log.error({ err }, 'frame handler failed');
      this.send(conn, {
        t: 'error',
        ...(id !== undefined ? { id } : {}),
        code: ERR.INTERNAL,
        message: 'internal',
      });
    }
  }

  private reject(conn: Connection, code: WireErrorCode, reason: string, id?: number): void {
    const name = errorName(code);
    this.metrics.framesDropped.inc(name);
    const level = conn.warnedDrops++ < MAX_WARNED_DROPS ? 'warn' : 'debug';
    conn.log[level]({ code: name, reason, id, user: conn.session?.user.id }, 'frame refused');
    this.send(conn, { t: 'error', ...(id !== undefined ? { id } : {}), code, message: reason });
  }

  private dispatch(conn: Connection, frame: ClientFrame): void {
    let reply: Reply;
    try {
      reply = this.handle(conn, frame);
    } catch (e) {
      if (!(e instanceof WireError)) throw e;
      if (frame.t === 'login') this.metrics.loginsRefused.inc(errorName(e.code));
      return this.reject(conn, e.code, `${frame.t}: ${e.message}`, frame.id);
    }
    this.send(conn, { t: 'ok', id: frame.id, result: reply.result });
    reply.then?.();
  }

  private handle(conn: Connection, f: ClientFrame): Reply {
    if (f.t === 'login') return this.login(conn, f);
    if (f.t === 'ping') {
      const time = this.now();
      return {
        result: { time } satisfies OkResults['ping'],
        then: () => this.send(conn, { t: 'pong', id: f.id, time }),
      };
    }
    const s = conn.session;
    if (!s) throw new WireError(ERR.NOT_LOGGED_IN, 'log in first');
    switch (f.t) {
      case 'logout':
        this.endSession(s, 'logout');
        this.armLoginTimer(conn);
        return { result: {} };
      case 'send':
        return { result: this.sendMessage(s, f) };
      case 'history':
        return { result: this.history(s, f) };
      case 'group.create':
      case 'group.join':
      case 'group.leave':
        this.group(s, f);
        return { result: {} };
      case 'room.join':
        return { result: this.joinRoom(s, f.roomID) };
      case 'room.leave':
        if (!s.rooms.has(f.roomID)) throw new WireError(ERR.NOT_A_MEMBER, `not in room ${f.roomID}`);
        this.leaveRoom(s, f.roomID);
        return { result: {} };
      case 'rtc':
        this.relayRtc(s, f);
        return { result: {} };
    }
  }

  // ---- login, sessions ----------------------------------------------------------------------

  private login(conn: Connection, f: LoginRequest): Reply {
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

    const user = this.user(f.userID);
    let resumed = f.resumeSessionID !== undefined ? this.sessions.get(f.resumeSessionID) : undefined;
    if (resumed && resumed.user !== user) resumed = undefined;
    const others = [...user.sessions].filter((s) => s !== resumed);
    if (c.sessionPolicy === 'multi') {
      if (others.filter((s) => s.conn).length >= c.maxSessionsPerUser) {
        throw new WireError(ERR.TOO_MANY_SESSIONS, `${c.maxSessionsPerUser} sessions already`);
      }
    } else {
      for (const s of others) {
        if (s.conn) this.kick(s, 'multipleAccount');
        else this.endSession(s, 'replaced');
      }
    }

    let session: Session;
    if (resumed) {
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
    } else {
      session = new Session(randomUUID(), user, conn);
      this.sessions.set(session.id, session);
      user.sessions.add(session);
    }
    conn.session = session;
    clearTimeout(conn.loginTimer);
    this.armExpiry(session, verdict.expiresAt);
    this.metrics.logins.inc();
    conn.log.info(
      { user: user.id, session: session.id, resumed: !!resumed, lastSeq: f.lastSeq },
      'logged in',
    );

    const replayAfter = f.lastSeq ?? user.deliveredSeq;
    const result: OkResults['login'] = {
      sessionID: session.id,
      seq: user.seq,
      serverTime: now,
      resumed: !!resumed,
      replayAfter,
    };
    return {
      result,
      // Runs right after the ok, in the same tick: nothing live can slip in between.
      then: () => {
        for (const message of this.store.after(user.mailbox, replayAfter)) {
          if (this.send(conn, { t: 'msg', message })) this.metrics.deliveries.inc();
        }
        user.deliveredSeq = Math.max(user.deliveredSeq, user.seq);
        const pending = session.pending;
        session.pending = [];
        for (const p of pending) this.send(conn, p);
      },
    };
  }

  private armExpiry(session: Session, expiresAt: number): void {
    clearTimeout(session.expiryTimer);
    const delay = Math.min(MAX_TIMER_MS, Math.max(0, expiresAt - this.now()));
    session.expiryTimer = setTimeout(
      () =>
        this.guard('expiry', () => {
          if (session.state === 'ended') return;
          if (this.now() < expiresAt) return this.armExpiry(session, expiresAt);
          if (session.conn) this.kick(session, 'userSigExpired');
          else this.endSession(session, 'userSigExpired');
        }),
      delay,
    );
    session.expiryTimer.unref();
  }

  private kick(session: Session, reason: string): void {
    const conn = session.conn;
    this.metrics.kicked.inc(reason);
    this.endSession(session, reason);
    if (conn) {
      this.send(conn, { t: 'kicked', reason });
      this.closeConnection(conn, 1000, reason);
    }
  }

  /** Ends a session for good: leaves its rooms (peers are told), forgets it. Idempotent. */
  private endSession(session: Session, reason: string): void {
    if (session.state === 'ended') return;
    session.state = 'ended';
    clearTimeout(session.graceTimer);
    clearTimeout(session.expiryTimer);
    session.pending = [];
    for (const roomID of [...session.rooms]) this.leaveRoom(session, roomID);
    this.sessions.delete(session.id);
    session.user.sessions.delete(session);
    if (session.conn?.session === session) session.conn.session = null;
    session.conn = null;
    this.log.debug({ user: session.user.id, session: session.id, reason }, 'session ended');
  }

  private user(id: string): User {
    let user = this.users.get(id);
    if (!user) {
      // Seqs start at a time-derived value so that a user forgotten (nothing stored, no session)
      // and recreated, even across a restart, never reuses a seq a client may hold as lastSeq.
      user = new User(id, Math.max(this.seqFloor, Math.floor(this.now()) * 1000));
      this.users.set(id, user);
    }
    return user;
  }

  // ---- messages -----------------------------------------------------------------------------

  private sendMessage(s: Session, f: SendRequest): OkResults['send'] {
    const c = this.config;
    const invitees = signalingInviteeCount(f.data);
    if (invitees !== undefined && invitees > c.maxInvitees) {
      throw new WireError(ERR.TOO_MANY_INVITEES, `${invitees} invitees, at most ${c.maxInvitees}`);
    }
    const me = s.user.id;
    let recipients: string[];
    if (f.conversationType === 'C2C') {
      if (!USER_ID_PATTERN.test(f.to)) throw new WireError(ERR.INVALID_USER_ID, 'to is not a userID');
      recipients = f.to === me ? [] : [f.to];
    } else {
      const group = this.groups.get(f.to);
      if (!group) throw new WireError(ERR.UNKNOWN_TARGET, `no group ${f.to}`);
      if (!group.has(me)) throw new WireError(ERR.NOT_A_MEMBER, `not a member of ${f.to}`);
      recipients = [...group].filter((u) => u !== me);
    }
    const id = randomUUID();
    const time = this.now();
    const body = this.store.body(Buffer.byteLength(f.data));
    const make = (user: User): WireMessage => ({
      id,
      seq: ++user.seq,
      from: me,
      conversationType: f.conversationType,
      to: f.to,
      data: f.data,
      time,
    });
    for (const uid of recipients) {
      const user = this.user(uid);
      const message = make(user);
      this.store.add(user.mailbox, message, body);
      this.deliver(user, message, null);
    }
    // The sender's own copy: stored for its other devices, never echoed to the sending session.
    const echo = make(s.user);
    this.store.add(s.user.mailbox, echo, body);
    this.deliver(s.user, echo, s);
    this.metrics.messagesRelayed.inc(f.conversationType);
    return { messageID: id, time, seq: echo.seq };
  }

  private deliver(user: User, message: WireMessage, except: Session | null): void {
    let delivered = false;
    for (const s of user.sessions) {
      if (!s.conn) continue;
      delivered = true;
      if (s !== except && this.send(s.conn, { t: 'msg', message })) this.metrics.deliveries.inc();
    }
    if (delivered) user.deliveredSeq = message.seq;
  }

  private history(s: Session, f: HistoryRequest): OkResults['history'] {
    const limit = Math.min(f.limit, this.config.mailboxMaxMessages);
    return { messages: this.store.history(s.user.mailbox, f.since, limit) };
  }

  // ---- groups -------------------------------------------------------------------------------

  private group(s: Session, f: GroupRequest): void {
    const c = this.config;
    const me = s.user.id;
    const group = this.groups.get(f.groupID);
    switch (f.t) {
      case 'group.create': {
        if (!GROUP_ID_PATTERN.test(f.groupID))
          throw new WireError(ERR.BAD_FRAME, 'groupID must match [A-Za-z0-9_@#.:-]{1,128}');
        if (group) throw new WireError(ERR.GROUP_EXISTS, `group ${f.groupID} exists`);
        if (this.groups.size >= c.maxGroups)
          throw new WireError(ERR.TOO_MANY_GROUPS, `${c.maxGroups} groups already`);
        const members = new Set([me]);
        for (const m of f.members ?? []) {
          if (!USER_ID_PATTERN.test(m)) throw new WireError(ERR.INVALID_USER_ID, 'a member is not a userID');
          members.add(m);
          if (members.size > c.maxGroupMembers) {
            throw new WireError(ERR.GROUP_FULL, `more than ${c.maxGroupMembers} members`);
          }
        }
        this.groups.set(f.groupID, members);
        return;
      }
      case 'group.join':
        if (!group) throw new WireError(ERR.UNKNOWN_TARGET, `no group ${f.groupID}`);
        if (group.has(me)) return;
        if (group.size >= c.maxGroupMembers)
          throw new WireError(ERR.GROUP_FULL, `${c.maxGroupMembers} members already`);
        group.add(me);
        return;
      case 'group.leave':
        if (!group) throw new WireError(ERR.UNKNOWN_TARGET, `no group ${f.groupID}`);
        if (!group.delete(me)) throw new WireError(ERR.NOT_A_MEMBER, `not a member of ${f.groupID}`);
        if (group.size === 0) this.groups.delete(f.groupID);
        return;
    }
  }

  // ---- rooms --------------------------------------------------------------------------------

  private joinRoom(s: Session, roomID: number): OkResults['room.join'] {
    const c = this.config;
    let room = this.rooms.get(roomID);
    if (room && s.rooms.has(roomID)) {
      return { peerID: s.id, peers: [...room.values()].filter((p) => p !== s).map((p) => p.peer) };
    }
    if (s.rooms.size >= c.maxRoomsPerSession)
      throw new WireError(ERR.TOO_MANY_ROOMS, `in ${s.rooms.size} rooms already`);
    if (room && room.size >= c.maxPeersPerRoom) throw new WireError(ERR.ROOM_FULL, `room ${roomID} is full`);
    if (!room) {
      room = new Map();
      this.rooms.set(roomID, room);
    }
    const peers = [...room.values()].map((p) => p.peer);
    for (const p of room.values()) this.pushToPeer(p, { t: 'peer', roomID, event: 'joined', peer: s.peer });
    room.set(s.id, s);
    s.rooms.add(roomID);
    return { peerID: s.id, peers };
  }

  private leaveRoom(s: Session, roomID: number): void {
    s.rooms.delete(roomID);
    const room = this.rooms.get(roomID);
    if (!room?.delete(s.id)) return;
    if (room.size === 0) {
      this.rooms.delete(roomID);
      return;
    }
    for (const p of room.values()) this.pushToPeer(p, { t: 'peer', roomID, event: 'left', peer: s.peer });
  }

  private relayRtc(s: Session, f: RtcRequest): void {
    const room = this.rooms.get(f.roomID);
    if (!room || !s.rooms.has(f.roomID)) throw new WireError(ERR.NOT_A_MEMBER, `not in room ${f.roomID}`);
    const target = room.get(f.to);
    if (!target || target === s)
      throw new WireError(ERR.UNKNOWN_TARGET, `no peer ${f.to} in room ${f.roomID}`);
    this.pushToPeer(target, { t: 'rtc', roomID: f.roomID, from: s.peer, payload: f.payload });
    this.metrics.rtcRelayed.inc();
  }

  /** Pushes to a room peer; a peer in its grace period gets it on resume (bounded). */
  private pushToPeer(p: Session, frame: PeerPush | RtcPush): void {
    if (p.conn) {
      this.send(p.conn, frame);
      return;
    }
    if (p.state !== 'grace') return;
    if (p.pending.length < MAX_PENDING_ROOM_PUSHES) {
      p.pending.push(frame);
      return;
    }
    // Too much missed to resume consistently: end it on the next tick (not inside this loop).
    clearTimeout(p.graceTimer);
    p.graceTimer = setTimeout(() => this.guard('grace', () => this.endSession(p, 'graceOverflow')), 0);
    p.graceTimer.unref();
  }

  // ---- timers -------------------------------------------------------------------------------

  private heartbeat(): void {
    for (const conn of this.connections) {
      if (conn.missedPongs >= 2) {
        this.metrics.connectionsClosed.inc('heartbeat');
        conn.log.info({ user: conn.session?.user.id }, 'terminated: missed 2 pongs');
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

  private sweep(): void {
    this.store.sweep();
    for (const [id, user] of this.users) {
      if (user.sessions.size === 0 && user.mailbox.size === 0) {
        this.seqFloor = Math.max(this.seqFloor, user.seq);
        this.users.delete(id);
      }
    }
  }

  /** Runs a timer or event callback; an exception is logged, never thrown. */
  private guard(what: string, fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.log.error({ err, what }, 'internal error');
    }
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
      () => this.users.size,
    );
    m.gauge('calling_groups', 'Groups.', () => this.groups.size);
    m.gauge('calling_rooms', 'Rooms with at least one peer.', () => this.rooms.size);
    m.gauge('calling_room_peers', 'Peers over all rooms.', () => {
      let n = 0;
      for (const r of this.rooms.values()) n += r.size;
      return n;
    });
    m.gauge('calling_stored_messages', 'Stored message copies (all mailboxes).', () => this.store.size);
    m.gauge('calling_stored_bytes', 'Bytes of stored message data.', () => this.store.byteSize);
  }

  /**
   * Stops timers, tells every session `kicked {reason:'serverShutdown'}` and starts closing every
   * socket (the server terminates the stragglers).
   */
  shutdown(): void {
    this.closing = true;
    clearInterval(this.heartbeatTimer);
    clearInterval(this.sweepTimer);
    for (const conn of this.connections) {
      clearTimeout(conn.loginTimer);
      if (conn.session) {
        this.metrics.kicked.inc('serverShutdown');
        this.send(conn, { t: 'kicked', reason: 'serverShutdown' });
      }
      this.closeConnection(conn, 1001, 'serverShutdown');
    }
    for (const s of [...this.sessions.values()]) this.endSession(s, 'serverShutdown');
  }
}
