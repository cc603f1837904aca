import type { ActiveCall, Participant } from 'ngx-trtc-calling/core';

/**
 * An `ActiveCall` for a mock state: a connected 1:1 video call by default; `overrides` win.
 *
 * @example
 * mock.setState({ phase: 'connected', call: mockActiveCall({ participants: [mockParticipant('bob')] }) });
 */
export function mockActiveCall(overrides: Partial<ActiveCall> = {}): ActiveCall {
  const callID = overrides.callID ?? 'call-1';
  return {
    callID,
    direction: 'outgoing',
    inviter: 'me',
    callType: 2,
    roomID: 12046907,
    groupID: '',
    isGroup: false,
    inviteIDs: [callID],
    participants: [],
    startedAt: 0,
    connectedAt: null,
    invitations: [],
    held: null,
    pendingSwitch: null,
    micMuted: false,
    cameraEnabled: true,
    ...overrides,
  };
}

/** A participant of a mock call: in the room with audio and video unless `overrides` say otherwise. */
export function mockParticipant(userID: string, overrides: Partial<Participant> = {}): Participant {
  return {
    userID,
    status: 'joined',
    invited: true,
    audioAvailable: true,
    videoAvailable: true,
    ...overrides,
  };
}
