/**
 * The Redis `Store`: what every node must see the same.
 *
 * Keys (all under `redisKeyPrefix`, default `calling:`):
 *
 * | key                | type   | what                                                             |
 * | ------------------ | ------ | ---------------------------------------------------------------- |
 * | `u:{user}:q`       | string | the user's last seq (INCR in Lua; starts at epoch ms × 1000)     |
 * | `u:{user}:d`       | string | highest seq some session of the user has had                     |
 * | `u:{user}:m`       | zset   | mailbox: score seq, member `bytes\|json`                         |
 * | `u:{user}:p`       | hash   | presence: sessionID → `node\|L` (live) or `node\|G` (grace)      |
 * | `s:{session}:r`    | set    | rooms of a session                                               |
 * | `n:{node}`         | set    | `user\|session` held by a node (reaped when the node dies)       |
 * | `nodes`            | zset   | node → last heartbeat (Redis time, ms)                           |
 * | `fifo`             | list   | `user\|seq\|bytes\|time\|sender` of every stored copy, oldest first |
 * | `stored:n` / `:b`  | string | stored copies / bytes over all users                             |
 * | `ss:n` / `ss:b`    | hash   | sender → its stored copies / their bytes (its share)             |
 * | `u:{user}:ms`      | hash   | sender → copies, `sender\|b` → bytes in the mailbox; `\|b` its total |
 * | `g:{group}`        | set    | group members; `groups` the set of groupIDs                      |
 * | `go:{group}`       | string | the group's owner (its creator); expires with the group          |
 * | `gu:{user}`        | set    | groupIDs the user owns (its share of `maxGroupsPerUser`)         |
 * | `gp:{group}`       | string | present for an open group (anyone may join); expires with it     |
 * | `r:{room}`         | hash   | peerID → `user\|node`; `rooms` the set of roomIDs, `roompeers`   |
 * | `ra:{room}`        | hash   | the room's users (→ `1`) and `\|u`: until when an invitation rings |
 *
 * Every key expires with what it serves: `u:{user}:q`, `:d` and `:m` of a user without a session
 * 2 × the retention after its last message (`userKeyTtlMs`; no expiry while it has a session), so
 * messages to userIDs nobody uses leave nothing behind; sessions, rooms and nodes are removed when
 * they end (a dead node's by the node that reaps it).
 *
 * A message is published only to the nodes the append script found in the recipient's presence:
 * a login registers its presence before it reads its replay, so a message is either in that
 * replay or published to its node (or both, and the hub drops the duplicate).
 *
 * Needs one standalone Redis endpoint (not Redis Cluster): the scripts touch keys they compute.
 */
import type { WireMessage } from 'ngx-trtc-calling/wire';
import type {
  AppendResult,
  ClaimedSession,
  GroupLimits,
  GroupRefusal,
  OpenSessionRequest,
  OpenSessionResult,
  RoomGrant,
  RoomPeer,
  RoomRefusal,
  SessionRef,
  Store,
  StoreStats,
} from './cluster';
import { senderQuotaError, withSeq, type EvictionReason } from './message-store';
import type { RedisContext } from './redis-context';
import { EMPTY_ROOM_GRACE_MS, type RoomAccessLimits } from './room-access';
import { GRACE, LIVE } from './redis-scripts';

/**
 * How long the keys of a user without a session (`u:{user}:q`, `:d`, `:m`) live after its last
 * message: twice the retention, so that the sweep, which keeps the stored-message counters, drops
 * the copies first; a seq key created later restarts above the old seqs anyway (time-derived).
 */
export function userKeyTtlMs(config: { readonly mailboxRetentionMs: number }): number {
  return 2 * config.mailboxRetentionMs;
}
/** Group IDs checked for expiry per sweep call. */
const GROUPS_PRUNE_SAMPLE = 50;
/** Expired copies dropped per sweep call. */
const SWEEP_BATCH = 2000;

/** The Redis `Store` (see the file comment); every change of shared state is one Lua script. */
export class RedisStore implements Store {
  private cached: StoreStats = {
    storedMessages: 0,
    storedBytes: 0,
    groups: 0,
    rooms: 0,
    roomPeers: 0,
    usersKnown: 0,
  };
  /** Nodes with a recent heartbeat, as of the last `sweep`. */
  liveNodes = 0;
  /** How long an unused group lives (ms): the configured TTL. */
  private groupTtlMs: number;

  constructor(private readonly ctx: RedisContext) {
    this.groupTtlMs = ctx.config.groupTtlMs;
  }

  // ---- presence -----------------------------------------------------------------------------

  private seqInit(): string {
    return String(Math.floor(this.ctx.now()) * 1000);
  }

