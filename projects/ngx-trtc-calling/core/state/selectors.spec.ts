import {
  accepting,
  ALICE,
  callContent,
  BOB,
  CAROL,
  DAVE,
  dialStarted,
  ended,
  GROUP,
  ID,
  invited,
  peerEntered,
  session,
  stateAfter,
} from '../signaling/fixtures.test-util';
import type { CallEvent } from './call-event';
import { type CallState, INITIAL_CALL_STATE } from './call-state';
import { reduceCall } from './reduce-call';
import {
  hasActiveParticipants,
  selectBusy,
  selectInviteContent,
  selectInvitedBy,
  selectJoined,
  selectPeer,
  selectRinging,
} from './selectors';

const status = (
  userIDs: string[],
  s: Extract<CallEvent, { type: 'participantStatus' }>['status'],
): CallEvent => ({
  type: 'participantStatus',
  userIDs,
  status: s,
});

/** Alice calls bob, carol and dave: bob joined, carol still ringing, dave rejected. */
const group = stateAfter(
  session(ALICE),
  dialStarted({ invitees: [BOB, CAROL, DAVE], inviteIDs: [ID.call, ID.other, ID.third] }),
  peerEntered(BOB),
  status([DAVE], 'rejected'),
);
const oneToOne = stateAfter(session(ALICE), dialStarted({ invitees: [BOB], callID: ID.call }));
const bobCalls = { inviter: BOB, invitees: [ALICE], callID: ID.other };

describe('selectRinging', () => {
  it('lists the participants still ringing, in order', () => {
    expect(selectRinging(group.call)).toEqual([CAROL]);
    const fresh = stateAfter(session(ALICE), dialStarted({ invitees: [BOB, CAROL, DAVE] }));
    expect(selectRinging(fresh.call)).toEqual([BOB, CAROL, DAVE]);
  });

  it('is empty when nobody rings or there is no call', () => {
    expect(selectRinging(reduceCall(group, status([CAROL], 'timeout')).call)).toEqual([]);
    expect(selectRinging(null)).toEqual([]);
  });
});

describe('selectJoined', () => {
  it('gives the participants in the room', () => {
    const joined = selectJoined(reduceCall(group, peerEntered(CAROL)).call);
    expect(joined.map((p) => p.userID)).toEqual([BOB, CAROL]);
    expect(joined.every((p) => p.status === 'joined')).toBe(true);
  });

  it('drops those who left, and is empty with no call', () => {
    expect(selectJoined(reduceCall(group, { type: 'peerLeft', userID: BOB }).call)).toEqual([]);
    expect(selectJoined(null)).toEqual([]);
  });
});

describe('hasActiveParticipants', () => {
  it('is true while anyone rings, has accepted or is in the room', () => {
    expect(hasActiveParticipants(group.call)).toBe(true);
    const onlyRinging = stateAfter(session(ALICE), dialStarted({ invitees: [BOB] }));
    expect(hasActiveParticipants(onlyRinging.call)).toBe(true);
    const onlyAccepted = reduceCall(onlyRinging, status([BOB], 'accepted'));
    expect(hasActiveParticipants(onlyAccepted.call)).toBe(true);
  });

  it('is false once everyone has a final status, and with no call', () => {
    const allGone = [status([CAROL], 'busy'), { type: 'peerLeft', userID: BOB } as const].reduce(
      reduceCall,
      group,
    );
    expect(allGone.call?.participants.map((p) => p.status)).toEqual(['left', 'busy', 'rejected']);
    expect(hasActiveParticipants(allGone.call)).toBe(false);
    expect(hasActiveParticipants(null)).toBe(false);
  });
});

describe('selectBusy', () => {
  it('is false only while idle', () => {
    const ringing = stateAfter(session(ALICE), invited(bobCalls));
    const connecting = reduceCall(ringing, accepting(bobCalls));
    const connected = reduceCall(connecting, peerEntered(BOB));
    const states: [string, CallState, boolean][] = [
      ['logged out', INITIAL_CALL_STATE, false],
      ['idle', stateAfter(session(ALICE)), false],
      ['dialing', oneToOne, true],
      ['ringing', ringing, true],
      ['connecting', connecting, true],
      ['connected', connected, true],
      ['after the call', reduceCall(connected, ended('hangup')), false],
    ];
    expect(states.map(([name, state]) => [name, selectBusy(state)])).toEqual(
      states.map(([name, , busy]) => [name, busy]),
    );
  });
});

describe('selectPeer', () => {
  it('gives the single remote participant of a 1:1 call, outgoing or incoming', () => {
    expect(selectPeer(oneToOne.call)).toBe(BOB);
    expect(selectPeer(stateAfter(session(CAROL), invited({ ...bobCalls, invitees: [CAROL] })).call)).toBe(
      BOB,
    );
  });

  it('gives null for a group call, even one with a single participant left', () => {
    expect(selectPeer(group.call)).toBeNull();
    const groupWithGroupID = stateAfter(
      session(ALICE),
      dialStarted({ invitees: [BOB], groupID: GROUP, isGroup: true }),
    );
    expect(selectPeer(groupWithGroupID.call)).toBeNull();
  });

  it('gives null with no call', () => {
    expect(selectPeer(null)).toBeNull();
  });
});

describe('selectInvitedBy and selectInviteContent', () => {
  /** Alice invites bob and carol one by one, then bob again in a third invitation. */
  const reinvited = stateAfter(session(ALICE), {
    ...dialStarted({ invitees: [BOB, CAROL], inviteIDs: [ID.call, ID.other] }),
    invitations: [
      { inviteID: ID.call, invitees: [BOB], content: callContent(2) },
      { inviteID: ID.other, invitees: [CAROL], content: callContent(1) },
    ],
  } as CallEvent);
  const again = reduceCall(reinvited, {
    type: 'inviteesAdded',
    inviteIDs: [ID.third],
    invitees: [BOB],
    invitations: [{ inviteID: ID.third, invitees: [BOB], content: callContent(2) }],
  });

  it('gives the invitees whose latest invitation it is', () => {
    expect(selectInvitedBy(reinvited.call, ID.call).map((p) => p.userID)).toEqual([BOB]);
    expect(selectInvitedBy(again.call, ID.call)).toEqual([]);
    expect(selectInvitedBy(again.call, ID.third).map((p) => p.userID)).toEqual([BOB]);
    expect(selectInvitedBy(again.call, ID.other).map((p) => p.userID)).toEqual([CAROL]);
  });

  it('counts invitees of no recorded invitation for the first one, and never the inviter', () => {
    expect(selectInvitedBy(group.call, ID.call).map((p) => p.userID)).toEqual([BOB, CAROL, DAVE]);
    const rung = stateAfter(session(CAROL), invited({ ...bobCalls, invitees: [CAROL, DAVE] }));
    expect(selectInvitedBy(rung.call, ID.other).map((p) => p.userID)).toEqual([DAVE]);
    expect(selectInvitedBy(null, ID.call)).toEqual([]);
  });

  it('gives what an invitation carried, or null when unknown', () => {
    expect(selectInviteContent(reinvited.call, ID.other)).toEqual(callContent(1));
    expect(selectInviteContent(group.call, ID.call)).toBeNull();
    expect(selectInviteContent(null, ID.call)).toBeNull();
  });
});
