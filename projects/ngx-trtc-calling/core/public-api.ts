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
export * from './errors';
export * from './calling-events';
export * from './calling';
export * from './state/call-state';
export * from './state/call-event';
export * from './state/reduce-call';
export * from './state/selectors';
export * from './signaling/inbound';
export * from './signaling/decode-signals';
export * from './signaling/dedupe-signals';
export * from './signaling/answered-elsewhere';
export * from './signaling/addressed-to-self';
export * from './signaling/detect-glare';
export * from './signaling/reject-when-busy';
export * from './signaling/match-call';
export * from './signaling/ring-timeout';
export * from './signaling/replay-invitations';
export * from './signaling/outbox';
export * from './signaling/with-state';