  async openSession(req: OpenSessionRequest): Promise<OpenSessionResult> {
    const u = req.userID;
    const r = (await this.ctx.run(
      'cOpen',
      [
        this.ctx.k(`u:${u}:p`),
        this.ctx.k(`u:${u}:q`),
        this.ctx.k(`u:${u}:d`),
        this.ctx.k(`n:${this.ctx.node}`),
      ],
      [
        req.sessionID,
        this.ctx.node,
        req.policy,
        req.maxSessions,
        req.keepSessionID ?? '',
        this.seqInit(),
        userKeyTtlMs(this.ctx.config),
        u,
      ],
    )) as (string | number)[];
    if (Number(r[0]) === 0) return { ok: false };
    const replaced: SessionRef[] = [];
    for (let i = 3; i < r.length; i += 2) replaced.push({ sessionID: String(r[i]), node: String(r[i + 1]) });
    return { ok: true, replaced, seq: Number(r[1]), deliveredSeq: Number(r[2]) };
  }

  async claimSession(userID: string, sessionID: string): Promise<ClaimedSession | null> {
    const r = (await this.ctx.run(
      'cClaim',
      [this.ctx.k(`u:${userID}:p`), this.ctx.k(`s:${sessionID}:r`)],
      [sessionID, userID, this.ctx.node, this.ctx.P, this.ctx.config.nodeTimeoutMs],
    )) as string[] | null;
    if (!r) return null;
    return { node: String(r[0]), alive: Number(r[1]) === 1, rooms: r.slice(2).map(Number) };
  }

  async setSessionLive(userID: string, sessionID: string, live: boolean): Promise<void> {
    await this.ctx.run(
      'cSetLive',
      [this.ctx.k(`u:${userID}:p`)],
      [sessionID, this.ctx.node, live ? LIVE : GRACE],
    );
  }

  async closeSession(userID: string, sessionID: string): Promise<void> {
    await this.ctx.run(
      'cClose',
      [
        this.ctx.k(`u:${userID}:p`),
        this.ctx.k(`n:${this.ctx.node}`),
        this.ctx.k(`s:${sessionID}:r`),
        this.ctx.k(`u:${userID}:q`),
        this.ctx.k(`u:${userID}:d`),
      ],
      [sessionID, this.ctx.node, userID, userKeyTtlMs(this.ctx.config)],
    );
  }

  /** Registers this node's sessions again (Redis lost its data). */
  async restore(
    sessions: readonly { userID: string; sessionID: string; live: boolean; rooms: number[] }[],
  ): Promise<void> {
    const ctx = this.ctx;
    for (const s of sessions) {
      await ctx.run(
        'cRestore',
        [ctx.k(`u:${s.userID}:p`), ctx.k(`n:${ctx.node}`), ctx.k(`s:${s.sessionID}:r`)],
        [s.sessionID, ctx.node, s.live ? LIVE : GRACE, s.userID, ctx.P, ...s.rooms],
      );
    }
  }

  // ---- messages -----------------------------------------------------------------------------

  async append(recipients: readonly string[], base: Omit<WireMessage, 'seq'>): Promise<AppendResult> {
    const c = this.ctx.config;
    const head = `{"id":${JSON.stringify(base.id)},"seq":`;
    const tail =
      `,"from":${JSON.stringify(base.from)},"conversationType":${JSON.stringify(base.conversationType)}` +
      `,"to":${JSON.stringify(base.to)},"data":${JSON.stringify(base.data)},"time":${JSON.stringify(base.time)}}`;
    const users = [...recipients, base.from];
    const r = (await this.ctx.run(
      'cAppend',
      [],
      [
        this.ctx.P,
        head,
        tail,
        Buffer.byteLength(base.data),
        Math.floor(base.time),
        this.seqInit(),
        userKeyTtlMs(this.ctx.config),
        c.mailboxMaxMessages,
        c.maxStoredMessages,
        c.maxStoredBytes,
        c.nodeTimeoutMs,
        c.maxStoredBytesPerUser,
        c.maxStoredPerSender,
        c.maxStoredBytesPerSender,
        base.from,
        ...users,
      ],
    )) as (string | number)[];
    if (r[0] === 'quota') throw senderQuotaError(Number(r[1]), Number(r[2]));
    const copies = users.map((userID, i) => ({
      userID,
      message: withSeq(base, Number(r[2 * i])),
      nodes: [
        ...new Set(
          String(r[2 * i + 1])
            .split(',')
            .filter(Boolean),
        ),
      ],
    }));
    const evicted: [EvictionReason, number][] = [
      ['perUserLimit', Number(r[2 * users.length])],
      ['perUserBytes', Number(r[2 * users.length + 1])],
      ['totalLimit', Number(r[2 * users.length + 2])],
      ['byteLimit', Number(r[2 * users.length + 3])],
    ];
    for (const [reason, n] of evicted) if (n > 0) this.ctx.metrics.storedEvicted.inc(reason, n);
    const echo = copies.pop()!;
    return { copies, echo };
  }

