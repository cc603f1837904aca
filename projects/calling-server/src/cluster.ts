/**
 * The storage and bus abstraction between the hub and the state it shares with other nodes.
 *
 * The hub keeps what belongs to one process: sockets, `Session` objects (timers, pending room
 * pushes), rate limits, heartbeats. Everything that must be the same on every node goes through a
 * `Store`: user sequence numbers and mailboxes, presence (which node holds which session of a
 * user), groups and rooms. Everything a node tells another goes through a `Bus` addressed to a
 * node: a message copy for a user's sessions there, a room push for one session, a kick, a
 * session handover.
 *
 * Two implementations: `memory-store.ts` (one process, today's structures; the bus never leaves
 * the process) and `redis-backend.ts` (ioredis; Lua for atomic seq allocation, pub/sub channel
 * per node).
 */
import type { PeerPush, RoomSfuPush, RtcPush, WireMessage, WirePeer } from 'ngx-trtc-calling/wire';
import type { SessionPolicy } from './config';
import type { EvictionReason } from './message-store';
import type { RoomAccessLimits } from './room-access';

/** A push for one room peer. */
export type RoomPush = PeerPush | RtcPush | RoomSfuPush;

/** A session somewhere in the cluster. */
export interface SessionRef {
  readonly sessionID: string;
  readonly node: string;
}

/** Why a `room.join` was refused: the room is full, or the user is not one of its call's. */
export type RoomRefusal = 'full' | 'notInvited';

/** What an INVITE grants: `inviter` invites `invitees` into `roomID` (see `room-access.ts`). */
export interface RoomGrant {
  readonly roomID: number;
  readonly inviter: string;
  readonly invitees: readonly string[];
}

/** A peer of a room and the node holding its session. */
export interface RoomPeer extends WirePeer {
  readonly node: string;
}

/** What `Store.openSession` is asked. */
export interface OpenSessionRequest {
  readonly userID: string;
  readonly sessionID: string;
  /** A session of this user being resumed by this login: neither counted nor replaced. */
  readonly keepSessionID?: string;
  readonly policy: SessionPolicy;
  readonly maxSessions: number;
}

/** Outcome of `Store.openSession`. */
export type OpenSessionResult =
  | { readonly ok: false }
  | {
      readonly ok: true;
      /** Sessions the `single` policy replaces (already removed from presence): kick them. */
      readonly replaced: readonly SessionRef[];
      /** The user's highest seq. */
      readonly seq: number;
      /** Highest seq some session of the user already had (replay start without `lastSeq`). */
      readonly deliveredSeq: number;
    };

/** A session of another node taken over by a resume. */
export interface ClaimedSession {
  /** The node that held it. */
  readonly node: string;
  /** Whether that node's heartbeat is recent (worth asking for a handover). */
  readonly alive: boolean;
  /** Rooms it is in (its membership now points at the claiming node). */
  readonly rooms: readonly number[];
}

/** One stored copy of a message and the nodes that hold sessions of its user. */
export interface StoredCopy {
  readonly userID: string;
  readonly message: WireMessage;
  /** Nodes to push it to (nodes with sessions of `userID`; the memory store: this node). */
  readonly nodes: readonly string[];
}

/** Outcome of `Store.append`. */
export interface AppendResult {
  readonly copies: readonly StoredCopy[];
  /** The sender's own copy. */
  readonly echo: StoredCopy;
}

/** Numbers read at scrape time (the Redis store refreshes them periodically). */
export interface StoreStats {
  readonly storedMessages: number;
  readonly storedBytes: number;
  readonly groups: number;
  readonly rooms: number;
  readonly roomPeers: number;
  /** User records held (memory) or users with sessions on this node (Redis). */
  readonly usersKnown: number;
}

/** Group limits checked atomically with the change. */
export interface GroupLimits {
  readonly maxGroups: number;
  readonly maxGroupMembers: number;
  /** Groups one owner may hold. */
  readonly maxGroupsPerUser: number;
  /** A group without activity for this long is gone (ms). */
  readonly groupTtlMs: number;
}

