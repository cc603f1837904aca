/*
 * Public API of ngx-trtc-calling: the Angular layer (and, re-exported, everything of core).
 */
export * from 'ngx-trtc-calling/core';
export { CallingBackend, type CallingConnection } from './lib/calling-backend';
export { CALLING_CONFIG, type CallingConfig } from './lib/calling-config';
export {
  provideCalling,
  withCallingBackend,
  withCallingOptions,
  type CallingFeature,
  type CallingFeatureKind,
} from './lib/provide-calling';
export { SELF_HOSTED_DEV_SDK_APP_ID, withSelfHosted, type SelfHostedOptions } from './lib/with-self-hosted';
export {
  CALLING_TENCENT_LOADER,
  withTencentCloud,
  type TencentAdapters,
  type TencentCloudOptions,
} from './lib/with-tencent-cloud';
export { CallingService } from './lib/calling-service';
export { CallingLocalView } from './lib/calling-local-view';
export { CallingRemoteView } from './lib/calling-remote-view';
export { CallingIncomingCall } from './lib/incoming-call';
