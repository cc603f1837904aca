/**
 * The error codes the virtual network rejects with. Where Tencent IM or TRTCCalling has a
 * code for the same failure, it is reused; codes from 90000 up exist only in the virtual network.
 */
export const VirtualErrorCode = {
  /** `login`: the userID breaks the rule of `ngx-trtc-calling/wire` (TIM 7003, invalid UserID). */
  INVALID_USER_ID: 7003,
  /** `login`: `verifyUserSig` refused the UserSig (TIM 70003, invalid UserSig). */
  INVALID_USER_SIG: 70003,
  /** `send`/`history` while logged out, connecting or kicked out; a login cut short by logout or a kick (TIM 6014). */
  NOT_LOGGED_IN: 6014,
  /** A malformed argument: bad recipient, second login, second join, bad profile or query (TIM 6017). */
  INVALID_PARAMETER: 6017,
  /** A GROUP `send` by a user who is not a member of the group (TIM 10007, no permission). */
  NOT_GROUP_MEMBER: 10007,
  /** A GROUP `send` to a group that does not exist (TIM 10010). */
  GROUP_NOT_FOUND: 10010,
  /** `join`: no microphone (TRTCCalling 60003). */
  NO_MICROPHONE: 60003,
  /** `join` with video, or turning video on: no camera (TRTCCalling 60004). */
  NO_CAMERA: 60004,
  /** `join`, or turning video on: the user denied camera/microphone access (TRTCCalling 60005; `device` says which). */
  ACCESS_DENIED: 60005,
  /** `join`: the room already holds `VirtualNetworkOptions.maxParticipants` users (the self-hosted server's ROOM_FULL). */
  ROOM_FULL: 4026,
  /** `join` with `rejoin`: nobody else is in the room, the call is over (the self-hosted server's ROOM_CALL_ENDED). */
  ROOM_CALL_ENDED: 4102,
  /** `switchDevice`: no device with that ID and kind. */
  DEVICE_NOT_FOUND: 90001,
  /** The default `failed` code of `VirtualNetwork.failMedia`. */
  MEDIA_FAILED: 90002,
  /** `failed` on an engine dropped because the same user joined the same room from another engine. */
  SUPERSEDED: 90003,
  /** Any call on a destroyed channel or engine. */
  DESTROYED: 90004,
  /** `send`/`history` while `VirtualNetwork.disconnect` holds the user offline. */
  NETWORK_UNAVAILABLE: 90005,
  /** `join` cut short by `leave` or `destroy` while it waited (`VirtualMediaOptions.joinDelay`). */
  JOIN_ABORTED: 90006,
  /** `startScreenShare`: the user refused the capture (`VirtualMediaOptions.screenShareDenied`), named `NotAllowedError` as the browser's. */
  SCREEN_SHARE_DENIED: 90007,
} as const;

/** One of the `VirtualErrorCode` values. */
export type VirtualErrorCodeValue = (typeof VirtualErrorCode)[keyof typeof VirtualErrorCode];

/** What the virtual network rejects with: an `Error` with a numeric `code`. */
export class VirtualNetworkError extends Error {
  /** A `VirtualErrorCode` value. */
  readonly code: VirtualErrorCodeValue;

  /** The device a media failure is about (60003/60004/60005), when it is about one. */
  readonly device?: 'camera' | 'microphone';

  /** Creates an error with `code` and a message saying what went wrong. */
  constructor(code: VirtualErrorCodeValue, message: string, device?: 'camera' | 'microphone') {
    super(message);
    this.name = 'VirtualNetworkError';
    this.code = code;
    if (device) this.device = device;
  }
}