  markDelivered(userID: string, seq: number): void {
    this.ctx
      .run('cMarkDelivered', [this.ctx.k(`u:${userID}:d`)], [String(seq), userKeyTtlMs(this.ctx.config)])
      .catch((err: unknown) => this.ctx.log.warn({ err, user: userID }, 'cannot record the delivered seq'));
  }

  private parse(members: string[]): WireMessage[] {
    const cutoff = this.ctx.now() - this.ctx.config.mailboxRetentionMs;
    const out: WireMessage[] = [];
    for (const m of members) {
      const message = JSON.parse(m.slice(m.indexOf('|') + 1)) as WireMessage;
      if (message.time >= cutoff) out.push(message);
    }
    return out;
  }

  async after(userID: string, afterSeq: number): Promise<WireMessage[]> {
    const members = await this.ctx.cmd.zrangebyscore(this.ctx.k(`u:${userID}:m`), `(${afterSeq}`, '+inf');
    return this.parse(members);
  }

  async since(userID: string, afterSeq: number): Promise<{ messages: WireMessage[]; seq: number }> {
    const r = await this.ctx.cmd
      .multi()
      .zrangebyscore(this.ctx.k(`u:${userID}:m`), `(${afterSeq}`, '+inf')
      .get(this.ctx.k(`u:${userID}:q`))
      .exec();
    const [range, last] = r ?? [];
    if (!range || !last || range[0] || last[0]) throw range?.[0] ?? last?.[0] ?? new Error('MULTI aborted');
    return { messages: this.parse(range[1] as string[]), seq: Number(last[1] ?? 0) };
  }

  async history(userID: string, since: number, limit: number, beforeSeq?: number): Promise<WireMessage[]> {
    const key = this.ctx.k(`u:${userID}:m`);
    const all = this.parse(
      beforeSeq === undefined
        ? await this.ctx.cmd.zrange(key, '0', '-1')
        : await this.ctx.cmd.zrangebyscore(key, '-inf', `(${beforeSeq}`),
    );
    return all.filter((m) => m.time >= since).slice(-limit);
  }

  // ---- groups -------------------------------------------------------------------------------

  async createGroup(
    groupID: string,
    members: readonly string[],
    limits: GroupLimits,
    open = false,
  ): Promise<GroupRefusal | null> {
    const owner = members[0] ?? '';
    const r = await this.ctx.run(
      'cGroupCreate',
      [
        this.ctx.k(`g:${groupID}`),
        this.ctx.k('groups'),
        this.ctx.k(`go:${groupID}`),
        this.ctx.k(`gu:${owner}`),
      ],
      [limits.maxGroups, groupID, limits.maxGroupsPerUser, limits.groupTtlMs, this.ctx.P, ...members],
    );
    if (r) return r as GroupRefusal;
    // Until the flag is set the new group is closed: a join that early is refused, never let in.
    const flag = this.ctx.k(`gp:${groupID}`);
    if (open) await this.ctx.cmd.set(flag, '1', 'PX', limits.groupTtlMs);
    else await this.ctx.cmd.del(flag);
    return null;
  }

  async joinGroup(groupID: string, userID: string, limits: GroupLimits): Promise<GroupRefusal | null> {
    const r = await this.ctx.run(
      'cGroupJoin',
      [this.ctx.k(`g:${groupID}`), this.ctx.k(`go:${groupID}`), this.ctx.k(`gp:${groupID}`)],
      [userID, limits.maxGroupMembers, limits.groupTtlMs],
    );
    return (r as GroupRefusal | '') || null;
  }

  async leaveGroup(groupID: string, userID: string): Promise<GroupRefusal | null> {
    const r = await this.ctx.run(
      'cGroupLeave',
      [this.ctx.k(`g:${groupID}`), this.ctx.k('groups'), this.ctx.k(`go:${groupID}`)],
      [userID, groupID, this.groupTtlMs, this.ctx.P],
    );
    return (r as GroupRefusal | '') || null;
  }

  async addGroupMembers(
    groupID: string,
    userID: string,
    members: readonly string[],
    limits: GroupLimits,
  ): Promise<GroupRefusal | null> {
    const r = await this.ctx.run(
      'cGroupAdd',
      [this.ctx.k(`g:${groupID}`), this.ctx.k(`go:${groupID}`), this.ctx.k(`gp:${groupID}`)],
      [userID, limits.maxGroupMembers, limits.groupTtlMs, ...members],
    );
    return (r as GroupRefusal | '') || null;
  }

