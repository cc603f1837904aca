import type { RawData } from 'ws';
import type { ClientFrame, OkResults, WireErrorCode } from 'ngx-trtc-calling/wire';
import type { Connection } from './connection';
import type { Delivery } from './delivery';
import { ERR, WireError, errorName } from './errors';
import { parseClientFrame, sendOkText, sniffRequestId } from './frames';
import { changeGroup } from './groups';
import type { HubState, Reply } from './hub-state';
import type { Login } from './login';
import type { Outbox } from './outbox';
import type { Rooms } from './rooms';
import type { Sessions } from './sessions';
import { iceServersFor } from './turn';

/** Dropped frames logged at `warn` per connection; the rest at `debug` (a flood must not flood logs). */
const MAX_WARNED_DROPS = 20;

/** The handlers frames are dispatched to. */
export interface FrameHandlers {
  readonly login: Login;
  readonly sessions: Sessions;
  readonly delivery: Delivery;
  readonly rooms: Rooms;
}

/**
 * From a socket's frame to its answer: size and rate checks on arrival, parsing, handling in
 * arrival order, the `ok` or `error` reply.
 *
 * The hot path: a `send`, `rtc` or `ping` that needs no I/O (the in-memory store) is handled and
 * answered within the socket's callback, with no promise; only a frame that waits (a login,
 * anything over Redis) makes the connection's later frames queue behind it.
 */
export class FramePipeline {
  private readonly login: Login;
  private readonly sessions: Sessions;
  private readonly delivery: Delivery;
  private readonly rooms: Rooms;

  constructor(
    private readonly hub: HubState,
    private readonly out: Outbox,
    handlers: FrameHandlers,
  ) {
    this.login = handlers.login;
    this.sessions = handlers.sessions;
    this.delivery = handlers.delivery;
    this.rooms = handlers.rooms;
  }

  onMessage(conn: Connection, data: RawData, isBinary: boolean): void {
    // Checked on arrival (size, rate), handled in order: a reply never overtakes an earlier one.
    let id: number | undefined;
    let work: () => Promise<void> | void;
    try {
      if (conn.closing) return;
      const c = this.hub.config;
      const buf = Buffer.isBuffer(data)
        ? data
        : Array.isArray(data)
          ? Buffer.concat(data)
          : Buffer.from(data);
      if (!conn.bucket.take()) {
        // Every frame counts, whatever its kind; one over the rate is not parsed (its id is
        // sniffed from its head), and a connection that keeps coming is closed.
        if (!conn.strikes.take()) return this.closeFlooder(conn);
        id = isBinary ? undefined : sniffRequestId(buf.subarray(0, 256).toString('utf8'));
        const rid = id;
        const reason = `more than ${c.ratePerSecond} frames/s`;
        work = () => this.reject(conn, ERR.RATE_LIMITED, reason, rid);
      } else if (buf.length > c.maxFrameBytes) {
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
        if (!parsed.ok) {
          work = () => this.reject(conn, parsed.code, parsed.reason, rid);
        } else if (conn.waiting === 0) {
          // The hot path: nothing waits before it, so no closure for a queue (see `run`).
          return this.dispatchNow(conn, parsed.frame);
        } else {
          const frame = parsed.frame;
          work = () => this.dispatch(conn, frame);
        }
      }
    } catch (err) {
      const rid = id;
      work = () => this.internalError(conn, err, rid);
    }
    this.run(conn, work, id);
  }

  /** `dispatch` of a frame that nothing waits before, queued as `run` would if it waits. */
  private dispatchNow(conn: Connection, frame: ClientFrame): void {
    let r: Promise<void> | void;
    try {
      r = this.dispatch(conn, frame);
    } catch (err) {
      return this.internalError(conn, err, frame.id);
    }
    if (r)
      this.queue(
        conn,
        r.catch((err: unknown) => this.internalError(conn, err, frame.id)),
      );
  }

  /**
   * Handles one frame in order: at once when nothing earlier is still waiting (a handler that
   * needs no I/O then finishes within this callback, without a promise), else behind the last.
   */
  private run(conn: Connection, work: () => Promise<void> | void, id: number | undefined): void {
    const failed = (err: unknown): void => this.internalError(conn, err, id);
    if (conn.waiting === 0) {
      let r: Promise<void> | void;
      try {
        r = work();
      } catch (err) {
        return failed(err);
      }
      if (r) this.queue(conn, r.catch(failed));
    } else {
      this.queue(conn, (conn.tail ?? Promise.resolve()).then(work).catch(failed));
    }
  }

