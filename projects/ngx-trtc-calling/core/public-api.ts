/*
 * Public API of ngx-trtc-calling/core: TypeScript + RxJS only.
 */
export * from './protocol/signal';
export * from './signaling/signaling-channel';
export * from './media/media-engine';
export * from './media/video-profiles';
export * from './protocol/codec';
export * from './protocol/offline-push';
export * from './protocol/ids';
