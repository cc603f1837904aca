import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Bus, BusEvent, RoomPeer, RoomPush } from './cluster';
import type { RedisContext } from './redis-context';

/** How long a resuming node waits for the old node to hand a session over (capped by nodeTimeoutMs). */
const HANDOVER_TIMEOUT_MS = 1000;
/** How long a send waits for the recipients' nodes to acknowledge their pushes. */
const ACK_TIMEOUT_MS = 1000;
/** Failed publishes kept for a retry (beyond: the recipient's next gap or resume recovers them). */
const MAX_UNSENT = 10_000;

/** Texts queued for one node's channel in this event-loop turn, and their callers. */
interface Batch {
  readonly texts: string[];
  readonly settle: ((receivers: number | Error) => void)[];
}

/** What one node publishes on another's channel (several of a turn: a JSON array of them). */
export type BusWire =
  | BusEvent
  | (BusEvent & { readonly k: 'msg'; readonly ack: string; readonly from: string })
  | { readonly k: 'ack'; readonly rid: string }
  | { readonly k: 'handover'; readonly sessionID: string; readonly from: string; readonly rid: string }
  | { readonly k: 'handedOver'; readonly rid: string; readonly pending: RoomPush[] };

/**
 * The Redis `Bus`: channel `ch:{node}` carries what other nodes tell this one (`BusEvent`s,
 * handovers), in order per publishing node. A message copy is acknowledged by the node that
 * pushed it, so that a send is answered once its copies are pushed, as on one node.
 */
export class RedisBus implements Bus {
  readonly node: string;
  /** Requests waiting for another node's answer (an ack, or a handover's pending pushes). */
  private readonly waiters = new Map<string, (pending: RoomPush[]) => void>();
  /** Message copies whose publish failed (command connection down): published again on recovery. */
  private unsent: { node: string; wire: BusWire }[] = [];
  /**
   * What this event-loop turn publishes, per node: one PUBLISH (a JSON array when several) at its
   * end, so that a busy node pays one command, one Redis dispatch and one read on the other side
   * for every event of a turn to a node (acks included) instead of one each.
   */
  private readonly batches = new Map<string, Batch>();

  constructor(private readonly ctx: RedisContext) {
    this.node = ctx.node;
  }

  /** Starts receiving this node's channel on the subscriber connection `sub`. */
  async listen(sub: Redis): Promise<void> {
    sub.on('message', (_channel: string, text: string) => this.onWire(text));
    await sub.subscribe(this.channel(this.node));
  }

  /** Answers every waiting request at once (closing). */
  close(): void {
    for (const resolve of this.waiters.values()) resolve([]);
    this.waiters.clear();
  }

  /** Subscribes again (idempotent): resolves once this node's channel is surely subscribed. */
  async resubscribe(sub: Redis): Promise<void> {
    await sub.subscribe(this.channel(this.node));
  }

  /**
   * Publishes again the copies whose publish failed. Their recipients' nodes did not see them: a
   * copy that reaches them now fills their gap (a duplicate is dropped by seq).
   */
  republish(): void {
    const unsent = this.unsent;
    this.unsent = [];
    for (const { node, wire } of unsent) this.send(node, wire);
  }

  private channel(node: string): string {
    return this.ctx.k(`ch:${node}`);
  }

  /** Queues `text` for `node`'s channel; resolves with the receivers of its PUBLISH. */
  private enqueue(node: string, text: string): Promise<number> {
    return new Promise((resolve, reject) => {
      let batch = this.batches.get(node);
      if (!batch) {
        batch = { texts: [], settle: [] };
        this.batches.set(node, batch);
        if (this.batches.size === 1) setImmediate(this.flush);
      }
      batch.texts.push(text);
      batch.settle.push((r) => (typeof r === 'number' ? resolve(r) : reject(r)));
    });
  }

