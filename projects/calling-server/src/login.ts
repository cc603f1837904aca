import { randomUUID } from 'node:crypto';
import { USER_ID_RULE, type LoginRequest, type OkResults, type WireMessage } from 'ngx-trtc-calling/wire';
import type { OpenSessionResult } from './cluster';
import type { Connection, Session } from './connection';
import { ERR, WireError } from './errors';
import type { HubState, Reply } from './hub-state';
import type { InOrder } from './in-order';
import type { Outbox } from './outbox';
import type { Sessions } from './sessions';
import { USER_ID_PATTERN, verifyUserSig } from './usersig';

type Opened = Extract<OpenSessionResult, { ok: true }>;

/**
 * A `login`: checks the credentials, opens a session under the session policy (or resumes one,
 * of this node or, with several nodes, of another) and replays what the user missed. The replay
 * is pushed right after the `ok`, before any live message.
 */
export class Login {
  constructor(
    private readonly hub: HubState,
    private readonly out: Outbox,
    private readonly sessions: Sessions,
    private readonly inOrder: InOrder,
  ) {}

  async login(conn: Connection, f: LoginRequest): Promise<Reply> {
    const now = this.hub.now();
    const expiresAt = this.verify(conn, f, now);
    const userID = f.userID;
    const rsid = f.resumeSessionID;

    // A session of this node, or (several nodes) one another node held: its rooms move here.
    let resumed = rsid !== undefined ? this.hub.sessions.get(rsid) : undefined;
    if (resumed && resumed.user.id !== userID) resumed = undefined;
    const claimed =
      !resumed && rsid !== undefined && this.hub.clustered && !this.hub.sessions.has(rsid)
        ? await this.claim(conn, userID, rsid)
        : undefined;

    const sessionID = resumed?.id ?? claimed?.id ?? randomUUID();
    const opened = await this.open(userID, sessionID, rsid, claimed);
    const session = this.bind(conn, userID, sessionID, resumed ?? claimed);
    const wasResumed = session === resumed || session === claimed;
    clearTimeout(conn.loginTimer);
    this.sessions.armExpiry(session, expiresAt);
    this.hub.metrics.logins.inc();
    this.hub.log.info(
      { conn: conn.id, user: userID, session: session.id, resumed: wasResumed, lastSeq: f.lastSeq },
      'logged in',
    );

    const replayAfter = f.lastSeq ?? opened.deliveredSeq;
    const replay = await this.readReplay(conn, session, replayAfter);
    const lastReplayed = replay.at(-1)?.seq ?? -Infinity;
    const seq = Math.max(opened.seq, lastReplayed);
    const result: OkResults['login'] = {
      sessionID: session.id,
      seq,
      serverTime: now,
      resumed: wasResumed,
      replayAfter,
    };
    // Runs right after the ok, in the same tick: nothing live can slip in between.
    return {
      result,
      andThen: () => this.replay(conn, session, replay, seq, replayAfter),
    };
  }

  /** Checks a login's credentials; the UserSig's expiry. */
  private verify(conn: Connection, f: LoginRequest, now: number): number {
    const c = this.hub.config;
    if (conn.session)
      throw new WireError(ERR.ALREADY_LOGGED_IN, `already logged in as ${conn.session.user.id}`);
    if (!USER_ID_PATTERN.test(f.userID))
      throw new WireError(ERR.INVALID_USER_ID, `userID must be ${USER_ID_RULE}`);
    if (f.SDKAppID !== c.sdkAppID)
      throw new WireError(ERR.SDKAPPID_MISMATCH, `SDKAppID ${f.SDKAppID} is not served here`);
    const verdict = verifyUserSig(f.userSig, {
      sdkAppID: c.sdkAppID,
      secretKey: c.secretKey,
      userID: f.userID,
      now,
      maxLength: c.maxUserSigLength,
    });
    if (!verdict.ok) throw new WireError(verdict.code, verdict.reason);
    return verdict.expiresAt;
  }

  /**
   * Several nodes: takes over `rsid` from the node that held it, if the store knows it. The
   * session waits in grace (room pushes are kept) until the old node hands the rest over; should
   * this login fail from here on, it ends like any other session in grace.
   */
  private async claim(conn: Connection, userID: string, rsid: string): Promise<Session | undefined> {
    const hub = this.hub;
    const claim = await hub.store.claimSession(userID, rsid);
    if (!claim || hub.sessions.has(rsid)) return undefined;
    const claimed = this.sessions.add(rsid, userID, null);
    for (const roomID of claim.rooms) claimed.rooms.add(roomID);
    this.sessions.startGrace(claimed);
    const handed = claim.node === hub.node || !claim.alive ? null : await hub.bus.handover(claim.node, rsid);
    hub.metrics.clusterHandovers.inc(handed ? 'handedOver' : 'noAnswer');
    claimed.pending = [...(handed ?? []), ...claimed.pending];
    hub.log.info(
      { conn: conn.id, user: userID, session: rsid, from: claim.node, answered: !!handed },
      'session claimed',
    );
    return claimed;
  }

