/*
 * Public API of ngx-trtc-calling: the Angular layer (and, re-exported, everything of core).
 */
export * from 'ngx-trtc-calling/core';
export { CallingBackend, type CallingConnection } from './lib/calling-backend';
export { CALLING_CONFIG, type CallingConfig } from './lib/calling-config';
export {
  callingFeature as _callingFeature,
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
