import type { CallEvent, CallEventType } from './call-event';
import {
  type ActiveCall,
  type CallPhase,
  type CallRecord,
  type CallState,
  type Invitation,
  MAX_CALL_RECORDS,
  MAX_WITHDRAWN,
  type EndCause,
  type Participant,
  type ParticipantEnd,
  type ParticipantStatus,
  type RecordedParticipant,
  PHASE_TRANSITIONS,
} from './call-state';

/** The call an invitation from someone else starts (ringing, or accepted straight away in glare). */
function incomingCall(
  self: string,
  e: Extract<CallEvent, { type: 'invited' | 'accepting' }>,
  startedAt: number,
  previous: ActiveCall | null,
): ActiveCall {
  return {
    callID: e.callID,
    direction: 'incoming',
    inviter: e.inviter,
    callType: e.callType,
    roomID: e.roomID,
    groupID: e.groupID,
    isGroup: e.isGroup,
    inviteIDs: [e.callID],
    invitations: e.content ? [{ inviteID: e.callID, invitees: e.invitees, content: e.content }] : [],
    held: null,
    participants: [
      participant(e.inviter, 'accepted', false),
      ...e.invitees
        .filter((id) => id !== self && id !== e.inviter)
        .map((id) => participant(id, 'ringing', true)),
    ],
    startedAt,
    connectedAt: null,
    pendingSwitch: null,
    micMuted: previous?.micMuted ?? false,
    cameraEnabled: previous?.cameraEnabled ?? true,
  };
}

type Handler<T extends CallEventType> = (
  state: CallState,
  event: Extract<CallEvent, { type: T }>,
) => CallState;

/** Whether `from` may move to `to` (staying in the same phase is always allowed). */
export function canTransition(from: CallPhase, to: CallPhase): boolean {
  return from === to || PHASE_TRANSITIONS[from].includes(to);
}

function participant(userID: string, status: ParticipantStatus, invited: boolean): Participant {
  return { userID, status, invited, audioAvailable: false, videoAvailable: false };
}

/** Applies `update` to the call; an update that changes nothing keeps the same state reference. */
function withCall(state: CallState, update: (call: ActiveCall) => ActiveCall): CallState {
  if (!state.call) return state;
  const call = update(state.call);
  return call === state.call ? state : { ...state, call };
}

/** `withdrawn` with `inviteIDs` added, oldest dropped beyond `MAX_WITHDRAWN`. */
function withdraw(withdrawn: readonly string[], inviteIDs: readonly string[]): readonly string[] {
  const fresh = inviteIDs.filter((id, i) => !withdrawn.includes(id) && inviteIDs.indexOf(id) === i);
  return fresh.length ? [...withdrawn, ...fresh].slice(-MAX_WITHDRAWN) : withdrawn;
}

function appendInvitations(
  existing: readonly Invitation[],
  added: readonly Invitation[] | undefined,
): readonly Invitation[] {
  return added?.length ? [...existing, ...added] : existing;
}

/** `p` without an end (re-invited, or a new status that tells its own end). */
function withoutEnd(p: Participant): Participant {
  if (!p.end) return p;
  const { end: _end, ...rest } = p;
  return rest;
}

/** A participant who left has no audio or video any more. */
function left(p: Participant): Participant {
  return { ...p, status: 'left', audioAvailable: false, videoAvailable: false };
}

function updateParticipants(
  call: ActiveCall,
  userIDs: readonly string[],
  update: (p: Participant) => Participant,
): ActiveCall {
  let changed = false;
  const participants = call.participants.map((p) => {
    if (!userIDs.includes(p.userID)) return p;
    const next = update(p);
    changed ||= next !== p;
    return next;
  });
  return changed ? { ...call, participants } : call;
}

/** Statuses that are final for a participant: later answers do not overwrite them. */
const FINAL: readonly ParticipantStatus[] = ['rejected', 'busy', 'timeout', 'noResponse', 'canceled', 'left'];

function moveTo(state: CallState, phase: CallPhase): CallState | null {
  return canTransition(state.phase, phase) ? { ...state, phase } : null;
}

/** How a participant's part ended as their status tells it (`null` while they still count). */
const END_OF_STATUS: Partial<Record<ParticipantStatus, ParticipantEnd>> = {
  rejected: { reason: 'rejected' },
  busy: { reason: 'busy' },
  timeout: { reason: 'noAnswer' },
  noResponse: { reason: 'noAnswer' },
  canceled: { reason: 'canceled' },
  left: { reason: 'hungUp' },
};

function recorded({ userID, status, end }: Participant): RecordedParticipant {
  const final = end ?? END_OF_STATUS[status];
  return final ? { userID, status, end: final } : { userID, status };
}

