import { createHmac } from 'node:crypto';
import type { Logger } from 'pino';
import type { WireSfu } from 'ngx-trtc-calling/wire';
import type { JanusInstance } from './instances';
import { JanusError, VIDEOROOM_ERROR } from './janus-client';
import type { Placement, Placements } from './placements';

/** A placement lives this long without a join refreshing it (a room whose nodes all died). */
export const PLACEMENT_TTL_MS = 6 * 3600_000;
/** Attempts to find a room another node is creating at the same moment. */
const ENSURE_ATTEMPTS = 5;

export interface SfuDeps {
  readonly instances: readonly JanusInstance[];
  readonly placements: Placements;
  /** The server's secret key: room secrets and user tokens derive from it, so every node agrees. */
  readonly secret: string;
  /** The VideoRoom `admin_key`, when the instances are configured with one. */
  readonly adminKey?: string;
  /** Mesh up to this many joined sessions, Janus beyond; 0: Janus from the first join. */
  readonly threshold: number;
  /** `publishers` of each VideoRoom (the most peers a room holds). */
  readonly publishers: number;
  readonly log: Logger;
  readonly counters: { placed(instance: string): void; failed(reason: string): void };
}

/** The answer to a join: the joiner's SFU, and whether the members already in moved with it. */
export interface SfuJoin {
  readonly sfu: WireSfu;
  /** The room was on the mesh until this join: these users' SFU (each with its token), to push. */
  readonly moved?: ReadonlyMap<string, WireSfu>;
}

/**
 * Places rooms on Janus VideoRooms: the least loaded instance (rooms per configured capacity)
 * among those up, the placement shared through `Placements`; creates each VideoRoom with a
 * secret and the tokens of the users who joined (tokens are issued only at `room.join`, after the
 * room-access check, so a stranger never gets one), destroys it when the room empties, and moves
 * rooms off an instance that went down.
 */
export class SfuRooms {
  /** The placements this node handed out (to find its rooms when an instance dies). */
  private readonly known = new Map<number, Placement>();

  constructor(private readonly deps: SfuDeps) {}

  /**
   * An instance came (back) up: rooms this node handed out there that could not move while it was
   * down (no other instance up) and whose VideoRoom it lost (a restart) are created again; resolves
   * with the SFU of this node's users in them, to push as `room.sfu` (their clients join anew).
   */
  async instanceUp(
    name: string,
    localUsers: ReadonlyMap<number, readonly string[]>,
  ): Promise<{ roomID: number; sfu: ReadonlyMap<string, WireSfu> }[]> {
    const client = this.instance(name)?.client;
    const recreated: { roomID: number; sfu: ReadonlyMap<string, WireSfu> }[] = [];
    for (const [roomID, known] of [...this.known]) {
      const users = [...new Set(localUsers.get(roomID) ?? [])];
      if (!client || known.instance !== name || !users.length) continue;
      try {
        const held = await this.deps.placements.get(roomID);
        if (!held || held.instance !== name) continue;
        if ((await client.request({ request: 'exists', room: held.room }))['exists'] === true) continue;
        const p = await this.ensure(roomID, held, users);
        this.known.set(roomID, p);
        recreated.push({ roomID, sfu: new Map(users.map((u) => [u, this.wire(roomID, p, u)])) });
      } catch (err) {
        this.deps.counters.failed('move');
        this.deps.log.error(
          { roomID, janus: name, err: (err as Error).message },
          'cannot create a lost room again',
        );
      }
    }
    return recreated;
  }

  /** Forgets the placements of rooms this node no longer has members in; returns their IDs. */
  prune(localUsers: ReadonlyMap<number, readonly string[]>): number[] {
    const gone = [...this.known.keys()].filter((roomID) => !localUsers.has(roomID));
    for (const roomID of gone) this.known.delete(roomID);
    return gone;
  }

  /** Rooms this node handed out on `instance` (the `calling_janus_rooms` gauge). */
  localCount(instance: string): number {
    let n = 0;
    for (const p of this.known.values()) if (p.instance === instance) n++;
    return n;
  }

  /** The VideoRoom `secret` of a call's room (any node derives the same). */
  roomSecret(roomID: number): string {
    return this.mac(`secret|${roomID}`);
  }

