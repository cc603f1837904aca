import type { Logger } from 'pino';
import type { Backend, Bus, BusEvent, Store } from './cluster';
import type { ServerConfig } from './config';
import type { Connection, LocalUser, Session } from './connection';
import type { JanusSfu } from './janus/janus-sfu';
import type { Metrics } from './metrics';

/** What the hub needs from its server. */
export interface HubDeps {
  readonly config: ServerConfig;
  readonly log: Logger;
  readonly metrics: Metrics;
  readonly now: () => number;
  /** Shared state and node-to-node bus (in memory, or Redis). */
  readonly backend: Backend;
  /** Janus room placement (`--janus`); absent: every room stays on the mesh. */
  readonly sfu?: JanusSfu;
}

/** A frame handler's answer: the `ok` result, and what must follow it in the same tick. */
export type Reply = { readonly result: object; readonly andThen?: () => void };

/** A session another node resumed, whose room pushes still arriving here go on to that node. */
interface Moved {
  readonly node: string;
  readonly timer: NodeJS.Timeout;
}

/**
 * What the parts of the hub share: its dependencies and this node's own state (sockets, sessions
 * and users held here). Shared state of the cluster is in `store`; other nodes are reached by `bus`.
 */
export class HubState {
  readonly config: ServerConfig;
  readonly log: Logger;
  readonly metrics: Metrics;
  readonly now: () => number;
  readonly store: Store;
  readonly bus: Bus;
  readonly sfu: JanusSfu | undefined;
  /** This node's name in the cluster (`bus.node`). */
  readonly node: string;
  /** True when other nodes may exist (sessions are then claimed, shutdown drains). */
  readonly clustered: boolean;
  readonly connections = new Set<Connection>();
  readonly sessions = new Map<string, Session>();
  readonly users = new Map<string, LocalUser>();
  /** Sessions another node resumed: room pushes still arriving here are forwarded to it. */
  readonly moved = new Map<string, Moved>();
  /** Set by `Hub.shutdown`: no new connection, no new grace period. */
  closing = false;

  constructor(deps: HubDeps) {
    this.config = deps.config;
    this.log = deps.log;
    this.metrics = deps.metrics;
    this.now = deps.now;
    this.store = deps.backend.store;
    this.bus = deps.backend.bus;
    this.sfu = deps.sfu;
    this.node = this.bus.node;
    this.clustered = deps.backend.clustered;
  }

  /** Live (connected, logged-in) sessions. */
  get liveSessions(): number {
    let n = 0;
    for (const s of this.sessions.values()) if (s.conn) n++;
    return n;
  }

  /** Publishes to another node; a failure is counted and logged (the copy stays stored). */
  publish(node: string, event: BusEvent): Promise<void> {
    this.metrics.clusterPublished.inc(event.k);
    return this.bus.publish(node, event).catch((err: unknown) => {
      this.metrics.redisEvents.inc('publishFailed');
      this.log.warn({ err, node, kind: event.k }, 'cannot publish to node');
    });
  }

  /** `publish` without waiting for it: it never rejects (a failure is counted and logged). */
  tell(node: string, event: BusEvent): void {
    void this.publish(node, event);
  }

  /** Runs a timer or event callback; an exception or rejection is logged, never thrown. */
  guard(what: string, fn: () => void | Promise<void>): void {
    try {
      const r = fn();
      if (r) this.background(what, r);
    } catch (err) {
      this.log.error({ err, what }, 'internal error');
    }
  }

  /** Lets `p` run on; its rejection is logged. */
  background(what: string, p: Promise<void>): void {
    p.catch((err: unknown) => this.log.error({ err, what }, 'internal error'));
  }
}