/** Why a group change was refused. */
export type GroupRefusal =
  | 'exists'
  | 'unknown'
  | 'tooManyGroups'
  | 'groupQuota'
  | 'full'
  | 'notMember'
  | 'notOwner'
  /** `group.join` of a group that is not open, by a user who is not a member. */
  | 'closed';

/**
 * The store operations of a relayed message or rtc payload, done synchronously. Offered by a store
 * that needs no I/O for them (the in-memory store): the hub then handles such a frame in one go,
 * within the socket's callback, without a promise.
 */
export interface ImmediateStore {
  append(recipients: readonly string[], base: Omit<WireMessage, 'seq'>): AppendResult;
  groupMembers(groupID: string): readonly string[] | null;
  roomPeer(roomID: number, peerID: string): RoomPeer | null;
  grantRoom(grant: RoomGrant, limits: RoomAccessLimits): boolean;
}

/** Shared state: what every node must see the same. Every method may reject (storage down). */
export interface Store {
  /** The synchronous versions of the hot-path operations, when the store can do them so. */
  readonly immediate?: ImmediateStore;

  // ---- presence -----------------------------------------------------------------------------
  /** Registers a live session of a user, applying the session policy atomically. */
  openSession(req: OpenSessionRequest): Promise<OpenSessionResult>;
  /** Takes over a session held by another node (resume); null when there is no such session. */
  claimSession(userID: string, sessionID: string): Promise<ClaimedSession | null>;
  /** Marks a session of this node live (socket) or in grace (no socket). */
  setSessionLive(userID: string, sessionID: string, live: boolean): Promise<void>;
  /** Forgets a session of this node (after it left its rooms). */
  closeSession(userID: string, sessionID: string): Promise<void>;

  // ---- messages -----------------------------------------------------------------------------
  /**
   * Gives each recipient and the sender a copy of `base` with its own next seq, stores every copy
   * (evicting as the limits require) and says which nodes to push each copy to.
   */
  append(recipients: readonly string[], base: Omit<WireMessage, 'seq'>): Promise<AppendResult>;
  /** Some session of `userID` has had everything up to `seq`. */
  markDelivered(userID: string, seq: number): void;
  /** Stored messages of `userID` with seq > `afterSeq`, oldest first. */
  after(userID: string, afterSeq: number): Promise<WireMessage[]>;
  /**
   * `after`, and the user's last seq, read in one step: every seq up to `seq` is in `messages` or
   * was dropped (evicted, expired).
   */
  since(userID: string, afterSeq: number): Promise<{ messages: WireMessage[]; seq: number }>;
  /** Up to `limit` stored messages of `userID` with time ≥ `since`, oldest first (the newest kept). */
  history(userID: string, since: number, limit: number, beforeSeq?: number): Promise<WireMessage[]>;

  // ---- groups -------------------------------------------------------------------------------
  /** Creates a group owned by `members[0]` (its creator), within the owner's share. */
  /** `open`: anyone may join it; otherwise only the members named here (and at creation) belong to it. */
  createGroup(
    groupID: string,
    members: readonly string[],
    limits: GroupLimits,
    open?: boolean,
  ): Promise<GroupRefusal | null>;
  joinGroup(groupID: string, userID: string, limits: GroupLimits): Promise<GroupRefusal | null>;
  leaveGroup(groupID: string, userID: string): Promise<GroupRefusal | null>;
  /** A member of the group adds `members` (those already in count once); the group's size limit holds. */
  addGroupMembers(
    groupID: string,
    userID: string,
    members: readonly string[],
    limits: GroupLimits,
  ): Promise<GroupRefusal | null>;
  /** Deletes a group; only its owner may. */
  deleteGroup(groupID: string, userID: string): Promise<GroupRefusal | null>;
  /** Members of a group; null when there is no such group. */
  groupMembers(groupID: string): Promise<readonly string[] | null>;

