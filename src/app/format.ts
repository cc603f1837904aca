import type { ActiveCall, CallPhase, CallRecord, EndReason, ParticipantStatus } from 'ngx-trtc-calling';

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

/** Everyone in a call or record but us: "bob", "bob, carol". */
export function peersOf(call: Pick<ActiveCall | CallRecord, 'participants'>): string {
  return call.participants.map((p) => p.userID).join(', ') || 'nobody';
}

/** One line for the status region. */
export function describePhase(phase: CallPhase, call: ActiveCall | null): string {
  if (!call) return 'Ready to call.';
  const kind = callKind(call.callType);
  const group = call.isGroup ? ' group' : '';
  const peers = peersOf(call);
  switch (phase) {
    case 'dialing':
      return `Calling ${peers} (${kind}${group} call)…`;
    case 'ringing':
      return `Incoming ${kind}${group} call from ${call.inviter}.`;
    case 'connecting':
      return `Joining the ${kind}${group} call with ${peers}…`;
    case 'connected':
      return `In a ${kind}${group} call with ${peers}.`;
    case 'idle':
      return 'Ready to call.';
  }
}
