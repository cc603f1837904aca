/*
 * Shared fixtures for the specs of `core/signaling` and `core/state`: signals built as the
 * reference would send them, carried in real encoded IM messages, and call states reached
 * through the reducer itself (never hand-assembled), so a fixture cannot describe a state
 * the reducer would refuse.
 */
import { of, type MonoTypeOperatorFunction, type Observable } from 'rxjs';
import { decodeSignal, encodeSignal } from '../protocol/codec';
import type {
  AcceptSignal,
  CancelSignal,
  InviteContent,
  InviteSignal,
  RejectSignal,
  Signal,
  TimeoutSignal,
} from '../protocol/signal';
import type { CallEvent } from '../state/call-event';
import { type ActiveCallType, type CallPhase, type CallState, INITIAL_CALL_STATE } from '../state/call-state';
import { reduceCall } from '../state/reduce-call';
import type { DropReporter, Inbound, Verdict } from './inbound';
import type { IncomingMessage } from './signaling-channel';

// ---- identities --------------------------------------------------------------------------------

export const ALICE = 'alice';
export const BOB = 'bob';
export const CAROL = 'carol';
export const DAVE = 'dave';
export const GROUP = 'group-1';

/** Invite IDs in the reference's format (lower-case UUID v4). */
export const ID = {
  call: '3ecd042a-8a14-45de-b3ae-3c28fe5a45f1',
  other: '9f8e7d6c-5b4a-4938-a7b6-c5d4e3f2a1b0',
  third: '4b0a4e8e-1c2d-4e5f-8a9b-0c1d2e3f4a5b',
  fourth: 'c5dc8b55-6d7e-4f80-9a1b-2c3d4e5f6a7b',
  switch: '0d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6',
  hangup: 'e1f2a3b4-c5d6-4e7f-9081-92a3b4c5d6e7',
} as const;

export const ROOM = 12046907;

// ---- signals -----------------------------------------------------------------------------------

interface Envelope {
  readonly inviteID: string;
  readonly inviter: string;
  readonly groupID?: string;
}

/** The payload of a new call; `userIDs` only for a group call sent without groupID. */
export function callContent(callType: 1 | 2 = 2, roomID = ROOM, userIDs?: readonly string[]): InviteContent {
  return userIDs === undefined
    ? { kind: 'call', callType, roomID }
    : { kind: 'call', callType, roomID, userIDs };
}

/** An INVITE that starts a call (timeout 30 s unless given). */
export function invite(
  e: Envelope & {
    readonly invitees: readonly string[];
    readonly timeout?: number;
    readonly content?: InviteContent;
  },
): InviteSignal {
  return {
    action: 'invite',
    inviteID: e.inviteID,
    inviter: e.inviter,
    inviteeList: e.invitees,
    groupID: e.groupID ?? '',
    timeout: e.timeout ?? 30,
    content: e.content ?? callContent(),
    onlineUserOnly: false,
  };
}

/** A hang-up notice: an INVITE with `cmd: "hangup"`, timeout 0, sent by `inviter` (the one who stays). */
export function hangupNotice(
  e: Envelope & { readonly invitees: readonly string[]; readonly callEnd?: number },
): InviteSignal {
  return invite({ ...e, timeout: 0, content: { kind: 'hangup', callType: 2, callEnd: e.callEnd ?? 37 } });
}

/** A 1:1 switch request: an INVITE with `cmd: "switchToAudio"` / `"switchToVideo"`. */
export function switchRequest(
  e: Envelope & { readonly invitees: readonly string[]; readonly to: 'audio' | 'video' },
): InviteSignal {
  return invite({
    ...e,
    content: { kind: 'switch', to: e.to, callType: e.to === 'audio' ? 2 : 1, roomID: ROOM },
  });
}

export function cancel(e: Envelope & { readonly invitees: readonly string[] }): CancelSignal {
  return {
    action: 'cancel',
    inviteID: e.inviteID,
    inviter: e.inviter,
    inviteeList: e.invitees,
    groupID: e.groupID ?? '',
    timeout: 0,
    callType: 2,
  };
}

