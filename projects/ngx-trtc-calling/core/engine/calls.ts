import { type CallingError, toMediaError } from '../errors';
import { createInviteID } from '../protocol/ids';
import type { OfflinePushInfo } from '../protocol/signal';
import { defaultRoute } from '../signaling/outbox';
import { ACTIVE_STATUSES, type ActiveCallType, type Invitation } from '../state/call-state';
import { hasActiveParticipants, selectRinging } from '../state/selectors';
import { callEnd, type CallEngine, inviteeList } from './engine';
import { mediaCause, roomFull, sendFailed, wrongState } from './failures';
import { answerSignal, farewells, inviteSignal } from './signals';

/** What `dial` resolves with. */
export interface Dialed {
  readonly inviteIDs: string[];
  readonly roomID: number;
  /** Invitees whose invitation could not be sent. */
  readonly failed: string[];
}

/**
 * Sends the invitations of a new call (or of more invitees into our running group call)
 * while joining the room. With a groupID one INVITE goes to the group; otherwise one C2C
 * INVITE per invitee, each carrying the whole list in `userIDs` (PROTOCOL.md §3.2).
 */
export async function dial(
  engine: CallEngine,
  list: readonly string[],
  type: 1 | 2,
  groupID: string,
  isGroup: boolean,
  offlinePushInfo: OfflinePushInfo | undefined,
): Promise<Dialed> {
  const current = engine.call;
  checkCapacity(engine, list);
  const roomID = current ? current.roomID : engine.newRoomID();
  const callType: ActiveCallType = current ? current.callType : type;
  const invitations: Invitation[] = (groupID ? [list] : list.map((id) => [id])).map((invitees) => ({
    inviteID: createInviteID(),
    invitees,
    content: { kind: 'call', callType, roomID, ...(groupID ? {} : { userIDs: list }) },
  }));
  const inviteIDs = invitations.map((inv) => inv.inviteID);
  const callID = current?.callID ?? inviteIDs[0] ?? '';
  engine.commit(
    current
      ? { type: 'inviteesAdded', inviteIDs, invitees: list, invitations }
      : {
          type: 'dialStarted',
          callID,
          inviteIDs,
          invitees: list,
          callType,
          roomID,
          groupID,
          isGroup,
          at: engine.now(),
          invitations,
        },
    inviteeList,
  );

  // Our media starts before any invitation leaves: a call that cannot start rings nobody
  // (the reference too joins and publishes before it sends the INVITE).
  if (!current || !engine.media.joined) {
    try {
      await engine.media.join(callID);
    } catch (error) {
      throw failMedia(engine, callID, error);
    }
    if (engine.call?.callID !== callID) throw wrongState('the call ended');
  }
  const sends = invitations.map((inv) =>
    engine.send(
      inviteSignal(engine.selfID, inv.inviteID, inv.invitees, groupID, engine.ringSeconds, inv.content),
      groupID
        ? { to: groupID, conversationType: 'GROUP' }
        : { to: inv.invitees[0] ?? '', conversationType: 'C2C' },
      offlinePushInfo,
    ),
  );
  const results = await Promise.allSettled(sends);
  const failed: string[] = [];
  const sent: string[] = [];
  let sendError: unknown;
  const offline: string[] = [];
  invitations.forEach((inv, i) => {
    const result = results[i];
    if (result?.status === 'fulfilled') {
      sent.push(inv.inviteID);
      if (!groupID && result.value.offline) offline.push(...inv.invitees);
      if (engine.call?.inviteIDs.includes(inv.inviteID)) {
        // Ring timeout + 5 s: the invitee's own TIMEOUT should arrive first.
        engine.startTimer('inviter', inv.inviteID, (engine.ringSeconds + 5) * 1000);
      }
    } else {
      sendError ??= result?.reason;
      failed.push(...inv.invitees);
    }
  });
  // The backend knows they are not logged in: the invitation waits for them (it rings if they
  // log in within its timeout), and the state says so instead of "ringing".
  if (offline.length) engine.commit({ type: 'participantStatus', userIDs: offline, status: 'offline' });
  if (failed.length) {
    engine.log.warn(`not invited: ${failed}`);
    engine.commit({ type: 'participantStatus', userIDs: failed, status: 'noResponse' }, inviteeList);
    if (!hasActiveParticipants(engine.call)) {
      engine.endCall(callID, 'sendFailed');
      throw sendFailed(`invitation to ${failed} not sent`, sendError);
    }
  }
  // The call may have ended already (a busy reply or a REJECT can overtake the send's
  // acknowledgement): the invitations went out, so this resolves; the outcome is the call's own
  // event (LINE_BUSY, REJECT…) and record, not an error.
  return { inviteIDs: sent, roomID, failed };
}

/**
 * Refuses up front a call that would need more users in one room than the media engine
 * holds: us, the new invitees, and everyone of our call still ringing or in it.
 */
function checkCapacity(engine: CallEngine, list: readonly string[]): void {
  const max = engine.mediaEngine.maxParticipants;
  const active = engine.call?.participants.filter((p) => ACTIVE_STATUSES.includes(p.status)) ?? [];
  const users = new Set([engine.selfID, ...list, ...active.map((p) => p.userID)]);
  if (users.size > max) throw roomFull(users.size, max);
}

