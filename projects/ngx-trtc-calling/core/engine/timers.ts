import { CALLING_ERROR_CODE, CallingError } from '../errors';
import type { Signal } from '../protocol/signal';
import {
  hasActiveParticipants,
  isUnanswered,
  selectInviteContent,
  selectInvitedBy,
} from '../state/selectors';
import { callEnd, type CallEngine, inviteeList, publicEvent } from './engine';

/*
 * The timers of a call, all run by `ringTimeout` on the injected scheduler:
 * - `invitee`: an invitation ringing for us (its own timeout, the rest of it when replayed);
 * - `inviter`: one of our invitations (ring timeout + 5 s, so the invitee's TIMEOUT comes first);
 * - `switch`: our audio↔video switch request (ring timeout + 5 s; once more for the repeated one);
 * - `answer`: the peer's switch request waiting for this user's answer (ring timeout);
 * - `connect`: we accepted, but nobody entered the room yet (ring timeout).
 */

/** Each kind has its own keys, so settling one never stops another. */
export type TimerKind = 'invitee' | 'inviter' | 'switch' | 'answer' | 'connect';

export interface RingingTimer {
  readonly kind: TimerKind;
  readonly inviteID: string;
  readonly dueMs: number;
}

export function timerKey(kind: TimerKind, inviteID: string): string {
  return `${kind}:${inviteID}`;
}

const TIMERS: Record<TimerKind, (engine: CallEngine, inviteID: string) => void> = {
  invitee: (engine, inviteID) => {
    const call = engine.call;
    if (!call || engine.phase !== 'ringing' || call.callID !== inviteID) return;
    const self = engine.selfID;
    const content = selectInviteContent(call, inviteID);
    if (content) {
      const signal: Signal = {
        action: 'timeout',
        inviteID,
        inviter: call.inviter,
        inviteeList: [self],
        groupID: call.groupID,
        timeout: 0,
        content,
      };
      engine.post(signal, 'timeout');
    }
    engine.emit(publicEvent('onCallingTimeout', { sponsor: call.inviter, userIDList: [self] }));
    engine.endCall(call.callID, 'timeout', callEnd(call.inviter, 0, 'timeout'));
  },

  inviter: (engine, inviteID) => {
    const call = engine.call;
    if (!call || call.direction !== 'outgoing' || !call.inviteIDs.includes(inviteID)) return;
    const self = engine.selfID;
    const unanswered = selectInvitedBy(call, inviteID)
      .filter(isUnanswered)
      .map((p) => p.userID);
    if (!unanswered.length) return;
    const content = selectInviteContent(call, inviteID);
    if (content) {
      const signal: Signal = {
        action: 'timeout',
        inviteID,
        inviter: self,
        inviteeList: unanswered,
        groupID: call.groupID,
        timeout: 0,
        content,
      };
      engine.post(signal, 'timeout');
    }
    engine.commit(
      { type: 'participantStatus', userIDs: unanswered, status: 'noResponse' },
      publicEvent('onNoResp', { sponsor: self, userID: unanswered[0] ?? '', userIDList: unanswered }),
      inviteeList,
    );
    if (!hasActiveParticipants(engine.call)) {
      engine.endCall(call.callID, 'noResponse', callEnd(self, engine.duration(call), 'noResponse'));
    }
  },

  switch: (engine, inviteID) => engine.switching.timedOut(inviteID),

  answer: (engine, inviteID) => engine.switching.expired(inviteID),

  /** We accepted and joined, but nobody ever entered the room: do not stay `connecting` forever. */
  connect: (engine, callID) => {
    const call = engine.call;
    if (!call || call.callID !== callID || engine.phase !== 'connecting') return;
    engine.emitError(
      new CallingError(CALLING_ERROR_CODE.MEDIA_FAILED, 'mediaFailed', 'nobody entered the room'),
    );
    engine.endCall(callID, 'mediaFailed', callEnd(call.inviter, 0, 'mediaFailed'));
  },
};

/** Acts on a timer that fired. */
export function onTimer(engine: CallEngine, timer: RingingTimer): void {
  TIMERS[timer.kind](engine, timer.inviteID);
}
