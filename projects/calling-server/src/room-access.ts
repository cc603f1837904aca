/**
 * Who may join a room: the users of its call. A call's users are its inviter and the users
 * invited into it, which the server learns from the call invitations it relays (TSignaling
 * INVITEs, PROTOCOL.md §2–§3), the only place a room ID travels.
 *
 * - The first user to invite into a room, or to join it while nobody holds it, claims it.
 * - An INVITE from a user of the room adds its invitees (those it is delivered to).
 * - An INVITE from anybody else is delivered unchanged but grants nothing.
 * - `room.join` by anybody else is refused with `ROOM_NOT_INVITED`, before any other check, so a
 *   stranger learns neither who is in the room nor whether it is full.
 * - The list lives while someone is in the room, and after that until the last invitation into
 *   it has stopped ringing (`ttlMs` after it was sent), and at least `EMPTY_ROOM_GRACE_MS` (so that
 *   the users of a call whose peers all dropped at once can come back); then the room ID is free.
 */
import { isUserID } from 'ngx-trtc-calling/wire';
import type { ServerConfig } from './config';

/** What the stores need to keep a room's users. */
export interface RoomAccessLimits {
  /** How long after an invitation its invitees may still join a room nobody is in (ms). */
  readonly ttlMs: number;
  /** Most users one room's list holds; further invitees are not added. */
  readonly maxUsers: number;
}

/** Users a room's list holds at most (a mesh holds 6 peers; a call invites at most 50 at once). */
export const MAX_ROOM_USERS = 256;
/** How long after its ring time an invitee may still join: time to accept and open the devices. */
const JOIN_GRACE_MS = 30_000;
/** How long an emptied room stays its users' (peers that all lost their sockets rejoin in it). */
export const EMPTY_ROOM_GRACE_MS = 30_000;

/** The room-access limits of a configuration. */
export function roomAccessLimits(c: ServerConfig): RoomAccessLimits {
  return { ttlMs: c.longestRingTimeoutMs + JOIN_GRACE_MS, maxUsers: MAX_ROOM_USERS };
}

/** What an INVITE grants: its room and the invitees named in it. */
export interface RoomInvite {
  readonly roomID: number;
  readonly invitees: readonly string[];
}

/** A cheap first test: an INVITE's envelope has `"actionType":1`. */
const MAYBE_INVITE = /"actionType"\s*:\s*1\s*[,}]/;

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const roomIDOf = (v: unknown): number | undefined =>
  typeof v === 'number' && Number.isSafeInteger(v) && v > 0 ? v : undefined;

/** A JSON string and a JSON number, exactly as `JSON.parse` accepts them. */
const STR = String.raw`"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"`;
const NUM = String.raw`-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?`;
/**
 * The inner payload of an invitation as TRTCCalling Web (and this library) lays it out, whole:
 * a text it matches is valid JSON whose only top-level `room_id` is the captured integer, so the
 * room is read without a second `JSON.parse` (every INVITE a server relays pays for this). Any
 * other layout goes through `JSON.parse`.
 */
const USUAL_INNER = new RegExp(
  `^\\{"extraInfo":${STR},"version":${NUM},"call_type":${NUM},"room_id":([1-9]\\d{0,15}),` +
    `"businessID":${STR},"platform":${STR},"data":\\{"cmd":${STR},"room_id":${NUM},"message":${STR}` +
    `(?:,"userIDs":\\[(?:${STR}(?:,${STR})*)?\\])?\\}\\}$`,
);

/** The room of an INVITE's inner payload (see `roomInvite`). */
function innerRoomID(text: string): number | undefined {
  const usual = USUAL_INNER.exec(text);
  const id = usual ? roomIDOf(Number(usual[1])) : undefined;
  if (id !== undefined) return id;
  let inner: unknown;
  try {
    inner = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isObject(inner)) return undefined;
  const nested = inner['data'];
  return (
    roomIDOf(inner['room_id']) ??
    (isObject(nested) ? roomIDOf(nested['room_id']) : undefined) ??
    roomIDOf(inner['roomID'])
  );
}

/**
 * The room and invitees of `data` when it is a TSignaling INVITE with a room (a call or switch
 * invitation; hang-up notices carry none); undefined for anything else. The room is the inner
 * payload's `room_id`, else its `data.room_id` (as the library's decoder reads it), else a
 * `roomID` member (other TRTCCalling versions).
 */
export function roomInvite(data: string): RoomInvite | undefined {
  if (!MAYBE_INVITE.test(data)) return undefined;
  let envelope: unknown;
  try {
    envelope = JSON.parse(data);
  } catch {
    return undefined;
  }
  if (!isObject(envelope) || typeof envelope['data'] !== 'string') return undefined;
  if (envelope['businessID'] !== 1 || envelope['actionType'] !== 1) return undefined;
  const list = envelope['inviteeList'];
  if (!Array.isArray(list)) return undefined;
  const roomID = innerRoomID(envelope['data']);
  if (roomID === undefined) return undefined;
  return { roomID, invitees: list.filter(isUserID) };
}

/** One room's users and how long they keep it while nobody is in it. */
interface Access {
  readonly users: Set<string>;
  /** Epoch ms until which the last invitation may still bring its invitees in. */
  until: number;
}

/** The room users of the in-memory store (the Redis store keeps them in `ra:{room}` hashes). */
export class RoomAccessList {
  private readonly rooms = new Map<number, Access>();

  constructor(private readonly now: () => number) {}

  /** Records an INVITE (see `Store.grantRoom`). */
  grant(
    g: { roomID: number; inviter: string; invitees: readonly string[] },
    limits: RoomAccessLimits,
    empty: boolean,
  ): boolean {
    let access = this.current(g.roomID, empty);
    if (access && !access.users.has(g.inviter)) return false;
    if (!access) {
      access = { users: new Set([g.inviter]), until: 0 };
      this.rooms.set(g.roomID, access);
    }
    for (const u of g.invitees) if (access.users.size < limits.maxUsers) access.users.add(u);
    access.until = Math.max(access.until, this.now() + limits.ttlMs);
    return true;
  }

  /**
   * Whether `userID` may join `roomID`; a room nobody holds is claimed by its first joiner,
   * unless peers are in it already (their list was lost with Redis' data: nobody new gets in).
   */
  admit(roomID: number, userID: string, empty: boolean): boolean {
    const access = this.current(roomID, empty);
    if (access) return access.users.has(userID);
    if (!empty) return false;
    this.rooms.set(roomID, { users: new Set([userID]), until: 0 });
    return true;
  }

  /** The list of a room, unless it is empty and its last invitation stopped ringing. */
  private current(roomID: number, empty: boolean): Access | undefined {
    const access = this.rooms.get(roomID);
    if (!access || !empty || access.until > this.now()) return access;
    this.rooms.delete(roomID);
    return undefined;
  }

  /** The room is empty now: its users keep it for a grace, or while an invitation rings. */
  emptied(roomID: number): void {
    const access = this.rooms.get(roomID);
    if (access) access.until = Math.max(access.until, this.now() + EMPTY_ROOM_GRACE_MS);
  }

  /** Forgets the lists of empty rooms whose last invitation stopped ringing. */
  sweep(busy: (roomID: number) => boolean): void {
    const now = this.now();
    for (const [roomID, access] of this.rooms)
      if (access.until <= now && !busy(roomID)) this.rooms.delete(roomID);
  }

  /** Rooms with a list (for the gauges). */
  get size(): number {
    return this.rooms.size;
  }
}
