import type { Logger } from 'pino';
import type { WireSfu } from 'ngx-trtc-calling/wire';
import type { Metrics } from '../metrics';
import { JanusInstance, type JanusHealth } from './instances';
import type { JanusInstanceConfig } from './janus-config';
import { SfuRooms, type SfuDeps, type SfuJoin } from './sfu';

/** How often rooms without members here are swept (ms). */
const PRUNE_MS = 60_000;

/** What the hub lets the SFU reach: its local room members, and the push of a room's move. */
export interface SfuHooks {
  /** roomID → users of this node's sessions in it. */
  localUsers(): ReadonlyMap<number, readonly string[]>;
  /** Pushes `room.sfu` to this node's sessions in `roomID`, each its own user's SFU. */
  moved(roomID: number, sfu: ReadonlyMap<string, WireSfu>): void;
  /** Members of `roomID` on every node. */
  roomSize(roomID: number): Promise<number>;
}

/** What `SfuRooms` needs, but the instances by their configuration and counting into `metrics`. */
export interface JanusSfuOptions extends Omit<SfuDeps, 'instances' | 'counters'> {
  readonly instances: readonly JanusInstanceConfig[];
  readonly metrics: Metrics;
  /** Longest wait for Janus' answers (ms). */
  readonly timeoutMs?: number;
  /** Keepalive (health ping) period (ms). */
  readonly keepaliveMs?: number;
  /** Period of the sweep of rooms without members here (ms); a minute unless set. */
  readonly pruneMs?: number;
}

/**
 * The server's Janus side: the connections to the configured instances (retried with backoff),
 * room placement (`SfuRooms`), health for `/healthz` and the `calling_janus_*` metrics.
 */
export class JanusSfu {
  readonly instances: readonly JanusInstance[];
  readonly rooms: SfuRooms;
  private hooks: SfuHooks | undefined;
  private pruneTimer: NodeJS.Timeout | undefined;
  private readonly log: Logger;
  private readonly pruneMs: number;

  constructor(o: JanusSfuOptions) {
    this.log = o.log.child({ part: 'janus' });
    this.pruneMs = o.pruneMs ?? PRUNE_MS;
    const placed = o.metrics.labelledCounter(
      'calling_janus_placements_total',
      'Rooms placed on a Janus instance (first placement or move), by instance.',
      'instance',
    );
    const failed = o.metrics.labelledCounter(
      'calling_janus_placement_failures_total',
      'Rooms that could not be placed on Janus (noInstance: none up or all full; ensure, move: Janus refused).',
      'reason',
    );
    this.instances = o.instances.map(
      (config) =>
        new JanusInstance(config, {
          log: this.log,
          timeoutMs: o.timeoutMs ?? 3000,
          keepaliveMs: o.keepaliveMs ?? 5000,
          changed: (instance, up) => void this.instanceChanged(instance.name, up),
        }),
    );
    this.rooms = new SfuRooms({
      instances: this.instances,
      placements: o.placements,
      secret: o.secret,
      ...(o.adminKey === undefined ? {} : { adminKey: o.adminKey }),
      threshold: o.threshold,
      publishers: o.publishers,
      log: this.log,
      counters: { placed: (i) => placed.inc(i), failed: (r) => failed.inc(r) },
    });
    o.metrics.labelledGauge(
      'calling_janus_up',
      'Whether this node reaches each Janus instance (1) or not (0).',
      'instance',
      () => this.instances.map((i) => [i.name, i.up ? 1 : 0] as const),
    );
    o.metrics.labelledGauge(
      'calling_janus_capacity',
      'Configured rooms capacity of each Janus instance.',
      'instance',
      () => this.instances.map((i) => [i.name, i.config.capacity] as const),
    );
    o.metrics.labelledGauge(
      'calling_janus_rooms',
      'Rooms this node placed on each Janus instance and still holds members of.',
      'instance',
      () => this.instances.map((i) => [i.name, this.rooms.localCount(i.name)] as const),
    );
  }

  /** Connects to every instance (in the background: an unreachable one is retried, the mesh goes on). */
  start(hooks: SfuHooks): void {
    this.hooks = hooks;
    for (const i of this.instances) i.start();
    // Rooms emptied by another node's leave are forgotten here once this node has nobody in them;
    // one with nobody anywhere (its last members' node died before a leave could destroy it) has
    // its VideoRoom destroyed and its placement dropped.
    this.pruneTimer = setInterval(() => void this.sweep(hooks), this.pruneMs);
    this.pruneTimer.unref();
  }

  /** One sweep (see `start`). */
  private async sweep(hooks: SfuHooks): Promise<void> {
    for (const roomID of this.rooms.prune(hooks.localUsers())) {
      try {
        if ((await hooks.roomSize(roomID)) === 0) await this.rooms.emptied(roomID);
      } catch (err) {
        this.log.warn({ roomID, err: (err as Error).message }, 'cannot sweep a room without members');
      }
    }
  }

  join(
    roomID: number,
    userID: string,
    members: number,
    others: readonly string[],
  ): Promise<SfuJoin | undefined> {
    return this.rooms.join(roomID, userID, members, others);
  }

  emptied(roomID: number): Promise<void> {
    return this.rooms.emptied(roomID);
  }

  /** Down: its rooms move to another instance. Up again: rooms stranded on it are created anew. */
  private async instanceChanged(name: string, up: boolean): Promise<void> {
    const hooks = this.hooks;
    if (!hooks) return;
    try {
      const moves = up
        ? await this.rooms.instanceUp(name, hooks.localUsers())
        : await this.rooms.instanceDown(name, hooks.localUsers());
      for (const { roomID, sfu } of moves) {
        this.log.warn({ roomID, from: name, to: [...sfu.values()][0]?.instance }, 'room placed again');
        hooks.moved(roomID, sfu);
      }
    } catch (err) {
      this.log.error({ err, janus: name, up }, 'cannot place the rooms of a janus again');
    }
  }

  health(): JanusHealth[] {
    return this.instances.map((i) => i.health());
  }

  close(): void {
    clearInterval(this.pruneTimer);
    for (const i of this.instances) i.stop();
  }
}
