/**
 * The decoded meaning of one signaling message: the TSignaling envelope (PROTOCOL.md §2.2)
 * together with the TRTCCalling call payload it carries (§3), as one discriminated union.
 *
 * `decodeSignal(encodeSignal(s))` yields `s` for every well-formed signal.
 */

/** Call media type, numerically equal to the reference's `CALL_TYPE` (0 = unknown). */
export type CallType = 0 | 1 | 2;

/** The envelope `actionType` values (TSignaling `ActionType`). */
export const ACTION_TYPE = {
  INVITE: 1,
  CANCEL_INVITE: 2,
  ACCEPT_INVITE: 3,
  REJECT_INVITE: 4,
  INVITE_TIMEOUT: 5,
} as const;
export type ActionTypeNumber = (typeof ACTION_TYPE)[keyof typeof ACTION_TYPE];

/** Fields every envelope carries (PROTOCOL.md §2.2). */
export interface SignalEnvelopeFields {
  /** UUID v4 of the invitation; follow-ups reuse it. */
  readonly inviteID: string;
  /** userID of the original inviter. */
  readonly inviter: string;
  /** INVITE: the invitees; CANCEL: still-unanswered invitees; ACCEPT/REJECT: `[self]`; TIMEOUT: see §2.6. */
  readonly inviteeList: readonly string[];
  /** `""` for C2C invitations, the IM group ID for group invitations. */
  readonly groupID: string;
  /** Seconds (INVITE); `0` on every other action and on hang-up notices. */
  readonly timeout: number;
}

/** What an INVITE (or the copy of its payload in a TIMEOUT) asks for. */
export type InviteContent =
  /** A new call: ring the invitees. `userIDs` is the whole invitee list of a group call sent without groupID. */
  | {
      readonly kind: 'call';
      readonly callType: 1 | 2;
      readonly roomID: number;
      readonly userIDs?: readonly string[];
    }
  /** A 1:1 request to switch media type; `callType` is the type in force when it was sent. */
  | {
      readonly kind: 'switch';
      readonly to: 'audio' | 'video';
      readonly callType: CallType;
      readonly roomID: number;
      /**
       * Ours, not the reference's: the requester waits for the other user's answer (ACCEPT or
       * REJECT) instead of expecting an automatic ACCEPT. Sent as the top-level member
       * `switch_asks: true`, which reference clients ignore; a request without it comes from a
       * client that ends its call on a REJECT (PROTOCOL.md §8.4), so it is never refused.
       */
      readonly asks?: true;
    }
  /** A hang-up notice (`cmd: "hangup"`, or the legacy numeric `call_end` conventions); `callEnd` in seconds. */
  | { readonly kind: 'hangup'; readonly callType: CallType; readonly callEnd: number };

export interface InviteSignal extends SignalEnvelopeFields {
  readonly action: 'invite';
  readonly content: InviteContent;
  /** Envelope `onlineUserOnly` (only present on INVITE; the reference always sends `false`). */
  readonly onlineUserOnly: boolean;
}

export interface CancelSignal extends SignalEnvelopeFields {
  readonly action: 'cancel';
  readonly callType: CallType;
}

export interface AcceptSignal extends SignalEnvelopeFields {
  readonly action: 'accept';
  readonly callType: CallType;
  /** Set when this ACCEPT answers a switch request (§3.2 "switch reply"). */
  readonly switchTo?: 'audio' | 'video';
}

export interface RejectSignal extends SignalEnvelopeFields {
  readonly action: 'reject';
  readonly callType: CallType;
  /** Automatic busy rejection (`line_busy` "line_busy" or "", or `data.message` "lineBusy"). */
  readonly busy: boolean;
  /**
   * Ours, not the reference's: the callee accepted but its media failed, and this says why (an
   * `EndCause` such as `cameraDenied`; `""` when unknown). Sent as the top-level member
   * `media_failed`, which reference clients ignore (they take the REJECT as a plain one).
   */
  readonly mediaFailed?: string;
}

export interface TimeoutSignal extends SignalEnvelopeFields {
  readonly action: 'timeout';
  /** The original INVITE's payload, which a TIMEOUT carries verbatim. */
  readonly content: InviteContent;
}

/** One signaling message, decoded. */
export type Signal = InviteSignal | CancelSignal | AcceptSignal | RejectSignal | TimeoutSignal;
export type SignalAction = Signal['action'];

/** Offline push information accepted by `call`/`groupCall` (PROTOCOL.md §2.1). */
export interface OfflinePushInfo {
  readonly title?: string;
  readonly description?: string;
  readonly androidOPPOChannelID?: string;
  /** App data carried as `userData` inside the push extension. */
  readonly extension?: string;
}
