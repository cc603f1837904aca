import type { InviteContent } from '../protocol/signal';
import type { ActiveCall, CallState, Participant } from './call-state';
import { ACTIVE_STATUSES } from './call-state';

/** Whether an invitee has not answered yet: ringing, or offline with the invitation waiting for them. */
export function isUnanswered(p: Participant): boolean {
  return p.status === 'ringing' || p.status === 'offline';
}

/** Invitees who have not answered yet (for `GROUP_CALL_INVITEE_LIST_UPDATE`), offline ones included. */
export function selectRinging(call: ActiveCall | null): readonly string[] {
  return call ? call.participants.filter(isUnanswered).map((p) => p.userID) : [];
}

/** Participants whose media is in the room. */
export function selectJoined(call: ActiveCall | null): readonly Participant[] {
  return call ? call.participants.filter((p) => p.status === 'joined') : [];
}

/** Whether anyone besides us is still ringing, accepted or in the room. */
export function hasActiveParticipants(call: ActiveCall | null): boolean {
  return !!call && call.participants.some((p) => ACTIVE_STATUSES.includes(p.status));
}

/** Whether this user is busy (any phase but idle). */
export function selectBusy(state: CallState): boolean {
  return state.phase !== 'idle';
}

/** The single remote peer of a 1:1 call. */
export function selectPeer(call: ActiveCall | null): string | null {
  if (!call || call.isGroup) return null;
  return call.participants[0]?.userID ?? null;
}

/**
 * The invitees whose latest invitation is `inviteID` (for CANCELs and the inviter's ring
 * timer). Invitees of no recorded invitation count for the call's first one.
 */
export function selectInvitedBy(call: ActiveCall | null, inviteID: string): readonly Participant[] {
  if (!call) return [];
  const latest = (userID: string): string => {
    for (let i = call.invitations.length - 1; i >= 0; i--) {
      const invitation = call.invitations[i];
      if (invitation?.invitees.includes(userID)) return invitation.inviteID;
    }
    return call.callID;
  };
  return call.participants.filter((p) => p.invited && latest(p.userID) === inviteID);
}

/** What the invitation `inviteID` of the call carried, if known. */
export function selectInviteContent(call: ActiveCall | null, inviteID: string): InviteContent | null {
  return call?.invitations.find((i) => i.inviteID === inviteID)?.content ?? null;
}
