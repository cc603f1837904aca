/*
 * The Lua scripts of room access and room membership (run through `redis-scripts.ts`).
 */

// Room access (room-access.ts): `ra:{room}` holds the room's users (field → '1') and, under '|u',
// until when its last invitation rings. It has no expiry while peers are in the room; once the
// room is empty it expires then (or at once when that has passed).

/** KEYS access, room. ARGV inviter ttl maxUsers invitee... Answers 1 when it granted. */
export const ROOM_GRANT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
if redis.call('EXISTS', KEYS[1]) == 1 then
  if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then return 0 end
else
  redis.call('HSET', KEYS[1], ARGV[1], '1')
end
for i = 4, #ARGV do
  if redis.call('HLEN', KEYS[1]) > tonumber(ARGV[3]) then break end
  redis.call('HSET', KEYS[1], ARGV[i], '1')
end
local untilMs = now + tonumber(ARGV[2])
local old = tonumber(redis.call('HGET', KEYS[1], '|u') or '0')
if old > untilMs then untilMs = old end
redis.call('HSET', KEYS[1], '|u', string.format('%d', untilMs))
if redis.call('EXISTS', KEYS[2]) == 1 then
  redis.call('PERSIST', KEYS[1])
else
  redis.call('PEXPIREAT', KEYS[1], string.format('%d', untilMs))
end
return 1
`;

/**
 * KEYS room, session rooms, access. ARGV sid value max roomID prefix user. The peers before, or
 * 'notInvited' (checked first: a stranger learns nothing), or 'full'.
 */
export const ROOM_JOIN = `
local all = redis.call('HGETALL', KEYS[1])
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then
  if redis.call('EXISTS', KEYS[3]) == 1 then
    if redis.call('HEXISTS', KEYS[3], ARGV[6]) == 0 then return 'notInvited' end
  elseif #all > 0 then
    return 'notInvited'
  else
    redis.call('HSET', KEYS[3], ARGV[6], '1')
  end
  if #all / 2 >= tonumber(ARGV[3]) then return 'full' end
  redis.call('PERSIST', KEYS[3])
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

/** KEYS room, session rooms, access. ARGV sid roomID prefix node ('' = any) emptyGrace. */
export const ROOM_LEAVE = `
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
if #rest == 0 then
  redis.call('SREM', ARGV[3] .. 'rooms', ARGV[2])
  local t = redis.call('TIME')
  local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
  local untilMs = tonumber(redis.call('HGET', KEYS[3], '|u') or '0')
  if untilMs < now + tonumber(ARGV[5]) then untilMs = now + tonumber(ARGV[5]) end
  if redis.call('EXISTS', KEYS[3]) == 1 then
    redis.call('HSET', KEYS[3], '|u', string.format('%d', untilMs))
    redis.call('PEXPIREAT', KEYS[3], string.format('%d', untilMs))
  end
end
return rest
`;
