/**
 * The error table of the wire protocol: the codes the self-hosted server sends in `error` frames
 * and close reasons. One table for both sides, so the client maps exactly what the server sends.
 */

/** Error codes of the self-hosted server (in `error` frames and close reasons). */
export const WIRE_ERROR = {
  /** Frame is not JSON, not an object, or lacks/has wrongly typed fields. */
  BAD_FRAME: 4000,
  /** Request type unknown. */
  UNKNOWN_TYPE: 4001,
  /** Anything but `login`/`ping` before login. */
  NOT_LOGGED_IN: 4002,
  /** `login` on a session that is already logged in. */
  ALREADY_LOGGED_IN: 4003,
  /** UserSig does not verify (bad signature, wrong key). */
  USERSIG_INVALID: 4010,
  /** UserSig expired. */
  USERSIG_EXPIRED: 4011,
  /** UserSig issued for another userID. */
  USERSIG_USER_MISMATCH: 4012,
  /** UserSig or login for another SDKAppID. */
  SDKAPPID_MISMATCH: 4013,
  /** userID breaks the shared rule (`USER_ID_PATTERN`, ids.ts). */
  INVALID_USER_ID: 4014,
  /** Frame larger than the limit (the server closes the socket with 1009 when the frame is larger than it reads at all). */
  FRAME_TOO_LARGE: 4020,
  /** Too many messages per second on this session. */
  RATE_LIMITED: 4021,
  /** Too many invitees in one signaling message. */
  TOO_MANY_INVITEES: 4022,
  /** Too many sessions for this user (multi policy). */
  TOO_MANY_SESSIONS: 4023,
  /** Too many rooms joined by this session. */
  TOO_MANY_ROOMS: 4024,
  /** Too many connections from this address. */
  TOO_MANY_CONNECTIONS: 4025,
  /** Room is full (mesh limit). */
  ROOM_FULL: 4026,
  /**
   * `room.join` refused: the user is not one of the call's users (its inviter, or invited into it
   * by a user of the call). The same answer whether or not the room exists or has peers.
   */
  ROOM_NOT_INVITED: 4100,
  /**
   * `room.join` with `rejoin` refused: the call of the room is over (nobody else is in it, and
   * this user holds no slot there from a session that lost its socket).
   */
  ROOM_CALL_ENDED: 4102,
  /**
   * `room.join` with `prepared` refused: this server may move rooms to an SFU (Janus), whose
   * placement counts members who publish; the client joins after Accept instead.
   */
  PREPARE_UNAVAILABLE: 4103,
  /** `group.join` refused: the group is not open (created without `open: true`); a member must add you. */
  GROUP_CLOSED: 4101,
  /** Recipient user, group or room peer unknown. */
  UNKNOWN_TARGET: 4030,
  /** Sender is not a member of the group / room. */
  NOT_A_MEMBER: 4031,
  /** `group.create` for a groupID that already exists. */
  GROUP_EXISTS: 4032,
  /** `group.create` refused: the server holds its maximum number of groups. */
  TOO_MANY_GROUPS: 4027,
  /** Group has its maximum number of members (`group.create` with too many, `group.join`). */
  GROUP_FULL: 4028,
  /**
   * `send` refused: the sender already holds its share of the stored messages (copies or bytes,
   * `--max-stored-per-sender`, `--max-stored-bytes-per-sender`); retry once some have expired.
   */
  SENDER_QUOTA_EXCEEDED: 4150,
  /** `group.create` refused: this user already owns its maximum number of groups (`--max-groups-per-user`). */
  GROUP_QUOTA_EXCEEDED: 4151,
  /** `group.delete` by a user who is not the group's owner (its creator). */
  NOT_GROUP_OWNER: 4152,
  /** Server fault while handling the request. */
  INTERNAL: 4500,
} as const;
export type WireErrorCode = (typeof WIRE_ERROR)[keyof typeof WIRE_ERROR];
