/*
 * Public API of ngx-trtc-calling/webrtc: adapters for the self-hosted calling-server.
 *
 * The two factories, their options and errors. The helpers they are built from (constraints,
 * device choice, perfect negotiation, volume, backoff, frame parsing) stay internal.
 */
export { CallingTransportError, CLIENT_ERROR, MEDIA_ERROR } from './errors';
export { DEFAULT_BACKOFF, type BackoffOptions } from './backoff';
export { consoleTransportLogger, silentTransportLogger, type TransportLogger } from './logger';
export type { WebSocketConstructor, WebSocketLike } from './frame-socket';
export type {
  RoomMembership,
  RoomPeerEvent,
  RoomRtcMessage,
  RoomSfuEvent,
  RoomSignaling,
  RoomStatusEvent,
} from './room-signaling';
export {
  WebSocketSignaling,
  webSocketSignaling,
  type WebSocketSignalingOptions,
} from './web-socket-signaling';
export { WebRtcMedia, webRtcMedia, type WebRtcMediaOptions } from './web-rtc-media';
export type { SfuEngine, SfuJoin, SfuLoader, SfuLocal, SfuRemote } from './sfu-handoff';
export type { MediaEnvironment } from './media-environment';