export function accept(e: Envelope & { readonly invitee: string }): AcceptSignal {
  return {
    action: 'accept',
    inviteID: e.inviteID,
    inviter: e.inviter,
    inviteeList: [e.invitee],
    groupID: e.groupID ?? '',
    timeout: 0,
    callType: 2,
  };
}

export function reject(e: Envelope & { readonly invitee: string; readonly busy?: boolean }): RejectSignal {
  return {
    action: 'reject',
    inviteID: e.inviteID,
    inviter: e.inviter,
    inviteeList: [e.invitee],
    groupID: e.groupID ?? '',
    timeout: 0,
    callType: 2,
    busy: e.busy ?? false,
  };
}

export function timeout(
  e: Envelope & { readonly invitees: readonly string[]; readonly content?: InviteContent },
): TimeoutSignal {
  return {
    action: 'timeout',
    inviteID: e.inviteID,
    inviter: e.inviter,
    inviteeList: e.invitees,
    groupID: e.groupID ?? '',
    timeout: 0,
    content: e.content ?? callContent(),
  };
}

// ---- messages ----------------------------------------------------------------------------------

let messageCounter = 0;

/** Options of an incoming message: defaults are a fresh message ID and time 0. */
export interface MessageOptions {
  readonly id?: string;
  readonly time?: number;
}

/** The IM message that carries `signal` from `from`, with the real wire text. */
export function message(signal: Signal, from: string, options: MessageOptions = {}): IncomingMessage {
  return {
    id: options.id ?? `msg-${++messageCounter}`,
    from,
    conversationType: signal.groupID === '' ? 'C2C' : 'GROUP',
    ...(signal.groupID === '' ? {} : { groupID: signal.groupID }),
    data: encodeSignal(signal),
    time: options.time ?? 0,
  };
}

/** A non-signaling custom message (an app's own), which decoders must skip quietly. */
export function appMessage(from: string, options: MessageOptions = {}): IncomingMessage {
  return {
    id: options.id ?? `msg-${++messageCounter}`,
    from,
    conversationType: 'C2C',
    data: JSON.stringify({ businessID: 'my_app', text: 'hello' }),
    time: options.time ?? 0,
  };
}

/** The signal `message` carries, decoded as the pipeline sees it. */
export function decoded(incoming: IncomingMessage): Signal {
  const result = decodeSignal(incoming.data);
  if (!result.ok) throw new Error(`fixture does not decode: ${result.error.message}`);
  return result.signal;
}

/** An inbound signal as `decodeSignals` produces it (not replayed, no verdict unless given). */
export function inbound(
  signal: Signal,
  from: string,
  options: MessageOptions & { readonly replayed?: boolean; readonly verdict?: Verdict } = {},
): Inbound {
  const incoming = message(signal, from, options);
  return {
    signal: decoded(incoming),
    message: incoming,
    replayed: options.replayed ?? false,
    ...(options.verdict ? { verdict: options.verdict } : {}),
  };
}

// ---- call states -------------------------------------------------------------------------------

/** The state the reducer reaches from `INITIAL_CALL_STATE` through `events`. */
export function stateAfter(...events: readonly CallEvent[]): CallState {
  return events.reduce(reduceCall, INITIAL_CALL_STATE);
}

function expectPhase(state: CallState, phase: CallPhase): CallState {
  if (state.phase !== phase) throw new Error(`fixture expected phase ${phase}, got ${state.phase}`);
  return state;
}

export function session(userID: string | null): CallEvent {
  return { type: 'session', userID };
}

/** `dialStarted` for a call we place. */
export function dialStarted(o: {
  readonly invitees: readonly string[];
  readonly inviteIDs?: readonly string[];
  readonly callID?: string;
  readonly groupID?: string;
  readonly isGroup?: boolean;
  readonly callType?: ActiveCallType;
  readonly at?: number;
}): CallEvent {
  const callID = o.callID ?? o.inviteIDs?.[0] ?? ID.call;
  const inviteIDs = o.inviteIDs ?? [callID];
  return {
    type: 'dialStarted',
    callID,
    inviteIDs,
    invitees: o.invitees,
    callType: o.callType ?? 2,
    roomID: ROOM,
    groupID: o.groupID ?? '',
    isGroup: o.isGroup ?? o.invitees.length > 1,
    at: o.at ?? 1_000,
  };
}

