import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import type { ServerFrame } from 'ngx-trtc-calling/wire';
import type { Backend, BusEvent, BusHandler, RoomPush } from './cluster';
import { Connection } from './connection';
import { Delivery } from './delivery';
import { ERR } from './errors';
import { FramePipeline } from './frame-pipeline';
import { HubState, type HubDeps } from './hub-state';
import { Login } from './login';
import type { Metrics } from './metrics';
import { Outbox } from './outbox';
import { Rooms } from './rooms';
import { Sessions } from './sessions';
import { TokenBucket } from './token-bucket';

export type { HubDeps } from './hub-state';

/**
 * The signaling core: connections, sessions and their delivery on this node. Shared state (user
 * seqs and mailboxes, presence, groups, rooms) is in the backend's `Store`; pushes for sessions on
 * other nodes go through its `Bus`. Frames of one connection are handled strictly in order; with
 * the in-memory store each frame is handled in one go, and a login's replay is pushed right after
 * its `ok`, before any live message, on either store.
 *
 * The hub accepts sockets, runs the timers and answers the bus; the work is done by its parts:
 * `FramePipeline` (frame to answer), `Outbox` (writes), `Login` and `Sessions`, `Delivery`
 * (messages), `Rooms` (rooms and the rtc relay), `changeGroup` (groups). They share `HubState`.
 */
export class Hub implements BusHandler {
  private readonly state: HubState;
  private readonly backend: Backend;
  private readonly out: Outbox;
  private readonly sessions: Sessions;
  private readonly delivery: Delivery;
  private readonly rooms: Rooms;
  private readonly pipeline: FramePipeline;
  private readonly perAddress = new Map<string, number>();
  private readonly heartbeatTimer: NodeJS.Timeout;
  private readonly sweepTimer: NodeJS.Timeout;
  private nextConnectionId = 1;

  constructor(deps: HubDeps) {
    const hub = new HubState(deps);
    this.state = hub;
    this.backend = deps.backend;
    const c = deps.config;
    this.out = new Outbox(c.maxBufferedBytes, deps.metrics, deps.log);
    this.rooms = new Rooms(hub, this.out, (s) => this.sessions.endSoon(s, 'graceOverflow'));
    this.sessions = new Sessions(hub, this.out, this.rooms);
    this.delivery = new Delivery(hub, this.out);
    this.pipeline = new FramePipeline(hub, this.out, {
      login: new Login(hub, this.out, this.sessions, this.delivery.inOrder),
      sessions: this.sessions,
      delivery: this.delivery,
      rooms: this.rooms,
    });
    registerGauges(deps.metrics, hub);
    deps.sfu?.start({
      localUsers: () => {
        const users = new Map<number, string[]>();
        for (const s of hub.sessions.values())
          for (const roomID of s.rooms) users.set(roomID, [...(users.get(roomID) ?? []), s.peer.userID]);
        return users;
      },
      moved: (roomID, sfu) => this.rooms.sfuMoved(roomID, sfu),
      roomSize: async (roomID) => (await hub.store.roomPeers(roomID)).length,
    });
    deps.metrics.gauge(
      'calling_buffered_bytes_peak',
      'The most unsent output one connection has held (bytes): at most --max-buffered-bytes plus one frame.',
      () => this.out.peakBuffered,
    );
    this.heartbeatTimer = setInterval(
      () => hub.guard('heartbeat', () => this.heartbeat()),
      c.heartbeatIntervalMs,
    );
    this.sweepTimer = setInterval(
      () => hub.guard('sweep', () => hub.store.sweep()),
      Math.max(10, Math.min(1000, Math.floor(c.mailboxRetentionMs / 4))),
    );
    this.heartbeatTimer.unref();
    this.sweepTimer.unref();
  }

  /** Live (connected, logged-in) sessions. */
  get liveSessions(): number {
    return this.state.liveSessions;
  }

