/*
 * Wire codec: `Signal` <-> the TSignaling envelope JSON with the TRTCCalling payload inside
 * (PROTOCOL.md §2.2, §3). The encoder (`encode.ts`, re-exported here) reproduces trtc-calling-js
 * 1.0.6 byte for byte, because some receivers (history renderers, native clients) compare or
 * re-parse the raw text; the decoder accepts every convention the reference accepts and never throws, because its input
 * arrives from the network.
 */
export { encodeSignal } from './encode';
import * as members from './payload-members';
import {
  ACTION_TYPE,
  type CallType,
  type InviteContent,
  type Signal,
  type SignalEnvelopeFields,
} from './signal';

/** Why `decodeSignal` refused a message. */
export type SignalDecodeErrorCode =
  /** Longer than `maxLength`; refused before parsing so a hostile peer cannot make us parse megabytes. */
  | 'tooLarge'
  /** Not a string, or not JSON. */
  | 'notJson'
  /** JSON, but not an object. */
  | 'notObject'
  /** An object whose `businessID` is not the number 1: an ordinary custom message, not signaling. */
  | 'notSignaling'
  /** A signaling envelope with a missing or malformed field. */
  | 'badEnvelope'
  /** `actionType` is not one of 1..5. */
  | 'unknownAction'
  /** The inner call payload (`data`) is not JSON, not an object, or lacks what its action needs. */
  | 'badPayload';

/** A refusal of `decodeSignal`: a machine-readable code, a message for logs, and the offending field. */
export interface SignalDecodeError {
  readonly code: SignalDecodeErrorCode;
  readonly message: string;
  /** The envelope or payload member at fault, when one is. */
  readonly field?: string;
}

/** Outcome of `decodeSignal`: the signal, or why there is none. */
export type DecodeResult =
  { readonly ok: true; readonly signal: Signal } | { readonly ok: false; readonly error: SignalDecodeError };

/** Options of `decodeSignal`. */
export interface DecodeSignalOptions {
  /** Longest accepted text in UTF-16 code units; default `DEFAULT_MAX_SIGNAL_LENGTH`. */
  readonly maxLength?: number;
}

/**
 * Default `maxLength` of `decodeSignal`. A reference envelope is a few hundred characters; a
 * group invite of hundreds of long user IDs still fits, anything bigger is not a call signal.
 */
export const DEFAULT_MAX_SIGNAL_LENGTH = 16384;

/** Longest accepted user ID, group ID and invite ID (IM user IDs are limited to 45 bytes; headroom for other back ends). */
const MAX_ID_LENGTH = 128;
/** Most invitees accepted in one envelope (far above any IM group-call limit). */
const MAX_INVITEES = 1000;

// ---------------------------------------------------------------------------------------------
// Decoding
// ---------------------------------------------------------------------------------------------

/** A parsed JSON object. Members are read with `own` only, so inherited names never count. */
type JsonObject = { readonly [key: string]: unknown };

type Outcome<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: SignalDecodeError };

/**
 * Parses and validates a custom message's data as a signal. Never throws, whatever `text` is.
 *
 * Accepts everything the reference accepts (§3.3 legacy conventions: `line_busy: ""`,
 * `data.message: "lineBusy"`, numeric `call_end` on 1:1 invites, group invites without a room,
 * switch requests flagged only by the top-level member) and refuses the rest with a reason;
 * `notSignaling` marks ordinary custom messages that the caller should ignore quietly.
 */
export function decodeSignal(text: string, options?: DecodeSignalOptions): DecodeResult {
  // `text` is typed, but it comes from the network through adapters: check, don't trust.
  if (typeof text !== 'string') return failure('notJson', `expected a string, got ${kindOf(text)}`);
  const maxLength = maxLengthOf(options);
  if (text.length > maxLength) {
    return failure('tooLarge', `${text.length} characters exceed the limit of ${maxLength}`);
  }
  const parsed = parseJson(text);
  if (!parsed.ok) return failure('notJson', 'not valid JSON');
  const envelope = parsed.value;
  if (!isJsonObject(envelope)) return failure('notObject', `expected a JSON object, got ${kindOf(envelope)}`);
  // Strictly the number 1, as TSignaling tests it: `"1"` or `"av_call"` are someone else's messages.
  if (own(envelope, 'businessID') !== 1) return failure('notSignaling', 'businessID is not 1');

  const fields = envelopeFields(envelope);
  if (!fields.ok) return fields;
  const { actionType, data, onlineUserOnly } = fields.value;
  const common = fields.value.common;

  const payloadValue = parseJson(data);
  if (!payloadValue.ok || !isJsonObject(payloadValue.value)) {
    return failure('badPayload', 'data: not a JSON object', 'data');
  }
  const payload = payloadValue.value;

  switch (actionType) {
    case ACTION_TYPE.INVITE: {
      const content = inviteContent(payload, common);
      if (!content.ok) return content;
      return success({ action: 'invite', ...common, content: content.value, onlineUserOnly });
    }
    case ACTION_TYPE.CANCEL_INVITE:
      return success({ action: 'cancel', ...common, callType: callTypeOf(payload) });
    case ACTION_TYPE.ACCEPT_INVITE: {
      const switchTo = switchTarget(payload);
      // `switchTo` is optional: absent, not `undefined`, so decoded signals compare equal to built ones.
      return success(
        switchTo === undefined
          ? { action: 'accept', ...common, callType: callTypeOf(payload) }
          : { action: 'accept', ...common, callType: callTypeOf(payload), switchTo },
      );
    }
    case ACTION_TYPE.REJECT_INVITE: {
      const mediaFailed = own(payload, members.MEDIA_FAILED_MEMBER);
      const reject = {
        action: 'reject',
        ...common,
        callType: callTypeOf(payload),
        busy: isBusy(payload),
      } as const;
      return success(
        typeof mediaFailed === 'string' && mediaFailed.length <= MAX_ID_LENGTH
          ? { ...reject, mediaFailed }
          : reject,
      );
    }
    case ACTION_TYPE.INVITE_TIMEOUT: {
      // The reference receiver classifies a TIMEOUT's payload like the INVITE it copies.
      const content = inviteContent(payload, common);
      if (!content.ok) return content;
      return success({ action: 'timeout', ...common, content: content.value });
    }
  }
}

