import type { CallRecord, RecordedParticipant } from 'ngx-trtc-calling';
import { mockActiveCall, mockParticipant } from 'ngx-trtc-calling/testing/angular';
import { describeOutcome, describePhase, PLAIN_ERRORS } from './format';

function record(overrides: Partial<CallRecord>, participants: RecordedParticipant[]): CallRecord {
  return {
    callID: 'c1',
    direction: 'outgoing',
    inviter: 'alice',
    callType: 2,
    groupID: '',
    isGroup: false,
    participants,
    endReason: 'hangup',
    startedAt: 0,
    connectedAt: null,
    endedAt: 1000,
    duration: 0,
    ...overrides,
  };
}

describe('describeOutcome: every outcome in plain words', () => {
  it.each<[string, Partial<CallRecord>, RecordedParticipant[], string]>([
    [
      'busy',
      { endReason: 'busy' },
      [{ userID: 'bob', status: 'busy', end: { reason: 'busy' } }],
      'bob is busy.',
    ],
    [
      'declined',
      { endReason: 'rejected' },
      [{ userID: 'bob', status: 'rejected', end: { reason: 'rejected' } }],
      'bob declined.',
    ],
    [
      'no answer',
      { endReason: 'noResponse' },
      [{ userID: 'bob', status: 'noResponse', end: { reason: 'noAnswer' } }],
      'bob did not answer.',
    ],
    [
      'offline',
      { endReason: 'noResponse' },
      [{ userID: 'bob', status: 'noResponse', end: { reason: 'offline' } }],
      'bob is offline.',
    ],
    [
      "the callee's camera denied",
      { endReason: 'rejected' },
      [{ userID: 'bob', status: 'rejected', end: { reason: 'mediaFailed', cause: 'cameraDenied' } }],
      'bob could not join: their camera is blocked.',
    ],
    [
      'the room full for an invitee',
      { endReason: 'rejected' },
      [{ userID: 'bob', status: 'rejected', end: { reason: 'mediaFailed', cause: 'roomFull' } }],
      'bob could not join: the call is full.',
    ],
    [
      'our own camera denied',
      { direction: 'incoming', endReason: 'mediaFailed', cause: 'cameraDenied' },
      [{ userID: 'alice', status: 'ringing' }],
      'Call with alice ended: your camera is blocked (allow it in the browser’s site settings).',
    ],
    [
      'our own microphone missing when we call: nobody rang',
      { endReason: 'mediaFailed', cause: 'noMicrophone' },
      [{ userID: 'bob', status: 'ringing' }],
      'Call with bob ended: no microphone was found.',
    ],
    [
      'the room full for us',
      { direction: 'incoming', endReason: 'mediaFailed', cause: 'roomFull' },
      [{ userID: 'alice', status: 'ringing' }],
      'Call with alice ended: the call is full.',
    ],
    [
      'a group call: each invitee as it ended',
      { endReason: 'rejected', isGroup: true },
      [
        { userID: 'bob', status: 'busy', end: { reason: 'busy' } },
        { userID: 'carol', status: 'rejected', end: { reason: 'rejected' } },
      ],
      'bob is busy. carol declined.',
    ],
    [
      'we cancelled while it rang',
      { endReason: 'canceled' },
      [{ userID: 'bob', status: 'canceled', end: { reason: 'canceled' } }],
      'You cancelled the call to bob.',
    ],
    [
      'a call that connected: its own reason',
      { endReason: 'remoteHangup', connectedAt: 10 },
      [{ userID: 'bob', status: 'left', end: { reason: 'hungUp' } }],
      'Call with bob ended: the other side hung up.',
    ],
  ])('%s', (_name, overrides, participants, text) => {
    expect(describeOutcome(record(overrides, participants))).toBe(text);
  });

  it('tells outcome errors as notices, and lets the call outcome tell denials', () => {
    expect(PLAIN_ERRORS.noCamera).toMatch(/audio only/);
    expect(PLAIN_ERRORS.roomFull).toMatch(/more people than one call can hold/);
    expect(PLAIN_ERRORS.mediaAccessDenied).toBeNull();
    expect(PLAIN_ERRORS.sendFailed).toBeUndefined();
  });
});

describe('describePhase', () => {
  it('names only who is still in the call, with the right article', () => {
    const call = mockActiveCall({
      callType: 1,
      isGroup: true,
      participants: [
        mockParticipant('bob', { status: 'joined' }),
        mockParticipant('carol', { status: 'left' }),
        mockParticipant('dave', { status: 'rejected' }),
      ],
    });
    expect(describePhase('connected', call)).toBe('In an audio group call with bob.');
    expect(describePhase('connected', { ...call, callType: 2, isGroup: false })).toBe(
      'In a video call with bob.',
    );
  });
});