  /** Open WebSocket connections (logged in or not). */
  get connectionCount(): number {
    return this.state.connections.size;
  }

  /** Open WebSocket connections from `address` (those refused as too many not counted). */
  connectionsFrom(address: string): number {
    return this.perAddress.get(address) ?? 0;
  }

  // ---- connections --------------------------------------------------------------------------

  /**
   * Takes over a freshly upgraded socket from `address`. With the underlying `socket`, frames
   * sent to it within one event-loop turn leave in one write (see `Outbox.send`).
   */
  accept(ws: WebSocket, address: string, socket?: Duplex): void {
    const { config, metrics, log } = this.state;
    ws.on('error', (err: Error & { code?: string }) => {
      if (err.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') {
        // ws closes the socket with 1009 itself, without buffering the rest of the frame.
        metrics.framesDropped.inc('wsMaxPayload');
        log.warn({ address }, 'closed 1009: frame larger than wsMaxPayloadBytes');
      } else if (err.code?.startsWith('WS_ERR_')) {
        // A frame that breaks RFC 6455 (invalid UTF-8, reserved bits or opcodes, an unmasked or
        // oversized control frame): ws closes with 1002/1007 itself; counted and logged like any
        // other refused frame, so that a client speaking broken WebSocket is not dropped silently.
        metrics.framesDropped.inc('wsProtocol');
        log.warn({ address, code: err.code, reason: err.message }, 'closed: WebSocket protocol error');
      } else {
        log.debug({ err: err.message, address }, 'socket error');
      }
    });
    if (this.state.closing) {
      ws.close(1001, 'serverShutdown');
      return;
    }
    const count = (this.perAddress.get(address) ?? 0) + 1;
    if (count > config.maxConnectionsPerAddress) {
      metrics.connectionsClosed.inc('TOO_MANY_CONNECTIONS');
      log.warn({ address, limit: config.maxConnectionsPerAddress }, 'connection refused: too many');
      const frame: ServerFrame = {
        t: 'error',
        code: ERR.TOO_MANY_CONNECTIONS,
        message: `more than ${config.maxConnectionsPerAddress} connections from this address`,
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
      new TokenBucket(config.ratePerSecond, config.rateBurst),
      new TokenBucket((config.rateStrikes * 1000) / config.rateStrikeWindowMs, config.rateStrikes),
      socket,
    );
    this.state.connections.add(conn);
    this.sessions.armLoginTimer(conn);
    const pipeline = this.pipeline;
    ws.on('message', (data, isBinary) => pipeline.onMessage(conn, data, isBinary));
    ws.on('pong', () => {
      conn.missedPongs = 0;
    });
    ws.on('close', (code) => this.state.guard('close', () => this.onClose(conn, code)));
    log.debug({ conn: conn.id, address }, 'connected');
  }

  private onClose(conn: Connection, code: number): void {
    if (conn.gone) return;
    conn.gone = true;
    conn.closing = true;
    clearTimeout(conn.loginTimer);
    this.state.connections.delete(conn);
    const left = (this.perAddress.get(conn.address) ?? 1) - 1;
    if (left > 0) this.perAddress.set(conn.address, left);
    else this.perAddress.delete(conn.address);
    const s = conn.session;
    conn.session = null;
    this.state.log.debug({ conn: conn.id, code, user: s?.user.id }, 'closed');
    if (s && s.conn === conn) this.sessions.socketGone(s);
    if (s) this.delivery.inOrder.flushDelivered(s.user);
  }

  private heartbeat(): void {
    for (const conn of this.state.connections) {
      if (conn.missedPongs >= 2) {
        this.state.metrics.connectionsClosed.inc('heartbeat');
        this.state.log.info({ conn: conn.id, user: conn.session?.user.id }, 'terminated: missed 2 pongs');
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

  // ---- the bus ------------------------------------------------------------------------------

  /** @internal An event another node published to this one. */
  onBusEvent(e: BusEvent): void {
    this.state.metrics.clusterReceived.inc(e.k);
    switch (e.k) {
      case 'msg':
        return this.delivery.deliver(e.userID, e.message, e.except);
      case 'push':
        return this.rooms.pushLocal(e.sessionID, e.frame);
      case 'kick':
        return this.sessions.kickHere(e.userID, e.sessionIDs, e.reason);
    }
  }

  /** @internal Another node resumed `sessionID`: let it go without leaving its rooms. */
  releaseSession(sessionID: string, toNode: string): RoomPush[] | undefined {
    return this.sessions.release(sessionID, toNode);
  }

  /** @internal This node's sessions, for registering them again after the store lost them. */
  localSessions(): { userID: string; sessionID: string; live: boolean; rooms: number[] }[] {
    return this.sessions.local();
  }

  /** @internal Users with sessions on this node. */
  localUserCount(): number {
    return this.state.users.size;
  }

  /** @internal A dead node's sessions left `roomID` empty: its VideoRoom is destroyed. */
  roomEmptied(roomID: number): void {
    const sfu = this.state.sfu;
    if (sfu) this.state.background('sfu.emptied', sfu.emptied(roomID));
  }

  /** @internal The bus was down: push what was stored meanwhile to the live sessions here. */
  catchUp(): Promise<void> {
    return this.delivery.catchUp();
  }

  // ---- shutdown -----------------------------------------------------------------------------

  /**
   * Stops timers, tells every session `kicked {reason:'serverShutdown'}` and starts closing every
   * socket (the server terminates the stragglers). Resolves once every session has left its rooms.
   *
   * Several nodes: drains instead. Sockets are closed with 1001 and no `kicked` (clients reconnect
   * through another node and resume there); sessions stay in the store in grace for other nodes
   * to claim, and those nobody resumes are ended by a surviving node after the grace period.
   */
  shutdown(): Promise<void> {
    const state = this.state;
    state.closing = true;
    clearInterval(this.heartbeatTimer);
    clearInterval(this.sweepTimer);
    for (const { timer } of state.moved.values()) clearTimeout(timer);
    state.moved.clear();
    const drain = this.backend.clustered;
    for (const conn of state.connections) {
      clearTimeout(conn.loginTimer);
      if (conn.session && !drain) {
        state.metrics.kicked.inc('serverShutdown');
        this.out.send(conn, { t: 'kicked', reason: 'serverShutdown' });
      }
      this.out.close(conn, 1001, 'serverShutdown');
    }
    return drain ? this.sessions.drain() : this.sessions.endAll('serverShutdown');
  }
}

/** The gauges of this node's state and of the store, read at scrape time. */
function registerGauges(m: Metrics, hub: HubState): void {
  m.gauge('calling_connections', 'Open WebSocket connections.', () => hub.connections.size);
  m.gauge('calling_sessions', 'Logged-in sessions with a socket.', () => hub.liveSessions);
  m.gauge(
    'calling_sessions_in_grace',
    'Sessions whose socket died, kept for a resume.',
    () => hub.sessions.size - hub.liveSessions,
  );
  m.gauge('calling_users_online', 'Users with at least one logged-in session.', () => {
    let n = 0;
    for (const u of hub.users.values()) if (u.online) n++;
    return n;
  });
  const stats = () => hub.store.stats();
  m.gauge(
    'calling_users_known',
    'User records held (online, or with stored messages).',
    () => stats().usersKnown,
  );
  m.gauge('calling_groups', 'Groups.', () => stats().groups);
  m.gauge('calling_rooms', 'Rooms with at least one peer.', () => stats().rooms);
  m.gauge('calling_room_peers', 'Peers over all rooms.', () => stats().roomPeers);
  m.gauge('calling_stored_messages', 'Stored message copies (all mailboxes).', () => stats().storedMessages);
  m.gauge('calling_stored_bytes', 'Bytes of stored message data.', () => stats().storedBytes);
}
