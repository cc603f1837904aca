/*
 * Public API of ngx-trtc-calling/tencent: adapters over tim-js-sdk (signaling) and trtc-js-sdk
 * (media). The SDKs are referenced only as types here; the factories load them with `import()`
 * on first use (or take the module from their options), so an app that never calls them never
 * bundles the SDKs.
 */
export { timSignaling, TimSignalingChannel, type TimSignalingOptions } from './tim-signaling';
export { fromTimMessage, TIM_MESSAGE_TYPES } from './tim-message';
export { trtcMedia, TrtcMediaEngine, type TrtcMediaOptions, type DeviceChangeSource } from './trtc-media';
export { TencentError, TENCENT_ERROR } from './tencent-error';
export type { ModuleOrNamespace } from './load-module';
export type {
  TimConversation,
  TimCustomMessageOptions,
  TimEvent,
  TimEvents,
  TimInstance,
  TimMessage,
  TimModule,
  TimResponse,
  TimSendOptions,
  TimTypeValue,
  TimTypes,
} from './tim-like';
export type {
  TrtcAudioVolumeEvent,
  TrtcBannedEvent,
  TrtcClient,
  TrtcClientConfig,
  TrtcClientEventMap,
  TrtcDeviceInfo,
  TrtcError,
  TrtcLocalStream,
  TrtcModule,
  TrtcPlayTarget,
  TrtcRemoteStream,
  TrtcStream,
  TrtcStreamConfig,
  TrtcStreamEvent,
  TrtcUserEvent,
  TrtcVideoProfile,
} from './trtc-like';