  /** `userID`'s token for the VideoRoom of `p` (changes with the placement). */
  token(roomID: number, p: Placement, userID: string): string {
    return this.mac(`token|${roomID}|${p.instance}|${p.room}|${userID}`);
  }

  private mac(text: string): string {
    return createHmac('sha256', this.deps.secret)
      .update('janus|' + text)
      .digest('base64url')
      .slice(0, 32);
  }

  private instance(name: string): JanusInstance | undefined {
    return this.deps.instances.find((i) => i.name === name);
  }

  private wire(roomID: number, p: Placement, userID: string): WireSfu {
    const url = this.instance(p.instance)?.config.url ?? '';
    return { url, room: p.room, token: this.token(roomID, p, userID), instance: p.instance };
  }

  /**
   * A session of `userID` joined `roomID`, which now holds `members` sessions; `others` are the
   * users of the sessions that were in it before. Undefined: the room stays on the mesh (under the
   * threshold, or no instance up).
   */
  async join(
    roomID: number,
    userID: string,
    members: number,
    others: readonly string[],
  ): Promise<SfuJoin | undefined> {
    let p = await this.deps.placements.get(roomID);
    let moved = false;
    if (p && !this.instance(p.instance)?.up) p = await this.move(roomID, p);
    if (!p) {
      if (this.deps.threshold > 0 && members <= this.deps.threshold) return undefined;
      p = (await this.place(roomID)) ?? null;
      if (!p) return undefined;
      moved = others.length > 0;
    }
    const users = moved ? [userID, ...others] : [userID];
    p = await this.ensure(roomID, p, users);
    // A join refreshes the placement's expiry.
    await this.deps.placements.claim(roomID, p, PLACEMENT_TTL_MS);
    this.known.set(roomID, p);
    const sfu = this.wire(roomID, p, userID);
    if (!moved) return { sfu };
    const placed = p;
    return { sfu, moved: new Map(others.map((u) => [u, this.wire(roomID, placed, u)])) };
  }

  /** The least loaded instance that is up, by rooms per capacity; undefined when none is. */
  private async pick(except?: string): Promise<JanusInstance | undefined> {
    const up = this.deps.instances.filter((i) => i.up && i.name !== except);
    if (!up.length) return undefined;
    const counts = await this.deps.placements.counts(up.map((i) => i.name));
    let best: JanusInstance | undefined;
    let bestLoad = Infinity;
    for (const i of up) {
      const rooms = counts.get(i.name) ?? 0;
      const load = rooms / i.config.capacity;
      if (rooms < i.config.capacity && load < bestLoad) {
        best = i;
        bestLoad = load;
      }
    }
    return best;
  }

  private async place(roomID: number): Promise<Placement | undefined> {
    const target = await this.pick();
    if (!target) {
      this.deps.counters.failed('noInstance');
      this.deps.log.warn({ roomID }, 'no janus instance up (or all full): the room stays on the mesh');
      return undefined;
    }
    const held = await this.deps.placements.claim(
      roomID,
      { instance: target.name, room: roomID },
      PLACEMENT_TTL_MS,
    );
    if (held.instance === target.name) this.deps.counters.placed(target.name);
    return held;
  }

  /** Moves a room off a dead instance (every node agrees through the compare-and-set). */
  async move(roomID: number, old: Placement): Promise<Placement | null> {
    const target = await this.pick(old.instance);
    if (!target) {
      this.deps.counters.failed('noInstance');
      return null;
    }
    const next: Placement = { instance: target.name, room: roomID };
    const held = await this.deps.placements.replace(roomID, old, next, PLACEMENT_TTL_MS);
    if (held.instance === next.instance && held.room === next.room) this.deps.counters.placed(target.name);
    return held;
  }

