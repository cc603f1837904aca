/**
 * The wire protocol between `ngx-trtc-calling/webrtc` clients and `calling-server`.
 *
 * One JSON object per WebSocket text frame. Requests carry a client-chosen `id`; the server
 * answers each with exactly one `ok` or `error` frame with the same `id`. Everything else the
 * server sends is a push (`msg`, `kicked`, `peer`, `rtc`, `pong`).
 *
 * This file is types and constants only: the server imports it as types.
 */

export const WIRE_VERSION = 1;

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
  /** userID not of letters, digits, `-`, `_`, or too long. */
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
  /** Server fault while handling the request. */
  INTERNAL: 4500,
} as const;
export type WireErrorCode = (typeof WIRE_ERROR)[keyof typeof WIRE_ERROR];

/** A delivered custom message (the `IncomingMessage` of the SignalingChannel port plus routing). */
export interface WireMessage {
  /** Server-assigned unique ID. */
  readonly id: string;
  /** Per-recipient-user sequence number, strictly increasing; used to resume. */
  readonly seq: number;
  /** Authenticated sender (never taken from the client). */
  readonly from: string;
  readonly conversationType: 'C2C' | 'GROUP';
  /** Recipient userID (C2C) or groupID (GROUP). */
  readonly to: string;
  readonly data: string;
  /** Server time, epoch ms. */
  readonly time: number;
}

export interface WireOfflinePush {
  readonly title: string;
  readonly description: string;
  readonly androidOPPOChannelID: string;
  readonly extension: string;
}

/** A peer in a room: one session of one user. */
export interface WirePeer {
  readonly userID: string;
  /** Session ID; unique per connection. */
  readonly peerID: string;
}

// ---- client → server --------------------------------------------------------------------

export interface LoginRequest {
  readonly t: 'login';
  readonly id: number;
  readonly SDKAppID: number;
  readonly userID: string;
  readonly userSig: string;
  /** Highest `seq` this client has already received for this user; the server sends what follows. */
  readonly lastSeq?: number;
  /**
   * `sessionID` of this client's previous session (its peerID in rooms). If that session's socket
   * died less than the server's grace period ago (default 5 s) and it belongs to the same user, the
   * new connection takes it over: same sessionID/peerID, same rooms, no `peer left` for the others,
   * and the room pushes (`peer`, `rtc`) addressed to it meanwhile are delivered. Otherwise ignored.
   */
  readonly resumeSessionID?: string;
}
export interface LogoutRequest {
  readonly t: 'logout';
  readonly id: number;
}
export interface SendRequest {
  readonly t: 'send';
  readonly id: number;
  readonly to: string;
  readonly conversationType: 'C2C' | 'GROUP';
  readonly data: string;
  readonly offlinePushInfo?: WireOfflinePush;
}
export interface HistoryRequest {
  readonly t: 'history';
  readonly id: number;
  /** Epoch ms. */
  readonly since: number;
  readonly limit: number;
}
export interface GroupRequest {
  readonly t: 'group.create' | 'group.join' | 'group.leave';
  readonly id: number;
  readonly groupID: string;
  /** `group.create` only: initial members besides the creator. */
  readonly members?: readonly string[];
}
export interface RoomJoinRequest {
  readonly t: 'room.join';
  readonly id: number;
  readonly roomID: number;
}
export interface RoomLeaveRequest {
  readonly t: 'room.leave';
  readonly id: number;
  readonly roomID: number;
}
/** SDP/ICE/state for one peer of a room the sender is in; relayed verbatim as `rtc` push. */
export interface RtcRequest {
  readonly t: 'rtc';
  readonly id: number;
  readonly roomID: number;
  /** Target peerID. */
  readonly to: string;
  readonly payload: RtcPayload;
}
export interface PingRequest {
  readonly t: 'ping';
  readonly id: number;
}

export type ClientFrame =
  | LoginRequest
  | LogoutRequest
  | SendRequest
  | HistoryRequest
  | GroupRequest
  | RoomJoinRequest
  | RoomLeaveRequest
  | RtcRequest
  | PingRequest;

/** What WebRTC peers exchange through the server (opaque to it apart from size limits). */
export type RtcPayload =
  | { readonly kind: 'offer' | 'answer'; readonly sdp: string }
  | {
      readonly kind: 'candidate';
      readonly candidate: string;
      readonly sdpMid: string | null;
      readonly sdpMLineIndex: number | null;
    }
  | { readonly kind: 'media'; readonly audio: boolean; readonly video: boolean };

// ---- server → client --------------------------------------------------------------------

/** Reply to a request. `result` depends on the request type (see `OkResults`). */
export interface OkFrame<R = unknown> {
  readonly t: 'ok';
  readonly id: number;
  readonly result: R;
}
export interface ErrorFrame {
  readonly t: 'error';
  /** Request id, absent when the frame could not be parsed. */
  readonly id?: number;
  readonly code: WireErrorCode;
  readonly message: string;
}
/** Pushed message (live, stored-then-delivered, or resumed). */
export interface MsgPush {
  readonly t: 'msg';
  readonly message: WireMessage;
}
/** This session was ended by the server; the socket closes after it. */
export interface KickedPush {
  readonly t: 'kicked';
  /** `sessionResumed`: another connection took this session over with `resumeSessionID`. */
  readonly reason: 'multipleAccount' | 'userSigExpired' | 'serverShutdown' | 'sessionResumed' | (string & {});
}
/** A peer joined or left a room this session is in. */
export interface PeerPush {
  readonly t: 'peer';
  readonly roomID: number;
  readonly event: 'joined' | 'left';
  readonly peer: WirePeer;
}
/** Relayed WebRTC negotiation from another peer of the same room. */
export interface RtcPush {
  readonly t: 'rtc';
  readonly roomID: number;
  readonly from: WirePeer;
  readonly payload: RtcPayload;
}
/** Sent after the `ok` reply of a `ping` request (same id). */
export interface PongPush {
  readonly t: 'pong';
  readonly id: number;
  readonly time: number;
}

export type ServerFrame = OkFrame | ErrorFrame | MsgPush | KickedPush | PeerPush | RtcPush | PongPush;

/** The `result` of each request's `ok` reply. */
export interface OkResults {
  login: {
    readonly sessionID: string;
    /** The user's highest seq at login: replayed messages have seq ≤ this, live ones > this. */
    readonly seq: number;
    readonly serverTime: number;
    /** True when `resumeSessionID` was honoured (rooms kept); false/absent: a fresh session. */
    readonly resumed?: boolean;
    /**
     * The replay after this `ok` holds the stored messages with seq > `replayAfter` (= `lastSeq` if
     * given, else the highest seq some session of the user already had). A client without a
     * `lastSeq` yet should adopt it as its `lastSeq`, so that a resume after a silent drop also
     * recovers what was pushed to the dead socket.
     */
    readonly replayAfter?: number;
  };
  logout: Record<string, never>;
  send: {
    readonly messageID: string;
    readonly time: number;
    /** Seq of the sender's own (echo) copy: raise `lastSeq` to it so a resume does not replay it. */
    readonly seq?: number;
  };
  history: { readonly messages: readonly WireMessage[] };
  'group.create': Record<string, never>;
  'group.join': Record<string, never>;
  'group.leave': Record<string, never>;
  /** Peers already in the room (other sessions). The joiner sends offers to each. */
  'room.join': { readonly peerID: string; readonly peers: readonly WirePeer[] };
  'room.leave': Record<string, never>;
  rtc: Record<string, never>;
  ping: { readonly time: number };
}
