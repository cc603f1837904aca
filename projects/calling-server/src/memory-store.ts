/**
 * The in-memory `Store` of a single node: today's structures (per-user seq and mailbox in a
 * `MessageStore`, group and room maps), behind the `Store` interface. Every method does its work
 * synchronously before it returns its (already settled) promise, so a frame is still handled in
 * one go on a single node.
 */
import type { WireMessage } from 'ngx-trtc-calling/wire';
import type {
  AppendResult,
  Backend,
  Bus,
  ClaimedSession,
  GroupLimits,
  GroupRefusal,
  ImmediateStore,
  OnEvict,
  OpenSessionRequest,
  OpenSessionResult,
  RoomGrant,
  RoomPeer,
  RoomRefusal,
  SessionRef,
  Store,
  StoreStats,
  StoredCopy,
} from './cluster';
import { Mailbox, MessageStore, withSeq, type MessageStoreLimits } from './message-store';
import { RoomAccessList, type RoomAccessLimits } from './room-access';

/** Name of the only node of an in-memory server. */
export const LOCAL_NODE = 'local';

/** Per-user state: sequence numbers, mailbox, sessions (true: live, false: in grace). */
class UserRecord {
  readonly mailbox = new Mailbox();
  readonly sessions = new Map<string, boolean>();
  /** Highest seq pushed to some session of this user (or sent by it). */
  deliveredSeq: number;

  constructor(
    /** Last seq assigned to a message for this user. */
    public seq: number,
  ) {
    this.deliveredSeq = seq;
  }
}

/** A group: its members, its owner (the creator) and when it was last used. */
class Group {
  constructor(
    readonly members: Set<string>,
    readonly owner: string,
    public touched: number,
    /** Anyone may join (else only the members its creator named). */
    readonly open = false,
  ) {}
}

/** The `Store` of one process. */
export class MemoryStore implements Store {
  /** Every operation is synchronous here; the hot path's are offered as such. */
  readonly immediate: ImmediateStore = {
    append: (recipients, base) => this.appendNow(recipients, base),
    groupMembers: (groupID) => {
      const group = this.liveGroup(groupID);
      if (!group) return null;
      group.touched = this.now();
      return [...group.members];
    },
    roomPeer: (roomID, peerID) => this.rooms.get(roomID)?.get(peerID) ?? null,
    grantRoom: (grant, limits) => this.access.grant(grant, limits, !this.rooms.has(grant.roomID)),
  };
  private readonly users = new Map<string, UserRecord>();
  private readonly groups = new Map<string, Group>();
  /** Groups per owner (the owner's share of `maxGroupsPerUser`). */
  private readonly owned = new Map<string, number>();
  /** The group TTL last given (groups expire in `sweep`). */
  private groupTtlMs = Infinity;
  private readonly rooms = new Map<number, Map<string, RoomPeer>>();
  /** Who may join each room (the users of its call). */
  private readonly access: RoomAccessList;
  private readonly messages: MessageStore;
  /** Seqs of forgotten users: a user record created later starts above it, so seqs never repeat. */
  private seqFloor = 0;

  constructor(
    limits: MessageStoreLimits,
    private readonly now: () => number,
    onEvict: OnEvict,
    private readonly node = LOCAL_NODE,
  ) {
    this.messages = new MessageStore(limits, now, onEvict);
    this.access = new RoomAccessList(now);
    this.here = [node];
  }

  /** Where every copy is pushed: this node (one array for all copies). */
  private readonly here: readonly string[];

  private user(id: string): UserRecord {
    let user = this.users.get(id);
    if (!user) {
      // Seqs start at a time-derived value so that a user forgotten (nothing stored, no session)
      // and recreated, even across a restart, never reuses a seq a client may hold as lastSeq.
      user = new UserRecord(Math.max(this.seqFloor, Math.floor(this.now()) * 1000));
      this.users.set(id, user);
    }
    return user;
  }

  // ---- presence -----------------------------------------------------------------------------

  async openSession(req: OpenSessionRequest): Promise<OpenSessionResult> {
    const user = this.user(req.userID);
    const others = [...user.sessions].filter(([id]) => id !== req.keepSessionID && id !== req.sessionID);
    const replaced: SessionRef[] = [];
    if (req.policy === 'multi') {
      if (others.filter(([, live]) => live).length >= req.maxSessions) return { ok: false };
    } else {
      for (const [sessionID] of others) {
        user.sessions.delete(sessionID);
        replaced.push({ sessionID, node: this.node });
      }
    }
    user.sessions.set(req.sessionID, true);
    return { ok: true, replaced, seq: user.seq, deliveredSeq: user.deliveredSeq };
  }