/** Joins the room of the invitation we accepted, then tells the inviter. */
export async function completeAccept(
  engine: CallEngine,
  callID: string,
): Promise<{ code: 0; inviteID: string; roomID: number; callType: 1 | 2 }> {
  try {
    await engine.media.join(callID);
  } catch (error) {
    const call = engine.call;
    if (call?.callID === callID) {
      // The inviter learns why in a member reference clients ignore (a plain REJECT to them).
      const signal = { ...answerSignal(engine.selfID, call, 'reject'), mediaFailed: mediaCause(error) ?? '' };
      engine.send(signal, defaultRoute(signal, engine.selfID)).catch(() => undefined);
    }
    // The REJECT is our farewell: we never were in the room, so no hang-up notice follows it.
    throw failMedia(engine, callID, error);
  }
  const call = engine.call;
  if (!call || call.callID !== callID) throw wrongState('the call ended');
  const signal = answerSignal(engine.selfID, call, 'accept');
  try {
    await engine.send(signal, defaultRoute(signal, engine.selfID));
  } catch (error) {
    if (engine.call?.callID === callID) engine.endCall(callID, 'sendFailed');
    throw sendFailed('accept not sent', error);
  }
  // A CANCEL (or anything else) that ended the call before anyone entered the room means the
  // accept did not happen, whatever the send said.
  const ended = engine.call?.callID === callID ? null : engine.state$.value.records.at(-1);
  if (ended && ended.callID === callID && ended.connectedAt === null)
    throw wrongState(`the call ended while accepting (${ended.endReason})`);
  if (engine.phase === 'connecting') engine.startTimer('connect', callID, engine.ringSeconds * 1000);
  return { code: 0, inviteID: callID, roomID: call.roomID, callType: call.callType };
}

/** Accepts the invitation ringing for us. */
export function acceptRinging(engine: CallEngine): ReturnType<typeof completeAccept> {
  const call = engine.call;
  if (engine.phase !== 'ringing' || !call) throw wrongState('there is no ringing invitation to accept');
  engine.settle('invitee', call.callID);
  engine.commit({
    type: 'accepting',
    callID: call.callID,
    inviter: call.inviter,
    invitees: call.participants.map((p) => p.userID),
    callType: call.callType,
    roomID: call.roomID,
    groupID: call.groupID,
    isGroup: call.isGroup,
    at: engine.now(),
  });
  return completeAccept(engine, call.callID);
}

/** Rejects the invitation ringing for us: the call ends at once, then the REJECT goes out. */
export async function rejectRinging(engine: CallEngine): Promise<{ code: 0; inviteID: string }> {
  const call = engine.call;
  if (engine.phase !== 'ringing' || !call) throw wrongState('there is no ringing invitation to reject');
  const signal = answerSignal(engine.selfID, call, 'reject');
  engine.endCall(call.callID, 'rejected');
  try {
    await engine.send(signal, defaultRoute(signal, engine.selfID));
  } catch (error) {
    throw sendFailed('reject not sent', error);
  }
  return { code: 0, inviteID: call.callID };
}

/**
 * Ends the call we dial or are in: cancels invitations still ringing, tells a 1:1 peer we
 * hung up, leaves the room. Idle: does nothing.
 */
export async function hangupCall(engine: CallEngine): Promise<void> {
  const call = engine.call;
  if (!call || engine.phase === 'idle') return;
  const duration = engine.duration(call);
  // Our invitations leave only once our media is up (`dial`): before that nothing rings to cancel.
  const unsent = engine.phase === 'dialing' && !engine.media.joined;
  const signals = unsent ? [] : farewells(engine.selfID, call, duration);
  const answered =
    call.connectedAt !== null ||
    call.participants.some((p) => p.status === 'accepted' || p.status === 'joined');
  const ringing = selectRinging(call);
  if (ringing.length && call.direction === 'outgoing') {
    engine.commit({ type: 'participantStatus', userIDs: ringing, status: 'canceled' });
  }
  // Our own call ended before anyone answered is cancelled, not hung up.
  const reason = answered || call.direction === 'incoming' ? 'hangup' : 'canceled';
  engine.endCall(call.callID, reason, answered ? callEnd(engine.selfID, duration, 'hangup') : null);
  const results = await Promise.allSettled(signals.map(([signal, route]) => engine.send(signal, route)));
  results.forEach((r) => r.status === 'rejected' && engine.log.warn('hang-up signal not sent', r.reason));
}

/**
 * The error for media that could not start; ends the call `callID` if it is current, with the
 * cause the media engine gave. No farewells: nothing was sent for the call yet (a CANCEL for an
 * invitation that never left would end a reference client's current call), or the REJECT that
 * went out is ours.
 */
function failMedia(engine: CallEngine, callID: string, error: unknown): CallingError {
  const failure = toMediaError(error, 'media could not be started');
  if (failure.reason === 'wrongState') return failure;
  if (engine.call?.callID === callID)
    engine.endCall(callID, { reason: 'mediaFailed', cause: mediaCause(error) });
  engine.emitError(failure);
  return failure;
}
