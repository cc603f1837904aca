import { asyncScheduler, type Observable, type SchedulerLike } from 'rxjs';
import {
  SignalingChannel,
  type Credentials,
  type HistoryQuery,
  type IncomingMessage,
  type OutgoingMessage,
  type SentMessage,
  type SignalingState,
} from 'ngx-trtc-calling/core';
import type { RtcPayload, WireMessage } from 'ngx-trtc-calling/wire';
import { DEFAULT_BACKOFF, type BackoffOptions } from './backoff';
import type { IssuedIceServers } from './ice-servers';
import type { WebSocketConstructor } from './frame-socket';
import { consoleTransportLogger, type TransportLogger } from './logger';
import { MessageInbox, toIncomingMessage } from './message-inbox';
import type {
  RoomMembership,
  RoomPeerEvent,
  RoomRtcMessage,
  RoomSignaling,
  RoomSfuEvent,
  RoomStatusEvent,
} from './room-signaling';
import { SignalingConnection } from './signaling-connection';
import { SignalingRooms } from './signaling-rooms';

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

/**
 * The `SignalingChannel` of the self-hosted calling-server, over one WebSocket, plus the room
 * and group requests the WebRTC media engine and group calls need.
 *
 * Reconnects with exponential back-off after a drop: the login asks the server to take the
 * dropped session over (`resumeSessionID`: same peerID, rooms kept) and to send what follows the
 * highest `seq` seen (`lastSeq`), so nothing is lost; replayed messages are recognised by ID so
 * nothing is emitted twice. Rooms of a session the server could not resume are joined again.
 * The session and its requests are `SignalingConnection`'s, the resume position and
 * de-duplication `MessageInbox`'s, the rooms `SignalingRooms`'.
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
  /** Rooms whose media moved to an SFU. */
  readonly sfu$: Observable<RoomSfuEvent>;

  readonly #connection: SignalingConnection;
  readonly #inbox: MessageInbox;
  readonly #rooms: SignalingRooms;

  constructor(options: WebSocketSignalingOptions) {
    super();
    const {
      reconnect = {},
      scheduler = asyncScheduler,
      requestTimeout = 10_000,
      pingInterval = 25_000,
      dedupeWindow = 5_000,
      logger = consoleTransportLogger,
      ...rest
    } = options;
    const { random = Math.random, ...backoff } = reconnect;
    this.#inbox = new MessageInbox(dedupeWindow, logger);
    this.#rooms = new SignalingRooms(logger);
    this.#connection = new SignalingConnection(
      {
        ...rest,
        scheduler,
        requestTimeout,
        pingInterval,
        logger,
        backoff: { ...DEFAULT_BACKOFF, ...backoff },
        random,
      },
      this.#inbox,
      this.#rooms,
    );
    this.state$ = this.#connection.state$;
    this.messages$ = this.#inbox.messages$;
    this.peerEvents$ = this.#rooms.peerEvents$;
    this.rtc$ = this.#rooms.rtc$;
    this.roomStatus$ = this.#rooms.roomStatus$;
    this.sfu$ = this.#rooms.sfu$;
  }

  /** The current connection state (synchronous snapshot of `state$`). */
  get state(): SignalingState {
    return this.#connection.state;
  }

  /** The server's ID of the current session (undefined while not logged in). */
  get currentSessionID(): string | undefined {
    return this.#connection.sessionID;
  }

  /** Highest message `seq` received so far for the logged-in user (sent on every resume). */
  get lastReceivedSeq(): number | undefined {
    return this.#inbox.lastSeq;
  }

  /** Logs in; resolves once `ready`. Rejects with the server's `code` when the login is refused. */
  login(credentials: Credentials): Promise<void> {
    return this.#connection.login(credentials);
  }

  /** Logs out (telling the server when connected); safe when logged out. */
  logout(): Promise<void> {
    return this.#connection.logout();
  }

  /** Sends a custom message; rejects unless `ready`. */
  async send(message: OutgoingMessage): Promise<SentMessage> {
    this.#connection.assertReady('send');
    const result = await this.#connection.request('send', {
      to: message.to,
      conversationType: message.conversationType,
      data: message.data,
      ...(message.offlinePushInfo ? { offlinePushInfo: message.offlinePushInfo } : {}),
    });
    this.#inbox.sent(result.messageID, result.seq);
    return { id: result.messageID, time: result.time, offline: result.offline };
  }

  /**
   * Recent messages of this user's conversations, oldest first; rejects unless `ready`. The
   * server answers in pages no larger than it may buffer for a connection: the pages it says
   * follow (`more`) are fetched, newest first, up to `limit` messages.
   */
  async history(query: HistoryQuery): Promise<readonly IncomingMessage[]> {
    this.#connection.assertReady('history');
    const pages: (readonly WireMessage[])[] = [];
    let got = 0;
    let beforeSeq: number | undefined;
    do {
      const page = await this.#connection.request('history', {
        since: query.since,
        limit: query.limit - got,
        ...(beforeSeq !== undefined ? { beforeSeq } : {}),
      });
      pages.unshift(page.messages);
      got += page.messages.length;
      beforeSeq = page.more && page.messages.length > 0 ? page.beforeSeq : undefined;
    } while (beforeSeq !== undefined && got < query.limit);
    return pages.flat().map(toIncomingMessage);
  }

  /**
   * Creates an IM group owned by this user, with `members`. Only members belong to it, unless
   * `open` (anyone may then `joinGroup`, like Tencent IM's `FreeAccess`).
   */
  async createGroup(
    groupID: string,
    members: readonly string[] = [],
    options: { readonly open?: boolean } = {},
  ): Promise<void> {
    this.#connection.assertReady('createGroup');
    await this.#connection.request('group.create', {
      groupID,
      members,
      ...(options.open ? { open: true } : {}),
    });
  }

  /** Adds `members` to an IM group this user is a member of (`NOT_A_MEMBER` otherwise). */
  async addGroupMembers(groupID: string, members: readonly string[]): Promise<void> {
    this.#connection.assertReady('addGroupMembers');
    await this.#connection.request('group.add', { groupID, members });
  }

  /** Joins an IM group: an open one, or one this user is a member of already (`GROUP_CLOSED` otherwise). */
  async joinGroup(groupID: string): Promise<void> {
    this.#connection.assertReady('joinGroup');
    await this.#connection.request('group.join', { groupID });
  }

  /** Leaves an IM group. */
  async leaveGroup(groupID: string): Promise<void> {
    this.#connection.assertReady('leaveGroup');
    await this.#connection.request('group.leave', { groupID });
  }

  /** Joins a WebRTC room; rejoined automatically after a reconnect until `leaveRoom`. */
  async joinRoom(
    roomID: number,
    options?: { readonly prepared?: boolean; readonly rejoin?: boolean },
  ): Promise<RoomMembership> {
    this.#connection.assertReady('joinRoom');
    const result = await this.#connection.request('room.join', {
      roomID,
      ...(options?.prepared ? { prepared: true } : {}),
      ...(options?.rejoin ? { rejoin: true } : {}),
    });
    this.#rooms.joined(roomID, options?.prepared === true);
    return { peerID: result.peerID, peers: result.peers, ...(result.sfu ? { sfu: result.sfu } : {}) };
  }

  /** Leaves a WebRTC room; resolves at once when not connected (the session left it anyway). */
  async leaveRoom(roomID: number): Promise<void> {
    this.#rooms.left(roomID);
    if (this.state.status !== 'ready') return;
    await this.#connection.request('room.leave', { roomID });
  }

  /**
   * Relays an SDP/ICE/media-state payload to one peer of a room. While reconnecting it waits
   * (up to `requestTimeout`) for the connection to come back, so that a short drop in the middle
   * of a negotiation loses no candidate.
   */
  async sendRtc(roomID: number, toPeerID: string, payload: RtcPayload): Promise<void> {
    if (this.state.status === 'notReady') await this.#connection.whenReady();
    this.#connection.assertReady('sendRtc');
    await this.#connection.request('rtc', { roomID, to: toPeerID, payload });
  }

  /**
   * The STUN/TURN servers the server issues to this user (TURN credentials expire after `ttl`
   * seconds). Waits for a reconnect in progress, as `sendRtc` does: an ICE restart asks for them.
   */
  async iceServers(): Promise<IssuedIceServers> {
    if (this.state.status === 'notReady') await this.#connection.whenReady();
    this.#connection.assertReady('iceServers');
    return this.#connection.request('ice.servers', {});
  }

  /** Closes everything and completes every stream; the channel cannot be used afterwards. */
  destroy(): void {
    if (this.#connection.destroyed) return;
    this.#connection.destroy();
    this.#inbox.complete();
    this.#rooms.complete();
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
