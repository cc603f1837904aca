/*
 * Public API of ngx-trtc-calling/core: TypeScript + RxJS only.
 *
 * Named exports only: every name here is a promise to apps (projects/ngx-trtc-calling/api/ holds
 * the report `npm test` checks). Helpers the engine uses internally (signal keys, the history
 * collapse, the outbox, the transition check, …) stay out. A name another entry of this package
 * needs but apps should not use would be exported with a `ɵ` prefix, as Angular does.
 */

// The engine.
export {
  Calling,
  CONSOLE_LOGGER,
  SILENT_LOGGER,
  type AcceptResult,
  type AnswerParams,
  type CallingLogger,
  type CallingOptions,
  type CallParams,
  type CallResult,
  type DeviceFallback,
  type DeviceInfo,
  type GroupCallParams,
  type GroupCallResult,
  type JoinParams,
  type StopViewParams,
  type SwitchDeviceParams,
  type ViewParams,
} from './calling';
export { type MissedCall } from './engine/missed';
export { type CallStore, sessionCallStore, type StoredCall } from './engine/call-store';
export {
  CALL_TYPE,
  CALLING_EVENT,
  type CallEndPayload,
  type CallingEvent,
  type CallingEventMap,
  type CallingEventName,
  type InvitedPayload,
} from './calling-events';
export {
  CALLING_ERROR_CODE,
  CallingError,
  callingErrorReason,
  ERROR_CODE_RANGES,
  type CallingErrorCode,
  type CallingErrorReason,
  type ErrorLayer,
} from './errors';

// State: what `state$` carries, the reducer that makes it and the selectors over it.
export {
  ACTIVE_STATUSES,
  INITIAL_CALL_STATE,
  MAX_CALL_RECORDS,
  type ActiveCall,
  type ActiveCallType,
  type CallPhase,
  type CallRecord,
  type CallState,
  type EndCause,
  type EndReason,
  type HeldInvitation,
  type Invitation,
  type Participant,
  type ParticipantEnd,
  type ParticipantEndReason,
  type ParticipantStatus,
  type RecordedParticipant,
  type SwitchRequest,
} from './state/call-state';
export { type CallEvent, type CallEventType, type IncomingInvitation } from './state/call-event';
export { reduceCall } from './state/reduce-call';
export {
  hasActiveParticipants,
  selectBusy,
  selectInviteContent,
  selectInvitedBy,
  selectJoined,
  selectPeer,
  selectRinging,
} from './state/selectors';

// The ports an adapter implements.
export {
  SignalingChannel,
  type ConversationType,
  type Credentials,
  type HistoryQuery,
  type IncomingMessage,
  type KickedOutReason,
  type OutgoingMessage,
  type OutgoingOfflinePush,
  type SentMessage,
  type SignalingState,
} from './signaling/signaling-channel';
export {
  MediaEngine,
  type DeviceCheck,
  type DeviceCheckOptions,
  type DeviceKind,
  type DeviceList,
  type JoinOptions,
  type MediaDevice,
  type MediaEvent,
  type MediaPermissions,
  type MediaStats,
  type NetworkQuality,
  type ParticipantQuality,
  type PrepareOptions,
  type ViewTarget,
} from './media/media-engine';
export {
  DEFAULT_VIDEO_PROFILE,
  isVideoProfile,
  isVideoProfileName,
  VIDEO_PROFILES,
  type VideoProfile,
  type VideoProfileName,
} from './media/video-profiles';

// The TRTCCalling protocol: signals and their codec.
export {
  ACTION_TYPE,
  type AcceptSignal,
  type ActionTypeNumber,
  type CallType,
  type CancelSignal,
  type InviteContent,
  type InviteSignal,
  type OfflinePushInfo,
  type RejectSignal,
  type Signal,
  type SignalAction,
  type SignalEnvelopeFields,
  type TimeoutSignal,
} from './protocol/signal';
export {
  decodeSignal,
  DEFAULT_MAX_SIGNAL_LENGTH,
  encodeSignal,
  type DecodeResult,
  type DecodeSignalOptions,
  type SignalDecodeError,
  type SignalDecodeErrorCode,
} from './protocol/codec';

// The signaling operators `Calling` composes, for apps that compose their own pipeline.
export {
  type CallInviteInbound,
  type DropOptions,
  type DropReporter,
  type Inbound,
  isCallInvite,
  NO_STATE_YET,
  type Verdict,
} from './signaling/inbound';
export {
  decodeSignals,
  type DecodeSignalsOptions,
  type InvalidSignalReporter,
} from './signaling/decode-signals';
export { dedupeSignals } from './signaling/dedupe-signals';
export { answeredElsewhere, type RingingState } from './signaling/answered-elsewhere';
export { addressedToSelf } from './signaling/addressed-to-self';
export { detectGlare, type GlareState } from './signaling/detect-glare';
export { rejectWhenBusy, type BusyState } from './signaling/reject-when-busy';
export { matchCall } from './signaling/match-call';
export { ringTimeout, type RingTimeoutConfig } from './signaling/ring-timeout';
export { replayInvitations } from './signaling/replay-invitations';
