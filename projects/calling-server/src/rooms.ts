import type { OkResults, RtcRequest, WirePeer, WireSfu } from 'ngx-trtc-calling/wire';
import type { RoomPeer, RoomPush } from './cluster';
import type { Session } from './connection';
import { ERR, WireError } from './errors';
import type { HubState } from './hub-state';
import type { Outbox } from './outbox';
import { roomAccessLimits } from './room-access';
import { roomCapacity } from './janus/janus-config';

/** Room pushes kept for a session in its grace period; more and the session ends at once. */
const MAX_PENDING_ROOM_PUSHES = 64;

const wirePeer = (p: WirePeer): WirePeer => ({ userID: p.userID, peerID: p.peerID });

/** A room slot held for a user whose session ended while its socket was gone (a reload). */
interface HeldSlot {
  readonly session: Session;
  readonly timer: NodeJS.Timeout;
}

/**
 * Rooms and the rtc relay: joining and leaving (peers are told), relaying SDP/ICE payloads
 * between members, and every push to a room peer, wherever its session is.
 */
export class Rooms {
  constructor(
    private readonly hub: HubState,
    private readonly out: Outbox,
    /** A session in grace missed too many pushes to resume consistently: end it soon. */
    private readonly overflow: (s: Session) => void,
  ) {}

  /** Slots held for the rejoin grace, by `roomID userID` (this node's sessions only). */
  private readonly held = new Map<string, HeldSlot>();

  /**
   * Keeps the slot of `s`, which ended while its socket was gone, for `--rejoin-grace-ms`: its
   * peers hear nothing unless the user does not come back in time (then `left`, as usual).
   */
  hold(s: Session, roomID: number): void {
    const key = `${roomID} ${s.user.id}`;
    const before = this.held.get(key);
    if (before) this.expire(key, before, roomID);
    const timer = setTimeout(() => {
      if (this.held.get(key)?.session !== s) return;
      this.held.delete(key);
      if (!this.hub.closing) this.hub.background('rejoinGrace', this.leave(s, roomID));
    }, this.hub.config.rejoinGraceMs);
    timer.unref();
    this.held.set(key, { session: s, timer });
  }

  /** A held slot's grace is over: its peers are told `left`. */
  private expire(key: string, slot: HeldSlot, roomID: number): void {
    clearTimeout(slot.timer);
    this.held.delete(key);
    this.hub.background('rejoinGrace', this.leave(slot.session, roomID));
  }

  /**
   * The user of `s` comes back into `roomID` in a new session: the slot held for them, and any
   * session of theirs here still waiting in grace in that room, go without a `left` to the peers
   * (who are told `joined` for the new session and negotiate with it afresh).
   */
  private async takeOver(s: Session, roomID: number): Promise<void> {
    const key = `${roomID} ${s.user.id}`;
    const slot = this.held.get(key);
    const old = [...s.user.sessions].filter((o) => o !== s && o.state === 'grace' && o.rooms.has(roomID));
    if (slot) {
      clearTimeout(slot.timer);
      this.held.delete(key);
      old.push(slot.session);
    }
    for (const o of old) {
      o.rooms.delete(roomID);
      o.pending = [];
      await this.hub.store.leaveRoom(roomID, o.id);
      this.hub.log.info({ user: s.user.id, room: roomID, from: o.id, to: s.id }, 'room slot taken over');
    }
  }

