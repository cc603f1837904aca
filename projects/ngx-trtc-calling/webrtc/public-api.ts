/*
 * Public API of ngx-trtc-calling/webrtc: adapters for the self-hosted calling-server.
 */
export * from './wire';
export { CallingTransportError, CLIENT_ERROR, MEDIA_ERROR } from './errors';
export { backoffDelay, DEFAULT_BACKOFF, type BackoffOptions } from './backoff';
export { consoleTransportLogger, silentTransportLogger, type TransportLogger } from './logger';
export { parseServerFrame, type WebSocketConstructor, type WebSocketLike } from './frame-socket';
export type {
  RoomMembership,
  RoomPeerEvent,
  RoomRtcMessage,
  RoomSignaling,
  RoomStatusEvent,
} from './room-signaling';
export {
  WebSocketSignaling,
  webSocketSignaling,
  type WebSocketSignalingOptions,
} from './web-socket-signaling';
