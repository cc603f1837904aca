/*
 * Public API of ngx-trtc-calling/webrtc: adapters for the self-hosted calling-server.
 */
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
export { WebRtcMedia, webRtcMedia, type WebRtcMediaOptions } from './web-rtc-media';
export { resolveMediaEnvironment, type MediaEnvironment } from './media-environment';
export {
  audioConstraints,
  isAccessDeniedError,
  isMissingDeviceError,
  mediaError,
  mediaErrorCode,
  videoConstraints,
} from './media-constraints';
export {
  chooseFallbackDevice,
  devicesOfKind,
  isDevicePresent,
  toDeviceList,
  type MediaDeviceInfoLike,
} from './device-choice';
export { isOfferCollision, isPolitePeer, shouldIgnoreOffer, type NegotiationSnapshot } from './polite-peer';
export { volumeFromTimeDomain } from './volume-level';
export { VIEW_ATTRIBUTE } from './media-views';