  // ---- rooms --------------------------------------------------------------------------------
  /**
   * Records an INVITE: claims the room for the inviter when nobody holds it, adds the invitees when
   * the inviter is one of its users, else changes nothing. Resolves with whether it granted.
   */
  grantRoom(grant: RoomGrant, limits: RoomAccessLimits): Promise<boolean>;
  /**
   * Adds a peer of one of the room's users (claiming a room nobody holds); resolves with the
   * peers that were in before, or why not (`notInvited` is checked first).
   */
  joinRoom(
    roomID: number,
    peer: RoomPeer,
    maxPeers: number,
    limits: RoomAccessLimits,
  ): Promise<RoomPeer[] | RoomRefusal>;
  /** Removes a peer; resolves with the peers left, or null when it was not in the room. */
  leaveRoom(roomID: number, peerID: string): Promise<RoomPeer[] | null>;
  /** Every peer of a room. */
  roomPeers(roomID: number): Promise<RoomPeer[]>;
  /** One peer of a room, or null. */
  roomPeer(roomID: number, peerID: string): Promise<RoomPeer | null>;

  // ---- housekeeping -------------------------------------------------------------------------
  /** Drops expired messages and forgotten records. Called periodically. */
  sweep(): Promise<void>;
  /** Current numbers for the gauges. */
  stats(): StoreStats;
}

/** What one node tells another. */
export type BusEvent =
  /** A copy of a message for the live sessions of `userID` on the target node, except `except`. */
  | {
      readonly k: 'msg';
      readonly userID: string;
      readonly except: string | null;
      readonly message: WireMessage;
    }
  /** A room push for one session on the target node. */
  | { readonly k: 'push'; readonly sessionID: string; readonly frame: RoomPush }
  /** End these sessions of `userID` (session policy). */
  | {
      readonly k: 'kick';
      readonly userID: string;
      readonly sessionIDs: readonly string[];
      readonly reason: string;
    };

/** What a node receives from the bus; implemented by the hub. */
export interface BusHandler {
  /** An event published to this node. */
  onBusEvent(event: BusEvent): void;
  /**
   * Another node resumed `sessionID`: stop serving it here without leaving its rooms (they moved)
   * and hand over the room pushes it missed. Undefined when this node does not hold it.
   */
  releaseSession(sessionID: string, toNode: string): RoomPush[] | undefined;
  /** This node's sessions (to register them again after the shared state was lost). */
  localSessions(): { userID: string; sessionID: string; live: boolean; rooms: number[] }[];
  /** The bus was down for a while: push what was stored meanwhile to the live sessions here. */
  catchUp(): Promise<void>;
  /** Users with sessions on this node. */
  localUserCount(): number;
  /** A dead node's sessions were ended here and left `roomID` without members anywhere. */
  roomEmptied?(roomID: number): void;
}

/** Node-to-node messages. */
export interface Bus {
  /** This node's name. */
  readonly node: string;
  /**
   * Delivers `event` to `node` (must not be this node), in order per target. Resolves once that
   * node has pushed a `msg` to its sessions (acknowledged, or after a bounded wait), or once any
   * other event is on that node's channel; rejects when the bus is down.
   */
  publish(node: string, event: BusEvent): Promise<void>;
  /** Asks `node` to release `sessionID` to this node; the pushes it missed, or null (no answer). */
  handover(node: string, sessionID: string): Promise<RoomPush[] | null>;
  /**
   * Optional fast path of the rtc relay: looks `peerID` up in the room and, when another node holds
   * it, publishes `frame` to that node, in one step. Resolves with the peer (null: not in the room).
   */
  relay?(roomID: number, peerID: string, frame: RoomPush): Promise<RoomPeer | null>;
}

/** Storage health for `/healthz` (absent for the in-memory store). */
export interface BackendHealth {
  readonly redis: 'up' | 'down';
  readonly node: string;
  readonly nodes: number;
}

/** A store, its bus and their life cycle. */
export interface Backend {
  /** The node's configured name (logs, `/healthz`); `bus.node` is its identity in the cluster. */
  readonly name: string;
  readonly store: Store;
  readonly bus: Bus;
  /** True when other nodes may exist (the hub then routes by node). */
  readonly clustered: boolean;
  /** Starts receiving bus events and housekeeping for `handler`. */
  start(handler: BusHandler): Promise<void>;
  /** Health for `/healthz`; undefined for the in-memory backend. */
  health(): BackendHealth | undefined;
  /** Stops timers, leaves the cluster, closes connections. */
  close(): Promise<void>;
}

/** Called with a reason each time a stored message is evicted early. */
export type OnEvict = (reason: EvictionReason) => void;
