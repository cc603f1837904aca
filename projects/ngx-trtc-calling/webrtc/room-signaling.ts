import type { Observable } from 'rxjs';
import type { SignalingState } from 'ngx-trtc-calling/core';
import type { OkResults, RtcPayload, WirePeer, WireSfu } from 'ngx-trtc-calling/wire';

/** A peer joined or left a room this session is in (the server's `peer` push). */
export interface RoomPeerEvent {
  readonly roomID: number;
  readonly event: 'joined' | 'left';
  readonly peer: WirePeer;
}

/** Negotiation relayed from another peer of a room (the server's `rtc` push). */
export interface RoomRtcMessage {
  readonly roomID: number;
  readonly from: WirePeer;
  readonly payload: RtcPayload;
}

/** This session's place in a room: its own peerID and the peers already there. */
export interface RoomMembership {
  readonly peerID: string;
  readonly peers: readonly WirePeer[];
  /** The room's media runs on this SFU (a Janus VideoRoom), not peer to peer. */
  readonly sfu?: WireSfu;
}

/** A room's media moved to an SFU (the server's `room.sfu` push). */
export interface RoomSfuEvent {
  /** The room whose media moved. */
  readonly roomID: number;
  /** Where it runs now. */
  readonly sfu: WireSfu;
}

/**
 * What happened to a joined room across a reconnect. A new socket is a new server session,
 * so the signaling joins its rooms again under a new peerID (`rejoined`), or reports that it
 * could not (`lost`).
 */
export type RoomStatusEvent =
  | ({ readonly type: 'rejoined'; readonly roomID: number } & RoomMembership)
  | { readonly type: 'lost'; readonly roomID: number; readonly error: Error };

/**
 * The room part of the self-hosted signaling that the WebRTC media engine drives: the same
 * socket as the IM messages. `WebSocketSignaling` implements it; tests may pass a fake.
 */
export interface RoomSignaling {
  /** Peers joining and leaving the rooms this session is in. */
  readonly peerEvents$: Observable<RoomPeerEvent>;
  /** Negotiation messages from peers of the rooms this session is in. */
  readonly rtc$: Observable<RoomRtcMessage>;
  /** Rooms joined again (or lost) after a reconnect. */
  readonly roomStatus$: Observable<RoomStatusEvent>;
  /** Rooms whose media moved to an SFU (absent: a signaling that never places rooms on one). */
  readonly sfu$?: Observable<RoomSfuEvent>;
  /**
   * Joins a room; resolves with this session's peerID and the peers already there. `prepared`:
   * receive-only for a ringing invitation (`RoomJoinRequest.prepared`); joining the same room
   * again without it completes the join.
   */
  joinRoom(
    roomID: number,
    options?: { readonly prepared?: boolean; readonly rejoin?: boolean },
  ): Promise<RoomMembership>;
  /** Leaves a room; resolves at once when the session is gone anyway. */
  leaveRoom(roomID: number): Promise<void>;
  /** Relays `payload` to one peer of a room. */
  sendRtc(roomID: number, toPeerID: string, payload: RtcPayload): Promise<void>;
  /** The STUN/TURN servers the server issues (`ice.servers`); absent: only the app's own are used. */
  iceServers?(): Promise<OkResults['ice.servers']>;
  /** The login state (replays the current one): issued TURN credentials are forgotten on logout. */
  readonly state$?: Observable<SignalingState>;
}
