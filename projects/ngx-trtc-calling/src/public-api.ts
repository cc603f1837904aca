/*
 * Public API of ngx-trtc-calling: the Angular layer.
 *
 * Besides its own names it re-exports from core what an app needs alongside `CallingService`:
 * the types of its methods, observables and signals, and the constants that go with them. The
 * engine itself (`Calling` as a value), the reducer, the codec, the operators and the ports stay
 * in ngx-trtc-calling/core, for apps that use them directly.
 */
export { CallingBackend, type CallingConnection } from './lib/calling-backend';
export { CALLING_CONFIG, type CallingConfig } from './lib/calling-config';
export {
  callingFeature as ɵcallingFeature,
  provideCalling,
  withCallingBackend,
  withCallingOptions,
  type CallingFeature,
  type CallingFeatureKind,
} from './lib/provide-calling';
export { SELF_HOSTED_DEV_SDK_APP_ID, withSelfHosted, type SelfHostedOptions } from './lib/with-self-hosted';
export { CallingService } from './lib/calling-service';
export { CallingLocalView } from './lib/calling-local-view';
export { CallingRemoteView } from './lib/calling-remote-view';
export { CallingIncomingCall } from './lib/incoming-call';

// From core: the vocabulary of CallingService.
export {
  ACTIVE_STATUSES,
  CALL_TYPE,
  CALLING_ERROR_CODE,
  CALLING_EVENT,
  CallingError,
  callingErrorReason,
  CONSOLE_LOGGER,
  DEFAULT_VIDEO_PROFILE,
  SILENT_LOGGER,
  VIDEO_PROFILES,
  type AcceptResult,
  type ActiveCall,
  type AnswerParams,
  type CallEndPayload,
  type Calling,
  type CallingErrorCode,
  type CallingErrorReason,
  type CallingEvent,
  type CallingEventMap,
  type CallingEventName,
  type CallingLogger,
  type CallParams,
  type CallPhase,
  type CallRecord,
  type CallResult,
  type CallState,
  type DeviceCheck,
  type DeviceCheckOptions,
  type DeviceFallback,
  type DeviceInfo,
  type DeviceKind,
  type DeviceList,
  type MediaPermissions,
  type EndCause,
  type EndReason,
  type GroupCallParams,
  type GroupCallResult,
  type InvitedPayload,
  type JoinParams,
  type MediaDevice,
  type MissedCall,
  type Participant,
  type ParticipantEnd,
  type ParticipantEndReason,
  type ParticipantStatus,
  type RecordedParticipant,
  type StopViewParams,
  type SwitchDeviceParams,
  type SwitchRequest,
  type VideoProfile,
  type VideoProfileName,
  type ViewParams,
  type ViewTarget,
} from 'ngx-trtc-calling/core';
