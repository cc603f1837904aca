import {
  type AcceptSignal,
  type CallType,
  type CancelSignal,
  decodeSignal,
  encodeSignal,
  type Inbound,
  type IncomingMessage,
  type InviteContent,
  type InviteSignal,
  type RejectSignal,
  type Signal,
  type TimeoutSignal,
  type Verdict,
} from 'ngx-trtc-calling/core';

/*
 * Builders of every TRTCCalling signal and reply (PROTOCOL.md §2–3), with the defaults a
 * reference client would send, so a test (or an app's own pipeline) never writes an 8-field
 * envelope by hand. IDs are counters, not random: a failing test prints the same IDs each run.
 */

let counter = 0;
/** A fresh, readable ID: `invite-1`, `invite-2`, … */
function nextID(prefix: string): string {
  return `${prefix}-${++counter}`;
}

/** Options of `inviteFrom`. */
export interface InviteOptions {
  /** Who is called: one userID or several (default `'me'`, the user under test). */
  readonly to?: string | readonly string[];
  /** Default: a fresh `invite-N`. */
  readonly inviteID?: string;
  /** 1 audio, 2 video (default 2). */
  readonly callType?: 1 | 2;
  /** Default 12046907. */
  readonly roomID?: number;
  /** The IM group of a group call (default `''`, a C2C invitation). */
  readonly groupID?: string;
  /** Ring timeout, seconds (default 30). */
  readonly timeout?: number;
}

/** The ring timeout a reference client sends, seconds. */
const DEFAULT_TIMEOUT = 30;
const DEFAULT_ROOM_ID = 12046907;

function list(to: string | readonly string[] | undefined): readonly string[] {
  return to === undefined ? ['me'] : typeof to === 'string' ? [to] : to;
}

/**
 * An INVITE from `from` that starts a call.
 *
 * @example
 * const invite = inviteFrom('carol', { to: 'bob', callType: 1 }); // carol calls bob, audio
 */
export function inviteFrom(from: string, options: InviteOptions = {}): InviteSignal {
  return {
    action: 'invite',
    inviteID: options.inviteID ?? nextID('invite'),
    inviter: from,
    inviteeList: list(options.to),
    groupID: options.groupID ?? '',
    timeout: options.timeout ?? DEFAULT_TIMEOUT,
    onlineUserOnly: false,
    content: { kind: 'call', callType: options.callType ?? 2, roomID: options.roomID ?? DEFAULT_ROOM_ID },
  };
}

function callTypeOf(invite: InviteSignal | TimeoutSignal): CallType {
  return invite.content.callType;
}

function replyEnvelope(invite: InviteSignal, by: string) {
  return {
    inviteID: invite.inviteID,
    inviter: invite.inviter,
    inviteeList: [by],
    groupID: invite.groupID,
    timeout: 0,
    callType: callTypeOf(invite),
  };
}

/** `by`'s ACCEPT of `invite`. */
export function acceptReplyTo(invite: InviteSignal, by: string): AcceptSignal {
  return { action: 'accept', ...replyEnvelope(invite, by) };
}

/** `by`'s REJECT of `invite` (a plain decline; `busy: true` for a busy one, see `busyReplyTo`). */
export function rejectReplyTo(
  invite: InviteSignal,
  by: string,
  options: { readonly busy?: boolean } = {},
): RejectSignal {
  return { action: 'reject', ...replyEnvelope(invite, by), busy: options.busy ?? false };
}

/**
 * The busy REJECT `by` answers `invite` with while in another call — what `Calling` sends for
 * an invite `rejectWhenBusy` marked `busy`.
 *
 * @example
 * inbound$
 *   .pipe(rejectWhenBusy(state$), filter(isCallInvite), filter((i) => i.verdict === 'busy'))
 *   .subscribe((i) => send(busyReplyTo(i.signal, 'bob')));
 */
export function busyReplyTo(invite: InviteSignal, by: string): RejectSignal {
  return rejectReplyTo(invite, by, { busy: true });
}

