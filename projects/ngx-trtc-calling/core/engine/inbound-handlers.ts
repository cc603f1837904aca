import type { InviteContent, InviteSignal, Signal } from '../protocol/signal';
import { type Inbound, isGroupSignal, type Verdict } from '../signaling/inbound';
import type { EndCause, EndReason, HeldInvitation, ParticipantEnd } from '../state/call-state';
import { hasActiveParticipants } from '../state/selectors';
import { completeAccept } from './calls';
import { callEnd, type CallEngine, hasCompany, inviteeList, publicEvent } from './engine';
import { busySignal } from './signals';

/*
 * What the engine does with each signal the inbound pipeline lets through: first by the
 * verdict an operator gave it, then by action, then (for INVITEs) by what the invitation
 * carries. Each table is keyed by its whole union, so a new verdict, action or content kind
 * does not compile until it has a handler.
 */

type CallContent = Extract<InviteContent, { kind: 'call' }>;

const VERDICTS: Record<Verdict, (engine: CallEngine, inbound: Inbound) => void> = {
  busy: (engine, inbound) => {
    const signal = inbound.signal as InviteSignal;
    const self = engine.selfID;
    const reply = busySignal(self, signal, (signal.content as CallContent).callType);
    engine.post(reply, 'busy reject');
    engine.emit(publicEvent('onLineBusy', { sponsor: signal.inviter, userID: self }));
  },

  glareWin: (engine, inbound) => {
    engine.log.info('glare: ours wins');
    engine.commit({ type: 'glareHeld', ...heldInvitation(engine, inbound) });
  },

  glareLose: (engine, inbound) => {
    engine.log.info('glare: theirs wins');
    yieldTo(engine, heldInvitation(engine, inbound));
  },

  answeredElsewhere: endElsewhere,
  rejectedElsewhere: endElsewhere,
};

type ActionHandlers = {
  [A in Signal['action']]: (
    engine: CallEngine,
    inbound: Inbound,
    signal: Extract<Signal, { action: A }>,
  ) => void;
};

const ACTIONS: ActionHandlers = {
  invite: (engine, inbound, signal) =>
    (INVITES[signal.content.kind] as InviteHandler<InviteContent['kind']>)(
      engine,
      inbound,
      signal,
      signal.content as never,
    ),

  cancel: (engine, inbound, signal) => {
    const call = engine.call;
    if (!call) return;
    const listed = signal.inviteeList;
    if (listed.length === 0 || listed.includes(engine.selfID)) {
      if (engine.phase === 'ringing' || engine.phase === 'connecting') {
        engine.endCall(
          call.callID,
          'canceled',
          publicEvent('onCallingCancel', { inviteID: signal.inviteID, sponsor: inbound.message.from }),
        );
      } else {
        engine.log.info('ignored cancel: in the call');
      }
      return;
    }
    engine.commit({ type: 'participantStatus', userIDs: listed, status: 'canceled' }, inviteeList);
  },

  accept: (engine, inbound, signal) => {
    const call = engine.call;
    if (!call) return;
    const pending = call.pendingSwitch;
    if (pending && pending.inviteID === signal.inviteID) {
      engine.switching.accepted(pending.inviteID, pending.to);
      return;
    }
    const from = inbound.message.from;
    engine.commit(
      { type: 'participantStatus', userIDs: [from], status: 'accepted' },
      publicEvent('onUserAccept', { userID: from }),
      inviteeList,
    );
    engine.settleIfAnswered(signal.inviteID);
  },

  reject: (engine, inbound, signal) => {
    const call = engine.call;
    if (!call) return;
    const pending = call.pendingSwitch;
    if (pending && pending.inviteID === signal.inviteID) {
      engine.switching.refused(pending.inviteID, pending.to, signal.mediaFailed);
      return;
    }
    const from = inbound.message.from;
    const held = call.held;
    if (signal.busy && held && held.from === from && !call.isGroup) {
      engine.log.info('glare: busy, accepting theirs');
      yieldTo(engine, held);
      return;
    }
    const reason = signal.busy ? 'busy' : 'rejected';
    // The callee accepted but its media failed: not a decline (REJECT still fires, as the
    // reference's own auto-reject makes it).
    const failed = mediaFailure(signal.mediaFailed);
    engine.commit(
      { type: 'participantStatus', userIDs: [from], status: reason, ...(failed ? { end: failed } : {}) },
      signal.busy
        ? publicEvent('onLineBusy', { sponsor: call.inviter, userID: from })
        : publicEvent('onReject', { userID: from }),
      inviteeList,
    );
    engine.settleIfAnswered(signal.inviteID);
    if (call.isGroup) endIfAlone(engine, failed?.reason ?? reason, from);
    else engine.endCall(call.callID, failed ?? reason);
  },

  timeout: (engine, _inbound, signal) => {
    const call = engine.call;
    if (!call) return;
    const self = engine.selfID;
    const listed = signal.inviteeList;
    if (call.direction === 'incoming' && listed.includes(self)) {
      if (engine.phase !== 'ringing') {
        engine.log.info('ignored timeout: answered');
        return;
      }
      engine.emit(publicEvent('onCallingTimeout', { sponsor: signal.inviter, userIDList: listed }));
      engine.endCall(call.callID, 'timeout', callEnd(signal.inviter, 0, 'timeout'));
      return;
    }
    const others = listed.filter((id) => id !== self);
    engine.commit(
      { type: 'participantStatus', userIDs: others, status: 'timeout' },
      call.direction === 'outgoing'
        ? publicEvent('onCallingTimeout', { sponsor: self, userIDList: others })
        : null,
      inviteeList,
    );
    engine.settleIfAnswered(signal.inviteID);
    if (!hasActiveParticipants(engine.call)) {
      engine.endCall(call.callID, 'timeout', callEnd(call.inviter, engine.duration(call), 'timeout'));
    }
  },
};