interface EnvelopeFields {
  readonly common: SignalEnvelopeFields;
  readonly actionType: (typeof ACTION_TYPE)[keyof typeof ACTION_TYPE];
  readonly data: string;
  readonly onlineUserOnly: boolean;
}

/** Validates the envelope members in wire order, so the first bad one is reported. */
function envelopeFields(envelope: JsonObject): Outcome<EnvelopeFields> {
  const inviteID = own(envelope, 'inviteID');
  if (!isID(inviteID)) return badID('inviteID');
  const inviter = own(envelope, 'inviter');
  if (!isID(inviter)) return badID('inviter');

  const actionType = own(envelope, 'actionType');
  if (
    actionType !== ACTION_TYPE.INVITE &&
    actionType !== ACTION_TYPE.CANCEL_INVITE &&
    actionType !== ACTION_TYPE.ACCEPT_INVITE &&
    actionType !== ACTION_TYPE.REJECT_INVITE &&
    actionType !== ACTION_TYPE.INVITE_TIMEOUT
  ) {
    return failure('unknownAction', 'actionType: not 1..5', 'actionType');
  }

  const inviteeList = own(envelope, 'inviteeList');
  if (!isIDList(inviteeList)) {
    return failure('badEnvelope', `inviteeList: not a list of at most ${MAX_INVITEES} IDs`, 'inviteeList');
  }

  const data = own(envelope, 'data');
  if (typeof data !== 'string') return failure('badEnvelope', 'data: not a string', 'data');

  // Optional members: `null` is read as absent too, because some JSON writers emit null for unset fields.
  const rawTimeout = own(envelope, 'timeout');
  const timeout = rawTimeout === undefined || rawTimeout === null ? 0 : nonNegativeNumber(rawTimeout);
  if (timeout === undefined) {
    return failure('badEnvelope', 'timeout: not a number >= 0', 'timeout');
  }

  const rawGroupID = own(envelope, 'groupID');
  const groupID = rawGroupID === undefined || rawGroupID === null ? '' : rawGroupID;
  if (typeof groupID !== 'string' || groupID.length > MAX_ID_LENGTH) {
    return failure('badEnvelope', `groupID: not a string of at most ${MAX_ID_LENGTH} characters`, 'groupID');
  }

  // Only INVITE carries `onlineUserOnly`; on other actions the member means nothing and is ignored.
  const rawOnlineUserOnly = actionType === ACTION_TYPE.INVITE ? own(envelope, 'onlineUserOnly') : undefined;
  const onlineUserOnly =
    rawOnlineUserOnly === undefined || rawOnlineUserOnly === null ? false : rawOnlineUserOnly;
  if (typeof onlineUserOnly !== 'boolean') {
    return failure('badEnvelope', 'onlineUserOnly: not a boolean', 'onlineUserOnly');
  }

  return {
    ok: true,
    value: {
      common: { inviteID, inviter, inviteeList, groupID, timeout },
      actionType,
      data,
      onlineUserOnly,
    },
  };
}

/**
 * Classifies an INVITE payload (also a TIMEOUT's copy of one) in the order of PROTOCOL.md §3.3;
 * the order matters because legacy clients overload `call_end` and `room_id`.
 */
