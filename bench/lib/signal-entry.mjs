// The engine's own signal encoder, bundled for the load clients.
export { encodeSignal } from '../../projects/ngx-trtc-calling/core/protocol/codec';
export { createInviteID } from '../../projects/ngx-trtc-calling/core/protocol/ids';
