import type { InviteContent } from '../protocol/signal';
import type {
  ActiveCall,
  ActiveCallType,
  EndCause,
  EndReason,
  Invitation,
  ParticipantEnd,
  ParticipantStatus,
  SwitchRequest,
} from './call-state';

/** An invitation from someone else, as `invited` and `accepting` carry it. */
export interface IncomingInvitation {
  readonly callID: string;
  readonly inviter: string;
  /** Everyone invited (this user is filtered out by the reducer). */
  readonly invitees: readonly string[];
  readonly callType: ActiveCallType;
  readonly roomID: number;
  readonly groupID: string;
  readonly isGroup: boolean;
  readonly at: number;
  /** What the INVITE carried (kept for the TIMEOUT we may send); absent when not known. */
  readonly content?: InviteContent;
}

/**
 * What happens to a call, as the reducer sees it. The orchestrator dispatches these;
 * `reduceCall` turns them into the next `CallState`.
 */
export type CallEvent =
  /** Logged in (`userID`) or out (`null`). Logging out clears any call without a record. */
  | { readonly type: 'session'; readonly userID: string | null }
  /** We started a call: idle → dialing. */
  | {
      readonly type: 'dialStarted';
      readonly callID: string;
      readonly inviteIDs: readonly string[];
      readonly invitees: readonly string[];
      readonly callType: ActiveCallType;
      readonly roomID: number;
      readonly groupID: string;
      readonly isGroup: boolean;
      readonly at: number;
      /** Whom each invitation invited and what it carried. */
      readonly invitations?: readonly Invitation[];
    }
  /** We invited more people into our running group call. */
  | {
      readonly type: 'inviteesAdded';
      readonly inviteIDs: readonly string[];
      readonly invitees: readonly string[];
      /** Whom each invitation invited and what it carried. */
      readonly invitations?: readonly Invitation[];
    }
  /** An invitation for us: idle → ringing. */
  | ({ readonly type: 'invited' } & IncomingInvitation)
  /**
   * We accepted (or glare made us accept) the invitation `callID` from `inviter`: → connecting.
   * In glare it replaces our outgoing call, whose invitations become withdrawn.
   */
  | ({ readonly type: 'accepting' } & IncomingInvitation)
  /** Glare won: we keep dialing and hold the peer's invitation. */
  | ({ readonly type: 'glareHeld'; readonly from: string } & IncomingInvitation)
  /** A participant answered, timed out, was cancelled, … (the held invitation's sender accepting ours ends the hold). */
  | {
      readonly type: 'participantStatus';
      readonly userIDs: readonly string[];
      readonly status: ParticipantStatus;
      /** How their part ended, when the status alone does not tell it (a media failure and its cause). */
      readonly end?: ParticipantEnd;
    }
  /** A remote participant's media arrived: → connected. */
  | { readonly type: 'peerEntered'; readonly userID: string; readonly at: number }
  /** A remote participant's media went away. */
  | { readonly type: 'peerLeft'; readonly userID: string }
  | {
      readonly type: 'availability';
      readonly userID: string;
      readonly kind: 'audio' | 'video';
      readonly available: boolean;
    }
  | { readonly type: 'callTypeChanged'; readonly callType: ActiveCallType }
  | { readonly type: 'switchPending'; readonly inviteID: string; readonly to: 'audio' | 'video' }
  | { readonly type: 'switchSettled' }
  /** The peer asks this user to switch; `null` once answered (or withdrawn). */
  | { readonly type: 'switchAsked'; readonly request: SwitchRequest | null }
  | { readonly type: 'localMedia'; readonly micMuted?: boolean; readonly cameraEnabled?: boolean }
  /**
   * An invitation to us found in history that expired unanswered while we were away: a
   * `missed` record, with no call (nothing changes when its record is already there).
   */
  | { readonly type: 'missed'; readonly invitation: IncomingInvitation; readonly at: number }
  /**
   * Back into a call in progress (`how`: after a reload, or by `join()`): idle → connecting.
   * `participants` are the users last known in the call; others are added as they enter.
   */
  | ({
      readonly type: 'joiningInProgress';
      readonly how: 'reload' | 'join';
      /** The other users in (or entering) the call, by userID. */
      readonly participants: readonly string[];
    } & Pick<
      ActiveCall,
      | 'callID'
      | 'direction'
      | 'inviter'
      | 'callType'
      | 'roomID'
      | 'groupID'
      | 'isGroup'
      | 'inviteIDs'
      | 'startedAt'
      | 'connectedAt'
    >)
  /** The call is over: → idle, with a record. */
  | { readonly type: 'ended'; readonly reason: EndReason; readonly at: number; readonly cause?: EndCause };

/** A `CallEvent` type name. */
export type CallEventType = CallEvent['type'];
