/*
 * The Lua scripts of groups (run through `redis-scripts.ts`).
 */

// Groups expire with their keys (PEXPIRE groupTtl on every use); the sets of groupIDs (\`groups\`,
// an owner's \`gu:{user}\`) may still name expired ones, dropped when counted.

/** KEYS group, groups, owner, owned. ARGV maxGroups groupID maxPerUser ttl prefix member... (owner first). */
export const GROUP_CREATE = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 'exists' end
local P = ARGV[5]
local n = 0
for _, g in ipairs(redis.call('SMEMBERS', KEYS[4])) do
  if redis.call('EXISTS', P .. 'g:' .. g) == 1 then n = n + 1 else redis.call('SREM', KEYS[4], g) end
end
if n >= tonumber(ARGV[3]) then return 'groupQuota' end
if redis.call('SCARD', KEYS[2]) >= tonumber(ARGV[1]) then
  for _, g in ipairs(redis.call('SMEMBERS', KEYS[2])) do
    if redis.call('EXISTS', P .. 'g:' .. g) == 0 then redis.call('SREM', KEYS[2], g) end
  end
  if redis.call('SCARD', KEYS[2]) >= tonumber(ARGV[1]) then return 'tooManyGroups' end
end
redis.call('SADD', KEYS[1], unpack(ARGV, 6))
redis.call('PEXPIRE', KEYS[1], ARGV[4])
redis.call('SET', KEYS[3], ARGV[6], 'PX', ARGV[4])
redis.call('SADD', KEYS[4], ARGV[2])
redis.call('PEXPIRE', KEYS[4], ARGV[4])
redis.call('SADD', KEYS[2], ARGV[2])
return ''
`;

/** KEYS group, owner, open flag (`gp:{group}`, present for an open group). ARGV user max ttl. */
export const GROUP_JOIN = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 'unknown' end
redis.call('PEXPIRE', KEYS[1], ARGV[3])
redis.call('PEXPIRE', KEYS[2], ARGV[3])
redis.call('PEXPIRE', KEYS[3], ARGV[3])
if redis.call('SISMEMBER', KEYS[1], ARGV[1]) == 1 then return '' end
if redis.call('EXISTS', KEYS[3]) == 0 then return 'closed' end
if redis.call('SCARD', KEYS[1]) >= tonumber(ARGV[2]) then return 'full' end
redis.call('SADD', KEYS[1], ARGV[1])
return ''
`;

/** KEYS group, groups, owner. ARGV user groupID ttl prefix. */
export const GROUP_LEAVE = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 'unknown' end
if redis.call('SREM', KEYS[1], ARGV[1]) == 0 then return 'notMember' end
if redis.call('SCARD', KEYS[1]) == 0 then
  redis.call('SREM', KEYS[2], ARGV[2])
  local owner = redis.call('GET', KEYS[3])
  if owner then redis.call('SREM', ARGV[4] .. 'gu:' .. owner, ARGV[2]) end
  redis.call('DEL', KEYS[3], ARGV[4] .. 'gp:' .. ARGV[2])
else
  redis.call('PEXPIRE', KEYS[1], ARGV[3])
  redis.call('PEXPIRE', KEYS[3], ARGV[3])
  redis.call('PEXPIRE', ARGV[4] .. 'gp:' .. ARGV[2], ARGV[3])
end
return ''
`;

/** KEYS group, owner, open flag. ARGV user max ttl member... A member adds members. */
export const GROUP_ADD = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 'unknown' end
if redis.call('SISMEMBER', KEYS[1], ARGV[1]) == 0 then return 'notMember' end
for i = 1, 3 do redis.call('PEXPIRE', KEYS[i], ARGV[3]) end
local n = redis.call('SCARD', KEYS[1])
for i = 4, #ARGV do
  if redis.call('SISMEMBER', KEYS[1], ARGV[i]) == 0 then n = n + 1 end
end
if n > tonumber(ARGV[2]) then return 'full' end
if #ARGV >= 4 then redis.call('SADD', KEYS[1], unpack(ARGV, 4)) end
return ''
`;

/** KEYS groups. ARGV prefix sample. Drops up to `sample` random groupIDs whose group expired. */
export const GROUPS_PRUNE = `
local n = 0
for _, g in ipairs(redis.call('SRANDMEMBER', KEYS[1], tonumber(ARGV[2]))) do
  if redis.call('EXISTS', ARGV[1] .. 'g:' .. g) == 0 then
    redis.call('SREM', KEYS[1], g)
    n = n + 1
  end
end
return n
`;

/** KEYS group, groups, owner. ARGV user groupID prefix. */
export const GROUP_DELETE = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 'unknown' end
if redis.call('GET', KEYS[3]) ~= ARGV[1] then return 'notOwner' end
redis.call('DEL', KEYS[1], KEYS[3], ARGV[3] .. 'gp:' .. ARGV[2])
redis.call('SREM', KEYS[2], ARGV[2])
redis.call('SREM', ARGV[3] .. 'gu:' .. ARGV[1], ARGV[2])
return ''
`;
