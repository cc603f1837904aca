/**
 * A small in-process stand-in for calling-server, speaking `ngx-trtc-calling/wire`, that a test
 * can steer: refuse connections, stay silent on a request type, drop sockets, kick, push messages.
 * Not the real server (that lives in projects/calling-server); only enough to test clients.
 */
import { WebSocketServer, type WebSocket } from 'ws';
import type { AddressInfo } from 'node:net';
import {
  WIRE_ERROR,
  type ClientFrame,
  type RtcPayload,
  type ServerFrame,
  type WireMessage,
} from 'ngx-trtc-calling/wire';

/** One connected client session. */
export interface FakeSession {
  readonly socket: WebSocket;
  readonly sessionID: string;
  userID?: string;
  readonly rooms: Set<number>;
  /** Took a dormant session over. */
  readonly resumed?: boolean;
}

/** The in-process fake server. */
export class FakeCallingServer {
  /** Every frame received, in order, with the session it came on. */
  readonly frames: { session: FakeSession; frame: ClientFrame }[] = [];
  readonly sessions = new Set<FakeSession>();
  /** New connections are closed at once while set. */
  refuse = false;
  /** Requests of these types get no answer. */
  readonly silentOn = new Set<string>();
  /** Login answers with this error code while set. */
  loginError?: number;
  /** On a resuming login, also replay this many messages the client said it already has. */
  replayOverlap = 0;
  /** Honour `resumeSessionID` for sessions whose socket died (kept until `stop`). */
  supportResume = false;
  /** Max sessions per room; join beyond answers ROOM_FULL. */
  roomLimit = 6;
  /** Connections accepted so far (refused ones included). */
  connections = 0;
  private readonly store = new Map<string, WireMessage[]>();
  private readonly seqs = new Map<string, number>();
  private nextSession = 1;
  /** Sessions whose socket died, kept for takeover while `supportResume`. */
  private readonly dormant = new Map<string, FakeSession>();
  private nextMessage = 1;

  private constructor(private readonly wss: WebSocketServer) {
    wss.on('connection', (socket) => this.onConnection(socket));
  }

  /** Starts a server on 127.0.0.1 with an ephemeral port. */
  static async start(): Promise<FakeCallingServer> {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
    return new FakeCallingServer(wss);
  }

  /** `ws://127.0.0.1:PORT`. */
  get url(): string {
    return `ws://127.0.0.1:${(this.wss.address() as AddressInfo).port}`;
  }

  /** Frames of one type received so far. */
  framesOf<T extends ClientFrame['t']>(t: T): Extract<ClientFrame, { t: T }>[] {
    return this.frames.filter((f) => f.frame.t === t).map((f) => f.frame as Extract<ClientFrame, { t: T }>);
  }

  /** Logged-in sessions of a user. */
  sessionsOf(userID: string): FakeSession[] {
    return [...this.sessions].filter((s) => s.userID === userID);
  }

  /** Stores a message for `to` (C2C) and delivers it to the recipient's live sessions. */
  deliver(from: string, to: string, data: string, conversationType: 'C2C' | 'GROUP' = 'C2C'): WireMessage {
    const seq = (this.seqs.get(to) ?? 0) + 1;
    this.seqs.set(to, seq);
    const message: WireMessage = {
      id: `m${this.nextMessage++}`,
      seq,
      from,
      conversationType,
      to,
      data,
      time: Date.now(),
    };
    this.store.set(to, [...(this.store.get(to) ?? []), message]);
    for (const s of this.sessionsOf(to)) this.push(s, { t: 'msg', message });
    return message;
  }

  /** Sends a raw frame to every session of a user. */
  pushTo(userID: string, frame: ServerFrame | string): void {
    for (const s of this.sessionsOf(userID)) this.push(s, frame);
  }

  /** Kicks every session of a user (push, then close). */
  kick(userID: string, reason: string): void {
    for (const s of this.sessionsOf(userID)) {
      this.push(s, { t: 'kicked', reason });
      s.socket.close(4001, 'kicked');
    }
  }

  /** Drops every connection abruptly. */
  dropAll(): void {
    for (const s of this.sessions) s.socket.terminate();
  }

  /** Closes the server and every connection. */
  async stop(): Promise<void> {
    this.dormant.clear();
    for (const s of this.sessions) s.socket.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }

