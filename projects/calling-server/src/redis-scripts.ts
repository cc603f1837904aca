import type { Redis } from 'ioredis';
import {
  GROUP_ADD,
  GROUP_CREATE,
  GROUP_DELETE,
  GROUP_JOIN,
  GROUP_LEAVE,
  GROUPS_PRUNE,
} from './redis-scripts-groups';
import { ROOM_GRANT, ROOM_JOIN, ROOM_LEAVE } from './redis-scripts-rooms';

/**
 * The Lua scripts of the Redis backend: each change of shared state that must be atomic is one
 * script (`EVALSHA` through ioredis' `defineCommand`). Keys are described in `redis-store.ts`.
 */

/** A session's presence value: `node|L` while it has a socket, `node|G` in its grace period. */
export const LIVE = 'L';
export const GRACE = 'G';

// ---- Lua ----------------------------------------------------------------------------------------
// Seqs are ~1.7e15: exact in Lua's doubles, printed with %d (never tostring, which rounds).

/** KEYS presence, seq, delivered, node set. ARGV sid node policy max keep seqInit keyTtl user. */
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
  redis.call('SET', KEYS[3], ARGV[6])
end
-- A user with a session keeps its seq (its clients hold lastSeq): no expiry until CLOSE of its last.
redis.call('PERSIST', KEYS[2])
redis.call('PERSIST', KEYS[3])
local seq = redis.call('GET', KEYS[2])
-- No record of what was delivered: replay everything stored (clients drop duplicates by id).
local delivered = redis.call('GET', KEYS[3]) or '0'
return {1, seq, delivered, unpack(out)}
`;

/**
 * Lua: `release(uid, bytes, from)` takes one stored copy (already out of its mailbox) off the
 * totals and off its sender's shares. Needs `P`.
 */
const RELEASE = `
local function release(uid, b, f)
  redis.call('DECR', P .. 'stored:n')
  redis.call('DECRBY', P .. 'stored:b', b)
  if f == '' then return end
  if redis.call('HINCRBY', P .. 'ss:n', f, -1) <= 0 then
    redis.call('HDEL', P .. 'ss:n', f)
    redis.call('HDEL', P .. 'ss:b', f)
  else
    redis.call('HINCRBY', P .. 'ss:b', f, -b)
  end
  local ms = P .. 'u:' .. uid .. ':ms'
  if redis.call('HINCRBY', ms, f, -1) <= 0 then
    redis.call('HDEL', ms, f, f .. '|b')
  else
    redis.call('HINCRBY', ms, f .. '|b', -b)
  end
  if redis.call('HINCRBY', ms, '|b', -b) <= 0 and redis.call('HLEN', ms) <= 1 then redis.call('DEL', ms) end
end
`;

/**
 * ARGV prefix head tail bytes time seqInit keyTtl perUser maxMessages maxBytes nodeTimeout
 * perUserBytes perSender perSenderBytes from user... (sender last). Answers per user its seq and the
 * live nodes holding its sessions, then the evictions by reason; or {'quota', copies, bytes} when
 * the sender would go over its share (nothing stored). The keys of a user without a session
 * expire keyTtl after its last message (see redis-store.ts).
 *
 * Fair shares: `ss:n` / `ss:b` (sender → copies / bytes over all mailboxes) and per mailbox
 * `u:{user}:ms` (sender → copies, `sender|b` → bytes, `|b` → the mailbox's bytes). A full mailbox
 * or store drops the oldest copy of the sender holding most of it; fifo entries name their sender.
 */
const APPEND =
  `
local P = ARGV[1]
local bytes = tonumber(ARGV[4])
local from = ARGV[15]
local nUsers = #ARGV - 15
-- The sender's share is raised for all copies at once, and taken back when that is over it.
local sn = redis.call('HINCRBY', P .. 'ss:n', from, nUsers)
local sb = redis.call('HINCRBY', P .. 'ss:b', from, nUsers * bytes)
if sn > tonumber(ARGV[13]) or sb > tonumber(ARGV[14]) then
  if redis.call('HINCRBY', P .. 'ss:n', from, -nUsers) <= 0 then
    redis.call('HDEL', P .. 'ss:n', from)
    redis.call('HDEL', P .. 'ss:b', from)
  else
    redis.call('HINCRBY', P .. 'ss:b', from, -nUsers * bytes)
  end
  return {'quota', sn, sb}
end
` +
  RELEASE +
  `