  /** Publishes every queued batch now (in queue order, before any later command). */
  private readonly flush = (): void => {
    if (this.batches.size === 0) return;
    const batches = [...this.batches];
    this.batches.clear();
    this.ctx.corkTurn();
    for (const [node, { texts, settle }] of batches) {
      const text = texts.length === 1 ? texts[0]! : `[${texts.join(',')}]`;
      this.ctx.cmd.publish(this.channel(node), text).then(
        (n) => settle.forEach((f) => f(n)),
        (err: Error) => settle.forEach((f) => f(err)),
      );
    }
  };

  async publish(node: string, event: BusEvent): Promise<void> {
    const { metrics } = this.ctx;
    if (event.k !== 'msg') {
      await this.enqueue(node, JSON.stringify(event));
      return;
    }
    // A message copy: wait until the node has pushed it to its sessions (as one node does
    // before it answers the send), but never long: the copy is stored either way.
    const rid = randomUUID();
    const acked = new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.waiters.delete(rid);
        metrics.redisEvents.inc('ackTimeout');
        resolve();
      }, ACK_TIMEOUT_MS);
      this.waiters.set(rid, () => {
        clearTimeout(timer);
        this.waiters.delete(rid);
        resolve();
      });
    });
    const wire: BusWire = { ...event, ack: rid, from: this.node };
    let receivers: number;
    try {
      receivers = await this.enqueue(node, JSON.stringify(wire));
    } catch (err) {
      this.waiters.get(rid)?.([]);
      if (this.unsent.length < MAX_UNSENT) this.unsent.push({ node, wire: { ...event } });
      throw err;
    }
    // Nobody listening (its subscriber is reconnecting, or the node died): that node catches up
    // from the mailbox once it has subscribed again, a client of a dead node replays it on resume.
    if (receivers === 0) {
      metrics.redisEvents.inc('noSubscriber');
      this.waiters.get(rid)?.([]);
    }
    await acked;
  }

  /** Publishes without waiting; a failure is counted and logged. */
  send(node: string, wire: BusWire): void {
    this.enqueue(node, JSON.stringify(wire)).catch((err: unknown) => {
      this.ctx.metrics.redisEvents.inc('publishFailed');
      this.ctx.log.warn({ err, node, kind: wire.k }, 'publish failed');
    });
  }

  async relay(roomID: number, peerID: string, frame: RoomPush): Promise<RoomPeer | null> {
    const ctx = this.ctx;
    const event: BusEvent = { k: 'push', sessionID: peerID, frame };
    this.flush(); // what was published before goes first
    const v = (await ctx.run(
      'cRelay',
      [ctx.k(`r:${roomID}`)],
      [peerID, ctx.k('ch:'), this.node, JSON.stringify(event)],
    )) as string | null;
    return v ? ctx.peer(peerID, v) : null;
  }

  handover(node: string, sessionID: string): Promise<RoomPush[] | null> {
    const rid = randomUUID();
    return new Promise((resolve) => {
      const timer = setTimeout(
        () => {
          this.waiters.delete(rid);
          resolve(null);
        },
        Math.min(HANDOVER_TIMEOUT_MS, this.ctx.config.nodeTimeoutMs),
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
    let wires: BusWire | BusWire[];
    try {
      wires = JSON.parse(text) as BusWire | BusWire[];
    } catch {
      this.ctx.log.warn('ignored a bus message that is not JSON');
      return;
    }
    if (!Array.isArray(wires)) return this.onEvent(wires);
    for (const wire of wires as BusWire[]) this.onEvent(wire);
  }

  private onEvent(wire: BusWire): void {
    const { handler, log } = this.ctx;
    try {
      if (wire.k === 'handover') {
        const pending = handler?.releaseSession(wire.sessionID, wire.from) ?? [];
        this.send(wire.from, { k: 'handedOver', rid: wire.rid, pending });
      } else if (wire.k === 'handedOver') {
        this.waiters.get(wire.rid)?.(wire.pending);
      } else if (wire.k === 'ack') {
        this.waiters.get(wire.rid)?.([]);
      } else {
        handler?.onBusEvent(wire);
        if ('ack' in wire) this.send(wire.from, { k: 'ack', rid: wire.ack });
      }
    } catch (err) {
      log.error({ err, kind: wire.k }, 'bus event handler failed');
    }
  }
}
