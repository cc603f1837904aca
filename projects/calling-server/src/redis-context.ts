import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { BusHandler, RoomPeer } from './cluster';
import type { ServerConfig } from './config';
import type { Metrics } from './metrics';
import { runScript, type Arg, type ScriptName } from './redis-scripts';

/**
 * What the parts of the Redis backend (`RedisStore`, `RedisBus`, `RedisBackend`) share: the
 * command connection, the key prefix and this node's identity in the cluster.
 */
export class RedisContext {
  /** The hub, once the backend started: it receives bus events and is asked for its sessions. */
  handler: BusHandler | undefined;
  private corked = false;

  constructor(
    readonly cmd: Redis,
    /** Key prefix (`redisKeyPrefix`). */
    readonly P: string,
    /**
     * Identity in Redis (presence, rooms, channel, heartbeat): the name plus a per-process suffix,
     * so that a node restarted under the same `--node-id` never inherits its predecessor's
     * sessions (those are reaped once the predecessor's heartbeat is old enough).
     */
    readonly node: string,
    readonly config: ServerConfig,
    readonly log: Logger,
    readonly metrics: Metrics,
    readonly now: () => number,
  ) {}

  /** The full name of a key. */
  k(suffix: string): string {
    return this.P + suffix;
  }

  run(name: ScriptName, keys: string[], args: Arg[]): Promise<unknown> {
    this.corkTurn();
    return runScript(this.cmd, name, keys, args);
  }

  /**
   * Holds the command connection's writes until the end of this event-loop turn (`setImmediate`,
   * after the turn's I/O callbacks): the commands of every frame handled in one turn leave in one
   * write, as the Outbox does for a socket's frames. Commands stay in order.
   */
  corkTurn(): void {
    const stream = (this.cmd as { stream?: { cork(): void; uncork(): void } }).stream;
    if (this.corked || !stream || this.cmd.status !== 'ready') return;
    this.corked = true;
    stream.cork();
    setImmediate(() => {
      this.corked = false;
      stream.uncork();
    });
  }

  /** A room peer from its hash field and value (`user|node`). */
  peer(peerID: string, value: string): RoomPeer {
    const bar = value.indexOf('|');
    return { userID: value.slice(0, bar), peerID, node: value.slice(bar + 1) };
  }

  /** Room peers from a flat `[peerID, value, …]` list. */
  peers(flat: string[]): RoomPeer[] {
    const out: RoomPeer[] = [];
    for (let i = 0; i + 1 < flat.length; i += 2) out.push(this.peer(flat[i]!, flat[i + 1]!));
    return out;
  }
}
