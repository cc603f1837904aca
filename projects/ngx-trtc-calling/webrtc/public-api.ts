/*
 * Public API of ngx-trtc-calling/webrtc: adapters for the self-hosted calling-server.
 */
export * from './wire';