/** The inviter's CANCEL of `invite`, for `invitees` (default: every invitee). */
export function cancelOf(
  invite: InviteSignal,
  invitees: readonly string[] = invite.inviteeList,
): CancelSignal {
  return {
    action: 'cancel',
    inviteID: invite.inviteID,
    inviter: invite.inviter,
    inviteeList: invitees,
    groupID: invite.groupID,
    timeout: 0,
    callType: callTypeOf(invite),
  };
}

/** The TIMEOUT of `invite` for `invitees` (default: every invitee), carrying its payload. */
export function timeoutOf(
  invite: InviteSignal,
  invitees: readonly string[] = invite.inviteeList,
): TimeoutSignal {
  return {
    action: 'timeout',
    inviteID: invite.inviteID,
    inviter: invite.inviter,
    inviteeList: invitees,
    groupID: invite.groupID,
    timeout: 0,
    content: invite.content,
  };
}

/**
 * The hang-up notice (an INVITE with `cmd: "hangup"`) `from` sends `to` when leaving a 1:1 call
 * of `callEnd` seconds (default 0).
 */
export function hangupNotice(
  from: string,
  to: string,
  options: { readonly callEnd?: number; readonly callType?: 1 | 2; readonly inviteID?: string } = {},
): InviteSignal {
  return {
    ...inviteFrom(from, { to, timeout: 0, ...(options.inviteID ? { inviteID: options.inviteID } : {}) }),
    content: { kind: 'hangup', callType: options.callType ?? 2, callEnd: options.callEnd ?? 0 },
  };
}

/** `from`'s request to switch the 1:1 call with `to` to `media` (asks for an answer, as ours do). */
export function switchRequestFrom(from: string, to: string, media: 'audio' | 'video'): InviteSignal {
  const content: InviteContent = {
    kind: 'switch',
    to: media,
    callType: media === 'audio' ? 2 : 1,
    roomID: DEFAULT_ROOM_ID,
    asks: true,
  };
  return { ...inviteFrom(from, { to }), content };
}

/** Options of `messageOf` and `inboundOf`. */
export interface MessageOfOptions {
  /** The sender (default: the inviter for INVITE/CANCEL/TIMEOUT, the answering invitee for ACCEPT/REJECT). */
  readonly from?: string;
  /** Default: a fresh `msg-N`. */
  readonly id?: string;
  /** Server time, epoch ms (default 0). */
  readonly time?: number;
}

function senderOf(signal: Signal): string {
  return signal.action === 'accept' || signal.action === 'reject'
    ? (signal.inviteeList[0] ?? signal.inviter)
    : signal.inviter;
}

/** The IM message that carries `signal`, with the real wire text (what `messages$` delivers). */
export function messageOf(signal: Signal, options: MessageOfOptions = {}): IncomingMessage {
  return {
    id: options.id ?? nextID('msg'),
    from: options.from ?? senderOf(signal),
    conversationType: signal.groupID === '' ? 'C2C' : 'GROUP',
    ...(signal.groupID === '' ? {} : { groupID: signal.groupID }),
    data: encodeSignal(signal),
    time: options.time ?? 0,
  };
}

/**
 * `signal` as the operators receive it (what `decodeSignals` makes of `messageOf(signal)`).
 *
 * @example
 * const a = inboundOf(inviteFrom('carol', { to: 'bob' }));
 * const decided$ = cold('a', { a }).pipe(rejectWhenBusy(of({ phase: 'connected', call: null })));
 */
export function inboundOf(
  signal: Signal,
  options: MessageOfOptions & { readonly replayed?: boolean; readonly verdict?: Verdict } = {},
): Inbound {
  const message = messageOf(signal, options);
  const decoded = decodeSignal(message.data);
  if (!decoded.ok) throw new Error(`inboundOf: the signal does not decode: ${decoded.error.message}`);
  return {
    signal: decoded.signal,
    message,
    replayed: options.replayed ?? false,
    ...(options.verdict ? { verdict: options.verdict } : {}),
  };
}