  async join(s: Session, roomID: number, rejoin = false, prepared = false): Promise<OkResults['room.join']> {
    const c = this.hub.config;
    const store = this.hub.store;
    if (s.rooms.has(roomID)) {
      const peers = (await store.roomPeers(roomID)).filter((p) => p.peerID !== s.id);
      // A prepared member joins for real (its user accepted): now its peers are told it joined.
      if (!prepared && this.preparedRooms.get(s)?.delete(roomID))
        for (const p of peers) this.pushToRoomPeer(p, { t: 'peer', roomID, event: 'joined', peer: s.peer });
      // A member joining again (after a prepared join, or a retry) gets its SFU again as well.
      const again = await this.placeOnSfu(s, roomID, peers);
      return {
        peerID: s.id,
        peers: peers.map((p) => this.wirePeerIn(roomID, p)),
        ...(again ? { sfu: again } : {}),
      };
    }
    if (s.rooms.size >= c.maxRoomsPerSession)
      throw new WireError(ERR.TOO_MANY_ROOMS, `in ${s.rooms.size} rooms already`);
    // SFU placement counts the members who publish: a receive-only one would move rooms early.
    if (prepared && this.hub.sfu)
      throw new WireError(
        ERR.PREPARE_UNAVAILABLE,
        'instant answer is not offered where rooms may move to an SFU',
      );
    const me: RoomPeer = { ...s.peer, node: this.hub.node };
    if (c.rejoinGraceMs > 0) await this.takeOver(s, roomID);
    const before = await store.joinRoom(roomID, me, roomCapacity(c), roomAccessLimits(c));
    // One answer whether the room exists or not: a stranger learns nothing about it.
    if (before === 'notInvited') throw new WireError(ERR.ROOM_NOT_INVITED, `not invited into room ${roomID}`);
    if (before === 'full') throw new WireError(ERR.ROOM_FULL, `room ${roomID} is full`);
    if (rejoin && before.length === 0) {
      // Everybody else left: the call is over, and a rejoin must not open the room again alone.
      await store.leaveRoom(roomID, s.id);
      throw new WireError(ERR.ROOM_CALL_ENDED, `the call in room ${roomID} is over`);
    }
    if (s.state === 'ended') {
      // The session ended while the join was on its way: do not leave a ghost peer behind.
      await store.leaveRoom(roomID, s.id);
      throw new WireError(ERR.NOT_LOGGED_IN, 'session ended');
    }
    const sfu = await this.placeOnSfu(s, roomID, before);
    if (prepared) this.markPrepared(s, roomID);
    const peer: WirePeer = prepared ? { ...s.peer, prepared: true } : s.peer;
    for (const p of before) this.pushToRoomPeer(p, { t: 'peer', roomID, event: 'joined', peer });
    s.rooms.add(roomID);
    return { peerID: s.id, peers: before.map((p) => this.wirePeerIn(roomID, p)), ...(sfu ? { sfu } : {}) };
  }

  /**
   * Sessions in a room receive-only for a ringing invitation (instant answer), by session: their
   * peers see them with `prepared: true` until they join the room again without it. Weak, so a
   * session that ends takes its marks with it.
   */
  private readonly preparedRooms = new WeakMap<Session, Set<number>>();

  private markPrepared(s: Session, roomID: number): void {
    const rooms = this.preparedRooms.get(s) ?? new Set<number>();
    rooms.add(roomID);
    this.preparedRooms.set(s, rooms);
  }

  /** A room member as the wire shows it: `prepared` when it is (known for this node's sessions). */
  private wirePeerIn(roomID: number, p: WirePeer): WirePeer {
    const s = this.hub.sessions.get(p.peerID);
    return s && this.preparedRooms.get(s)?.has(roomID) ? { ...wirePeer(p), prepared: true } : wirePeer(p);
  }

  /**
   * With Janus configured: the room's VideoRoom for this joiner (its own token only), placing the
   * room when it needs one; when this join takes a mesh room past the threshold, the members
   * already in get `room.sfu` (each its own token). A Janus failure leaves the room on the mesh.
   */
  private async placeOnSfu(
    s: Session,
    roomID: number,
    before: readonly RoomPeer[],
  ): Promise<WireSfu | undefined> {
    const sfu = this.hub.sfu;
    if (!sfu) return undefined;
    try {
      const placed = await sfu.join(
        roomID,
        s.peer.userID,
        before.length + 1,
        before.map((p) => p.userID),
      );
      for (const p of before) {
        const moved = placed?.moved?.get(p.userID);
        if (moved) this.pushToRoomPeer(p, { t: 'room.sfu', roomID, sfu: moved });
      }
      return placed?.sfu;
    } catch (err) {
      this.hub.log.error({ err, roomID }, 'janus placement failed: the room stays on the mesh');
      return undefined;
    }
  }

