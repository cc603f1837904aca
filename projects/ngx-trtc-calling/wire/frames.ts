/**
 * The frames of the wire protocol between `ngx-trtc-calling/webrtc` clients and `calling-server`.
 *
 * One JSON object per WebSocket text frame. Requests carry a client-chosen `id`; the server
 * answers each with exactly one `ok` or `error` frame with the same `id`. Everything else the
 * server sends is a push (`msg`, `kicked`, `peer`, `rtc`, `pong`).
 *
 * Types only, apart from `WIRE_VERSION`: the error table is in `errors.ts`.
 */

import type { WireErrorCode } from './errors';

export const WIRE_VERSION = 1;

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

/** Where a room's media runs when it is placed on a Janus VideoRoom (absent: the mesh). */
export interface WireSfu {
  /** The Janus WebSocket URL the clients connect to (subprotocol `janus-protocol`). */
  readonly url: string;
  /** The VideoRoom room number on that instance. */
  readonly room: number;
  /** This user's token for the room (VideoRoom `allowed` ACL); sent as `token` in `join`. */
  readonly token: string;
  /** The instance's configured name (for logs and metrics). */
  readonly instance: string;
}

/** One STUN or TURN server, in the shape of `RTCIceServer`. */
export interface WireIceServer {
  readonly urls: readonly string[];
  /** TURN only: `<expiry unix seconds>:<userID>`. */
  readonly username?: string;
  /** TURN only: base64 of HMAC-SHA1(shared secret, username). */
  readonly credential?: string;
}

/** A peer in a room: one session of one user. */
export interface WirePeer {
  readonly userID: string;
  /** Session ID; unique per connection. */
  readonly peerID: string;
  /** In the room receive-only for a ringing invitation (`RoomJoinRequest.prepared`): not entered yet. */
  readonly prepared?: boolean;
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
  /**
   * Only messages with a seq below this one: the next page of a reply that said `more` (its
   * `beforeSeq`). Absent: the newest.
   */
  readonly beforeSeq?: number;
}
export interface GroupRequest {
  /**
   * `group.delete`: its owner (the creator) removes the group for every member. `group.add`: a
   * member adds `members` (the only way into a group that is not open).
   */
  readonly t: 'group.create' | 'group.join' | 'group.leave' | 'group.delete' | 'group.add';
  readonly id: number;
  readonly groupID: string;
  /** `group.create`: initial members besides the creator; `group.add` (required): members to add. */
  readonly members?: readonly string[];
  /**
   * `group.create` only: anyone may `group.join` (Tencent IM's `FreeAccess`). Default false: only
   * the members the creator names belong to it, and a stranger's `group.join` gets `GROUP_CLOSED`.
   */
  readonly open?: boolean;
}
export interface RoomJoinRequest {
  readonly t: 'room.join';
  readonly id: number;
  readonly roomID: number;
  /**
   * Back into a call in progress (after a reload): takes over this user's slot held since its
   * socket died, and fails with `ROOM_CALL_ENDED` when nobody else is in the room any more.
   */
  readonly rejoin?: boolean;
  /**
   * Instant answer: in the room receive-only while this user's invitation rings (nothing sent,
   * no camera or microphone open). The other members see this peer with `prepared: true` and
   * treat it as not entered; joining again without the flag (after Accept) tells them `joined`.
   */
  readonly prepared?: boolean;
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
/**
 * The STUN/TURN servers this user may use now. TURN credentials are time-limited (the TURN REST
 * form coturn checks with `use-auth-secret`): ask again before `ttl` runs out.
 */
export interface IceServersRequest {
  readonly t: 'ice.servers';
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
  | PingRequest
  | IceServersRequest;

/** What WebRTC peers exchange through the server (opaque to it apart from size limits). */
export type RtcPayload =
  | { readonly kind: 'offer' | 'answer'; readonly sdp: string }
  | {
      readonly kind: 'candidate';
      readonly candidate: string;
      readonly sdpMid: string | null;
      readonly sdpMLineIndex: number | null;
    }
  | { readonly kind: 'media'; readonly audio: boolean; readonly video: boolean }
  /** Which transceiver (`mid`) carries the sender's screen share; `null`: none. */
  | { readonly kind: 'screen'; readonly mid: string | null };

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
/**
 * The room's media moved to a Janus VideoRoom: a mesh call grew past the server's threshold, or
 * its Janus instance died and the room was placed on another. Every member moves its media there
 * (leave the old, join the new).
 */
export interface RoomSfuPush {
  readonly t: 'room.sfu';
  readonly roomID: number;
  readonly sfu: WireSfu;
}
/** Sent after the `ok` reply of a `ping` request (same id). */
export interface PongPush {
  readonly t: 'pong';
  readonly id: number;
  readonly time: number;
}

export type ServerFrame =
  OkFrame | ErrorFrame | MsgPush | KickedPush | PeerPush | RtcPush | RoomSfuPush | PongPush;

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
    /**
     * C2C: the recipient has no session on any node; the message is stored for them and
     * replayed at their login (within the retention).
     */
    readonly offline?: true;
  };
  /**
   * A reply never exceeds the server's page size (a fraction of its `--max-buffered-bytes`): when
   * more messages matched, `more` is true and `beforeSeq` asks for the next (older) page.
   */
  history: {
    readonly messages: readonly WireMessage[];
    readonly more?: boolean;
    readonly beforeSeq?: number;
  };
  'group.create': Record<string, never>;
  'group.join': Record<string, never>;
  'group.leave': Record<string, never>;
  'group.delete': Record<string, never>;
  'group.add': Record<string, never>;
  /**
   * Peers already in the room (other sessions). The joiner sends offers to each — unless `sfu` is
   * present: then the client publishes and subscribes through that VideoRoom instead of
   * negotiating the mesh (`peers` still lists the room's members, for presence).
   */
  'room.join': { readonly peerID: string; readonly peers: readonly WirePeer[]; readonly sfu?: WireSfu };
  'room.leave': Record<string, never>;
  rtc: Record<string, never>;
  ping: { readonly time: number };
  /**
   * `iceServers` is empty when the server has neither STUN nor TURN configured. `ttl` (seconds)
   * is how long the TURN credentials stay valid from `serverTime`; 0 when there are none.
   */
  'ice.servers': {
    readonly iceServers: readonly WireIceServer[];
    readonly ttl: number;
    readonly serverTime: number;
  };
}