  private push(session: FakeSession, frame: ServerFrame | string): void {
    if (session.socket.readyState === 1)
      session.socket.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  private onConnection(socket: WebSocket): void {
    this.connections++;
    if (this.refuse) {
      socket.close(1013, 'try again later');
      return;
    }
    let session: FakeSession = { socket, sessionID: `s${this.nextSession++}`, rooms: new Set() };
    this.sessions.add(session);
    socket.on('close', () => {
      if (!this.sessions.delete(session)) return;
      if (this.supportResume && session.userID) this.dormant.set(session.sessionID, session);
      else for (const roomID of [...session.rooms]) this.leaveRoom(session, roomID);
    });
    socket.on('message', (data) => {
      const frame = JSON.parse(String(data)) as ClientFrame;
      if (frame.t === 'login' && frame.resumeSessionID && this.supportResume) {
        const old = this.dormant.get(frame.resumeSessionID);
        if (old && old.userID === frame.userID) {
          this.dormant.delete(old.sessionID);
          this.sessions.delete(session);
          session = { socket, sessionID: old.sessionID, rooms: old.rooms, resumed: true };
          this.sessions.add(session);
        }
      }
      this.frames.push({ session, frame });
      if (this.silentOn.has(frame.t)) return;
      this.handle(session, frame);
    });
  }

  private handle(session: FakeSession, frame: ClientFrame): void {
    const ok = (result: unknown) => this.push(session, { t: 'ok', id: frame.id, result });
    const error = (code: (typeof WIRE_ERROR)[keyof typeof WIRE_ERROR], message: string) =>
      this.push(session, { t: 'error', id: frame.id, code, message });
    if (frame.t !== 'login' && frame.t !== 'ping' && !session.userID) {
      error(WIRE_ERROR.NOT_LOGGED_IN, 'log in first');
      return;
    }
    switch (frame.t) {
      case 'login': {
        if (this.loginError !== undefined) {
          error(this.loginError as (typeof WIRE_ERROR)[keyof typeof WIRE_ERROR], 'login refused');
          return;
        }
        if (frame.userSig !== `sig:${frame.userID}`) {
          error(WIRE_ERROR.USERSIG_INVALID, 'bad signature');
          return;
        }
        session.userID = frame.userID;
        ok({
          sessionID: session.sessionID,
          seq: this.seqs.get(frame.userID) ?? 0,
          serverTime: Date.now(),
          resumed: session.resumed === true,
        });
        const after =
          frame.lastSeq === undefined ? Number.POSITIVE_INFINITY : frame.lastSeq - this.replayOverlap;
        for (const message of this.store.get(frame.userID) ?? []) {
          if (message.seq > after) this.push(session, { t: 'msg', message });
        }
        return;
      }
      case 'logout':
        ok({});
        session.socket.close(1000, 'logged out');
        return;
      case 'ping':
        ok({ time: Date.now() });
        return;
      case 'ice.servers':
        // A server without TURN answers its (here empty) STUN list.
        ok({ iceServers: [], ttl: 0, serverTime: Date.now() });
        return;
      case 'send': {
        const message = this.deliver(session.userID!, frame.to, frame.data, frame.conversationType);
        // The echo copy for the sender's other sessions, in the sender's own seq stream.
        const from = session.userID!;
        const seq = (this.seqs.get(from) ?? 0) + 1;
        this.seqs.set(from, seq);
        const echo: WireMessage = { ...message, seq };
        this.store.set(from, [...(this.store.get(from) ?? []), echo]);
        for (const s of this.sessionsOf(from)) if (s !== session) this.push(s, { t: 'msg', message: echo });
        ok({ messageID: message.id, time: message.time, seq });
        return;
      }
      case 'history':
        ok({
          messages: (this.store.get(session.userID!) ?? [])
            .filter((m) => m.time >= frame.since)
            .slice(-frame.limit),
        });
        return;
      case 'group.create':
      case 'group.join':
      case 'group.leave':
      case 'group.add':
      case 'group.delete':
        ok({});
        return;
      case 'room.join': {
        const peers = this.roomPeers(frame.roomID).filter((s) => s !== session);
        if (peers.length + 1 > this.roomLimit) {
          error(WIRE_ERROR.ROOM_FULL, 'room is full');
          return;
        }
        session.rooms.add(frame.roomID);
        ok({ peerID: session.sessionID, peers: peers.map(peerOf) });
        for (const p of peers)
          this.push(p, { t: 'peer', roomID: frame.roomID, event: 'joined', peer: peerOf(session) });
        return;
      }
      case 'room.leave':
        this.leaveRoom(session, frame.roomID);
        ok({});
        return;
      case 'rtc': {
        const target = this.roomPeers(frame.roomID).find((s) => s.sessionID === frame.to);
        if (!target || !session.rooms.has(frame.roomID)) {
          error(WIRE_ERROR.UNKNOWN_TARGET, 'no such peer');
          return;
        }
        this.push(target, {
          t: 'rtc',
          roomID: frame.roomID,
          from: peerOf(session),
          payload: frame.payload as RtcPayload,
        });
        ok({});
        return;
      }
    }
  }

  private roomPeers(roomID: number): FakeSession[] {
    return [...this.sessions].filter((s) => s.rooms.has(roomID));
  }

  private leaveRoom(session: FakeSession, roomID: number): void {
    if (!session.rooms.delete(roomID)) return;
    for (const p of this.roomPeers(roomID))
      this.push(p, { t: 'peer', roomID, event: 'left', peer: peerOf(session) });
  }
}

function peerOf(session: FakeSession): { userID: string; peerID: string } {
  return { userID: session.userID!, peerID: session.sessionID };
}