  async claimSession(): Promise<ClaimedSession | null> {
    return null; // one node: a session to resume is in the hub's own map or gone
  }

  async setSessionLive(userID: string, sessionID: string, live: boolean): Promise<void> {
    const user = this.users.get(userID);
    if (user?.sessions.has(sessionID)) user.sessions.set(sessionID, live);
  }

  async closeSession(userID: string, sessionID: string): Promise<void> {
    this.users.get(userID)?.sessions.delete(sessionID);
  }

  // ---- messages -----------------------------------------------------------------------------

  async append(recipients: readonly string[], base: Omit<WireMessage, 'seq'>): Promise<AppendResult> {
    return this.appendNow(recipients, base);
  }

  private appendNow(recipients: readonly string[], base: Omit<WireMessage, 'seq'>): AppendResult {
    const body = this.messages.body(base);
    this.messages.reserve(body, recipients.length + 1);
    const copy = (userID: string): StoredCopy => {
      const user = this.user(userID);
      const seq = ++user.seq;
      this.messages.add(user.mailbox, body, seq);
      // Pushed right away to the user's live sessions, if any: they have had it.
      for (const live of user.sessions.values()) {
        if (live) {
          user.deliveredSeq = seq;
          break;
        }
      }
      return { userID, message: withSeq(base, seq), nodes: this.here };
    };
    const copies = recipients.map(copy);
    return { copies, echo: copy(base.from) };
  }

  markDelivered(userID: string, seq: number): void {
    const user = this.users.get(userID);
    if (user) user.deliveredSeq = Math.max(user.deliveredSeq, seq);
  }

  async since(userID: string, afterSeq: number): Promise<{ messages: WireMessage[]; seq: number }> {
    const user = this.users.get(userID);
    return { messages: user ? this.messages.after(user.mailbox, afterSeq) : [], seq: user?.seq ?? 0 };
  }

  async after(userID: string, afterSeq: number): Promise<WireMessage[]> {
    const user = this.users.get(userID);
    return user ? this.messages.after(user.mailbox, afterSeq) : [];
  }

  async history(userID: string, since: number, limit: number, beforeSeq?: number): Promise<WireMessage[]> {
    const user = this.users.get(userID);
    return user ? this.messages.history(user.mailbox, since, limit, beforeSeq) : [];
  }

  // ---- groups -------------------------------------------------------------------------------

  async createGroup(
    groupID: string,
    members: readonly string[],
    limits: GroupLimits,
    open = false,
  ): Promise<GroupRefusal | null> {
    this.groupTtlMs = limits.groupTtlMs;
    const owner = members[0];
    if (owner === undefined) throw new Error('a group needs its creator');
    if (this.liveGroup(groupID)) return 'exists';
    const full = (): boolean =>
      (this.owned.get(owner) ?? 0) >= limits.maxGroupsPerUser || this.groups.size >= limits.maxGroups;
    if (full()) this.expireGroups();
    if ((this.owned.get(owner) ?? 0) >= limits.maxGroupsPerUser) return 'groupQuota';
    if (this.groups.size >= limits.maxGroups) return 'tooManyGroups';
    this.groups.set(groupID, new Group(new Set(members), owner, this.now(), open));
    this.owned.set(owner, (this.owned.get(owner) ?? 0) + 1);
    return null;
  }

  async joinGroup(groupID: string, userID: string, limits: GroupLimits): Promise<GroupRefusal | null> {
    this.groupTtlMs = limits.groupTtlMs;
    const group = this.liveGroup(groupID);
    if (!group) return 'unknown';
    group.touched = this.now();
    if (group.members.has(userID)) return null;
    if (!group.open) return 'closed';
    if (group.members.size >= limits.maxGroupMembers) return 'full';
    group.members.add(userID);
    return null;
  }

  async leaveGroup(groupID: string, userID: string): Promise<GroupRefusal | null> {
    const group = this.liveGroup(groupID);
    if (!group) return 'unknown';
    if (!group.members.delete(userID)) return 'notMember';
    group.touched = this.now();
    if (group.members.size === 0) this.dropGroup(groupID, group);
    return null;
  }

