/**
 * Errors raised by the `webrtc` adapters. The codes of the self-hosted server (`WIRE_ERROR`,
 * 4000–4500) pass through unchanged; the codes below are raised by the client itself and are
 * never sent by the server.
 */

/** Codes raised on the client side (the server's own codes are in `WIRE_ERROR`). */
export const CLIENT_ERROR = {
  /** A request was made while the channel is not `ready` (logged out, connecting, reconnecting). */
  NOT_READY: 4900,
  /** The server did not answer a request within `requestTimeout`. */
  TIMEOUT: 4901,
  /** The socket closed while the request was in flight (or could not be opened). */
  CONNECTION_LOST: 4902,
  /** The channel or engine was destroyed. */
  DESTROYED: 4903,
  /** `login` while already logged in as another user, or while a login is in progress. */
  BUSY: 4904,
  /** A frame from the server could not be understood. */
  BAD_REPLY: 4905,
} as const;

/** Codes raised by the WebRTC media engine (besides the TRTCCalling 6000x codes). */
export const MEDIA_ERROR = {
  /** No microphone, or the microphone cannot be opened (TRTCCalling `NOT_MICROPHONE_LIST`). */
  NO_MICROPHONE: 60003,
  /** No camera, or the camera cannot be opened (TRTCCalling `NOT_CAMERA_LIST`). */
  NO_CAMERA: 60004,
  /** The user or the browser denied access to the devices (TRTCCalling `NOT_MEDIA_ACCESS`). */
  ACCESS_DENIED: 60005,
  /** `join` while already joined or joining. */
  ALREADY_JOINED: 4950,
  /** `join` was cancelled by `leave` or `destroy` before it completed. */
  JOIN_ABORTED: 4951,
  /** The browser refused to play a remote stream before a user gesture; retried on the next gesture. */
  AUTOPLAY_BLOCKED: 4952,
  /** A peer connection failed and ICE restarts did not bring it back. */
  CONNECTION_FAILED: 4953,
  /** A WebRTC API this engine needs is missing (TRTCCalling `NOT_SUPPORT`: not a browser, or an old one). */
  UNSUPPORTED: 60006,
  /** More peers in the room than the mesh allows (the server's own limit answers `WIRE_ERROR.ROOM_FULL` too). */
  ROOM_FULL: 4026,
  /**
   * A peer connection gathered no ICE candidate, ICE restarts included: with
   * `iceTransportPolicy: 'relay'`, no TURN server gave an allocation (wrong or expired
   * credentials, or none reachable). The message lists the servers' errors.
   */
  TURN_FAILED: 4956,
  /** A device switch, profile change or renegotiation failed; the call goes on. */
  OPERATION_FAILED: 4955,
  /** The room was placed on an SFU (Janus) that this engine cannot use or reach, or lost it for good. */
  SFU_FAILED: 4960,
} as const;

/** An `Error` with the numeric `code` the ports promise, and the underlying `cause`. */
export class CallingTransportError extends Error {
  /** Numeric code: a `WIRE_ERROR`, `CLIENT_ERROR` or `MEDIA_ERROR` value. */
  readonly code: number;
  /** The device a media failure (60003/60004/60005) is about. */
  readonly device?: 'camera' | 'microphone';

  constructor(
    code: number,
    message: string,
    options?: { readonly cause?: unknown; readonly device?: 'camera' | 'microphone' },
  ) {
    super(message, options);
    this.name = 'CallingTransportError';
    this.code = code;
    if (options?.device) this.device = options.device;
  }
}