function inviteContent(payload: JsonObject, envelope: SignalEnvelopeFields): Outcome<InviteContent> {
  const data = innerData(payload);
  const callType = callTypeOf(payload);
  const roomID = roomIDOf(payload, data);
  const callEnd = own(payload, 'call_end');
  const hangup: Outcome<InviteContent> = {
    ok: true,
    value: { kind: 'hangup', callType, callEnd: nonNegativeNumber(callEnd) ?? 0 },
  };

  if (own(data, 'cmd') === members.CMD_HANGUP) return hangup;

  const userIDs = own(data, 'userIDs');
  const isGroup =
    envelope.groupID !== '' ||
    envelope.inviteeList.length >= 2 ||
    (Array.isArray(userIDs) && userIDs.length >= 2);
  if (isGroup) {
    // The reference tests `!room_id`, so a group invite for room 0 is an end notice as well.
    if (roomID === undefined || roomID === 0 || callEnd === 0) return hangup;
  } else if (typeof callEnd === 'number' && callEnd >= 0) {
    // Legacy 1:1 "end of call" invite from other platforms.
    return hangup;
  }

  const switchTo = envelope.groupID === '' ? switchTarget(payload) : undefined;
  if (switchTo !== undefined) {
    // The room is informational on a switch request; the reference never reads it, so tolerate its absence.
    const value = { kind: 'switch', to: switchTo, callType, roomID: roomID ?? 0 } as const;
    return {
      ok: true,
      value: own(payload, members.SWITCH_ASKS_MEMBER) === true ? { ...value, asks: true } : value,
    };
  }

  if (callType === 0) return failure('badPayload', 'call_type: not 1 or 2', 'call_type');
  if (roomID === undefined) {
    return failure('badPayload', 'room_id: missing or invalid', 'room_id');
  }
  return {
    ok: true,
    value: isIDList(userIDs)
      ? { kind: 'call', callType, roomID, userIDs }
      : { kind: 'call', callType, roomID },
  };
}

/** The payload's nested `data` object; anything else reads as empty, like a payload without it. */
function innerData(payload: JsonObject): JsonObject {
  const data = own(payload, 'data');
  return isJsonObject(data) ? data : {};
}

/** `call_type` 1 or 2; anything else is the reference's `CALL_TYPE.UNKNOWN` (0). */
function callTypeOf(payload: JsonObject): CallType {
  const callType = own(payload, 'call_type');
  return callType === 1 || callType === 2 ? callType : 0;
}

/** The room: top-level `room_id`, else `data.room_id` (some senders only fill the nested one). */
function roomIDOf(payload: JsonObject, data: JsonObject): number | undefined {
  return roomIDValue(own(payload, 'room_id')) ?? roomIDValue(own(data, 'room_id'));
}

function roomIDValue(value: unknown): number | undefined {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) return undefined;
  return value === 0 ? 0 : value; // folds -0 into 0
}

/** The target of a switch request or switch reply (§3.3 rule 4); the top-level member wins over `cmd`. */
function switchTarget(payload: JsonObject): 'audio' | 'video' | undefined {
  if (own(payload, members.SWITCH_TO_AUDIO_MEMBER) === members.SWITCH_TO_AUDIO_MEMBER) return 'audio';
  const cmd = own(innerData(payload), 'cmd');
  if (cmd === members.CMD_SWITCH_TO_AUDIO) return 'audio';
  if (cmd === members.CMD_SWITCH_TO_VIDEO) return 'video';
  return undefined;
}

/** Busy rejection; native clients send `line_busy: ""`, so the empty string counts too. */
function isBusy(payload: JsonObject): boolean {
  const lineBusy = own(payload, members.LINE_BUSY_MEMBER);
  return (
    lineBusy === members.LINE_BUSY_MEMBER ||
    lineBusy === '' ||
    own(innerData(payload), 'message') === members.LINE_BUSY_MESSAGE
  );
}

function isID(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_ID_LENGTH;
}

function isIDList(value: unknown): value is string[] {
  return Array.isArray(value) && value.length <= MAX_INVITEES && value.every(isID);
}

/** A finite number >= 0 (with -0 folded into 0), else `undefined`. */
function nonNegativeNumber(value: unknown): number | undefined {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) return undefined;
  return value === 0 ? 0 : value;
}

function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * An own member only: `JSON.parse` makes `"__proto__"` an ordinary own key, and inherited
 * names (`constructor`, anything added to `Object.prototype`) must never look like payload.
 */
function own(object: JsonObject, key: string): unknown {
  return Object.hasOwn(object, key) ? object[key] : undefined;
}

function parseJson(text: string): Outcome<unknown> {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    // SyntaxError, or RangeError on pathological nesting: both mean "not a signal".
    return { ok: false, error: { code: 'notJson', message: 'not valid JSON' } };
  }
}

function maxLengthOf(options: DecodeSignalOptions | undefined): number {
  const maxLength: unknown = isJsonObject(options) ? options.maxLength : undefined;
  return typeof maxLength === 'number' && maxLength >= 0 ? maxLength : DEFAULT_MAX_SIGNAL_LENGTH;
}

/** A short description of a value's type for error messages (never the value: it may be huge). */
function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}

function badID(field: string): { readonly ok: false; readonly error: SignalDecodeError } {
  return failure('badEnvelope', `${field}: not a string of 1–${MAX_ID_LENGTH} characters`, field);
}

function success(signal: Signal): DecodeResult {
  return { ok: true, signal };
}

function failure(
  code: SignalDecodeErrorCode,
  message: string,
  field?: string,
): { readonly ok: false; readonly error: SignalDecodeError } {
  return { ok: false, error: field === undefined ? { code, message } : { code, message, field } };
}
