/*
 * Public API of ngx-trtc-calling/wire: the client ↔ server protocol of the self-hosted
 * calling-server. DOM-free and dependency-free, so the Node server imports it as well.
 */
export { DEV_SDK_APP_ID } from './dev';
export { WIRE_ERROR, type WireErrorCode } from './errors';
export {
  GROUP_ID_MAX_BYTES,
  GROUP_ID_PATTERN,
  GROUP_ID_RULE,
  USER_ID_MAX_BYTES,
  USER_ID_PATTERN,
  USER_ID_RULE,
  isGroupID,
  isUserID,
} from './ids';
export {
  WIRE_VERSION,
  type ClientFrame,
  type ErrorFrame,
  type GroupRequest,
  type HistoryRequest,
  type IceServersRequest,
  type KickedPush,
  type LoginRequest,
  type LogoutRequest,
  type MsgPush,
  type OkFrame,
  type OkResults,
  type PeerPush,
  type PingRequest,
  type PongPush,
  type RoomJoinRequest,
  type RoomLeaveRequest,
  type RoomSfuPush,
  type RtcPayload,
  type RtcPush,
  type RtcRequest,
  type SendRequest,
  type ServerFrame,
  type WireIceServer,
  type WireMessage,
  type WireOfflinePush,
  type WirePeer,
  type WireSfu,
} from './frames';
