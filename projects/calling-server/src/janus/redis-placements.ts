import type { Redis } from 'ioredis';
import type { Placement, Placements } from './placements';

/*
 * Keys (under the server's key prefix):
 *   sfu:{roomID}        "<instance>|<room>" with an expiry (PX ttl), refreshed by each claim
 *   sfu:on:{instance}   sorted set: roomID → epoch ms its placement expires (for counts)
 * Each script keeps the two in step atomically.
 */

/** KEYS: placement, on-set of the new instance. ARGV: value, ttl ms, now ms, roomID. */
const CLAIM = `
local held = redis.call('GET', KEYS[1])
if held and held ~= ARGV[1] then return held end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
redis.call('ZADD', KEYS[2], tonumber(ARGV[3]) + tonumber(ARGV[2]), ARGV[4])
return ARGV[1]`;

/** KEYS: placement, on-set of the old instance, on-set of the new. ARGV: old, new, ttl, now, roomID. */
const REPLACE = `
local held = redis.call('GET', KEYS[1])
if held and held ~= ARGV[1] then return held end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
redis.call('ZREM', KEYS[2], ARGV[5])
redis.call('ZADD', KEYS[3], tonumber(ARGV[4]) + tonumber(ARGV[3]), ARGV[5])
return ARGV[2]`;

/** KEYS: placement, on-set. ARGV: value, roomID. */
const RELEASE = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
redis.call('ZREM', KEYS[2], ARGV[2])
return 1`;

const encode = (p: Placement): string => `${p.instance}|${p.room}`;

function decode(value: unknown): Placement | null {
  if (typeof value !== 'string') return null;
  const bar = value.lastIndexOf('|');
  const room = Number(value.slice(bar + 1));
  return bar > 0 && Number.isSafeInteger(room) ? { instance: value.slice(0, bar), room } : null;
}

/** The placements every node sharing the Redis sees (see `Placements`). */
export class RedisPlacements implements Placements {
  constructor(
    private readonly cmd: Redis,
    private readonly prefix: string,
    private readonly now: () => number,
  ) {}

  private key(roomID: number): string {
    return `${this.prefix}sfu:${roomID}`;
  }

  private on(instance: string): string {
    return `${this.prefix}sfu:on:${instance}`;
  }

  async get(roomID: number): Promise<Placement | null> {
    return decode(await this.cmd.get(this.key(roomID)));
  }

  async claim(roomID: number, p: Placement, ttlMs: number): Promise<Placement> {
    const held = await this.cmd.eval(
      CLAIM,
      2,
      this.key(roomID),
      this.on(p.instance),
      encode(p),
      ttlMs,
      this.now(),
      roomID,
    );
    return decode(held) ?? p;
  }

  async replace(roomID: number, old: Placement, next: Placement, ttlMs: number): Promise<Placement> {
    const held = await this.cmd.eval(
      REPLACE,
      3,
      this.key(roomID),
      this.on(old.instance),
      this.on(next.instance),
      encode(old),
      encode(next),
      ttlMs,
      this.now(),
      roomID,
    );
    return decode(held) ?? next;
  }

  async release(roomID: number, p: Placement): Promise<boolean> {
    return (await this.cmd.eval(RELEASE, 2, this.key(roomID), this.on(p.instance), encode(p), roomID)) === 1;
  }

  async counts(instances: readonly string[]): Promise<Map<string, number>> {
    const now = this.now();
    const pipeline = this.cmd.pipeline();
    for (const i of instances) {
      pipeline.zremrangebyscore(this.on(i), '-inf', now);
      pipeline.zcard(this.on(i));
    }
    const results = (await pipeline.exec()) ?? [];
    return new Map(instances.map((i, n) => [i, Number(results[n * 2 + 1]?.[1] ?? 0)]));
  }
}