  async deleteGroup(groupID: string, userID: string): Promise<GroupRefusal | null> {
    const r = await this.ctx.run(
      'cGroupDelete',
      [this.ctx.k(`g:${groupID}`), this.ctx.k('groups'), this.ctx.k(`go:${groupID}`)],
      [userID, groupID, this.ctx.P],
    );
    return (r as GroupRefusal | '') || null;
  }

  async groupMembers(groupID: string): Promise<readonly string[] | null> {
    const key = this.ctx.k(`g:${groupID}`);
    // A message is activity: the group lives on for another TTL.
    const r = await this.ctx.cmd
      .multi()
      .smembers(key)
      .pexpire(key, this.groupTtlMs)
      .pexpire(this.ctx.k(`go:${groupID}`), this.groupTtlMs)
      .pexpire(this.ctx.k(`gp:${groupID}`), this.groupTtlMs)
      .exec();
    const members = r?.[0]?.[1];
    return Array.isArray(members) && members.length > 0 ? (members as string[]) : null;
  }

  // ---- rooms --------------------------------------------------------------------------------

  async grantRoom(grant: RoomGrant, limits: RoomAccessLimits): Promise<boolean> {
    const r = await this.ctx.run(
      'cRoomGrant',
      [this.ctx.k(`ra:${grant.roomID}`), this.ctx.k(`r:${grant.roomID}`)],
      [grant.inviter, limits.ttlMs, limits.maxUsers, ...grant.invitees],
    );
    return Number(r) === 1;
  }

  async joinRoom(roomID: number, peer: RoomPeer, maxPeers: number): Promise<RoomPeer[] | RoomRefusal> {
    const r = (await this.ctx.run(
      'cRoomJoin',
      [this.ctx.k(`r:${roomID}`), this.ctx.k(`s:${peer.peerID}:r`), this.ctx.k(`ra:${roomID}`)],
      [peer.peerID, `${peer.userID}|${peer.node}`, maxPeers, roomID, this.ctx.P, peer.userID],
    )) as string[] | RoomRefusal;
    return typeof r === 'string' ? r : this.ctx.peers(r);
  }

  async leaveRoom(roomID: number, peerID: string, node = this.ctx.node): Promise<RoomPeer[] | null> {
    const r = (await this.ctx.run(
      'cRoomLeave',
      [this.ctx.k(`r:${roomID}`), this.ctx.k(`s:${peerID}:r`), this.ctx.k(`ra:${roomID}`)],
      [peerID, roomID, this.ctx.P, node, EMPTY_ROOM_GRACE_MS],
    )) as string[] | null;
    return r ? this.ctx.peers(r) : null;
  }

  async roomPeers(roomID: number): Promise<RoomPeer[]> {
    return this.ctx.peers(Object.entries(await this.ctx.cmd.hgetall(this.ctx.k(`r:${roomID}`))).flat());
  }

  async roomPeer(roomID: number, peerID: string): Promise<RoomPeer | null> {
    const v = await this.ctx.cmd.hget(this.ctx.k(`r:${roomID}`), peerID);
    return v ? this.ctx.peer(peerID, v) : null;
  }

  // ---- housekeeping -------------------------------------------------------------------------

  async sweep(): Promise<void> {
    if (this.ctx.cmd.status !== 'ready') return;
    const cutoff = Math.floor(this.ctx.now() - this.ctx.config.mailboxRetentionMs);
    await this.ctx.run('cSweep', [], [this.ctx.P, cutoff, SWEEP_BATCH]);
    // Expired groups leave their ID in `groups` (the count and the gauge read it): a sample at a time.
    await this.ctx.run('cGroupsPrune', [this.ctx.k('groups')], [this.ctx.P, GROUPS_PRUNE_SAMPLE]);
    await this.refreshStats();
  }

  /** Reads the numbers for the gauges (after each sweep, and at start). */
  async refreshStats(): Promise<void> {
    const r = await this.ctx.cmd
      .multi()
      .get(this.ctx.k('stored:n'))
      .get(this.ctx.k('stored:b'))
      .scard(this.ctx.k('groups'))
      .scard(this.ctx.k('rooms'))
      .get(this.ctx.k('roompeers'))
      .exec();
    if (!r) return;
    const [storedMessages = 0, storedBytes = 0, groups = 0, rooms = 0, roomPeers = 0] = r.map(
      ([err, value]) => (err ? 0 : Number(value ?? 0)),
    );
    this.cached = { storedMessages, storedBytes, groups, rooms, roomPeers, usersKnown: 0 };
    this.liveNodes = Number(
      await this.ctx.run('cLiveNodes', [this.ctx.k('nodes')], [this.ctx.config.nodeTimeoutMs]),
    );
  }

  stats(): StoreStats {
    return { ...this.cached, usersKnown: this.ctx.handler?.localUserCount() ?? 0 };
  }
}
