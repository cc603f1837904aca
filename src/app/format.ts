import {
  ACTIVE_STATUSES,
  type ActiveCall,
  type CallingErrorReason,
  type CallPhase,
  type CallRecord,
  type EndCause,
  type EndReason,
  type ParticipantStatus,
  type RecordedParticipant,
} from 'ngx-trtc-calling';

/** "0:07", "12:30", "1:02:03". */
export function formatDuration(totalSeconds: number): string {
  const s = Math.max(0, Math.floor(totalSeconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}

/** "14:03:27" in the user's locale. */
export function formatClock(epochMs: number): string {
  return new Date(epochMs).toLocaleTimeString(undefined, { hour12: false });
}

/** "audio" / "video". */
export function callKind(callType: 1 | 2): 'audio' | 'video' {
  return callType === 2 ? 'video' : 'audio';
}

/** Why a call ended, in words. */
export const END_REASONS: Readonly<Record<EndReason, string>> = {
  hangup: 'hung up',
  remoteHangup: 'the other side hung up',
  rejected: 'declined',
  busy: 'line busy',
  canceled: 'cancelled by the caller',
  timeout: 'not answered in time',
  noResponse: 'no answer',
  answeredElsewhere: 'answered on another device',
  rejectedElsewhere: 'declined on another device',
  kickedOut: 'signed in elsewhere',
  mediaFailed: 'media failed',
  sendFailed: 'could not send the invitation',
};

/** A participant's status, in words. */
export const PARTICIPANT_STATUSES: Readonly<Record<ParticipantStatus, string>> = {
  ringing: 'ringing',
  offline: 'offline, will ring when they come online',
  accepted: 'joining',
  rejected: 'declined',
  busy: 'busy',
  timeout: 'did not answer',
  noResponse: 'no answer',
  canceled: 'cancelled',
  joined: 'in the call',
  left: 'left',
};

/** What made our own media fail, in words. */
const OWN_CAUSES: Readonly<Record<EndCause, string>> = {
  cameraDenied: 'your camera is blocked (allow it in the browser’s site settings)',
  microphoneDenied: 'your microphone is blocked (allow it in the browser’s site settings)',
  noCamera: 'no camera was found',
  noMicrophone: 'no microphone was found',
  roomFull: 'the call is full',
  connectionFailed: 'the connection failed',
};

/** What made someone else's media fail, in words. */
const PEER_CAUSES: Readonly<Record<EndCause, string>> = {
  cameraDenied: 'their camera is blocked',
  microphoneDenied: 'their microphone is blocked',
  noCamera: 'they have no camera',
  noMicrophone: 'they have no microphone',
  roomFull: 'the call is full',
  connectionFailed: 'their connection failed',
};

/** How an invitee's part ended before anyone answered, in a sentence; `null` when the call's own reason says it. */
function peerOutcome({ userID, end }: RecordedParticipant): string | null {
  switch (end?.reason) {
    case 'busy':
      return `${userID} is busy.`;
    case 'rejected':
      return `${userID} declined.`;
    case 'noAnswer':
      return `${userID} did not answer.`;
    case 'offline':
      return `${userID} is offline.`;
    case 'mediaFailed':
      return `${userID} could not join: ${end.cause ? PEER_CAUSES[end.cause] : 'their media failed'}.`;
    case 'hungUp':
    case 'canceled':
    case undefined:
      return null;
  }
}

/**
 * How a call ended, in plain words: what we did, or what happened to each invitee of a call
 * nobody answered (busy, declined, no answer, offline, their camera blocked, the call full).
 */
export function describeOutcome(record: CallRecord): string {
  const peers = peersOf(record);
  // Invitees first: a call whose only callee's media failed ends `mediaFailed` with their cause.
  if (record.direction === 'outgoing' && record.connectedAt === null) {
    const outcomes = record.participants.map(peerOutcome).filter((line): line is string => !!line);
    if (outcomes.length) return outcomes.join(' ');
  }
  if (record.endReason === 'mediaFailed' && record.cause) {
    return `Call with ${peers} ended: ${OWN_CAUSES[record.cause]}.`;
  }
  if (record.endReason === 'canceled' && record.direction === 'outgoing')
    return `You cancelled the call to ${peers}.`;
  return `Call with ${peers} ended: ${END_REASONS[record.endReason]}.`;
}

/**
 * Errors that are outcomes, not faults, in plain words: shown as a notice, never as an error
 * banner. Denials and missing devices that end a call are told by the call's outcome instead
 * (`null`).
 */
export const PLAIN_ERRORS: Partial<Readonly<Record<CallingErrorReason, string | null>>> = {
  noCamera: 'No camera was found: you take part with audio only.',
  roomFull: 'That is more people than one call can hold.',
  mediaAccessDenied: null,
  noMicrophone: null,
};

/** Everyone in a call or record but us: "bob", "bob, carol". */
export function peersOf(call: Pick<ActiveCall | CallRecord, 'participants'>): string {
  return call.participants.map((p) => p.userID).join(', ') || 'nobody';
}

/** One line for the status region. */
export function describePhase(phase: CallPhase, call: ActiveCall | null): string {
  if (!call) return 'Ready to call.';
  const kind = callKind(call.callType);
  const group = call.isGroup ? ' group' : '';
  // Only who is still there: people who declined or left are not "in" the call.
  const peers = peersOf({
    participants: call.participants.filter((p) => ACTIVE_STATUSES.includes(p.status)),
  });
  const a = kind === 'audio' ? 'an' : 'a';
  switch (phase) {
    case 'dialing':
      return `Calling ${peers} (${kind}${group} call)…`;
    case 'ringing':
      return `Incoming ${kind}${group} call from ${call.inviter}.`;
    case 'connecting':
      return `Joining the ${kind}${group} call with ${peers}…`;
    case 'connected':
      return `In ${a} ${kind}${group} call with ${peers}.`;
    case 'idle':
      return 'Ready to call.';
  }
}
