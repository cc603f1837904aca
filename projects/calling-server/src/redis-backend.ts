/**
 * The Redis backend: several calling-server nodes share one user base through one Redis. Its
 * parts: `RedisStore` (shared state, `redis-store.ts`), `RedisBus` (node-to-node messages,
 * `redis-bus.ts`), the Lua scripts (`redis-scripts.ts`); here the connection and the node's life
 * in the cluster (heartbeat, reaping dead nodes, recovery after Redis restarts).
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from 'pino';
import type { Backend, BackendHealth, BusHandler, RoomPush } from './cluster';
import type { ServerConfig } from './config';
import type { Metrics } from './metrics';
import { RedisBus } from './redis-bus';
import { RedisContext } from './redis-context';
import { defineScripts } from './redis-scripts';
import { RedisStore, userKeyTtlMs } from './redis-store';

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
  const options = {
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
  } satisfies RedisOptions;
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
export class RedisBackend implements Backend {
  readonly clustered = true;
  readonly name: string;
  readonly store: RedisStore;
  readonly bus: RedisBus;
  private readonly ctx: RedisContext;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private up = true;
  private closed = false;
  /** Identifies this Redis's data set: a different one after a restart means the data is gone. */
  private epoch = '';
  private recovering: Promise<void> | undefined;
  /** Heartbeats sent: the first one adds this node to `nodes`, a later one only if it was reaped. */
  private beats = 0;
  /** A connection came back while a recovery ran: it runs once more (the catch-up may be stale). */
  private recoverAgain = false;

  constructor(
    deps: RedisBackendDeps,
    private readonly cmd: Redis,
    private readonly sub: Redis,
    private readonly life: { over: boolean } = { over: false },
  ) {
    const config = deps.config;
    this.name = config.nodeId ?? defaultNodeId();
    // The name plus a per-process suffix: see `RedisContext.node`.
    const node = config.nodeId ? `${config.nodeId}~${randomUUID().slice(0, 6)}` : this.name;
    const log = deps.log.child({ node: this.name });
    this.ctx = new RedisContext(cmd, config.redisKeyPrefix, node, config, log, deps.metrics, deps.now);
    this.store = new RedisStore(this.ctx);
    this.bus = new RedisBus(this.ctx);
    defineScripts(cmd);
  }

  /** The command connection and key prefix (for state kept beside the store, e.g. Janus placements). */
  get redis(): { readonly cmd: Redis; readonly prefix: string } {
    return { cmd: this.cmd, prefix: this.ctx.P };
  }

  // ---- life cycle ---------------------------------------------------------------------------

  async start(handler: BusHandler): Promise<void> {
    const { ctx, cmd } = this;
    ctx.handler = handler;
    await this.bus.listen(this.sub);
    await cmd.set(ctx.k('epoch'), randomUUID(), 'NX');
    this.epoch = (await cmd.get(ctx.k('epoch'))) ?? '';
    await this.heartbeat();
    await this.store.refreshStats();
    this.watch(cmd, 'command');
    this.watch(this.sub, 'subscriber');
    const every = Math.max(100, Math.floor(ctx.config.nodeTimeoutMs / 4));
    this.heartbeatTimer = setInterval(() => {
      this.heartbeat().catch((err: unknown) => ctx.log.warn({ err }, 'redis heartbeat failed'));
    }, every);
    this.heartbeatTimer.unref();
    ctx.log.info(
      { id: ctx.node, redis: redactRedisUrl(ctx.config.redisUrl ?? ''), prefix: ctx.P },
      'joined the cluster through Redis',
    );
  }

  private watch(client: Redis, role: string): void {
    const { log, metrics } = this.ctx;
    let errors = 0;
    client.on('error', (err: Error) => {
      // ioredis reports every failed reconnect attempt; the first few are enough.
      if (errors++ < 3) log.warn({ role, err: err.message }, 'redis error');
    });
    client.on('close', () => {
      if (this.closed) return;
      if (role === 'command' && this.up) {
        this.up = false;
        metrics.redisEvents.inc('disconnected');
        log.warn({ role }, 'redis connection lost; reconnecting');
      }
    });
    client.on('ready', () => {
      if (this.closed) return;
      errors = 0;
      metrics.redisEvents.inc(`${role}Reconnected`);
      log.warn({ role }, 'redis connection back');
      if (role === 'command') this.up = true;
      this.recover();
    });
  }

  /** After a reconnect: register again if Redis lost its data, then catch up on missed pushes. */
  private recover(): void {
    if (this.recovering) {
      this.recoverAgain = true;
      return;
    }
    const { ctx, cmd } = this;
    this.recoverAgain = false;
    this.recovering = (async () => {
      // Both connections back before catching up.
      for (let i = 0; i < 100 && (cmd.status !== 'ready' || this.sub.status !== 'ready'); i++) {
        await new Promise((r) => setTimeout(r, 20));
      }
      // ioredis resubscribes only after 'ready': what is published from now on reaches this node,
      // so the catch-up below misses nothing.
      await this.bus.resubscribe(this.sub);
      const epoch = await cmd.get(ctx.k('epoch'));
      const lost = epoch !== this.epoch;
      if (lost) {
        await cmd.set(ctx.k('epoch'), randomUUID(), 'NX');
        this.epoch = (await cmd.get(ctx.k('epoch'))) ?? '';
        const sessions = ctx.handler?.localSessions() ?? [];
        await this.store.restore(sessions);
        ctx.metrics.redisEvents.inc('dataLost');
        ctx.log.warn(
          { sessions: sessions.length },
          'redis lost its data: registered this node’s sessions again',
        );
      }
      // Just registered again (data lost): a heartbeat that finds this node new is no news. Else
      // the heartbeat registers the sessions again if the node was reaped meanwhile.
      await this.heartbeat(lost);
      this.bus.republish();
      await ctx.handler?.catchUp();
    })()
      .catch((err: unknown) => {
        ctx.log.warn({ err }, 'recovery after redis reconnect failed');
        this.recoverAgain = true;
      })
      .finally(() => {
        this.recovering = undefined;
        if (this.recoverAgain && !this.closed) setTimeout(() => this.recover(), 100).unref();
      });
  }

  health(): BackendHealth {
    return {
      redis: this.up && this.cmd.status === 'ready' ? 'up' : 'down',
      node: this.name,
      nodes: this.store.liveNodes,
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    const { ctx, cmd } = this;
    this.closed = true;
    clearInterval(this.heartbeatTimer);
    this.life.over = true;
    this.bus.close();
    if (cmd.status === 'ready') {
      // Sessions left behind (drained for resume elsewhere): this node counts as dead from now
      // on, so they can be claimed without a handover and are reaped after the grace period.
      const leave = (async () => {
        const held = await cmd.scard(ctx.k(`n:${ctx.node}`));
        if (held > 0) {
          const [sec, usec] = await cmd.time();
          const now = Number(sec) * 1000 + Math.floor(Number(usec) / 1000);
          await cmd.zadd(ctx.k('nodes'), now - ctx.config.nodeTimeoutMs, ctx.node);
        } else {
          await cmd
            .multi()
            .zrem(ctx.k('nodes'), ctx.node)
            .del(ctx.k(`n:${ctx.node}`))
            .exec();
        }
      })().catch(() => undefined);
      await Promise.race([leave, new Promise((r) => setTimeout(r, 1000).unref())]);
    }
    await Promise.all(
      [this.sub, cmd].map((c) =>
        Promise.race([c.quit().catch(() => undefined), new Promise((r) => setTimeout(r, 500).unref())]).then(
          () => {
            if (c.status !== 'end') c.disconnect();
          },
        ),
      ),
    );
  }

  // ---- dead nodes ---------------------------------------------------------------------------

  /** Refreshes this node's heartbeat; ends the sessions of nodes dead for longer than the grace period. */
  private async heartbeat(registered = false): Promise<void> {
    const { ctx, cmd } = this;
    if (cmd.status !== 'ready') return;
    const deadAfter = ctx.config.nodeTimeoutMs + ctx.config.peerLeaveGraceMs;
    const [added, ...dead] = (await ctx.run('cHeartbeat', [ctx.k('nodes')], [ctx.node, deadAfter])) as [
      number,
      ...string[],
    ];
    const first = this.beats++ === 0;
    if (added === 1 && !first && !registered) {
      // Another node took this one for dead (Redis was away longer than the timeout) and ended its
      // sessions in Redis: they are still here, live. Register them again and catch up, or
      // nothing would be routed to them any more.
      const sessions = ctx.handler?.localSessions() ?? [];
      await this.store.restore(sessions);
      ctx.metrics.redisEvents.inc('reaped');
      ctx.log.warn(
        { sessions: sessions.length },
        'this node was taken for dead: registered its sessions again',
      );
      await ctx.handler?.catchUp();
    }
    this.bus.republish();
    for (const node of dead) {
      if (node === ctx.node) continue;
      const lock = await cmd.set(ctx.k(`reap:${node}`), ctx.node, 'PX', 30_000, 'NX');
      if (lock === 'OK') await this.reap(node);
    }
  }

  /** Ends every session a dead node held: its peers are told it left, its presence goes. */
  private async reap(node: string): Promise<void> {
    const { ctx, cmd } = this;
    const held = await cmd.smembers(ctx.k(`n:${node}`));
    for (const entry of held) {
      const bar = entry.indexOf('|');
      const userID = entry.slice(0, bar);
      const sessionID = entry.slice(bar + 1);
      for (const room of await cmd.smembers(ctx.k(`s:${sessionID}:r`))) {
        const roomID = Number(room);
        const rest = await this.store.leaveRoom(roomID, sessionID, node);
        // Nobody left anywhere: the room's SFU resources go too (no node holds a member to do it).
        if (rest?.length === 0) ctx.handler?.roomEmptied?.(roomID);
        for (const p of rest ?? []) {
          const frame: RoomPush = { t: 'peer', roomID, event: 'left', peer: { userID, peerID: sessionID } };
          if (p.node === ctx.node) ctx.handler?.onBusEvent({ k: 'push', sessionID: p.peerID, frame });
          else this.bus.send(p.node, { k: 'push', sessionID: p.peerID, frame });
        }
      }
      await ctx.run(
        'cClose',
        [
          ...[ctx.k(`u:${userID}:p`), ctx.k(`n:${node}`), ctx.k(`s:${sessionID}:r`)],
          ...[ctx.k(`u:${userID}:q`), ctx.k(`u:${userID}:d`)],
        ],
        [sessionID, node, userID, userKeyTtlMs(ctx.config)],
      );
      ctx.metrics.clusterReaped.inc();
    }
    await cmd
      .multi()
      .zrem(ctx.k('nodes'), node)
      .del(ctx.k(`n:${node}`))
      .exec();
    ctx.log.warn({ dead: node, sessions: held.length }, 'ended the sessions of a dead node');
  }
}