interface IncomingCallOptions {
  readonly inviter: string;
  readonly invitees: readonly string[];
  readonly callID?: string;
  readonly groupID?: string;
  readonly isGroup?: boolean;
  readonly callType?: ActiveCallType;
  readonly roomID?: number;
  readonly at?: number;
}

function incomingFields(o: IncomingCallOptions) {
  return {
    callID: o.callID ?? ID.call,
    inviter: o.inviter,
    invitees: o.invitees,
    callType: o.callType ?? 2,
    roomID: o.roomID ?? ROOM,
    groupID: o.groupID ?? '',
    isGroup: o.isGroup ?? o.invitees.length > 1,
    at: o.at ?? 1_000,
  };
}

/** `invited` for an invitation to us. */
export function invited(o: IncomingCallOptions): CallEvent {
  return { type: 'invited', ...incomingFields(o) };
}

/** `accepting` the invitation `callID` from `inviter`. */
export function accepting(o: IncomingCallOptions): CallEvent {
  return { type: 'accepting', ...incomingFields(o) };
}

export function peerEntered(userID: string, at = 5_000): CallEvent {
  return { type: 'peerEntered', userID, at };
}

export function ended(reason: Extract<CallEvent, { type: 'ended' }>['reason'], at = 10_000): CallEvent {
  return { type: 'ended', reason, at };
}

/** Logged in as `self`, no call. */
export function idleState(self: string): CallState {
  return expectPhase(stateAfter(session(self)), 'idle');
}

/** `self` dialing `invitees` (1:1 when one invitee). */
export function dialingState(self: string, o: Parameters<typeof dialStarted>[0]): CallState {
  return expectPhase(stateAfter(session(self), dialStarted(o)), 'dialing');
}

/** `self` being rung by `o.inviter`. */
export function ringingState(self: string, o: IncomingCallOptions): CallState {
  return expectPhase(stateAfter(session(self), invited(o)), 'ringing');
}

/** `self` accepted `o.inviter`'s invitation and is entering the room. */
export function connectingState(self: string, o: IncomingCallOptions): CallState {
  return expectPhase(stateAfter(session(self), invited(o), accepting(o)), 'connecting');
}

/** `self` in a call with `o.inviter`, who has entered the room. */
export function connectedState(self: string, o: IncomingCallOptions): CallState {
  return expectPhase(
    stateAfter(session(self), invited(o), accepting(o), peerEntered(o.inviter)),
    'connected',
  );
}

// ---- decisions ---------------------------------------------------------------------------------

/** What a verdict operator makes of one signal: passes it as it is, gives it a verdict, or drops it. */
export type Decision = 'passes' | Verdict | `dropped (${string})`;

/** A verdict operator given its state stream and drop reporter (operators that need neither ignore them). */
export type VerdictOperator = (
  state$: Observable<CallState>,
  onDrop: DropReporter,
) => MonoTypeOperatorFunction<Inbound>;

/**
 * The decision `operator` takes on one `item` in one `state`, synchronously: the operator's rule
 * as a function of (state, signal), for tables of cases. Which state is the latest, and teardown,
 * stay with the marble specs. `passes` means the very same object came out.
 */
export function decide(operator: VerdictOperator, state: CallState, item: Inbound): Decision {
  const reasons: string[] = [];
  const out: Inbound[] = [];
  of(item)
    .pipe(operator(of(state), (_, reason) => reasons.push(reason)))
    .subscribe((passed) => out.push(passed));
  const [passed] = out;
  if (out.length > 1) throw new Error(`the operator emitted ${out.length} items for one`);
  if (passed === undefined) return `dropped (${reasons.join(', ') || 'unreported'})`;
  if (passed === item) return 'passes';
  if (passed.verdict && passed.signal === item.signal && passed.message === item.message) {
    return passed.verdict;
  }
  throw new Error(`the operator changed more than the verdict: ${JSON.stringify(passed)}`);
}
