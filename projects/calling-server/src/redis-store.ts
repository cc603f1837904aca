/**
 * The Redis backend: several calling-server nodes share one user base.
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
 * | `fifo`             | list   | `user\|seq\|bytes\|time` of every stored copy, oldest first      |
 * | `stored:n` / `:b`  | string | stored copies / bytes over all users                             |
 * | `g:{group}`        | set    | group members; `groups` the set of groupIDs                      |
 * | `r:{room}`         | hash   | peerID → `user\|node`; `rooms` the set of roomIDs, `roompeers`   |
 *
 * Channel `ch:{node}` carries what other nodes tell this one (`BusEvent`s, handovers), in order
 * per publishing node. A message is published only to the nodes the append script found in the
 * recipient's presence: a login registers its presence before it reads its replay, so a message
 * is either in that replay or published to its node (or both, and the hub drops the duplicate).
 *
 * Needs one standalone Redis endpoint (not Redis Cluster): the scripts touch keys they compute.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from 'pino';
import type { WireMessage } from 'ngx-trtc-calling/wire';
import type {
  AppendResult,
  Backend,
  BackendHealth,
  Bus,
  BusEvent,
  BusHandler,
  ClaimedSession,
  GroupLimits,
  GroupRefusal,
  OpenSessionRequest,
  OpenSessionResult,
  RoomPeer,
  RoomPush,
  SessionRef,
  Store,
  StoreStats,
} from './cluster';
import type { ServerConfig } from './config';
import { withSeq, type EvictionReason } from './message-store';
import type { Metrics } from './metrics';

/** A user's seq key lives this long after its last use (a later record restarts above it anyway). */
const SEQ_TTL_MS = 30 * 24 * 3600 * 1000;
/** Expired copies dropped per sweep call. */
const SWEEP_BATCH = 2000;
/** How long a resuming node waits for the old node to hand a session over (capped by nodeTimeoutMs). */
const HANDOVER_TIMEOUT_MS = 1000;
/** How long a send waits for the recipients' nodes to acknowledge their pushes. */
const ACK_TIMEOUT_MS = 1000;

const LIVE = 'L';
const GRACE = 'G';

// ---- Lua ----------------------------------------------------------------------------------------
// Seqs are ~1.7e15: exact in Lua's doubles, printed with %d (never tostring, which rounds).

/** KEYS presence, seq, delivered, node set. ARGV sid node policy max keep seqInit seqTtl user. */
const OPEN = `
local pres = redis.call('HGETALL', KEYS[1])
local out = {}
if ARGV[3] == 'multi' then
  local live = 0
  for i = 1, #pres, 2 do
    if pres[i] ~= ARGV[1] and pres[i] ~= ARGV[5] and string.sub(pres[i + 1], -2) == '|L' then live = live + 1 end
  end
  if live >= tonumber(ARGV[4]) then return {0} end
else
  for i = 1, #pres, 2 do
    if pres[i] ~= ARGV[1] and pres[i] ~= ARGV[5] then
      redis.call('HDEL', KEYS[1], pres[i])
      out[#out + 1] = pres[i]
      out[#out + 1] = string.sub(pres[i + 1], 1, -3)
    end
  end
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2] .. '|L')
redis.call('SADD', KEYS[4], ARGV[8] .. '|' .. ARGV[1])
if redis.call('EXISTS', KEYS[2]) == 0 then
  redis.call('SET', KEYS[2], ARGV[6])
  redis.call('SET', KEYS[3], ARGV[6], 'PX', ARGV[7])
end
redis.call('PEXPIRE', KEYS[2], ARGV[7])
local seq = redis.call('GET', KEYS[2])
-- No record of what was delivered: replay everything stored (clients drop duplicates by id).
local delivered = redis.call('GET', KEYS[3]) or '0'
return {1, seq, delivered, unpack(out)}
`;

/**
 * ARGV prefix head tail bytes time seqInit seqTtl perUser maxMessages maxBytes nodeTimeout
 * user... (sender last). Answers per user its seq and the live nodes holding its sessions.
 */
