/*
 * The encoding half of the wire codec (`codec.ts` decodes): `Signal` -> the envelope JSON that
 * trtc-calling-js 1.0.6 sends, byte for byte, because some receivers (history renderers, native
 * clients) compare or re-parse the raw text.
 */
import {
  PAYLOAD_VERSION,
  PAYLOAD_BUSINESS_ID,
  PAYLOAD_PLATFORM,
  SWITCH_TO_AUDIO_MEMBER,
  LINE_BUSY_MEMBER,
  LINE_BUSY_MESSAGE,
  MEDIA_FAILED_MEMBER,
  SWITCH_ASKS_MEMBER,
  CMD_HANGUP,
  CMD_SWITCH_TO_AUDIO,
  CMD_SWITCH_TO_VIDEO,
} from './payload-members';
import {
  ACTION_TYPE,
  type AcceptSignal,
  type CallType,
  type CancelSignal,
  type InviteContent,
  type RejectSignal,
  type Signal,
} from './signal';

/**
 * Serialises a signal to the envelope JSON that trtc-calling-js 1.0.6 / TSignaling 1.0.8 would
 * send for it (envelope key order of PROTOCOL.md §2.2, inner payload of §3.2).
 */
export function encodeSignal(signal: Signal): string {
  const envelope: Record<string, unknown> = {
    businessID: 1,
    inviteID: signal.inviteID,
    inviter: signal.inviter,
    actionType: actionTypeOf(signal),
    inviteeList: [...signal.inviteeList],
    data: JSON.stringify(payloadOf(signal)),
    timeout: signal.timeout,
    groupID: signal.groupID,
  };
  // TSignaling writes `onlineUserOnly` on INVITE only; its position last is part of the byte layout.
  if (signal.action === 'invite') envelope['onlineUserOnly'] = signal.onlineUserOnly;
  return JSON.stringify(envelope);
}

function actionTypeOf(signal: Signal): number {
  switch (signal.action) {
    case 'invite':
      return ACTION_TYPE.INVITE;
    case 'cancel':
      return ACTION_TYPE.CANCEL_INVITE;
    case 'accept':
      return ACTION_TYPE.ACCEPT_INVITE;
    case 'reject':
      return ACTION_TYPE.REJECT_INVITE;
    case 'timeout':
      return ACTION_TYPE.INVITE_TIMEOUT;
    default:
      return unexpectedSignal(signal);
  }
}

/** The inner payload object, with members in the order TRTCCalling produces them (§3.2). */
function payloadOf(signal: Signal): object {
  switch (signal.action) {
    // A TIMEOUT carries a byte-identical copy of the INVITE's payload.
    case 'invite':
    case 'timeout':
      return invitePayload(signal.content);
    case 'cancel':
      return cancelPayload(signal);
    case 'accept':
      return acceptPayload(signal);
    case 'reject':
      return rejectPayload(signal);
    default:
      return unexpectedSignal(signal);
  }
}

/** `data.cmd` of an ordinary payload; TRTCCalling derives it from `call_type`. */
function callCmd(callType: CallType): string {
  return callType === 1 ? 'audioCall' : callType === 2 ? 'videoCall' : '';
}

/**
 * Every TRTCCalling payload has the same skeleton (§3.1): `extraInfo`, `version`, the
 * situation's members, `businessID`, `platform`, `data`. `members` keeps its own key order,
 * which is the reference's for that situation.
 */
function payload(members: object, data: object): object {
  return {
    extraInfo: '',
    version: PAYLOAD_VERSION,
    ...members,
    businessID: PAYLOAD_BUSINESS_ID,
    platform: PAYLOAD_PLATFORM,
    data,
  };
}

function invitePayload(content: InviteContent): object {
  switch (content.kind) {
    case 'call':
      return payload(
        { call_type: content.callType, room_id: content.roomID },
        {
          cmd: callCmd(content.callType),
          room_id: content.roomID,
          message: '',
          ...(content.userIDs !== undefined ? { userIDs: [...content.userIDs] } : {}),
        },
      );
    case 'switch':
      return payload(
        {
          call_type: content.callType,
          room_id: content.roomID,
          ...(content.to === 'audio' ? { switch_to_audio_call: SWITCH_TO_AUDIO_MEMBER } : {}),
          ...(content.asks ? { [SWITCH_ASKS_MEMBER]: true } : {}),
        },
        {
          cmd: content.to === 'audio' ? CMD_SWITCH_TO_AUDIO : CMD_SWITCH_TO_VIDEO,
          room_id: content.roomID,
          message: '',
        },
      );
    case 'hangup':
      // The hang-up base object has no room_id, so neither level carries one.
      return payload(
        { call_type: content.callType, call_end: content.callEnd },
        { cmd: CMD_HANGUP, message: '' },
      );
    default:
      return unexpectedSignal(content);
  }
}

function cancelPayload(signal: CancelSignal): object {
  // The reference's cancel base object lists businessID before call_type; kept for byte equality.
  return {
    extraInfo: '',
    version: PAYLOAD_VERSION,
    businessID: PAYLOAD_BUSINESS_ID,
    call_type: signal.callType,
    platform: PAYLOAD_PLATFORM,
    data: { cmd: callCmd(signal.callType), message: '' },
  };
}

function acceptPayload(signal: AcceptSignal): object {
  const audio = signal.switchTo === 'audio';
  return payload(
    { call_type: signal.callType, ...(audio ? { switch_to_audio_call: SWITCH_TO_AUDIO_MEMBER } : {}) },
    {
      cmd: audio
        ? CMD_SWITCH_TO_AUDIO
        : signal.switchTo === 'video'
          ? CMD_SWITCH_TO_VIDEO
          : callCmd(signal.callType),
      message: '',
    },
  );
}

function rejectPayload(signal: RejectSignal): object {
  return payload(
    {
      call_type: signal.callType,
      ...(signal.busy ? { line_busy: LINE_BUSY_MEMBER } : {}),
      ...(signal.mediaFailed === undefined ? {} : { [MEDIA_FAILED_MEMBER]: signal.mediaFailed }),
    },
    { cmd: callCmd(signal.callType), message: signal.busy ? LINE_BUSY_MESSAGE : '' },
  );
}

/** Reached only when an untyped caller passes something that is not a `Signal`. */
function unexpectedSignal(value: never): never {
  void value;
  throw new TypeError('encodeSignal: not a Signal');
}
