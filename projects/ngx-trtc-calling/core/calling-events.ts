import type { CallType } from './protocol/signal';
import type { EndCause, EndReason } from './state/call-state';

const events: Record<string, string> = {};
// Computed from the names (`onUserAccept` → `USER_ACCEPT`): the table written out costs core's
// budget about 60 bytes gzip. `CALLING_END` is the reference's alias of `CALL_END`.
for (const name of [
  'onError',
  'sdkReady',
  'onInvited',
  'onUserAccept',
  'onUserEnter',
  'onUserLeave',
  'onReject',
  'onNoResp',
  'onLineBusy',
  'onCallingCancel',
  'onKickedOut',
  'onCallingTimeout',
  'onCallEnd',
  'onUserVideoAvailable',
  'onUserAudioAvailable',
  'onUserVoiceVolume',
  'onGroupCallInviteeListUpdate',
]) {
  const key = name
    .replace(/^on/, '')
    .replace(/\B[A-Z]/g, '_$&')
    .toUpperCase();
  events[key] = name;
  if (key === 'CALL_END') events['CALLING_END'] = name;
}
/** Event names, with exactly the string values of trtc-calling-js 1.0.6 (PROTOCOL.md §6). */
export const CALLING_EVENT = events as {
  readonly ERROR: 'onError';
  readonly SDK_READY: 'sdkReady';
  readonly INVITED: 'onInvited';
  readonly USER_ACCEPT: 'onUserAccept';
  readonly USER_ENTER: 'onUserEnter';
  readonly USER_LEAVE: 'onUserLeave';
  readonly REJECT: 'onReject';
  readonly NO_RESP: 'onNoResp';
  readonly LINE_BUSY: 'onLineBusy';
  readonly CALLING_CANCEL: 'onCallingCancel';
  readonly KICKED_OUT: 'onKickedOut';
  readonly CALLING_TIMEOUT: 'onCallingTimeout';
  readonly CALL_END: 'onCallEnd';
  readonly CALLING_END: 'onCallEnd';
  readonly USER_VIDEO_AVAILABLE: 'onUserVideoAvailable';
  readonly USER_AUDIO_AVAILABLE: 'onUserAudioAvailable';
  readonly USER_VOICE_VOLUME: 'onUserVoiceVolume';
  readonly GROUP_CALL_INVITEE_LIST_UPDATE: 'onGroupCallInviteeListUpdate';
};

/** Call types, as the reference's `TRTCCalling.CALL_TYPE`. */
export const CALL_TYPE = { UNKNOWN: 0, AUDIO_CALL: 1, VIDEO_CALL: 2 } as const;

/** Payload of `INVITED`. */
export interface InvitedPayload {
  readonly sponsor: string;
  /** Everyone invited to the call (for group calls without groupID: the whole list, not just self). */
  readonly userIDList: readonly string[];
  readonly isFromGroup: boolean;
  readonly inviteData: {
    readonly version: number;
    readonly callType: CallType;
    readonly callEnd: 0;
    readonly roomID: number;
  };
  readonly inviteID: string;
  /** The IM group of a group invitation, `""` otherwise. */
  readonly groupID: string;
}

/** Payload of `CALL_END`. */
export interface CallEndPayload {
  /** The user who ended it (self for a local hang-up; the sponsor for timeouts). */
  readonly userID: string;
  /** Duration in whole seconds (0 when the call never connected). */
  readonly callEnd: number;
  /** Why it ended. */
  readonly reason: EndReason;
  /** What made media fail, when `reason` is `mediaFailed` and it is known. */
  readonly cause?: EndCause;
}

/** Every event and its payload. */
export interface CallingEventMap {
  onError: { readonly code: number; readonly msg: string };
  sdkReady: { readonly name: 'ts_im_ready' };
  onInvited: InvitedPayload;
  /** The invitee who accepted (the reference wrongly gave the local user's ID). */
  onUserAccept: { readonly userID: string };
  onUserEnter: { readonly userID: string };
  onUserLeave: { readonly userID: string };
  onReject: { readonly userID: string };
  /**
   * Invitees did not answer in time: `userIDList` all of them, `userID` the first (the callee
   * of a 1:1 call), as the API doc lists both; `sponsor` the inviter (self), as the reference.
   */
  onNoResp: { readonly sponsor: string; readonly userID: string; readonly userIDList: readonly string[] };
  onLineBusy: { readonly sponsor: string; readonly userID: string };
  onCallingCancel: { readonly inviteID: string; readonly sponsor: string };
  onKickedOut: { readonly reason: string };
  onCallingTimeout: { readonly sponsor: string; readonly userIDList: readonly string[] };
  onCallEnd: CallEndPayload;
  onUserVideoAvailable: { readonly userID: string; readonly isVideoAvailable: boolean };
  onUserAudioAvailable: { readonly userID: string; readonly isAudioAvailable: boolean };
  onUserVoiceVolume: {
    readonly volumeMap: readonly { readonly userId: string; readonly audioVolume: number }[];
  };
  /** The invitees of the current group call still ringing. */
  onGroupCallInviteeListUpdate: { readonly userIDList: readonly string[] };
}

/** An event name. */
export type CallingEventName = keyof CallingEventMap;

/** One event: `type` narrows `payload`. */
export type CallingEvent = {
  [K in CallingEventName]: { readonly type: K; readonly payload: CallingEventMap[K] };
}[CallingEventName];