const APPEND = `
local P = ARGV[1]
local bytes = tonumber(ARGV[4])
local res = {}
local perUser, tooMany, tooBig = 0, 0, 0
local t = redis.call('TIME')
local fresh = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) - tonumber(ARGV[11])
local alive = {}
for i = 12, #ARGV do
  local uid = ARGV[i]
  local qk = P .. 'u:' .. uid .. ':q'
  if redis.call('EXISTS', qk) == 0 then
    redis.call('SET', qk, ARGV[6])
    redis.call('SET', P .. 'u:' .. uid .. ':d', ARGV[6], 'PX', ARGV[7])
  end
  local s = string.format('%d', redis.call('INCR', qk))
  redis.call('PEXPIRE', qk, ARGV[7])
  local mk = P .. 'u:' .. uid .. ':m'
  redis.call('ZADD', mk, s, ARGV[4] .. '|' .. ARGV[2] .. s .. ARGV[3])
  redis.call('RPUSH', P .. 'fifo', uid .. '|' .. s .. '|' .. ARGV[4] .. '|' .. ARGV[5])
  redis.call('INCR', P .. 'stored:n')
  redis.call('INCRBY', P .. 'stored:b', bytes)
  local extra = redis.call('ZCARD', mk) - tonumber(ARGV[8])
  while extra > 0 do
    local popped = redis.call('ZPOPMIN', mk)
    redis.call('DECR', P .. 'stored:n')
    redis.call('DECRBY', P .. 'stored:b', tonumber(string.match(popped[1], '^(%d+)|')))
    perUser = perUser + 1
    extra = extra - 1
  end
  local nodes = {}
  local live = false
  for _, v in ipairs(redis.call('HVALS', P .. 'u:' .. uid .. ':p')) do
    local node = string.sub(v, 1, -3)
    if alive[node] == nil then
      local hb = redis.call('ZSCORE', P .. 'nodes', node)
      alive[node] = hb ~= false and tonumber(hb) >= fresh
    end
    if alive[node] then nodes[#nodes + 1] = node end
    if string.sub(v, -1) == 'L' then live = true end
  end
  if live then redis.call('SET', P .. 'u:' .. uid .. ':d', s, 'PX', ARGV[7]) end
  res[#res + 1] = s
  res[#res + 1] = table.concat(nodes, ',')
end
local count = tonumber(redis.call('GET', P .. 'stored:n'))
local total = tonumber(redis.call('GET', P .. 'stored:b'))
local maxN, maxB = tonumber(ARGV[9]), tonumber(ARGV[10])
while count > maxN or (total > maxB and count > 1) do
  local e = redis.call('LPOP', P .. 'fifo')
  if not e then break end
  local uid, s, b = string.match(e, '^([^|]+)|(%d+)|(%d+)|')
  if redis.call('ZREMRANGEBYSCORE', P .. 'u:' .. uid .. ':m', s, s) > 0 then
    if count > maxN then tooMany = tooMany + 1 else tooBig = tooBig + 1 end
    count = count - 1
    total = total - tonumber(b)
    redis.call('DECR', P .. 'stored:n')
    redis.call('DECRBY', P .. 'stored:b', b)
  end
end
res[#res + 1] = perUser
res[#res + 1] = tooMany
res[#res + 1] = tooBig
return res
`;

/** ARGV prefix cutoff batch. Drops copies older than cutoff (oldest first). */
const SWEEP = `
local P = ARGV[1]
local n = 0
while n < tonumber(ARGV[3]) do
  local e = redis.call('LINDEX', P .. 'fifo', 0)
  if not e then break end
  local uid, s, b, t = string.match(e, '^([^|]+)|(%d+)|(%d+)|(%d+)$')
  if uid and tonumber(t) >= tonumber(ARGV[2]) then break end
  redis.call('LPOP', P .. 'fifo')
  if uid and redis.call('ZREMRANGEBYSCORE', P .. 'u:' .. uid .. ':m', s, s) > 0 then
    redis.call('DECR', P .. 'stored:n')
    redis.call('DECRBY', P .. 'stored:b', b)
  end
  n = n + 1
end
return n
`;

/** KEYS delivered. ARGV seq ttl. */
const MARK_DELIVERED = `
local d = redis.call('GET', KEYS[1])
if not d or tonumber(ARGV[1]) > tonumber(d) then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) end
return 1
`;

/** KEYS presence, session rooms. ARGV sid user node prefix timeoutMs. */
const CLAIM = `
local v = redis.call('HGET', KEYS[1], ARGV[1])
if not v then return false end
local old = string.sub(v, 1, -3)
local P = ARGV[4]
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3] .. '|L')
redis.call('SREM', P .. 'n:' .. old, ARGV[2] .. '|' .. ARGV[1])
redis.call('SADD', P .. 'n:' .. ARGV[3], ARGV[2] .. '|' .. ARGV[1])
local rooms = {}
for _, room in ipairs(redis.call('SMEMBERS', KEYS[2])) do
  local rk = P .. 'r:' .. room
  if redis.call('HEXISTS', rk, ARGV[1]) == 1 then
    redis.call('HSET', rk, ARGV[1], ARGV[2] .. '|' .. ARGV[3])
    rooms[#rooms + 1] = room
  else
    redis.call('SREM', KEYS[2], room)
  end
end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local hb = redis.call('ZSCORE', P .. 'nodes', old)
local alive = 0
if hb and now - tonumber(hb) < tonumber(ARGV[5]) then alive = 1 end
return {old, alive, unpack(rooms)}
`;

/** KEYS presence. ARGV sid node flag. Only for a session this node still holds. */
const SET_LIVE = `
local v = redis.call('HGET', KEYS[1], ARGV[1])
if v and string.sub(v, 1, -3) == ARGV[2] then redis.call('HSET', KEYS[1], ARGV[1], ARGV[2] .. '|' .. ARGV[3]) end
return 1
`;

