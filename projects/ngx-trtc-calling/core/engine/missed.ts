import { decodeSignal } from '../protocol/codec';
import { isGroupSignal } from '../signaling/inbound';
import type { IncomingMessage } from '../signaling/signaling-channel';
import type { IncomingInvitation } from '../state/call-event';
import type { CallRecord, CallState } from '../state/call-state';

/** An invitation to this user that expired unanswered (`Calling.missedCall$`). */
export interface MissedCall {
  readonly callID: string;
  /** Who called. */
  readonly inviter: string;
  readonly callType: 1 | 2;
  /** IM group of a group call with groupID, `""` otherwise. */
  readonly groupID: string;
  readonly isGroup: boolean;
  /** Epoch ms when the invitation was sent (history) or started ringing here (live). */
  readonly at: number;
}

/** How far back history is searched for missed calls at login and after a reconnect. */
export const MISSED_CALL_WINDOW_MS = 60 * 60 * 1000;

/**
 * The call invitations to `self` in a history batch that expired unanswered by `at`: sent by
 * someone else to this user (or to a group naming it), past their own timeout, and answered by
 * none of this user's devices (an ACCEPT or REJECT of ours, busy ones included). A CANCEL or
 * TIMEOUT of the inviter does not answer it: the invitation was missed all the same.
 */
export function missedInHistory(
  batch: readonly IncomingMessage[],
  self: string,
  at: number,
): IncomingInvitation[] {
  const answered = new Set<string>();
  const missed: IncomingInvitation[] = [];
  for (const message of [...batch].sort((a, b) => a.time - b.time)) {
    const result = decodeSignal(message.data);
    if (!result.ok) continue;
    const signal = result.signal;
    if (message.from === self) {
      if (signal.action === 'accept' || signal.action === 'reject') answered.add(signal.inviteID);
      continue;
    }
    if (signal.action !== 'invite' || signal.content.kind !== 'call') continue;
    const content = signal.content;
    if (content.roomID <= 0 || !signal.inviteeList.includes(self)) continue;
    // `timeout: 0` has no end: such an invitation never expires by itself.
    if (signal.timeout <= 0 || message.time + signal.timeout * 1000 > at) continue;
    missed.push({
      callID: signal.inviteID,
      inviter: signal.inviter,
      invitees: content.userIDs?.length ? content.userIDs : signal.inviteeList,
      callType: content.callType,
      roomID: content.roomID,
      groupID: signal.groupID,
      isGroup: isGroupSignal(signal),
      at: message.time,
      content,
    });
  }
  return missed.filter((m) => !answered.has(m.callID));
}

/** The missed call a state change recorded, if its newest record is a new missed one. */
export function newMissedCall(before: CallState, after: CallState): MissedCall | null {
  if (after.records === before.records) return null;
  const last: CallRecord | undefined = after.records[after.records.length - 1];
  if (!last?.missed || before.records.includes(last)) return null;
  const { callID, inviter, callType, groupID, isGroup, startedAt } = last;
  return { callID, inviter, callType, groupID, isGroup, at: startedAt };
}
