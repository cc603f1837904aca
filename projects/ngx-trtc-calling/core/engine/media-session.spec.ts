import type { ActiveCall, Participant } from '../state/call-state';
import { admitsPeer } from './media-session';

function call(
  over: Partial<ActiveCall> & Pick<ActiveCall, 'inviter' | 'isGroup'>,
  users: string[],
): ActiveCall {
  return {
    callID: 'call-1',
    direction: over.inviter === 'me' ? 'outgoing' : 'incoming',
    callType: 2,
    roomID: 42,
    groupID: '',
    inviteIDs: ['call-1'],
    participants: users.map((userID) => ({ userID, status: 'joined' }) as Participant),
    startedAt: 0,
    connectedAt: null,
    invitations: [],
    held: null,
    pendingSwitch: null,
    micMuted: false,
    cameraEnabled: true,
    ...over,
  };
}

describe('admitsPeer: who the media engine exchanges media with', () => {
  const oneToOneIn = call({ inviter: 'alice', isGroup: false }, ['alice']);
  const oneToOneOut = call({ inviter: 'me', isGroup: false }, ['bob']);
  const groupIn = call({ inviter: 'alice', isGroup: true }, ['alice', 'bob']);
  const groupOut = call({ inviter: 'me', isGroup: true }, ['bob', 'carol']);

  it.each([
    ['1:1 callee, the inviter', oneToOneIn, 'alice', true],
    ['1:1 callee, a stranger', oneToOneIn, 'mallory', false],
    ['1:1 caller, the callee', oneToOneOut, 'bob', true],
    ['1:1 caller, a stranger', oneToOneOut, 'mallory', false],
    ['group invitee, the inviter', groupIn, 'alice', true],
    ['group invitee, another invitee', groupIn, 'bob', true],
    // The inviter may add people later and only they are told: the server vouches for the room.
    ['group invitee, someone invited later', groupIn, 'dave', true],
    ['group inviter, an invitee', groupOut, 'carol', true],
    ['group inviter, someone it never invited', groupOut, 'mallory', false],
    ['anyone, ourselves', groupIn, 'me', false],
  ])('%s → %s', (_case, active, userID, admitted) => {
    expect(admitsPeer(active, 'call-1', 'me', userID)).toBe(admitted);
  });

  it('admits nobody once the call is over or another call took its place', () => {
    expect(admitsPeer(null, 'call-1', 'me', 'alice')).toBe(false);
    expect(admitsPeer(groupIn, 'call-2', 'me', 'alice')).toBe(false);
  });
});
