import type { RoomPush, SessionRef } from './cluster';
import { LocalUser, Session, type Connection } from './connection';
import { ERR } from './errors';
import type { HubState } from './hub-state';
import type { Outbox } from './outbox';
import type { Rooms } from './rooms';

/** Longest delay `setTimeout` honours; longer UserSig lifetimes are re-armed in steps. */
const MAX_TIMER_MS = 2 ** 31 - 1;
/** How long a node forwards room pushes for a session another node resumed (in-flight pushes). */
const MOVED_FORWARD_MS = 10_000;

/**
 * The life of the sessions held on this node once logged in: the login deadline of a connection,
 * UserSig expiry, the grace period after a socket dies, kicks, the end of a session (it leaves
 * its rooms), and its handover to another node that resumed it.
 */
export class Sessions {
  constructor(
    private readonly hub: HubState,
    private readonly out: Outbox,
    private readonly rooms: Rooms,
  ) {}

  /** A connection must log in within `loginTimeoutMs`, or it is closed. */
  armLoginTimer(conn: Connection): void {
    clearTimeout(conn.loginTimer);
    conn.loginTimer = setTimeout(() => {
      if (conn.session || conn.gone) return;
      this.hub.metrics.connectionsClosed.inc('loginTimeout');
      this.out.send(conn, { t: 'error', code: ERR.NOT_LOGGED_IN, message: 'no login in time' });
      this.out.close(conn, ERR.NOT_LOGGED_IN, 'loginTimeout');
    }, this.hub.config.loginTimeoutMs);
    conn.loginTimer.unref();
  }

  /** A new session of `userID` on this node, registered in its maps. */
  add(sessionID: string, userID: string, conn: Connection | null): Session {
    let user = this.hub.users.get(userID);
    if (!user) {
      user = new LocalUser(userID);
      this.hub.users.set(userID, user);
    }
    const session = new Session(sessionID, user, conn);
    this.hub.sessions.set(sessionID, session);
    user.sessions.add(session);
    return session;
  }

  /** Waits for a resume in grace (room pushes are kept) until `peerLeaveGraceMs` is over. */
  startGrace(s: Session): void {
    s.state = 'grace';
    s.graceTimer = setTimeout(
      () => this.hub.guard('grace', () => this.end(s, 'graceExpired')),
      this.hub.config.peerLeaveGraceMs,
    );
    s.graceTimer.unref();
  }

  /** A session lost its socket: it waits for a resume when in rooms, else it ends. */
  socketGone(s: Session): void {
    s.conn = null;
    s.replaying = null;
    if (s.state === 'ended') return;
    if (s.rooms.size > 0 && !this.hub.closing && this.hub.config.peerLeaveGraceMs > 0) {
      this.startGrace(s);
      this.hub.background('grace', this.hub.store.setSessionLive(s.user.id, s.id, false));
    } else {
      this.hub.background('close', this.end(s, 'disconnected'));
    }
  }

  /** Ends the session on the next tick (not inside the loop that found it must go). */
  endSoon(s: Session, reason: string): void {
    clearTimeout(s.graceTimer);
    s.graceTimer = setTimeout(() => this.hub.guard('grace', () => this.end(s, reason)), 0);
    s.graceTimer.unref();
  }

  /** Kicks a session when its UserSig expires (re-armed in steps for long lifetimes). */
  armExpiry(session: Session, expiresAt: number): void {
    clearTimeout(session.expiryTimer);
    const delay = Math.min(MAX_TIMER_MS, Math.max(0, expiresAt - this.hub.now()));
    session.expiryTimer = setTimeout(
      () =>
        this.hub.guard('expiry', () => {
          if (session.state === 'ended') return;
          if (this.hub.now() < expiresAt) return this.armExpiry(session, expiresAt);
          if (session.conn) return this.kick(session, 'userSigExpired');
          return this.end(session, 'userSigExpired');
        }),
      delay,
    );
    session.expiryTimer.unref();
  }

  /** Tells the session's socket `kicked {reason}`, closes it and ends the session. */
  kick(session: Session, reason: string): Promise<void> {
    const conn = session.conn;
    this.hub.metrics.kicked.inc(reason);
    const ended = this.end(session, reason);
    if (conn) {
      this.out.send(conn, { t: 'kicked', reason });
      this.out.close(conn, 1000, reason);
    }
    return ended;
  }

  /** Ends the sessions the `single` policy replaced: here directly, elsewhere through the bus. */
  async replace(userID: string, replaced: readonly SessionRef[], keep: string): Promise<void> {
    const remote = new Map<string, string[]>();
    for (const { sessionID, node } of replaced) {
      if (sessionID === keep) continue;
      if (node !== this.hub.node) {
        remote.set(node, [...(remote.get(node) ?? []), sessionID]);
        continue;
      }
      const s = this.hub.sessions.get(sessionID);
      if (!s || s.user.id !== userID) continue;
      if (s.conn) await this.kick(s, 'multipleAccount');
      else await this.end(s, 'replaced');
    }
    for (const [node, sessionIDs] of remote) {
      this.hub.tell(node, { k: 'kick', userID, sessionIDs, reason: 'multipleAccount' });
    }
  }