  async addGroupMembers(
    groupID: string,
    userID: string,
    members: readonly string[],
    limits: GroupLimits,
  ): Promise<GroupRefusal | null> {
    this.groupTtlMs = limits.groupTtlMs;
    const group = this.liveGroup(groupID);
    if (!group) return 'unknown';
    if (!group.members.has(userID)) return 'notMember';
    group.touched = this.now();
    const fresh = members.filter((m) => !group.members.has(m));
    if (group.members.size + fresh.length > limits.maxGroupMembers) return 'full';
    for (const m of fresh) group.members.add(m);
    return null;
  }

  async deleteGroup(groupID: string, userID: string): Promise<GroupRefusal | null> {
    const group = this.liveGroup(groupID);
    if (!group) return 'unknown';
    if (group.owner !== userID) return 'notOwner';
    this.dropGroup(groupID, group);
    return null;
  }

  /** The group, unless it has expired (then it is dropped). */
  private liveGroup(groupID: string): Group | undefined {
    const group = this.groups.get(groupID);
    if (group && this.now() - group.touched > this.groupTtlMs) {
      this.dropGroup(groupID, group);
      return undefined;
    }
    return group;
  }

  private dropGroup(groupID: string, group: Group): void {
    if (!this.groups.delete(groupID)) return;
    const n = (this.owned.get(group.owner) ?? 1) - 1;
    if (n > 0) this.owned.set(group.owner, n);
    else this.owned.delete(group.owner);
  }

  /** Drops the groups unused for longer than the TTL. */
  private expireGroups(): void {
    const cutoff = this.now() - this.groupTtlMs;
    for (const [id, group] of this.groups) if (group.touched < cutoff) this.dropGroup(id, group);
  }

  async groupMembers(groupID: string): Promise<readonly string[] | null> {
    return this.immediate.groupMembers(groupID);
  }

  // ---- rooms --------------------------------------------------------------------------------

  async grantRoom(grant: RoomGrant, limits: RoomAccessLimits): Promise<boolean> {
    return this.immediate.grantRoom(grant, limits);
  }

  async joinRoom(roomID: number, peer: RoomPeer, maxPeers: number): Promise<RoomPeer[] | RoomRefusal> {
    let room = this.rooms.get(roomID);
    if (room?.has(peer.peerID)) return [...room.values()].filter((p) => p.peerID !== peer.peerID);
    if (!this.access.admit(roomID, peer.userID, !room)) return 'notInvited';
    if (room && room.size >= maxPeers) return 'full';
    if (!room) {
      room = new Map();
      this.rooms.set(roomID, room);
    }
    const before = [...room.values()];
    room.set(peer.peerID, peer);
    return before;
  }

  async leaveRoom(roomID: number, peerID: string): Promise<RoomPeer[] | null> {
    const room = this.rooms.get(roomID);
    if (!room?.delete(peerID)) return null;
    if (room.size === 0) {
      this.rooms.delete(roomID);
      this.access.emptied(roomID);
    }
    return [...room.values()];
  }

  async roomPeers(roomID: number): Promise<RoomPeer[]> {
    return [...(this.rooms.get(roomID)?.values() ?? [])];
  }

  async roomPeer(roomID: number, peerID: string): Promise<RoomPeer | null> {
    return this.immediate.roomPeer(roomID, peerID);
  }

  // ---- housekeeping -------------------------------------------------------------------------

  async sweep(): Promise<void> {
    this.messages.sweep();
    this.expireGroups();
    this.access.sweep((roomID) => this.rooms.has(roomID));
    for (const [id, user] of this.users) {
      if (user.sessions.size === 0 && user.mailbox.size === 0) {
        this.seqFloor = Math.max(this.seqFloor, user.seq);
        this.users.delete(id);
      }
    }
  }

  stats(): StoreStats {
    let roomPeers = 0;
    for (const r of this.rooms.values()) roomPeers += r.size;
    return {
      storedMessages: this.messages.size,
      storedBytes: this.messages.byteSize,
      groups: this.groups.size,
      rooms: this.rooms.size,
      roomPeers,
      usersKnown: this.users.size,
    };
  }
}

/** The backend of a single in-memory node: a `MemoryStore` and a bus with nobody to talk to. */
export function memoryBackend(store: MemoryStore): Backend {
  const bus: Bus = {
    node: LOCAL_NODE,
    async publish(node) {
      throw new Error(`in-memory server: no node ${node} to publish to`);
    },
    async handover() {
      return null;
    },
  };
  return {
    name: LOCAL_NODE,
    store,
    bus,
    clustered: false,
    async start() {},
    health: () => undefined,
    async close() {},
  };
}
