/** Where one room's media runs: a Janus instance (by configured name) and its VideoRoom number. */
export interface Placement {
  readonly instance: string;
  readonly room: number;
}

/**
 * The rooms placed on Janus, shared by every node (in memory, or in Redis): one placement per
 * room, set once by whichever node places it first, replaced only by a compare-and-set (an
 * instance died), removed when the room empties. Each placement expires after `ttlMs` unless a
 * join refreshes it, so that a room whose last node died does not hold its instance forever.
 */
export interface Placements {
  get(roomID: number): Promise<Placement | null>;
  /** Sets `p` unless the room has a placement; resolves with the one that holds. */
  claim(roomID: number, p: Placement, ttlMs: number): Promise<Placement>;
  /** Replaces `old` with `next` unless another placement replaced it already; resolves with the one that holds. */
  replace(roomID: number, old: Placement, next: Placement, ttlMs: number): Promise<Placement>;
  /** Removes the room's placement if it is still `p`; true when it did. */
  release(roomID: number, p: Placement): Promise<boolean>;
  /** Rooms placed on each of `instances` (unexpired). */
  counts(instances: readonly string[]): Promise<Map<string, number>>;
}

const same = (a: Placement, b: Placement): boolean => a.instance === b.instance && a.room === b.room;

/** The placements of a single node. */
export class MemoryPlacements implements Placements {
  private readonly rooms = new Map<number, { p: Placement; until: number }>();

  constructor(private readonly now: () => number) {}

  private live(roomID: number): Placement | null {
    const e = this.rooms.get(roomID);
    if (!e) return null;
    if (e.until > this.now()) return e.p;
    this.rooms.delete(roomID);
    return null;
  }

  get(roomID: number): Promise<Placement | null> {
    return Promise.resolve(this.live(roomID));
  }

  claim(roomID: number, p: Placement, ttlMs: number): Promise<Placement> {
    const held = this.live(roomID);
    if (held && !same(held, p)) return Promise.resolve(held);
    this.rooms.set(roomID, { p, until: this.now() + ttlMs });
    return Promise.resolve(p);
  }

  replace(roomID: number, old: Placement, next: Placement, ttlMs: number): Promise<Placement> {
    const held = this.live(roomID);
    if (held && !same(held, old)) return Promise.resolve(held);
    this.rooms.set(roomID, { p: next, until: this.now() + ttlMs });
    return Promise.resolve(next);
  }

  release(roomID: number, p: Placement): Promise<boolean> {
    const held = this.live(roomID);
    if (!held || !same(held, p)) return Promise.resolve(false);
    this.rooms.delete(roomID);
    return Promise.resolve(true);
  }

  counts(instances: readonly string[]): Promise<Map<string, number>> {
    const counts = new Map(instances.map((i) => [i, 0]));
    for (const roomID of [...this.rooms.keys()]) {
      const p = this.live(roomID);
      if (p && counts.has(p.instance)) counts.set(p.instance, (counts.get(p.instance) ?? 0) + 1);
    }
    return Promise.resolve(counts);
  }
}