  /** Another node asks to end these sessions of `userID` (session policy). */
  kickHere(userID: string, sessionIDs: readonly string[], reason: string): void {
    for (const sid of sessionIDs) {
      const s = this.hub.sessions.get(sid);
      if (!s || s.user.id !== userID) continue;
      if (s.conn) this.hub.background('kick', this.kick(s, reason));
      else this.hub.background('kick', this.end(s, 'replaced'));
    }
  }

  /**
   * Ends a session for good: leaves its rooms (peers are told), forgets it. Idempotent. A session
   * that ends away from its socket (not resumed in time, or replaced by a new login of its user)
   * has its room slots held for `--rejoin-grace-ms` instead, so a reload gets back into the call.
   */
  async end(session: Session, reason: string): Promise<void> {
    if (session.state === 'ended') return;
    const hold =
      session.conn === null &&
      (reason === 'graceExpired' || reason === 'replaced') &&
      this.hub.config.rejoinGraceMs > 0 &&
      !this.hub.closing;
    session.state = 'ended';
    clearTimeout(session.graceTimer);
    clearTimeout(session.expiryTimer);
    session.pending = [];
    session.replaying = null;
    this.forget(session);
    this.hub.log.debug({ user: session.user.id, session: session.id, reason }, 'session ended');
    for (const roomID of [...session.rooms])
      if (hold) this.rooms.hold(session, roomID);
      else await this.rooms.leave(session, roomID);
    await this.hub.store.closeSession(session.user.id, session.id);
  }

  /** Marks a session ended without leaving its rooms (they stay for another node). */
  private letGo(s: Session): void {
    s.state = 'ended';
    clearTimeout(s.graceTimer);
    clearTimeout(s.expiryTimer);
    this.forget(s);
  }

  /** Removes a session from this node's maps and detaches its socket. */
  private forget(session: Session): void {
    const hub = this.hub;
    if (hub.sessions.get(session.id) === session) hub.sessions.delete(session.id);
    session.user.sessions.delete(session);
    if (session.user.sessions.size === 0 && hub.users.get(session.user.id) === session.user) {
      hub.users.delete(session.user.id);
    }
    if (session.conn?.session === session) session.conn.session = null;
    session.conn = null;
  }

  /** Another node resumed `sessionID`: lets it go without leaving its rooms; its missed pushes. */
  release(sessionID: string, toNode: string): RoomPush[] | undefined {
    const hub = this.hub;
    const s = hub.sessions.get(sessionID);
    if (!s || s.state === 'ended') return undefined;
    const conn = s.conn;
    const pending = s.pending;
    s.pending = [];
    s.replaying = null;
    this.letGo(s);
    if (conn) {
      conn.session = null;
      hub.metrics.kicked.inc('sessionResumed');
      this.out.send(conn, { t: 'kicked', reason: 'sessionResumed' });
      this.out.close(conn, 1000, 'sessionResumed');
    }
    const timer = setTimeout(() => hub.moved.delete(sessionID), MOVED_FORWARD_MS);
    timer.unref();
    clearTimeout(hub.moved.get(sessionID)?.timer);
    hub.moved.set(sessionID, { node: toNode, timer });
    hub.log.info({ user: s.user.id, session: sessionID, to: toNode }, 'session handed over');
    return pending;
  }

  /**
   * Several nodes, at shutdown: lets every session go, left in the store in grace for other nodes
   * to resume (those nobody resumes are ended by a surviving node after the grace period).
   */
  async drain(): Promise<void> {
    const left = [...this.hub.sessions.values()].filter((s) => s.state !== 'ended');
    for (const s of left) this.letGo(s);
    this.hub.log.info({ sessions: left.length }, 'draining: sessions left for other nodes to resume');
    const marked = left.map((s) =>
      this.hub.store
        .setSessionLive(s.user.id, s.id, false)
        .catch((err: unknown) => this.hub.log.warn({ err, session: s.id }, 'session not marked for resume')),
    );
    await Promise.all(marked);
  }

  /** One node, at shutdown: ends every session (it leaves its rooms). */
  async endAll(reason: string): Promise<void> {
    const ended = [...this.hub.sessions.values()].map((s) =>
      this.end(s, reason).catch((err: unknown) =>
        this.hub.log.warn({ err, session: s.id }, 'session not cleaned up at shutdown'),
      ),
    );
    await Promise.all(ended);
  }

  /** This node's sessions, for registering them again after the store lost them. */
  local(): { userID: string; sessionID: string; live: boolean; rooms: number[] }[] {
    return [...this.hub.sessions.values()]
      .filter((s) => s.state !== 'ended')
      .map((s) => ({ userID: s.user.id, sessionID: s.id, live: !!s.conn, rooms: [...s.rooms] }));
  }
}