/** End reasons of a ringing invitation that mean nobody here answered it. */
const MISSED: readonly CallRecord['endReason'][] = ['timeout', 'canceled'];

function record(
  call: ActiveCall,
  reason: CallRecord['endReason'],
  at: number,
  cause: EndCause | undefined,
  missed = false,
): CallRecord {
  return {
    callID: call.callID,
    direction: call.direction,
    inviter: call.inviter,
    callType: call.callType,
    groupID: call.groupID,
    isGroup: call.isGroup,
    participants: call.participants.map(recorded),
    endReason: reason,
    ...(cause ? { cause } : {}),
    startedAt: call.startedAt,
    connectedAt: call.connectedAt,
    endedAt: at,
    duration: call.connectedAt === null ? 0 : Math.max(0, Math.floor((at - call.connectedAt) / 1000)),
    ...(missed ? { missed } : {}),
  };
}

/** `records` with `next` added, the oldest dropped beyond `MAX_CALL_RECORDS`. */
function addRecord(records: readonly CallRecord[], next: CallRecord): readonly CallRecord[] {
  return [...records, next].slice(-MAX_CALL_RECORDS);
}

const handlers: { [T in CallEventType]: Handler<T> } = {
  session: (state, e) =>
    state.userID === e.userID && (e.userID !== null || state.call === null)
      ? state
      : {
          ...state,
          userID: e.userID,
          ...(e.userID === null ? { phase: 'idle', call: null, withdrawn: [] } : {}),
        },

  dialStarted: (state, e) => {
    if (state.phase !== 'idle' || state.userID === null) return state;
    return {
      ...state,
      phase: 'dialing',
      call: {
        callID: e.callID,
        direction: 'outgoing',
        inviter: state.userID,
        callType: e.callType,
        roomID: e.roomID,
        groupID: e.groupID,
        isGroup: e.isGroup,
        inviteIDs: [...e.inviteIDs],
        invitations: appendInvitations([], e.invitations),
        held: null,
        participants: e.invitees.map((id) => participant(id, 'ringing', true)),
        startedAt: e.at,
        connectedAt: null,
        pendingSwitch: null,
        micMuted: false,
        cameraEnabled: true,
      },
    };
  },

  inviteesAdded: (state, e) =>
    withCall(state, (call) => {
      const known = new Set(call.participants.map((p) => p.userID));
      const fresh = e.invitees.filter((id) => !known.has(id));
      const again = e.invitees.filter((id) => known.has(id));
      const reinvited = updateParticipants(call, again, (p) =>
        p.status === 'joined' || p.status === 'accepted' ? p : { ...withoutEnd(p), status: 'ringing' },
      );
      return {
        ...reinvited,
        inviteIDs: [...call.inviteIDs, ...e.inviteIDs.filter((id) => !call.inviteIDs.includes(id))],
        invitations: appendInvitations(call.invitations, e.invitations),
        participants: [...reinvited.participants, ...fresh.map((id) => participant(id, 'ringing', true))],
      };
    }),

  invited: (state, e) =>
    state.phase !== 'idle' || state.userID === null
      ? state
      : { ...state, phase: 'ringing', call: incomingCall(state.userID, e, e.at, null) },

  accepting: (state, e) => {
    const next = moveTo(state, 'connecting');
    // Nothing to accept while idle (idle → connecting is for calls joined in progress).
    if (!next || state.userID === null || state.phase === 'idle') return state;
    // Accepting the ringing call keeps it; glare replaces our own outgoing call with theirs,
    // and answers to our invitations are dropped from then on.
    if (state.call && state.call.callID === e.callID) return next;
    const ours = state.call?.direction === 'outgoing' ? state.call.inviteIDs : [];
    return {
      ...next,
      call: incomingCall(state.userID, e, state.call?.startedAt ?? e.at, state.call),
      withdrawn: withdraw(state.withdrawn, ours),
    };
  },

  glareHeld: (state, e) => {
    const { type: _type, ...held } = e;
    return withCall(state, (call) => ({ ...call, held }));
  },

  participantStatus: (state, e) =>
    withCall(state, (call) => {
      const next = updateParticipants(call, e.userIDs, (p) => {
        if (p.status === e.status) return e.end && !p.end ? { ...p, end: e.end } : p;
        // A participant in the room stays `joined` when a late answer arrives; final outcomes stay final,
        // except that someone who left may be re-invited (handled by `inviteesAdded`).
        if (p.status === 'joined' && e.status !== 'left') return p;
        if (FINAL.includes(p.status) && e.status !== 'joined') return p;
        // Only an invitee still ringing can turn out offline (an answer may have come first).
        if (e.status === 'offline' && p.status !== 'ringing') return p;
        const next = e.status === 'left' ? left(p) : { ...p, status: e.status };
        // Unanswered while the backend said they were offline: they never heard it ring.
        const end =
          e.end ??
          (p.status === 'offline' && e.status === 'noResponse'
            ? ({ reason: 'offline' } as const)
            : undefined);
        return end ? { ...next, end } : withoutEnd(next);
      });
      // The peer whose invitation we hold answered ours: there is no glare left to resolve.
      const released = e.status === 'accepted' && !!next.held && e.userIDs.includes(next.held.from);
      return released ? { ...next, held: null } : next;
    }),

  peerEntered: (state, e) => {
    if (
      !state.call ||
      (state.phase !== 'dialing' && state.phase !== 'connecting' && state.phase !== 'connected')
    ) {
      return state;
    }
    const call = state.call;
    if (
      state.phase === 'connected' &&
      call.participants.some((p) => p.userID === e.userID && p.status === 'joined')
    ) {
      return state;
    }
    const known = call.participants.some((p) => p.userID === e.userID);
    const participants = known
      ? call.participants.map((p) => (p.userID === e.userID ? { ...p, status: 'joined' as const } : p))
      : [...call.participants, participant(e.userID, 'joined', false)];
    return {
      ...state,
      phase: 'connected',
      call: { ...call, participants, connectedAt: call.connectedAt ?? e.at },
    };
  },

  peerLeft: (state, e) =>
    withCall(state, (call) =>
      updateParticipants(call, [e.userID], (p) => (p.status === 'left' ? p : left(p))),
    ),

  availability: (state, e) =>
    withCall(state, (call) =>
      updateParticipants(call, [e.userID], (p) => {
        const key = e.kind === 'audio' ? 'audioAvailable' : 'videoAvailable';
        return p[key] === e.available ? p : { ...p, [key]: e.available };
      }),
    ),

  callTypeChanged: (state, e) =>
    withCall(state, (call) => (call.callType === e.callType ? call : { ...call, callType: e.callType })),

  switchPending: (state, e) =>
    withCall(state, (call) => ({ ...call, pendingSwitch: { inviteID: e.inviteID, to: e.to } })),

  switchAsked: (state, e) =>
    withCall(state, (call) =>
      (call.switchRequest ?? null) === e.request ? call : { ...call, switchRequest: e.request },
    ),

  switchSettled: (state) =>
    withCall(state, (call) => (call.pendingSwitch ? { ...call, pendingSwitch: null } : call)),

  localMedia: (state, e) =>
    withCall(state, (call) => ({
      ...call,
      micMuted: e.micMuted ?? call.micMuted,
      cameraEnabled: e.cameraEnabled ?? call.cameraEnabled,
    })),

  joiningInProgress: (state, e) => {
    const next = moveTo(state, 'connecting');
    if (!next || state.phase !== 'idle' || state.userID === null) return state;
    const self = state.userID;
    const { type: _type, how, participants, ...fields } = e;
    return {
      ...next,
      call: {
        ...fields,
        inviteIDs: [...e.inviteIDs],
        invitations: [],
        held: null,
        participants: participants
          .filter((id) => id !== self)
          .map((id) => participant(id, 'accepted', id !== e.inviter)),
        pendingSwitch: null,
        micMuted: false,
        cameraEnabled: true,
        joinedInProgress: how,
      },
    };
  },

  missed: (state, e) => {
    const id = e.invitation.callID;
    if (state.userID === null || state.call?.callID === id || state.records.some((r) => r.callID === id))
      return state;
    const call = incomingCall(state.userID, { type: 'invited', ...e.invitation }, e.invitation.at, null);
    return { ...state, records: addRecord(state.records, record(call, 'timeout', e.at, undefined, true)) };
  },

  ended: (state, e) => {
    if (!state.call) return state;
    // Rang here and ended before anyone here answered (a reject or a hang-up is an answer).
    const missed =
      state.phase === 'ringing' && state.call.direction === 'incoming' && MISSED.includes(e.reason);
    const records = addRecord(state.records, record(state.call, e.reason, e.at, e.cause, missed));
    return { ...state, phase: 'idle', call: null, records };
  },
};

/**
 * The one reducer of call state: a pure function from the current state and one event to
 * the next state. Events that do not apply in the current phase return `state` unchanged
 * (same reference), so `distinctUntilChanged` downstream filters them.
 */
export function reduceCall(state: CallState, event: CallEvent): CallState {
  return (handlers[event.type] as Handler<typeof event.type>)(state, event as never);
}
