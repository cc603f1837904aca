import { createInviteID } from '../protocol/ids';
import type { CallType, InviteContent, InviteSignal, Signal } from '../protocol/signal';
import type { Route } from '../signaling/outbox';
import type { ActiveCall } from '../state/call-state';
import { isUnanswered, selectInvitedBy, selectPeer } from '../state/selectors';

/*
 * The signals the engine sends, built from the call as plain values (PROTOCOL.md §3). No
 * sending and no state here: the handlers decide when, the outbox sends.
 */

/** An INVITE from `self` that rings for `timeout` seconds. */
export function inviteSignal(
  self: string,
  inviteID: string,
  invitees: readonly string[],
  groupID: string,
  timeout: number,
  content: InviteContent,
): InviteSignal {
  return {
    action: 'invite',
    inviteID,
    inviter: self,
    inviteeList: invitees,
    groupID,
    timeout,
    onlineUserOnly: false,
    content,
  };
}

/** The hang-up notice (an INVITE with `cmd: "hangup"`) that tells `to` we left a call of `callEnd` seconds. */
export function hangupNotice(self: string, call: ActiveCall, to: string, callEnd: number): Signal {
  return {
    action: 'invite',
    inviteID: createInviteID(),
    inviter: self,
    inviteeList: [to],
    groupID: '',
    timeout: 0,
    onlineUserOnly: false,
    content: { kind: 'hangup', callType: call.callType, callEnd },
  };
}

/** Our ACCEPT or REJECT of the invitation that started `call`. */
export function answerSignal(self: string, call: ActiveCall, action: 'accept' | 'reject'): Signal {
  const base = {
    inviteID: call.callID,
    inviter: call.inviter,
    inviteeList: [self],
    groupID: call.groupID,
    timeout: 0,
    callType: call.callType as CallType,
  };
  return action === 'accept' ? { ...base, action } : { ...base, action, busy: false };
}

/** The busy REJECT of an invitation that arrived while we are in a call. */
export function busySignal(self: string, invite: InviteSignal, callType: CallType): Signal {
  return {
    action: 'reject',
    inviteID: invite.inviteID,
    inviter: invite.inviter,
    inviteeList: [self],
    groupID: invite.groupID,
    timeout: 0,
    callType,
    busy: true,
  };
}

/**
 * The signals that close our side of `call`: CANCELs for invitations still ringing, a hang-up
 * notice for a 1:1 peer in the call.
 */
export function farewells(self: string, call: ActiveCall, callEnd: number): [Signal, Route][] {
  const out: [Signal, Route][] = [];
  if (call.direction === 'outgoing') {
    const nobodyAnswered = call.participants.every(isUnanswered);
    for (const inviteID of call.inviteIDs) {
      const ringing = selectInvitedBy(call, inviteID)
        .filter(isUnanswered)
        .map((p) => p.userID);
      if (!ringing.length) continue;
      const cancel = (list: readonly string[]): Signal => ({
        action: 'cancel',
        inviteID,
        inviter: call.inviter,
        inviteeList: list,
        groupID: call.groupID,
        timeout: 0,
        callType: call.callType,
      });
      if (call.groupID && nobodyAnswered) {
        out.push([cancel(ringing), { to: call.groupID, conversationType: 'GROUP' }]);
      } else {
        // Once someone answered, a group CANCEL would also reach (and, in the reference,
        // end the call of) those in the call: cancel the ringing ones one by one (§8.3).
        for (const id of ringing) out.push([cancel([id]), { to: id, conversationType: 'C2C' }]);
      }
    }
  }
  const peer = selectPeer(call);
  const peerIn = call.participants.find(
    (p) => p.userID === peer && (p.status === 'accepted' || p.status === 'joined'),
  );
  if (peer && peerIn)
    out.push([hangupNotice(self, call, peer, callEnd), { to: peer, conversationType: 'C2C' }]);
  return out;
}
