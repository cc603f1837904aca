import type { CallType, InviteContent } from '../protocol/signal';
import type { IncomingInvitation } from './call-event';

/**
 * The phase of the current call.
 *
 * - `idle`: no call.
 * - `dialing`: our invitations are out; nobody has entered the room yet (we are in it already).
 * - `ringing`: an invitation for us is pending.
 * - `connecting`: we accepted and are entering the room.
 * - `connected`: at least one remote participant entered the room.
 */
export type CallPhase = 'idle' | 'dialing' | 'ringing' | 'connecting' | 'connected';

/** The phases each phase may move to; anything else is refused by the reducer. */
export const PHASE_TRANSITIONS: Readonly<Record<CallPhase, readonly CallPhase[]>> = {
  // idle → connecting: back into a call in progress (after a reload, or `join()`).
  idle: ['dialing', 'ringing', 'connecting'],
  dialing: ['connected', 'connecting', 'idle'],
  ringing: ['connecting', 'idle'],
  connecting: ['connected', 'idle'],
  connected: ['idle'],
};

/**
 * Where a participant stands. `offline`: the backend told us the invitee is not logged in;
 * the invitation stays deliverable for its timeout and rings once they come online.
 */
export type ParticipantStatus =
  | 'ringing'
  | 'offline'
  | 'accepted'
  | 'rejected'
  | 'busy'
  | 'timeout'
  | 'noResponse'
  | 'canceled'
  | 'joined'
  | 'left';

/** Statuses in which a participant still counts for the call (ringing or in it). */
export const ACTIVE_STATUSES: readonly ParticipantStatus[] = ['ringing', 'offline', 'accepted', 'joined'];

/** Why one participant's part in a call ended, as it really happened. */
export type ParticipantEndReason =
  /** They were in the call (or had accepted) and left it or hung up. */
  | 'hungUp'
  /** The inviter withdrew the invitation before they answered. */
  | 'canceled'
  /** They declined. */
  | 'rejected'
  /** They were in another call. */
  | 'busy'
  /** Nobody answered in time. */
  | 'noAnswer'
  /** They were offline for the whole ring time. */
  | 'offline'
  /** Their media (or ours) could not start or failed; `cause` says why when it is known. */
  | 'mediaFailed';

/** What made media fail, where it is known. */
export type EndCause =
  'cameraDenied' | 'microphoneDenied' | 'noCamera' | 'noMicrophone' | 'roomFull' | 'connectionFailed';

/** How one participant's part in a call ended. */
export interface ParticipantEnd {
  readonly reason: ParticipantEndReason;
  readonly cause?: EndCause;
}

/** Why a call ended. */
export type EndReason =
  /** We hung up (or logged out) after someone answered, or while an invitation rang for us. */
  | 'hangup'
  /** The other side hung up, or every remote participant left. */
  | 'remoteHangup'
  /** We rejected, or every invitee rejected. */
  | 'rejected'
  /** The callee was busy. */
  | 'busy'
  /** The inviter cancelled before we answered, or we cancelled our call before anyone answered. */
  | 'canceled'
  /** Nobody answered in time (invitee side, or the callee's timeout reached us). */
  | 'timeout'
  /** The invitees never answered (our own timer fired; they may be offline). */
  | 'noResponse'
  /** This user accepted on another device. */
  | 'answeredElsewhere'
  /** This user rejected on another device. */
  | 'rejectedElsewhere'
  /** Another login of this user took over the session. */
  | 'kickedOut'
  /** Media could not be started or failed. */
  | 'mediaFailed'
  /** A signaling message essential to the call could not be sent. */
  | 'sendFailed';

/** Someone in the call other than this user. */
export interface Participant {
  readonly userID: string;
  readonly status: ParticipantStatus;
  /** Whether the participant was invited (false for the inviter, seen from an invitee). */
  readonly invited: boolean;
  readonly audioAvailable: boolean;
  readonly videoAvailable: boolean;
  /** How their part ended, when it ended for a reason its status alone does not tell (a cause). */
  readonly end?: ParticipantEnd;
}

/** One invitation of the call: whom it invited and what it carried. */
export interface Invitation {
  readonly inviteID: string;
  /** Who it invited; a later invitation of the same user supersedes it for that user. */
  readonly invitees: readonly string[];
  /** What the INVITE carried; a TIMEOUT for it repeats this verbatim (PROTOCOL.md). */
  readonly content: InviteContent;
}