type InviteHandler<K extends InviteContent['kind']> = (
  engine: CallEngine,
  inbound: Inbound,
  signal: InviteSignal,
  content: Extract<InviteContent, { kind: K }>,
) => void;

const INVITES: { [K in InviteContent['kind']]: InviteHandler<K> } = {
  call: (engine, inbound, signal, content) => {
    if (content.roomID <= 0) {
      engine.log.warn('ignored invitation to room 0');
      return;
    }
    const isGroup = isGroupSignal(signal);
    const invitees = content.userIDs?.length ? content.userIDs : signal.inviteeList;
    const dueMs = ringFor(engine, inbound, signal.timeout);
    if (dueMs !== null && dueMs <= 0) {
      engine.log.info(`ignored invitation ${signal.inviteID}: its ring time is over`);
      return;
    }
    engine.commit({
      type: 'invited',
      callID: signal.inviteID,
      inviter: signal.inviter,
      invitees,
      callType: content.callType,
      roomID: content.roomID,
      groupID: signal.groupID,
      isGroup,
      at: engine.now(),
      content,
    });
    if (engine.call?.callID !== signal.inviteID) return;
    if (dueMs !== null) engine.startTimer('invitee', signal.inviteID, dueMs);
    engine.emit(
      publicEvent('onInvited', {
        sponsor: signal.inviter,
        userIDList: invitees,
        isFromGroup: isGroup,
        inviteData: { version: 4, callType: content.callType, callEnd: 0, roomID: content.roomID },
        inviteID: signal.inviteID,
        groupID: signal.groupID,
      }),
      inviteeList,
    );
  },

  // matchCall lets through only a notice from someone who answered: one about an earlier
  // call (a quick redial) never reaches here.
  hangup: (engine, inbound) => {
    const call = engine.call;
    if (!call) return;
    const from = inbound.message.from;
    // The notice usually overtakes the media leave, which then finds nobody to report:
    // USER_LEAVE goes out here, for someone whose media was in the room.
    const inRoom = call.participants.some((p) => p.userID === from && p.status === 'joined');
    const leave = inRoom ? publicEvent('onUserLeave', { userID: from }) : null;
    if (!call.isGroup) {
      engine.emit(leave);
      engine.endCall(call.callID, 'remoteHangup', callEnd(from, engine.duration(call), 'remoteHangup'));
      return;
    }
    engine.commit({ type: 'participantStatus', userIDs: [from], status: 'left' }, leave);
    endIfAlone(engine, 'remoteHangup', from);
  },

  switch: (engine, inbound, signal, content) =>
    engine.switching.received(inbound.message.from, signal.inviteID, content),
};