  /** Makes the connection's later frames wait for `pending`. */
  private queue(conn: Connection, pending: Promise<void>): void {
    conn.waiting++;
    const tail = pending.then(() => {
      if (--conn.waiting === 0) conn.tail = null;
    });
    conn.tail = tail;
  }

  /** Closes a connection that kept exceeding the rate limit (1008, policy violation). */
  private closeFlooder(conn: Connection): void {
    const c = this.hub.config;
    this.hub.metrics.connectionsClosed.inc('rateStrikes');
    this.hub.log.warn(
      { conn: conn.id, user: conn.session?.user.id, address: conn.address },
      `closed 1008: more than ${c.rateStrikes} rate-limited frames within ${c.rateStrikeWindowMs} ms`,
    );
    this.out.close(conn, 1008, 'rate limit exceeded repeatedly');
  }

  private internalError(conn: Connection, err: unknown, id: number | undefined): void {
    this.hub.metrics.framesDropped.inc('INTERNAL');
    this.hub.log.error({ conn: conn.id, err }, 'frame handler failed');
    this.out.send(conn, {
      t: 'error',
      ...(id !== undefined ? { id } : {}),
      code: ERR.INTERNAL,
      message: 'internal',
    });
  }

  private reject(conn: Connection, code: WireErrorCode, reason: string, id?: number): void {
    const name = errorName(code);
    this.hub.metrics.framesDropped.inc(name);
    const level = conn.warnedDrops++ < MAX_WARNED_DROPS ? 'warn' : 'debug';
    this.hub.log[level](
      { conn: conn.id, code: name, reason, id, user: conn.session?.user.id },
      'frame refused',
    );
    this.out.send(conn, { t: 'error', ...(id !== undefined ? { id } : {}), code, message: reason });
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
    if (frame.t === 'send') this.out.send(conn, sendOkText(frame.id, reply.result as OkResults['send']));
    else this.out.send(conn, { t: 'ok', id: frame.id, result: reply.result });
    reply.andThen?.();
  }

  private refuse(conn: Connection, frame: ClientFrame, e: unknown): void {
    if (!(e instanceof WireError)) throw e;
    if (frame.t === 'login') this.hub.metrics.loginsRefused.inc(errorName(e.code));
    this.reject(conn, e.code, `${frame.t}: ${e.message}`, frame.id);
  }

  /** The frequent frames (send, rtc, ping) are handled synchronously when the store allows it. */
  private handle(conn: Connection, f: ClientFrame): Reply | Promise<Reply> {
    if (f.t === 'ping') {
      const time = this.hub.now();
      return {
        result: { time } satisfies OkResults['ping'],
        andThen: () => this.out.send(conn, { t: 'pong', id: f.id, time }),
      };
    }
    const s = conn.session;
    if (s && f.t === 'send') {
      const sent = this.delivery.send(s, f);
      return sent instanceof Promise ? sent.then((result) => ({ result })) : { result: sent };
    }
    if (s && f.t === 'rtc') {
      const relayed = this.rooms.relayRtc(s, f);
      return relayed instanceof Promise ? relayed.then(() => ({ result: {} })) : { result: {} };
    }
    return this.handleAsync(conn, f);
  }

  private async handleAsync(conn: Connection, f: ClientFrame): Promise<Reply> {
    if (f.t === 'login') return this.login.login(conn, f);
    const s = conn.session;
    if (!s) throw new WireError(ERR.NOT_LOGGED_IN, 'log in first');
    switch (f.t) {
      case 'logout':
        await this.sessions.end(s, 'logout');
        this.sessions.armLoginTimer(conn);
        return { result: {} };
      case 'history':
        return { result: await this.delivery.history(s, f) };
      case 'group.create':
      case 'group.join':
      case 'group.leave':
      case 'group.delete':
      case 'group.add':
        await changeGroup(this.hub.store, this.hub.config, s.user.id, f);
        return { result: {} };
      case 'room.join':
        return { result: await this.rooms.join(s, f.roomID, f.rejoin === true, f.prepared === true) };
      case 'ice.servers':
        return { result: iceServersFor(this.hub.config, s.user.id, this.hub.now()) };
      case 'room.leave':
        if (!s.rooms.has(f.roomID)) throw new WireError(ERR.NOT_A_MEMBER, `not in room ${f.roomID}`);
        await this.rooms.leave(s, f.roomID);
        return { result: {} };
      case 'ping':
      case 'send':
      case 'rtc':
        // `handle` answers these itself once logged in; logged out they were refused above.
        throw new Error(`${f.t} reached handleAsync`);
    }
  }
}