  /** Registers the session in the store under the session policy; ends those it replaces. */
  private async open(
    userID: string,
    sessionID: string,
    rsid: string | undefined,
    claimed: Session | undefined,
  ): Promise<Opened> {
    const c = this.hub.config;
    const opened = await this.hub.store.openSession({
      userID,
      sessionID,
      ...(rsid !== undefined ? { keepSessionID: rsid } : {}),
      policy: c.sessionPolicy,
      maxSessions: c.maxSessionsPerUser,
    });
    if (!opened.ok) {
      if (claimed) await this.sessions.end(claimed, 'refused');
      throw new WireError(ERR.TOO_MANY_SESSIONS, `${c.maxSessionsPerUser} sessions already`);
    }
    await this.sessions.replace(userID, opened.replaced, sessionID);
    return opened;
  }

  /**
   * Binds `conn` to the session resumed (its old socket, if any, is told and closed), or to a new
   * one when there is none or it ended meanwhile.
   */
  private bind(conn: Connection, userID: string, sessionID: string, resumed: Session | undefined): Session {
    let session: Session;
    if (resumed && resumed.state !== 'ended') {
      const old = resumed.conn;
      if (old) {
        old.session = null;
        this.hub.metrics.kicked.inc('sessionResumed');
        this.out.send(old, { t: 'kicked', reason: 'sessionResumed' });
        this.out.close(old, 1000, 'sessionResumed');
      }
      clearTimeout(resumed.graceTimer);
      resumed.state = 'live';
      resumed.conn = conn;
      session = resumed;
    } else {
      session = this.sessions.add(sessionID, userID, conn);
    }
    conn.session = session;
    return session;
  }

  /**
   * Reads the messages stored after `after`. Live messages for the session wait meanwhile (several
   * nodes: the read waits). Throws, with the session unbound, when the login cannot complete.
   */
  private async readReplay(conn: Connection, session: Session, after: number): Promise<WireMessage[]> {
    session.replaying = [];
    let replay: WireMessage[];
    try {
      replay = await this.hub.store.after(session.user.id, after);
    } catch (e) {
      // The client sees the login fail: unbind the session (it waits in grace if in rooms).
      if (conn.session === session) conn.session = null;
      if (session.conn === conn) this.sessions.socketGone(session);
      this.sessions.armLoginTimer(conn);
      throw e;
    }
    if (conn.gone || session.conn !== conn) {
      if (conn.gone && session.conn === conn) this.sessions.socketGone(session);
      throw new WireError(ERR.NOT_LOGGED_IN, 'connection closed during login');
    }
    return replay;
  }

  /**
   * Pushes the replay, then the live messages that came meanwhile (those not in the replay, seq
   * above `after`), then the room pushes kept while the session waited for its resume.
   *
   * The replay is streamed: written while the socket holds less than half of `maxBufferedBytes`,
   * resumed when it drains, so that a big mailbox never makes a reading client a slow consumer
   * nor holds more than that in memory. Live messages keep waiting in `session.replaying` meanwhile.
   */
  private replay(
    conn: Connection,
    session: Session,
    replay: WireMessage[],
    seq: number,
    replayAfter: number,
  ): void {
    const hub = this.hub;
    const high = hub.config.maxBufferedBytes / 2;
    let next = 0;
    const step = (): void => {
      while (next < replay.length) {
        if (conn.gone || session.conn !== conn) return;
        if (next > 0 && conn.ws.bufferedAmount > high) {
          if (conn.socket) conn.socket.once('drain', step);
          else setTimeout(step, 10).unref();
          return;
        }
        const message = replay[next++]!;
        if (this.out.send(conn, { t: 'msg', message })) hub.metrics.deliveries.inc();
      }
      this.replayed(conn, session, replay, seq, replayAfter);
    };
    step();
  }

  /** The rest of a login once its replay is written: live messages, then room pushes. */
  private replayed(
    conn: Connection,
    session: Session,
    replay: WireMessage[],
    seq: number,
    replayAfter: number,
  ): void {
    const hub = this.hub;
    const after = Math.max(replayAfter, replay.at(-1)?.seq ?? -Infinity);
    hub.store.markDelivered(session.user.id, seq);
    if (!hub.clustered) session.user.pushedSeq = Math.max(session.user.pushedSeq, seq);
    const waiting = session.replaying ?? [];
    session.replaying = null;
    for (const message of waiting) {
      if (message.seq > after && this.out.send(conn, { t: 'msg', message })) hub.metrics.deliveries.inc();
    }
    if (hub.clustered) this.inOrder.replayed(session, replay, replayAfter, seq);
    const pending = session.pending;
    session.pending = [];
    for (const p of pending) this.out.send(conn, p);
  }
}