/** Every `EndCause`, so that a cause read from the wire is checked against the type. */
const END_CAUSES: Record<EndCause, true> = {
  cameraDenied: true,
  microphoneDenied: true,
  noCamera: true,
  noMicrophone: true,
  roomFull: true,
  connectionFailed: true,
};

/** How a REJECT's `media_failed` reads: the callee's media failed, with the cause if we know it. */
function mediaFailure(
  value: string | undefined,
): (ParticipantEnd & { readonly reason: 'mediaFailed' }) | undefined {
  if (value === undefined) return undefined;
  return Object.hasOwn(END_CAUSES, value)
    ? { reason: 'mediaFailed', cause: value as EndCause }
    : { reason: 'mediaFailed' };
}

/**
 * How old a live message must be to count as stored for us while we were offline: below it,
 * the age is delivery time or clock skew between us and the server, and the invitation rings
 * its full time.
 */
const STORED_AGE_MS = 5_000;

/**
 * How long an invitation rings for us (`null`: no timer, `timeout: 0`): a replayed one, or
 * one delivered live but sent well before (stored while we were offline), only for the rest
 * of its own timeout.
 */
function ringFor(engine: CallEngine, inbound: Inbound, timeout: number): number | null {
  if (timeout <= 0) return null;
  const full = timeout * 1000;
  const age = engine.now() - inbound.message.time;
  return inbound.replayed || age > STORED_AGE_MS ? Math.min(full, full - age) : full;
}

/** Acts on one signal the inbound pipeline let through. */
export function handleInbound(engine: CallEngine, inbound: Inbound): void {
  if (inbound.verdict) {
    VERDICTS[inbound.verdict](engine, inbound);
    return;
  }
  const { signal } = inbound;
  (ACTIONS[signal.action] as ActionHandlers[Signal['action']])(engine, inbound, signal as never);
}

function endElsewhere(engine: CallEngine, inbound: Inbound): void {
  const call = engine.call;
  const verdict = inbound.verdict === 'rejectedElsewhere' ? 'rejectedElsewhere' : 'answeredElsewhere';
  if (call) engine.endCall(call.callID, verdict, callEnd(call.inviter, 0, verdict));
}

/** The 1:1 invitation of the peer we are dialing, as glare holds or accepts it. */
function heldInvitation(engine: CallEngine, inbound: Inbound): HeldInvitation {
  const signal = inbound.signal as InviteSignal;
  const content = signal.content as CallContent;
  return {
    from: inbound.message.from,
    callID: signal.inviteID,
    inviter: signal.inviter,
    invitees: signal.inviteeList,
    callType: content.callType,
    roomID: content.roomID,
    groupID: signal.groupID,
    isGroup: false,
    at: engine.now(),
    content,
  };
}

/**
 * Glare lost (or our invitation came back busy while theirs is held): drop ours without a
 * CANCEL (ARCHITECTURE.md "Glare") and accept theirs. The reducer withdraws our invitations.
 */
function yieldTo(engine: CallEngine, held: HeldInvitation): void {
  for (const id of engine.call?.inviteIDs ?? []) engine.settle('inviter', id);
  const { from: _from, ...invitation } = held;
  engine.commit({ type: 'accepting', ...invitation, at: engine.now() });
  if (engine.media.joined) engine.media.leave();
  completeAccept(engine, held.callID).catch((error) => engine.log.warn('glare accept failed', error));
}

/**
 * Ends a group call when we are alone: the inviter waits while invitees still ring; anyone
 * else leaves once nobody is in (or about to enter) the room, since invitations it cannot
 * see being cancelled may still look like they ring.
 */
function endIfAlone(engine: CallEngine, reason: EndReason, lastUserID: string): void {
  const call = engine.call;
  if (!call || hasCompany(call)) return;
  engine.endCall(call.callID, reason, callEnd(lastUserID, engine.duration(call), reason));
}