/** KEYS presence, node set, session rooms. ARGV sid node user. */
const CLOSE = `
local v = redis.call('HGET', KEYS[1], ARGV[1])
redis.call('SREM', KEYS[2], ARGV[3] .. '|' .. ARGV[1])
if v and string.sub(v, 1, -3) ~= ARGV[2] then return 0 end
if v then redis.call('HDEL', KEYS[1], ARGV[1]) end
redis.call('DEL', KEYS[3])
return 1
`;

/** KEYS room, session rooms. ARGV sid value max roomID prefix. */
const ROOM_JOIN = `
local all = redis.call('HGETALL', KEYS[1])
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then
  if #all / 2 >= tonumber(ARGV[3]) then return false end
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
  redis.call('SADD', KEYS[2], ARGV[4])
  redis.call('SADD', ARGV[5] .. 'rooms', ARGV[4])
  redis.call('INCR', ARGV[5] .. 'roompeers')
end
local out = {}
for i = 1, #all, 2 do
  if all[i] ~= ARGV[1] then
    out[#out + 1] = all[i]
    out[#out + 1] = all[i + 1]
  end
end
return out
`;

/** KEYS room, session rooms. ARGV sid roomID prefix node ('' = any). */
const ROOM_LEAVE = `
local v = redis.call('HGET', KEYS[1], ARGV[1])
if not v then
  redis.call('SREM', KEYS[2], ARGV[2])
  return false
end
if ARGV[4] ~= '' and string.match(v, '|(.*)$') ~= ARGV[4] then return false end
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('SREM', KEYS[2], ARGV[2])
redis.call('DECR', ARGV[3] .. 'roompeers')
local rest = redis.call('HGETALL', KEYS[1])
if #rest == 0 then redis.call('SREM', ARGV[3] .. 'rooms', ARGV[2]) end
return rest
`;

/** KEYS presence, node set, session rooms. ARGV sid node flag user prefix room... */
const RESTORE = `
local P = ARGV[5]
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2] .. '|' .. ARGV[3])
redis.call('SADD', KEYS[2], ARGV[4] .. '|' .. ARGV[1])
for i = 6, #ARGV do
  if redis.call('HSET', P .. 'r:' .. ARGV[i], ARGV[1], ARGV[4] .. '|' .. ARGV[2]) == 1 then
    redis.call('INCR', P .. 'roompeers')
  end
  redis.call('SADD', P .. 'rooms', ARGV[i])
  redis.call('SADD', KEYS[3], ARGV[i])
end
return 1
`;

/** KEYS group, groups. ARGV maxGroups groupID member... */
const GROUP_CREATE = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 'exists' end
if redis.call('SCARD', KEYS[2]) >= tonumber(ARGV[1]) then return 'tooManyGroups' end
redis.call('SADD', KEYS[1], unpack(ARGV, 3))
redis.call('SADD', KEYS[2], ARGV[2])
return ''
`;

/** KEYS group. ARGV user max. */
const GROUP_JOIN = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 'unknown' end
if redis.call('SISMEMBER', KEYS[1], ARGV[1]) == 1 then return '' end
if redis.call('SCARD', KEYS[1]) >= tonumber(ARGV[2]) then return 'full' end
redis.call('SADD', KEYS[1], ARGV[1])
return ''
`;

/** KEYS group, groups. ARGV user groupID. */
const GROUP_LEAVE = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 'unknown' end
if redis.call('SREM', KEYS[1], ARGV[1]) == 0 then return 'notMember' end
if redis.call('SCARD', KEYS[1]) == 0 then redis.call('SREM', KEYS[2], ARGV[2]) end
return ''
`;

/** KEYS nodes. ARGV node deadAfterMs. Heartbeat; answers the nodes silent for longer than deadAfterMs. */
const HEARTBEAT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZADD', KEYS[1], now, ARGV[1])
return redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', '(' .. (now - tonumber(ARGV[2])))
`;

/** KEYS nodes. ARGV aliveWithinMs. */
const LIVE_NODES = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
return redis.call('ZCOUNT', KEYS[1], now - tonumber(ARGV[1]), '+inf')
`;

/** KEYS room. ARGV peerID channelPrefix thisNode event. Publishes unless the peer is here. */
const RELAY = `
local v = redis.call('HGET', KEYS[1], ARGV[1])
if not v then return false end
local node = string.match(v, '|(.*)$')
if node ~= ARGV[3] then redis.call('PUBLISH', ARGV[2] .. node, ARGV[4]) end
return v
`;

const SCRIPTS = {
  cOpen: [4, OPEN],
  cAppend: [0, APPEND],
  cSweep: [0, SWEEP],
  cMarkDelivered: [1, MARK_DELIVERED],
  cClaim: [2, CLAIM],
  cSetLive: [1, SET_LIVE],
  cClose: [3, CLOSE],
  cRoomJoin: [2, ROOM_JOIN],
  cRoomLeave: [2, ROOM_LEAVE],
  cRestore: [3, RESTORE],
  cGroupCreate: [2, GROUP_CREATE],
  cGroupJoin: [1, GROUP_JOIN],
  cGroupLeave: [2, GROUP_LEAVE],
  cHeartbeat: [1, HEARTBEAT],
  cLiveNodes: [1, LIVE_NODES],
  cRelay: [1, RELAY],
} as const;
type ScriptName = keyof typeof SCRIPTS;
type Arg = string | number;

/** What one node publishes on another's channel. */
type Wire =
  | BusEvent
  | (BusEvent & { readonly k: 'msg'; readonly ack: string; readonly from: string })
  | { readonly k: 'ack'; readonly rid: string }
  | { readonly k: 'handover'; readonly sessionID: string; readonly from: string; readonly rid: string }
  | { readonly k: 'handedOver'; readonly rid: string; readonly pending: RoomPush[] };

/** What `connectRedisBackend` needs. */
export interface RedisBackendDeps {
  readonly config: ServerConfig;
  readonly log: Logger;
  readonly metrics: Metrics;
  readonly now: () => number;
}

/** `redis://user:secret@host` → `redis://user:***@host` (for logs and errors). */
export function redactRedisUrl(url: string): string {
  return url.replace(/(\/\/[^:/@]*:)[^@/]*@/, '$1***@');
}