/** The invitation of the peer we are dialing, held by the glare winner (ARCHITECTURE.md "Glare"). */
export interface HeldInvitation extends IncomingInvitation {
  /** The sender of the held invitation. */
  readonly from: string;
}

/** The call in progress. */
export interface ActiveCall {
  /** The inviteID of the call's first invitation. */
  readonly callID: string;
  readonly direction: 'outgoing' | 'incoming';
  readonly inviter: string;
  readonly callType: 1 | 2;
  readonly roomID: number;
  /** IM group of a group call with groupID, `""` otherwise. */
  readonly groupID: string;
  readonly isGroup: boolean;
  /** Every inviteID that belongs to this call (follow-ups are matched against these). */
  readonly inviteIDs: readonly string[];
  /** Everyone but this user, in order of appearance. */
  readonly participants: readonly Participant[];
  /** Epoch ms when the call started (dialing or ringing). */
  readonly startedAt: number;
  /** Epoch ms when the first remote participant entered; `null` before. */
  readonly connectedAt: number | null;
  /** The invitations sent or received for this call whose content we know, oldest first. */
  readonly invitations: readonly Invitation[];
  /** The glare loser's invitation, held while ours rings: accepted if ours comes back busy. */
  readonly held: HeldInvitation | null;
  /** Our outstanding audio↔video switch request. */
  readonly pendingSwitch: { readonly inviteID: string; readonly to: 'audio' | 'video' } | null;
  /** The peer's switch request waiting for this user's answer (`acceptSwitch`/`rejectSwitch`). */
  readonly switchRequest?: SwitchRequest | null;
  readonly micMuted: boolean;
  readonly cameraEnabled: boolean;
  /**
   * How this user came into a call already in progress: `reload`, back after a page reload or
   * a crash (`CallingOptions.callStore`); `join`, by `join()`. Absent for a call dialed or answered here.
   */
  readonly joinedInProgress?: 'reload' | 'join';
}

/** A participant as a `CallRecord` keeps them. */
export interface RecordedParticipant {
  readonly userID: string;
  readonly status: ParticipantStatus;
  /** Set when their part ended before the call did (never for one still in the call). */
  readonly end?: ParticipantEnd;
}

/** The peer asks to switch the 1:1 call to audio or video; this user answers it. */
export interface SwitchRequest {
  readonly inviteID: string;
  /** The peer who asks. */
  readonly from: string;
  readonly to: 'audio' | 'video';
}

/** The outcome of one finished call. */
export interface CallRecord {
  readonly callID: string;
  readonly direction: 'outgoing' | 'incoming';
  readonly inviter: string;
  readonly callType: 1 | 2;
  readonly groupID: string;
  readonly isGroup: boolean;
  /** Every other participant with their final status, and how their part ended if it did. */
  readonly participants: readonly RecordedParticipant[];
  readonly endReason: EndReason;
  /** What made our media fail, when `endReason` is `mediaFailed` and it is known. */
  readonly cause?: EndCause;
  readonly startedAt: number;
  readonly connectedAt: number | null;
  readonly endedAt: number;
  /** Whole seconds connected (0 when never connected). */
  readonly duration: number;
  /**
   * An invitation to this user that expired unanswered: it rang out, or its inviter cancelled
   * or timed it out before we answered (live, or found in history at login).
   */
  readonly missed?: true;
}

/** How many finished calls `CallState.records` keeps. */
export const MAX_CALL_RECORDS = 100;

/** Everything a `Calling` knows, as one immutable value. */
export interface CallState {
  /** The logged-in user, or `null`. */
  readonly userID: string | null;
  readonly phase: CallPhase;
  readonly call: ActiveCall | null;
  /** Finished calls of this session, oldest first (at most `MAX_CALL_RECORDS`). */
  readonly records: readonly CallRecord[];
  /**
   * InviteIDs of our invitations withdrawn in glare, oldest first (at most `MAX_WITHDRAWN`):
   * late answers to them are dropped. They outlive the call that withdrew them.
   */
  readonly withdrawn: readonly string[];
}

/** How many withdrawn inviteIDs `CallState.withdrawn` keeps. */
export const MAX_WITHDRAWN = 64;

/** The state before login. */
export const INITIAL_CALL_STATE: CallState = {
  userID: null,
  phase: 'idle',
  call: null,
  records: [],
  withdrawn: [],
};

/** Call type as the 1 | 2 a call has; anything else is taken as audio. */
export type ActiveCallType = Exclude<CallType, 0>;