  /**
   * Makes sure the VideoRoom exists with `users`' tokens allowed: `allowed add` first (the room
   * exists in the usual case), else `create`. Another node may be creating it at the same moment
   * (then `create` says it exists and `allowed` is tried again). A room number taken by something
   * else (our secret refused) gets a fresh number from Janus, and the placement follows it.
   */
  private async ensure(roomID: number, p: Placement, users: readonly string[]): Promise<Placement> {
    const client = this.instance(p.instance)?.client;
    if (!client) throw new JanusError(0, `janus instance ${p.instance} is down`);
    const secret = this.roomSecret(roomID);
    for (let attempt = 0; attempt < ENSURE_ATTEMPTS; attempt++) {
      const tokens = users.map((u) => this.token(roomID, p, u));
      try {
        await client.request({ request: 'allowed', room: p.room, secret, action: 'add', allowed: tokens });
        return p;
      } catch (e) {
        if (!(e instanceof JanusError)) throw e;
        if (e.code === VIDEOROOM_ERROR.UNAUTHORIZED) {
          const next = await this.create(client, roomID, undefined, []);
          p = await this.deps.placements.replace(
            roomID,
            p,
            { instance: p.instance, room: next },
            PLACEMENT_TTL_MS,
          );
          continue;
        }
        if (e.code !== VIDEOROOM_ERROR.NO_SUCH_ROOM) throw e;
      }
      try {
        await this.create(client, roomID, p.room, tokens);
        return p;
      } catch (e) {
        if (!(e instanceof JanusError) || e.code !== VIDEOROOM_ERROR.ROOM_EXISTS) throw e;
      }
    }
    this.deps.counters.failed('ensure');
    throw new JanusError(0, `cannot create or find videoroom ${p.room} on ${p.instance}`);
  }

  private async create(
    client: NonNullable<JanusInstance['client']>,
    roomID: number,
    room: number | undefined,
    tokens: readonly string[],
  ): Promise<number> {
    const data = await client.request({
      request: 'create',
      ...(room === undefined ? {} : { room }),
      ...(this.deps.adminKey === undefined ? {} : { admin_key: this.deps.adminKey }),
      description: `call ${roomID}`,
      secret: this.roomSecret(roomID),
      is_private: true,
      permanent: false,
      publishers: this.deps.publishers,
      allowed: tokens,
    });
    const created = data['room'];
    if (typeof created !== 'number') throw new JanusError(0, 'videoroom create answered without a room');
    return created;
  }

  /** The room emptied: its placement is removed and its VideoRoom destroyed (best effort). */
  async emptied(roomID: number): Promise<void> {
    this.known.delete(roomID);
    const p = await this.deps.placements.get(roomID);
    if (!p || !(await this.deps.placements.release(roomID, p))) return;
    const client = this.instance(p.instance)?.client;
    if (!client) return;
    try {
      await client.request({
        request: 'destroy',
        room: p.room,
        secret: this.roomSecret(roomID),
        permanent: false,
      });
    } catch (err) {
      this.deps.log.warn(
        { roomID, janus: p.instance, err: (err as Error).message },
        'cannot destroy videoroom',
      );
    }
  }

  /**
   * An instance went down: each room this node handed out on it that still has members here
   * (`localUsers`: roomID → users) moves to another instance (whichever node moves it first, the
   * others follow its placement); resolves with the new SFU of each of those users, to push as
   * `room.sfu`.
   */
  async instanceDown(
    name: string,
    localUsers: ReadonlyMap<number, readonly string[]>,
  ): Promise<{ roomID: number; sfu: ReadonlyMap<string, WireSfu> }[]> {
    const moved: { roomID: number; sfu: ReadonlyMap<string, WireSfu> }[] = [];
    for (const [roomID, known] of [...this.known]) {
      const users = [...new Set(localUsers.get(roomID) ?? [])];
      if (!users.length) {
        this.known.delete(roomID);
        continue;
      }
      if (known.instance !== name) continue;
      try {
        const held = await this.deps.placements.get(roomID);
        let p = !held || held.instance === name ? await this.move(roomID, held ?? known) : held;
        if (!p) continue;
        p = await this.ensure(roomID, p, users);
        this.known.set(roomID, p);
        const placed = p;
        moved.push({ roomID, sfu: new Map(users.map((u) => [u, this.wire(roomID, placed, u)])) });
      } catch (err) {
        this.deps.counters.failed('move');
        this.deps.log.error(
          { roomID, janus: name, err: (err as Error).message },
          'cannot move room off a dead janus',
        );
      }
    }
    return moved;
  }
}