  /** The room moved to another Janus instance: this node's sessions in it are told. */
  sfuMoved(roomID: number, sfu: ReadonlyMap<string, WireSfu>): void {
    for (const s of this.hub.sessions.values()) {
      const mine = s.rooms.has(roomID) ? sfu.get(s.peer.userID) : undefined;
      if (mine) this.pushToPeer(s, { t: 'room.sfu', roomID, sfu: mine });
    }
  }

  async leave(s: Session, roomID: number): Promise<void> {
    s.rooms.delete(roomID);
    this.preparedRooms.get(s)?.delete(roomID);
    const rest = await this.hub.store.leaveRoom(roomID, s.id);
    if (!rest) return;
    if (rest.length === 0 && this.hub.sfu) this.hub.background('sfu.emptied', this.hub.sfu.emptied(roomID));
    for (const p of rest) this.pushToRoomPeer(p, { t: 'peer', roomID, event: 'left', peer: s.peer });
  }

  /** Relays an rtc payload to a room peer; synchronous when the target is found without I/O. */
  relayRtc(s: Session, f: RtcRequest): Promise<void> | void {
    if (!s.rooms.has(f.roomID)) throw new WireError(ERR.NOT_A_MEMBER, `not in room ${f.roomID}`);
    const hub = this.hub;
    const frame: RoomPush = { t: 'rtc', roomID: f.roomID, from: s.peer, payload: f.payload };
    // A target on this node needs no store lookup: its own room set is authoritative.
    const local = hub.sessions.get(f.to);
    if (local?.rooms.has(f.roomID)) return this.relayRtcTo(s, f, { ...local.peer, node: hub.node }, frame);
    if (hub.bus.relay && f.to !== s.id) return this.relayRtcRemote(f, frame);
    const now = hub.store.immediate;
    if (now) return this.relayRtcTo(s, f, now.roomPeer(f.roomID, f.to), frame);
    return hub.store.roomPeer(f.roomID, f.to).then((target) => this.relayRtcTo(s, f, target, frame));
  }

  private relayRtcTo(s: Session, f: RtcRequest, target: RoomPeer | null, frame: RoomPush): void {
    if (!target || target.peerID === s.id)
      throw new WireError(ERR.UNKNOWN_TARGET, `no peer ${f.to} in room ${f.roomID}`);
    this.pushToRoomPeer(target, frame);
    this.hub.metrics.rtcRelayed.inc();
  }

  /** Several nodes: looks the target up and publishes to its node in one round trip. */
  private async relayRtcRemote(f: RtcRequest, frame: RoomPush): Promise<void> {
    const hub = this.hub;
    const target = (await hub.bus.relay?.(f.roomID, f.to, frame)) ?? null;
    if (!target) throw new WireError(ERR.UNKNOWN_TARGET, `no peer ${f.to} in room ${f.roomID}`);
    if (target.node === hub.node) this.pushLocal(target.peerID, frame);
    else hub.metrics.clusterPublished.inc('push');
    hub.metrics.rtcRelayed.inc();
  }

  private pushToRoomPeer(p: RoomPeer, frame: RoomPush): void {
    if (p.node === this.hub.node) this.pushLocal(p.peerID, frame);
    else this.hub.tell(p.node, { k: 'push', sessionID: p.peerID, frame });
  }

  /** Pushes to a session of this node, or on to the node that resumed it lately. */
  pushLocal(sessionID: string, frame: RoomPush): void {
    const s = this.hub.sessions.get(sessionID);
    if (s) return this.pushToPeer(s, frame);
    const moved = this.hub.moved.get(sessionID);
    if (moved) this.hub.tell(moved.node, { k: 'push', sessionID, frame });
  }

  /** Pushes to a room peer; a peer in its grace period gets it on resume (bounded). */
  private pushToPeer(p: Session, frame: RoomPush): void {
    if (p.conn && !p.replaying) {
      this.out.send(p.conn, frame);
      return;
    }
    if (p.state === 'ended') return;
    if (p.pending.length < MAX_PENDING_ROOM_PUSHES) {
      p.pending.push(frame);
      return;
    }
    this.overflow(p);
  }
}