local res = {}
local perUser, perUserBytes, tooMany, tooBig = 0, 0, 0, 0
local t = redis.call('TIME')
local fresh = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) - tonumber(ARGV[11])
local alive = {}
local maxPerUser, maxUserBytes = tonumber(ARGV[8]), tonumber(ARGV[12])
for i = 16, #ARGV do
  local uid = ARGV[i]
  local qk = P .. 'u:' .. uid .. ':q'
  -- A missing seq key starts at seqInit (INCR made it 1; seqs are ~1.7e15, never 1).
  local n = redis.call('INCR', qk)
  if n == 1 then
    n = tonumber(ARGV[6]) + 1
    redis.call('SET', qk, string.format('%d', n))
  end
  local s = string.format('%d', n)
  local mk = P .. 'u:' .. uid .. ':m'
  local ms = P .. 'u:' .. uid .. ':ms'
  redis.call('ZADD', mk, s, ARGV[4] .. '|' .. ARGV[2] .. s .. ARGV[3])
  redis.call('PEXPIRE', mk, ARGV[7])
  redis.call('RPUSH', P .. 'fifo', uid .. '|' .. s .. '|' .. ARGV[4] .. '|' .. ARGV[5] .. '|' .. from)
  redis.call('HINCRBY', ms, from, 1)
  redis.call('HINCRBY', ms, from .. '|b', bytes)
  local boxBytes = redis.call('HINCRBY', ms, '|b', bytes)
  redis.call('PEXPIRE', ms, ARGV[7])
  local size = redis.call('ZCARD', mk)
  while size > maxPerUser or (boxBytes > maxUserBytes and size > 1) do
    local byCount = size > maxPerUser
    local v = {}
    local flat = redis.call('HGETALL', ms)
    for j = 1, #flat, 2 do v[flat[j]] = tonumber(flat[j + 1]) end
    local heavy = from
    local most = (byCount and v[from] or v[from .. '|b']) or 0
    for f, n in pairs(v) do
      if string.find(f, '|', 1, true) == nil then
        local w = byCount and n or (v[f .. '|b'] or 0)
        if w > most then heavy, most = f, w end
      end
    end
    local gone = false
    for j = 0, size - 1 do
      local m = redis.call('ZRANGE', mk, j, j)[1]
      if not m then break end
      if string.match(m, '"from":"([^"]*)"') == heavy then
        local b = tonumber(string.match(m, '^(%d+)|'))
        redis.call('ZREM', mk, m)
        release(uid, b, heavy)
        boxBytes = boxBytes - b
        gone = true
        break
      end
    end
    if not gone then break end
    if byCount then perUser = perUser + 1 else perUserBytes = perUserBytes + 1 end
    size = size - 1
  end
  local nodes = {}
  local presence = redis.call('HVALS', P .. 'u:' .. uid .. ':p')
  for _, v in ipairs(presence) do
    local node = string.sub(v, 1, -3)
    if alive[node] == nil then
      local hb = redis.call('ZSCORE', P .. 'nodes', node)
      alive[node] = hb ~= false and tonumber(hb) >= fresh
    end
    if alive[node] then nodes[#nodes + 1] = node end
  end
  -- The delivered seq (:d) is not raised here: the nodes that push a copy to a socket record it
  -- (a session listed live may be on a node that just died).
  local dk = P .. 'u:' .. uid .. ':d'
  if #presence == 0 then
    redis.call('PEXPIRE', qk, ARGV[7])
    redis.call('PEXPIRE', dk, ARGV[7])
  end
  res[#res + 1] = s
  res[#res + 1] = table.concat(nodes, ',')
end
-- The totals count the copies once, after the evictions above took theirs off.
local count = redis.call('INCRBY', P .. 'stored:n', nUsers)
local total = redis.call('INCRBY', P .. 'stored:b', nUsers * bytes)
local maxN, maxB = tonumber(ARGV[9]), tonumber(ARGV[10])
while count > maxN or (total > maxB and count > 1) do
  local byCount = count > maxN
  local flat = redis.call('HGETALL', P .. (byCount and 'ss:n' or 'ss:b'))
  local heavy, most = nil, -1
  for j = 1, #flat, 2 do
    local w = tonumber(flat[j + 1])
    if w > most then heavy, most = flat[j], w end
  end
  if not heavy then break end
  -- Its oldest copy still stored: the first fifo entry of its that a mailbox still holds.
  local gone = false
  local len = redis.call('LLEN', P .. 'fifo')
  for at = 0, len - 1, 100 do
    for _, e in ipairs(redis.call('LRANGE', P .. 'fifo', at, at + 99)) do
      local uid, s, b, _, f = string.match(e, '^([^|]+)|(%d+)|(%d+)|(%d+)|(.*)$')
      if f == heavy and redis.call('ZREMRANGEBYSCORE', P .. 'u:' .. uid .. ':m', s, s) > 0 then
        release(uid, tonumber(b), f)
        count = count - 1
        total = total - tonumber(b)
        if byCount then tooMany = tooMany + 1 else tooBig = tooBig + 1 end
        gone = true
        break
      end
    end
    if gone then break end
  end
  -- Nothing of its is stored (its share outlived its copies): forget the share.
  if not gone then
    redis.call('HDEL', P .. 'ss:n', heavy)
    redis.call('HDEL', P .. 'ss:b', heavy)
  end
end
res[#res + 1] = perUser
res[#res + 1] = perUserBytes
res[#res + 1] = tooMany
res[#res + 1] = tooBig
return res
`;

/** ARGV prefix cutoff batch. Drops copies older than cutoff (oldest first). */
const SWEEP =
  `
local P = ARGV[1]
` +
  RELEASE +
  `
local n = 0
while n < tonumber(ARGV[3]) do
  local e = redis.call('LINDEX', P .. 'fifo', 0)
  if not e then break end
  local uid, s, b, t, f = string.match(e, '^([^|]+)|(%d+)|(%d+)|(%d+)|?(.*)$')
  if uid and tonumber(t) >= tonumber(ARGV[2]) then break end
  redis.call('LPOP', P .. 'fifo')
  if uid and redis.call('ZREMRANGEBYSCORE', P .. 'u:' .. uid .. ':m', s, s) > 0 then
    release(uid, tonumber(b), f)
  end
  n = n + 1
end
return n
`;

/** KEYS delivered. ARGV seq ttl. */
const MARK_DELIVERED = `
local d = redis.call('GET', KEYS[1])
if not d then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
elseif tonumber(ARGV[1]) > tonumber(d) then redis.call('SET', KEYS[1], ARGV[1], 'KEEPTTL') end
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

/**
 * KEYS presence, node set, session rooms, seq, delivered. ARGV sid node user keyTtl. The user's
 * last session gone, its seq and delivered keys expire keyTtl later (unless it comes back).
 */
const CLOSE = `
local v = redis.call('HGET', KEYS[1], ARGV[1])
redis.call('SREM', KEYS[2], ARGV[3] .. '|' .. ARGV[1])
if v and string.sub(v, 1, -3) ~= ARGV[2] then return 0 end
if v then redis.call('HDEL', KEYS[1], ARGV[1]) end
redis.call('DEL', KEYS[3])
if redis.call('EXISTS', KEYS[1]) == 0 then
  redis.call('PEXPIRE', KEYS[4], ARGV[4])
  redis.call('PEXPIRE', KEYS[5], ARGV[4])
end
return 1
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
  -- Its user was in the room: keep it on the room's list (lost with the data, like the room).
  redis.call('HSET', P .. 'ra:' .. ARGV[i], ARGV[4], '1')
  redis.call('PERSIST', P .. 'ra:' .. ARGV[i])
end
return 1
`;

/**
 * KEYS nodes. ARGV node deadAfterMs. Heartbeat; answers 1 when the node was not listed (new, or
 * reaped by another node), then the nodes silent for longer than deadAfterMs.
 */
const HEARTBEAT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local added = redis.call('ZADD', KEYS[1], now, ARGV[1])
return {added, unpack(redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', '(' .. (now - tonumber(ARGV[2]))))}
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
  cClose: [5, CLOSE],
  cRoomGrant: [2, ROOM_GRANT],
  cRoomJoin: [3, ROOM_JOIN],
  cRoomLeave: [3, ROOM_LEAVE],
  cRestore: [3, RESTORE],
  cGroupCreate: [4, GROUP_CREATE],
  cGroupJoin: [3, GROUP_JOIN],
  cGroupAdd: [3, GROUP_ADD],
  cGroupLeave: [3, GROUP_LEAVE],
  cGroupDelete: [3, GROUP_DELETE],
  cGroupsPrune: [1, GROUPS_PRUNE],
  cHeartbeat: [1, HEARTBEAT],
  cLiveNodes: [1, LIVE_NODES],
  cRelay: [1, RELAY],
} as const;

/** The name of a script, as defined on the command connection. */
export type ScriptName = keyof typeof SCRIPTS;
/** An argument of a script (ioredis sends numbers as their decimal text). */
export type Arg = string | number;

/** Defines every script on `cmd`, as a command of its name. */
export function defineScripts(cmd: Redis): void {
  for (const [name, [numberOfKeys, lua]] of Object.entries(SCRIPTS)) {
    cmd.defineCommand(name, { numberOfKeys, lua });
  }
}

/** Runs script `name` on `cmd` (defined by `defineScripts`). */
export function runScript(cmd: Redis, name: ScriptName, keys: string[], args: Arg[]): Promise<unknown> {
  const fn = (cmd as unknown as Record<ScriptName, (...a: Arg[]) => Promise<unknown>>)[name];
  return fn.call(cmd, ...keys, ...args);
}