/** A default node name: host, pid and a random suffix (unique across restarts). */
export function defaultNodeId(): string {
  const host =
    hostname()
      .replace(/[^A-Za-z0-9_.-]/g, '')
      .slice(0, 32) || 'node';
  return `${host}-${process.pid}-${randomUUID().slice(0, 8)}`;
}

/**
 * Connects to Redis (both the command and the subscriber connection) within
 * `redisConnectTimeoutMs`, or rejects with a clear error and leaves nothing open.
 */
export async function connectRedisBackend(deps: RedisBackendDeps): Promise<RedisBackend> {
  const { config } = deps;
  const url = config.redisUrl;
  if (!url) throw new Error('connectRedisBackend: no redisUrl');
  const timeout = config.redisConnectTimeoutMs;
  // Start is one bounded attempt (no retries before the first connection); once closed, no
  // reconnect may be scheduled again, whatever events ioredis still sees.
  const life = { over: true };
  const options: RedisOptions = {
    lazyConnect: true,
    connectTimeout: timeout,
    // A command waits through a short outage (Redis restarting) but not forever.
    maxRetriesPerRequest: 3,
    // ioredis arms this timer on every disconnect(), even of a stream already closed (nothing
    // clears it then): keep it short so that it never holds the process.
    disconnectTimeout: 200,
    retryStrategy: (times) => (life.over ? null : Math.min(50 * 2 ** Math.min(times, 6), 2000)),
    enableOfflineQueue: true,
    autoResubscribe: true,
    connectionName: undefined,
  };
  const cmd = new Redis(url, options);
  const sub = new Redis(url, options);
  let lastError: Error | undefined;
  const onError = (err: Error) => (lastError = err);
  cmd.on('error', onError);
  sub.on('error', onError);
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      Promise.all([cmd.connect(), sub.connect()]).then(() => {
        life.over = false; // connected: from now on, reconnect after a drop
        // Set only now: ioredis arms it on the handshake commands of a failed start too, and
        // those timers would outlive the failure.
        cmd.options.commandTimeout = Math.max(2000, timeout);
        return cmd.ping();
      }),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeout} ms`)), timeout);
      }),
    ]);
  } catch (e) {
    life.over = true;
    cmd.disconnect();
    sub.disconnect();
    const why = lastError?.message ?? (e as Error).message;
    throw new Error(`cannot reach Redis at ${redactRedisUrl(url)}: ${why}`);
  } finally {
    clearTimeout(timer);
    cmd.off('error', onError);
    sub.off('error', onError);
  }
  return new RedisBackend(deps, cmd, sub, life);
}

/** The Redis `Store`, `Bus` and their life cycle (see the file comment). */
export class RedisBackend implements Backend, Store, Bus {
  readonly clustered = true;
  /**
   * Identity in Redis (presence, rooms, channel, heartbeat): the name plus a per-process suffix,
   * so that a node restarted under the same `--node-id` never inherits its predecessor's sessions
   * (those are reaped once the predecessor's heartbeat is old enough).
   */
  readonly node: string;
  readonly name: string;
  readonly store: Store = this;
  readonly bus: Bus = this;
  private readonly P: string;
  private readonly config: ServerConfig;
  private readonly log: Logger;
  private readonly metrics: Metrics;
  private readonly now: () => number;
  private handler: BusHandler | undefined;
  private readonly waiters = new Map<string, (pending: RoomPush[]) => void>();
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private up = true;
  private closed = false;
  /** Identifies this Redis's data set: a different one after a restart means the data is gone. */
  private epoch = '';
  private cached: StoreStats = {
    storedMessages: 0,
    storedBytes: 0,
    groups: 0,
    rooms: 0,
    roomPeers: 0,
    usersKnown: 0,
  };
  private liveNodes = 0;
  private recovering: Promise<void> | undefined;

  constructor(
    deps: RedisBackendDeps,
    private readonly cmd: Redis,
    private readonly sub: Redis,
    private readonly life: { over: boolean } = { over: false },
  ) {
    this.config = deps.config;
    this.name = deps.config.nodeId ?? defaultNodeId();
    this.node = deps.config.nodeId ? `${deps.config.nodeId}~${randomUUID().slice(0, 6)}` : this.name;
    this.log = deps.log.child({ node: this.name });
    this.metrics = deps.metrics;
    this.now = deps.now;
    this.P = deps.config.redisKeyPrefix;
    for (const [name, [numberOfKeys, lua]] of Object.entries(SCRIPTS)) {
      cmd.defineCommand(name, { numberOfKeys, lua });
    }
  }

  // ---- life cycle ---------------------------------------------------------------------------

  async start(handler: BusHandler): Promise<void> {
    this.handler = handler;
    this.sub.on('message', (channel: string, text: string) => this.onWire(text));
    await this.sub.subscribe(this.channel(this.node));
    await this.cmd.set(this.k('epoch'), randomUUID(), 'NX');
    this.epoch = (await this.cmd.get(this.k('epoch'))) ?? '';
    await this.heartbeat();
    await this.refreshStats();
    this.watch(this.cmd, 'command');
    this.watch(this.sub, 'subscriber');
    const every = Math.max(100, Math.floor(this.config.nodeTimeoutMs / 4));
    this.heartbeatTimer = setInterval(() => {
      this.heartbeat().catch((err: unknown) => this.log.warn({ err }, 'redis heartbeat failed'));
    }, every);
    this.heartbeatTimer.unref();
    this.log.info(
      { id: this.node, redis: redactRedisUrl(this.config.redisUrl ?? ''), prefix: this.P },
      'joined the cluster through Redis',
    );
  }

  private watch(client: Redis, role: string): void {
    let errors = 0;
    client.on('error', (err: Error) => {
      // ioredis reports every failed reconnect attempt; the first few are enough.
      if (errors++ < 3) this.log.warn({ role, err: err.message }, 'redis error');
    });
    client.on('close', () => {
      if (this.closed) return;
      if (role === 'command' && this.up) {
        this.up = false;
        this.metrics.redisEvents.inc('disconnected');
        this.log.warn({ role }, 'redis connection lost; reconnecting');
      }
    });
    client.on('ready', () => {
      if (this.closed) return;
      errors = 0;
      this.metrics.redisEvents.inc(`${role}Reconnected`);
      this.log.warn({ role }, 'redis connection back');
      if (role === 'command') this.up = true;
      this.recover();
    });
  }

  /** After a reconnect: register again if Redis lost its data, then catch up on missed pushes. */
  private recover(): void {
    if (this.recovering) return;
    this.recovering = (async () => {
      // Both connections back (the subscriber resubscribed) before catching up.
      for (let i = 0; i < 100 && (this.cmd.status !== 'ready' || this.sub.status !== 'ready'); i++) {
        await new Promise((r) => setTimeout(r, 20));
      }
      const epoch = await this.cmd.get(this.k('epoch'));
      if (epoch !== this.epoch) {
        await this.cmd.set(this.k('epoch'), randomUUID(), 'NX');
        this.epoch = (await this.cmd.get(this.k('epoch'))) ?? '';
        const sessions = this.handler?.localSessions() ?? [];
        for (const s of sessions) {
          await this.run(
            'cRestore',
            [this.k(`u:${s.userID}:p`), this.k(`n:${this.node}`), this.k(`s:${s.sessionID}:r`)],
            [s.sessionID, this.node, s.live ? LIVE : GRACE, s.userID, this.P, ...s.rooms],
          );
        }
        this.metrics.redisEvents.inc('dataLost');
        this.log.warn(
          { sessions: sessions.length },
          'redis lost its data: registered this node’s sessions again',
        );
      }
      await this.heartbeat();
      await this.handler?.catchUp();
    })()
      .catch((err: unknown) => this.log.warn({ err }, 'recovery after redis reconnect failed'))
      .finally(() => (this.recovering = undefined));
  }

  health(): BackendHealth {
    return {
      redis: this.up && this.cmd.status === 'ready' ? 'up' : 'down',
      node: this.name,
      nodes: this.liveNodes,
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.heartbeatTimer);
    this.life.over = true;
    for (const resolve of this.waiters.values()) resolve([]);
    this.waiters.clear();
    if (this.cmd.status === 'ready') {
      // Sessions left behind (drained for resume elsewhere): this node counts as dead from now
      // on, so they can be claimed without a handover and are reaped after the grace period.
      const leave = (async () => {
        const held = await this.cmd.scard(this.k(`n:${this.node}`));
        if (held > 0) {
          const [sec, usec] = await this.cmd.time();
          const now = Number(sec) * 1000 + Math.floor(Number(usec) / 1000);
          await this.cmd.zadd(this.k('nodes'), now - this.config.nodeTimeoutMs, this.node);
        } else {
          await this.cmd
            .multi()
            .zrem(this.k('nodes'), this.node)
            .del(this.k(`n:${this.node}`))
            .exec();
        }
      })().catch(() => undefined);
      await Promise.race([leave, new Promise((r) => setTimeout(r, 1000).unref())]);
    }
    await Promise.all(
      [this.sub, this.cmd].map((c) =>
        Promise.race([c.quit().catch(() => undefined), new Promise((r) => setTimeout(r, 500).unref())]).then(
          () => {
            if (c.status !== 'end') c.disconnect();
          },
        ),
      ),
    );
  }

  // ---- bus ----------------------------------------------------------------------------------

  private channel(node: string): string {
    return this.k(`ch:${node}`);
  }

  async publish(node: string, event: BusEvent): Promise<void> {
    if (event.k !== 'msg') {
      await this.cmd.publish(this.channel(node), JSON.stringify(event));
      return;
    }
    // A message copy: wait until the node has pushed it to its sessions (as one node does
    // before it answers the send), but never long: the copy is stored either way.
    const rid = randomUUID();
    const acked = new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.waiters.delete(rid);
        this.metrics.redisEvents.inc('ackTimeout');
        resolve();
      }, ACK_TIMEOUT_MS);
      this.waiters.set(rid, () => {
        clearTimeout(timer);
        this.waiters.delete(rid);
        resolve();
      });
    });
    const wire: Wire = { ...event, ack: rid, from: this.node };
    let receivers: number;
    try {
      receivers = await this.cmd.publish(this.channel(node), JSON.stringify(wire));
    } catch (err) {
      this.waiters.get(rid)?.([]);
      throw err;
    }
    // Nobody listening (its subscriber is reconnecting): it catches up from the mailbox.
    if (receivers === 0) {
      this.metrics.redisEvents.inc('noSubscriber');
      this.waiters.get(rid)?.([]);
    }
    await acked;
  }

  private send(node: string, wire: Wire): void {
    this.cmd.publish(this.channel(node), JSON.stringify(wire)).catch((err: unknown) => {
      this.metrics.redisEvents.inc('publishFailed');
      this.log.warn({ err, node, kind: wire.k }, 'publish failed');
    });
  }

  async relay(roomID: number, peerID: string, frame: RoomPush): Promise<RoomPeer | null> {
    const event: BusEvent = { k: 'push', sessionID: peerID, frame };
    const v = (await this.run(
      'cRelay',
      [this.k(`r:${roomID}`)],
      [peerID, this.k('ch:'), this.node, JSON.stringify(event)],
    )) as string | null;
    return v ? this.peer(peerID, v) : null;
  }

  handover(node: string, sessionID: string): Promise<RoomPush[] | null> {
    const rid = randomUUID();
    return new Promise((resolve) => {
      const timer = setTimeout(
        () => {
          this.waiters.delete(rid);
          resolve(null);
        },
        Math.min(HANDOVER_TIMEOUT_MS, this.config.nodeTimeoutMs),
      );
      this.waiters.set(rid, (pending) => {
        clearTimeout(timer);
        this.waiters.delete(rid);
        resolve(pending);
      });
      this.send(node, { k: 'handover', sessionID, from: this.node, rid });
    });
  }

  private onWire(text: string): void {
    let wire: Wire;
    try {
      wire = JSON.parse(text) as Wire;
    } catch {
      this.log.warn('ignored a bus message that is not JSON');
      return;
    }
    try {
      if (wire.k === 'handover') {
        const pending = this.handler?.releaseSession(wire.sessionID, wire.from) ?? [];
        this.send(wire.from, { k: 'handedOver', rid: wire.rid, pending });
      } else if (wire.k === 'handedOver') {
        this.waiters.get(wire.rid)?.(wire.pending);
      } else if (wire.k === 'ack') {
        this.waiters.get(wire.rid)?.([]);
      } else {
        this.handler?.onBusEvent(wire);
        if ('ack' in wire) this.send(wire.from, { k: 'ack', rid: wire.ack });
      }
    } catch (err) {
      this.log.error({ err, kind: wire.k }, 'bus event handler failed');
    }
  }

  // ---- presence -----------------------------------------------------------------------------

  private k(suffix: string): string {
    return this.P + suffix;
  }

  private run(name: ScriptName, keys: string[], args: Arg[]): Promise<unknown> {
    const fn = (this.cmd as unknown as Record<string, (...a: Arg[]) => Promise<unknown>>)[name];
    return fn.call(this.cmd, ...keys, ...args);
  }

  private seqInit(): string {
    return String(Math.floor(this.now()) * 1000);
  }

  async openSession(req: OpenSessionRequest): Promise<OpenSessionResult> {
    const u = req.userID;
    const r = (await this.run(
      'cOpen',
      [this.k(`u:${u}:p`), this.k(`u:${u}:q`), this.k(`u:${u}:d`), this.k(`n:${this.node}`)],
      [
        req.sessionID,
        this.node,
        req.policy,
        req.maxSessions,
        req.keepSessionID ?? '',
        this.seqInit(),
        SEQ_TTL_MS,
        u,
      ],
    )) as (string | number)[];
    if (Number(r[0]) === 0) return { ok: false };
    const replaced: SessionRef[] = [];
    for (let i = 3; i < r.length; i += 2) replaced.push({ sessionID: String(r[i]), node: String(r[i + 1]) });
    return { ok: true, replaced, seq: Number(r[1]), deliveredSeq: Number(r[2]) };
  }

  async claimSession(userID: string, sessionID: string): Promise<ClaimedSession | null> {
    const r = (await this.run(
      'cClaim',
      [this.k(`u:${userID}:p`), this.k(`s:${sessionID}:r`)],
      [sessionID, userID, this.node, this.P, this.config.nodeTimeoutMs],
    )) as string[] | null;
    if (!r) return null;
    return { node: String(r[0]), alive: Number(r[1]) === 1, rooms: r.slice(2).map(Number) };
  }

  async setSessionLive(userID: string, sessionID: string, live: boolean): Promise<void> {
    await this.run('cSetLive', [this.k(`u:${userID}:p`)], [sessionID, this.node, live ? LIVE : GRACE]);
  }

  async closeSession(userID: string, sessionID: string): Promise<void> {
    await this.run(
      'cClose',
      [this.k(`u:${userID}:p`), this.k(`n:${this.node}`), this.k(`s:${sessionID}:r`)],
      [sessionID, this.node, userID],
    );
  }

  // ---- messages -----------------------------------------------------------------------------

  async append(recipients: readonly string[], base: Omit<WireMessage, 'seq'>): Promise<AppendResult> {
    const c = this.config;
    const head = `{"id":${JSON.stringify(base.id)},"seq":`;
    const tail =
      `,"from":${JSON.stringify(base.from)},"conversationType":${JSON.stringify(base.conversationType)}` +
      `,"to":${JSON.stringify(base.to)},"data":${JSON.stringify(base.data)},"time":${JSON.stringify(base.time)}}`;
    const users = [...recipients, base.from];
    const r = (await this.run(
      'cAppend',
      [],
      [
        this.P,
        head,
        tail,
        Buffer.byteLength(base.data),
        Math.floor(base.time),
        this.seqInit(),
        SEQ_TTL_MS,
        c.mailboxMaxMessages,
        c.maxStoredMessages,
        c.maxStoredBytes,
        c.nodeTimeoutMs,
        ...users,
      ],
    )) as (string | number)[];
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
      ['totalLimit', Number(r[2 * users.length + 1])],
      ['byteLimit', Number(r[2 * users.length + 2])],
    ];
    for (const [reason, n] of evicted) if (n > 0) this.metrics.storedEvicted.inc(reason, n);
    const echo = copies.pop()!;
    return { copies, echo };
  }

  markDelivered(userID: string, seq: number): void {
    this.run('cMarkDelivered', [this.k(`u:${userID}:d`)], [String(seq), SEQ_TTL_MS]).catch((err: unknown) =>
      this.log.warn({ err, user: userID }, 'cannot record the delivered seq'),
    );
  }

  private parse(members: string[]): WireMessage[] {
    const cutoff = this.now() - this.config.mailboxRetentionMs;
    const out: WireMessage[] = [];
    for (const m of members) {
      const message = JSON.parse(m.slice(m.indexOf('|') + 1)) as WireMessage;
      if (message.time >= cutoff) out.push(message);
    }
    return out;
  }

  async after(userID: string, afterSeq: number): Promise<WireMessage[]> {
    const members = await this.cmd.zrangebyscore(this.k(`u:${userID}:m`), `(${afterSeq}`, '+inf');
    return this.parse(members);
  }

  async history(userID: string, since: number, limit: number): Promise<WireMessage[]> {
    const all = this.parse(await this.cmd.zrange(this.k(`u:${userID}:m`), '0', '-1'));
    return all.filter((m) => m.time >= since).slice(-limit);
  }

  // ---- groups -------------------------------------------------------------------------------

  async createGroup(
    groupID: string,
    members: readonly string[],
    limits: GroupLimits,
  ): Promise<GroupRefusal | null> {
    const r = await this.run(
      'cGroupCreate',
      [this.k(`g:${groupID}`), this.k('groups')],
      [limits.maxGroups, groupID, ...members],
    );
    return (r as GroupRefusal | '') || null;
  }

  async joinGroup(groupID: string, userID: string, limits: GroupLimits): Promise<GroupRefusal | null> {
    const r = await this.run('cGroupJoin', [this.k(`g:${groupID}`)], [userID, limits.maxGroupMembers]);
    return (r as GroupRefusal | '') || null;
  }

  async leaveGroup(groupID: string, userID: string): Promise<GroupRefusal | null> {
    const r = await this.run('cGroupLeave', [this.k(`g:${groupID}`), this.k('groups')], [userID, groupID]);
    return (r as GroupRefusal | '') || null;
  }

  async groupMembers(groupID: string): Promise<readonly string[] | null> {
    const members = await this.cmd.smembers(this.k(`g:${groupID}`));
    return members.length > 0 ? members : null;
  }

  // ---- rooms --------------------------------------------------------------------------------

  private peers(flat: string[]): RoomPeer[] {
    const out: RoomPeer[] = [];
    for (let i = 0; i < flat.length; i += 2) out.push(this.peer(flat[i], flat[i + 1]));
    return out;
  }

  private peer(peerID: string, value: string): RoomPeer {
    const bar = value.indexOf('|');
    return { userID: value.slice(0, bar), peerID, node: value.slice(bar + 1) };
  }

  async joinRoom(roomID: number, peer: RoomPeer, maxPeers: number): Promise<RoomPeer[] | null> {
    const r = (await this.run(
      'cRoomJoin',
      [this.k(`r:${roomID}`), this.k(`s:${peer.peerID}:r`)],
      [peer.peerID, `${peer.userID}|${peer.node}`, maxPeers, roomID, this.P],
    )) as string[] | null;
    return r ? this.peers(r) : null;
  }

  async leaveRoom(roomID: number, peerID: string, node = this.node): Promise<RoomPeer[] | null> {
    const r = (await this.run(
      'cRoomLeave',
      [this.k(`r:${roomID}`), this.k(`s:${peerID}:r`)],
      [peerID, roomID, this.P, node],
    )) as string[] | null;
    return r ? this.peers(r) : null;
  }

  async roomPeers(roomID: number): Promise<RoomPeer[]> {
    return this.peers(Object.entries(await this.cmd.hgetall(this.k(`r:${roomID}`))).flat());
  }

  async roomPeer(roomID: number, peerID: string): Promise<RoomPeer | null> {
    const v = await this.cmd.hget(this.k(`r:${roomID}`), peerID);
    return v ? this.peer(peerID, v) : null;
  }

  // ---- housekeeping -------------------------------------------------------------------------

  async sweep(): Promise<void> {
    if (this.cmd.status !== 'ready') return;
    const cutoff = Math.floor(this.now() - this.config.mailboxRetentionMs);
    await this.run('cSweep', [], [this.P, cutoff, SWEEP_BATCH]);
    await this.refreshStats();
  }

  private async refreshStats(): Promise<void> {
    const r = await this.cmd
      .multi()
      .get(this.k('stored:n'))
      .get(this.k('stored:b'))
      .scard(this.k('groups'))
      .scard(this.k('rooms'))
      .get(this.k('roompeers'))
      .exec();
    if (!r) return;
    const v = r.map(([err, value]) => (err ? 0 : Number(value ?? 0)));
    this.cached = {
      storedMessages: v[0],
      storedBytes: v[1],
      groups: v[2],
      rooms: v[3],
      roomPeers: v[4],
      usersKnown: 0,
    };
    this.liveNodes = Number(await this.run('cLiveNodes', [this.k('nodes')], [this.config.nodeTimeoutMs]));
  }

  stats(): StoreStats {
    return { ...this.cached, usersKnown: this.handler?.localUserCount() ?? 0 };
  }

  /** Refreshes this node's heartbeat; ends the sessions of nodes dead for longer than the grace period. */
  private async heartbeat(): Promise<void> {
    if (this.cmd.status !== 'ready') return;
    const deadAfter = this.config.nodeTimeoutMs + this.config.peerLeaveGraceMs;
    const dead = (await this.run('cHeartbeat', [this.k('nodes')], [this.node, deadAfter])) as string[];
    for (const node of dead) {
      if (node === this.node) continue;
      const lock = await this.cmd.set(this.k(`reap:${node}`), this.node, 'PX', 30_000, 'NX');
      if (lock === 'OK') await this.reap(node);
    }
  }

  /** Ends every session a dead node held: its peers are told it left, its presence goes. */
  private async reap(node: string): Promise<void> {
    const held = await this.cmd.smembers(this.k(`n:${node}`));
    for (const entry of held) {
      const bar = entry.indexOf('|');
      const userID = entry.slice(0, bar);
      const sessionID = entry.slice(bar + 1);
      for (const room of await this.cmd.smembers(this.k(`s:${sessionID}:r`))) {
        const roomID = Number(room);
        const rest = await this.leaveRoom(roomID, sessionID, node);
        for (const p of rest ?? []) {
          const frame: RoomPush = { t: 'peer', roomID, event: 'left', peer: { userID, peerID: sessionID } };
          if (p.node === this.node) this.handler?.onBusEvent({ k: 'push', sessionID: p.peerID, frame });
          else this.send(p.node, { k: 'push', sessionID: p.peerID, frame });
        }
      }
      await this.run(
        'cClose',
        [this.k(`u:${userID}:p`), this.k(`n:${node}`), this.k(`s:${sessionID}:r`)],
        [sessionID, node, userID],
      );
      this.metrics.clusterReaped.inc();
    }
    await this.cmd
      .multi()
      .zrem(this.k('nodes'), node)
      .del(this.k(`n:${node}`))
      .exec();
    this.log.warn({ dead: node, sessions: held.length }, 'ended the sessions of a dead node');
  }
}
