/*
 * Public API of ngx-trtc-calling/testing: the virtual network and marble helpers.
 * Imports rxjs and ngx-trtc-calling/core only; runs in plain Node.
 */
export { DEFAULT_VIRTUAL_START_TIME, VirtualClock, type VirtualClockOptions } from './virtual-clock';
export { VirtualNetwork, type VirtualNetworkOptions } from './virtual-network';
export { VirtualSignalingChannel } from './virtual-signaling-channel';
export { VirtualMediaEngine } from './virtual-media-engine';
export {
  DEFAULT_VIRTUAL_DEVICES,
  VIRTUAL_SPEAKING_VOLUME,
  VIRTUAL_VOLUME_INTERVAL,
  type VirtualAttachments,
  type VirtualMediaOptions,
  type VirtualRemoteUser,
  type VirtualTrack,
} from './virtual-media-options';
export { type MessagePredicate, type NetworkMessage, type SentRecord } from './im-server';
export { VirtualErrorCode, VirtualNetworkError, type VirtualErrorCodeValue } from './virtual-errors';
export {
  EventRecording,
  recordEvents,
  type MarbleLetters,
  type RecordedEvent,
  type TimeSource,
} from './record';
export {
  defaultDeepEqualAssertion,
  marbleTester,
  runMarbles,
  type DeepEqualAssertion,
  type MarbleTester,
} from './marble-tester';
export {
  acceptReplyTo,
  busyReplyTo,
  cancelOf,
  hangupNotice,
  inboundOf,
  inviteFrom,
  messageOf,
  rejectReplyTo,
  switchRequestFrom,
  timeoutOf,
  type InviteOptions,
  type MessageOfOptions,
} from './signal-builders';
export { describeSentSignal, SentSignals, type SentSignal, type SignalMatch } from './sent-signals';
