/*
 * Public API of ngx-trtc-calling/ui: ready-made, accessible call components over CallingService
 * (standalone, OnPush, zoneless and SSR-safe, themable through `--ngx-call-*` custom properties),
 * their texts (`CALL_UI_TEXTS`) and the user info they show (`CALL_USER_INFO`).
 */
export { CallAvatar, avatarColor } from './avatar';
export { CALL_ICONS, CallIcon, type CallIconName } from './icons';
export { CALL_THEME } from './theme';
export {
  CALL_UI_TEXTS,
  callErrorText,
  DEFAULT_CALL_UI_TEXTS,
  mergeCallUiTexts,
  provideCallUiTexts,
  type CallUiErrorText,
  type CallUiTextOverrides,
  type CallUiTexts,
} from './texts';
export {
  CALL_USER_INFO,
  defaultCallUserInfo,
  initialsOf,
  injectCallUserInfo,
  injectCallUserNames,
  provideCallUserInfo,
  type CallUserInfo,
  type CallUserInfoResolver,
} from './user-info';
export { CALL_PHONE_BREAKPOINT, CallScreen, gridColumns, SPEAKING_THRESHOLD } from './call-screen';
export { CallTile, qualityLevel } from './call-tile';
export { CallTimer, formatCallDuration } from './call-timer';
export { CallControls } from './call-controls';
export { CallDevicePicker, type CallDeviceKind } from './device-picker';
export { CallConnectionBanner, RECONNECTED_VISIBLE_MS } from './connection-banner';
export { CallingScreenView } from './screen-share-view';
export { CallDeviceCheck } from './device-check';
export { CallErrorMessage } from './call-error';
export { CallIncoming, INCOMING_SHORTCUT_DELAY_MS } from './incoming-call';
export { CallOutgoing, type OutgoingCallState } from './outgoing-call';
export {
  CALL_RINGTONE,
  generatedRingtone,
  provideCallRingtone,
  type CallRingtone,
  type CallRingtonePlayer,
} from './ringtone';
export { CallAttention, requestNotificationPermission, type CallAttentionMessage } from './call-attention';
