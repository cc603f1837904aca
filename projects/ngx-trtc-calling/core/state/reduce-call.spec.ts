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
  ROOM,
  session,
  stateAfter,
} from '../signaling/fixtures.test-util';
import type { CallEvent, IncomingInvitation } from './call-event';
import {
  type ActiveCall,
  type CallPhase,
  type CallState,
  INITIAL_CALL_STATE,
  type Invitation,
  MAX_CALL_RECORDS,
  MAX_WITHDRAWN,
  type Participant,
  type ParticipantStatus,
  PHASE_TRANSITIONS,
} from './call-state';
import { canTransition, reduceCall } from './reduce-call';

const PHASES: readonly CallPhase[] = ['idle', 'dialing', 'ringing', 'connecting', 'connected'];

/** The call lifecycle of ARCHITECTURE.md, written out independently of `PHASE_TRANSITIONS`. */
const LIFECYCLE: readonly string[] = [
  'idle>dialing',
  'idle>ringing',
  'idle>connecting', // back into a call in progress (reload, join())
  'dialing>connected',
  'dialing>connecting', // glare: we accept the peer's invitation instead of ours
  'dialing>idle',
  'ringing>connecting',
  'ringing>idle',
  'connecting>connected',
  'connecting>idle',
  'connected>idle',
];

/** Alice back into her 1:1 call with bob (`how`), as the call store or `join()` describe it. */
function joiningInProgress(how: 'reload' | 'join'): CallEvent {
  return {
    type: 'joiningInProgress',
    how,
    callID: ID.fourth,
    direction: 'incoming',
    inviter: BOB,
    callType: 2,
    roomID: ROOM,
    groupID: '',
    isGroup: false,
    inviteIDs: [ID.fourth],
    participants: [BOB, ALICE],
    startedAt: 1_000,
    connectedAt: 2_000,
  };
}

// ---- states of alice's calls -------------------------------------------------------------------

/** Alice logged in, no call. */
const idle = stateAfter(session(ALICE));
/** Alice dialing bob (1:1). */
const dialing = stateAfter(session(ALICE), dialStarted({ invitees: [BOB], callID: ID.call, at: 1_000 }));
/** Alice rung by bob (1:1). */
const bobCalls = { inviter: BOB, invitees: [ALICE], callID: ID.other, at: 2_000 };
const ringing = stateAfter(session(ALICE), invited(bobCalls));
const connecting = reduceCall(ringing, accepting(bobCalls));
const connected = reduceCall(connecting, peerEntered(BOB, 3_000));
const STATES: Record<CallPhase, CallState> = { idle, dialing, ringing, connecting, connected };

/** Alice dialing bob, carol and dave in a group call without groupID (one inviteID each). */
const groupDialing = stateAfter(
  session(ALICE),
  dialStarted({ invitees: [BOB, CAROL, DAVE], inviteIDs: [ID.call, ID.other, ID.third], at: 1_000 }),
);

function participantOf(state: CallState, userID: string): Participant | undefined {
  return state.call?.participants.find((p) => p.userID === userID);
}

function statusesOf(state: CallState): Record<string, ParticipantStatus> {
  return Object.fromEntries((state.call?.participants ?? []).map((p) => [p.userID, p.status]));
}

/** `groupDialing` with bob brought to `status` through the reducer. */
function bobWithStatus(status: ParticipantStatus): CallState {
  const joined = reduceCall(groupDialing, peerEntered(BOB, 2_000));
  const state =
    status === 'joined'
      ? joined
      : reduceCall(status === 'left' ? joined : groupDialing, {
          type: 'participantStatus',
          userIDs: [BOB],
          status,
        });
  expect(participantOf(state, BOB)?.status).toBe(status);
  return state;
}

describe('canTransition', () => {
  it('has fixtures in the phases they are named after', () => {
    for (const phase of PHASES) expect(STATES[phase].phase).toBe(phase);
  });

  it.each(PHASES.flatMap((from) => PHASES.map((to) => [from, to] as const)))('%s → %s', (from, to) => {
    expect(canTransition(from, to)).toBe(from === to || LIFECYCLE.includes(`${from}>${to}`));
  });
});

describe('PHASE_TRANSITIONS', () => {
  const connectedAfterDialing = reduceCall(dialing, peerEntered(BOB, 4_000));
  /** For every transition of the lifecycle: a state in `from` and an event that moves it. */
  const drivers: Record<string, [CallState, CallEvent]> = {
    'idle>dialing': [idle, dialStarted({ invitees: [BOB] })],
    'idle>ringing': [idle, invited(bobCalls)],
    'idle>connecting': [idle, joiningInProgress('reload')],
    'dialing>connected': [dialing, peerEntered(BOB)],
    'dialing>connecting': [dialing, accepting({ inviter: BOB, invitees: [ALICE], callID: ID.other })],
    'dialing>idle': [dialing, ended('noResponse')],
    'ringing>connecting': [ringing, accepting(bobCalls)],
    'ringing>idle': [ringing, ended('canceled')],
    'connecting>connected': [connecting, peerEntered(BOB)],
    'connecting>idle': [connecting, ended('mediaFailed')],
    'connected>idle': [connectedAfterDialing, ended('hangup')],
  };

  it('lists exactly the transitions of the call lifecycle', () => {
    const listed = Object.entries(PHASE_TRANSITIONS).flatMap(([from, tos]) =>
      tos.map((to) => `${from}>${to}`),
    );
    expect([...listed].sort()).toEqual([...LIFECYCLE].sort());
  });

  it.each(Object.entries(PHASE_TRANSITIONS).flatMap(([from, tos]) => tos.map((to) => `${from}>${to}`)))(
    'the reducer performs %s',
    (transition) => {
      const [from, to] = transition.split('>');
      const driver = drivers[transition];
      if (!driver) throw new Error(`no driver for ${transition}`);
      const [state, event] = driver;
      expect(state.phase).toBe(from);
      expect(reduceCall(state, event).phase).toBe(to);
    },
  );

  const refused: [string, CallState, CallEvent][] = [
    ['dialStarted while logged out', INITIAL_CALL_STATE, dialStarted({ invitees: [BOB] })],
    ['invited while logged out', INITIAL_CALL_STATE, invited(bobCalls)],
    ['accepting while idle (idle → connecting)', idle, accepting(bobCalls)],
    ['peerEntered while idle (idle → connected)', idle, peerEntered(BOB)],
    ['ended while idle', idle, ended('hangup')],
    ['dialStarted while dialing', dialing, dialStarted({ invitees: [CAROL], callID: ID.third })],
    ['invited while dialing (dialing → ringing)', dialing, invited({ ...bobCalls, inviter: CAROL })],
    [
      'dialStarted while ringing (ringing → dialing)',
      ringing,
      dialStarted({ invitees: [CAROL], callID: ID.third }),
    ],
    ['invited while ringing', ringing, invited({ ...bobCalls, inviter: CAROL, callID: ID.third })],
    ['peerEntered while ringing (ringing → connected)', ringing, peerEntered(BOB)],
    ['dialStarted while connecting (connecting → dialing)', connecting, dialStarted({ invitees: [CAROL] })],
    [
      'invited while connecting (connecting → ringing)',
      connecting,
      invited({ ...bobCalls, callID: ID.third }),
    ],
    ['dialStarted while connected (connected → dialing)', connected, dialStarted({ invitees: [CAROL] })],
    ['invited while connected (connected → ringing)', connected, invited({ ...bobCalls, callID: ID.third })],
    [
      'accepting while connected (connected → connecting)',
      connected,
      accepting({ ...bobCalls, callID: ID.third }),
    ],
  ];

  it.each(refused)('refuses %s, returning the same state', (_name, state, event) => {
    expect(reduceCall(state, event)).toBe(state);
  });
});

describe('reduceCall', () => {
  describe('session', () => {
    it('logs in without touching phase, call or records', () => {
      expect(reduceCall(INITIAL_CALL_STATE, session(ALICE))).toEqual({
        userID: ALICE,
        phase: 'idle',
        call: null,
        records: [],
        withdrawn: [],
      });
    });

    it.each(PHASES)(
      'logging out while %s clears the call without a record, keeping earlier records',
      (phase) => {
        const withRecord = reduceCall(connected, ended('hangup'));
        const before = replay(withRecord, eventsTo(phase));
        expect(before.phase).toBe(phase);
        const after = reduceCall(before, session(null));
        expect(after).toEqual({
          userID: null,
          phase: 'idle',
          call: null,
          records: withRecord.records,
          withdrawn: [],
        });
        expect(after.records).toHaveLength(1);
      },
    );
  });

  describe('dialStarted', () => {
    it('starts an outgoing call with every invitee ringing', () => {
      const state = reduceCall(
        idle,
        dialStarted({
          invitees: [BOB, CAROL],
          inviteIDs: [ID.call, ID.other],
          groupID: GROUP,
          callType: 1,
          at: 7,
        }),
      );
      expect(state.phase).toBe('dialing');
      expect(state.call).toEqual({
        callID: ID.call,
        direction: 'outgoing',
        inviter: ALICE,
        callType: 1,
        roomID: ROOM,
        groupID: GROUP,
        isGroup: true,
        inviteIDs: [ID.call, ID.other],
        invitations: [],
        held: null,
        participants: [
          { userID: BOB, status: 'ringing', invited: true, audioAvailable: false, videoAvailable: false },
          { userID: CAROL, status: 'ringing', invited: true, audioAvailable: false, videoAvailable: false },
        ],
        startedAt: 7,
        connectedAt: null,
        pendingSwitch: null,
        micMuted: false,
        cameraEnabled: true,
      } satisfies ActiveCall);
    });

    it('copies the inviteIDs rather than keeping the event’s array', () => {
      const inviteIDs: string[] = [ID.call];
      const state = reduceCall(idle, dialStarted({ invitees: [BOB], inviteIDs }));
      inviteIDs.push(ID.other);
      expect(state.call?.inviteIDs).toEqual([ID.call]);
    });
  });

  describe('invited', () => {
    it('starts an incoming call: the inviter has accepted, the other invitees ring, this user is not a participant', () => {
      const state = reduceCall(
        idle,
        invited({ inviter: BOB, invitees: [CAROL, ALICE, DAVE], callID: ID.other, groupID: GROUP, at: 9 }),
      );
      expect(state.phase).toBe('ringing');
      expect(state.call).toEqual({
        callID: ID.other,
        direction: 'incoming',
        inviter: BOB,
        callType: 2,
        roomID: ROOM,
        groupID: GROUP,
        isGroup: true,
        inviteIDs: [ID.other],
        invitations: [],
        held: null,
        participants: [
          { userID: BOB, status: 'accepted', invited: false, audioAvailable: false, videoAvailable: false },
          { userID: CAROL, status: 'ringing', invited: true, audioAvailable: false, videoAvailable: false },
          { userID: DAVE, status: 'ringing', invited: true, audioAvailable: false, videoAvailable: false },
        ],
        startedAt: 9,
        connectedAt: null,
        pendingSwitch: null,
        micMuted: false,
        cameraEnabled: true,
      } satisfies ActiveCall);
    });
  });

  describe('inviteesAdded', () => {
    it('adds new invitees ringing and their inviteIDs, keeping the existing ones', () => {
      const state = reduceCall(connected, {
        type: 'inviteesAdded',
        inviteIDs: [ID.third],
        invitees: [CAROL],
      });
      expect(statusesOf(state)).toEqual({ [BOB]: 'joined', [CAROL]: 'ringing' });
      expect(participantOf(state, CAROL)?.invited).toBe(true);
      expect(state.call?.inviteIDs).toEqual([ID.other, ID.third]);
      expect(state.phase).toBe('connected');
    });

    it('rings re-invited participants again unless they are in the call or have accepted', () => {
      let state = reduceCall(groupDialing, { type: 'participantStatus', userIDs: [BOB], status: 'rejected' });
      state = reduceCall(state, { type: 'participantStatus', userIDs: [CAROL], status: 'accepted' });
      state = reduceCall(state, peerEntered(DAVE));
      state = reduceCall(state, { type: 'peerLeft', userID: DAVE });
      const joinedCarol = reduceCall(state, peerEntered(CAROL));
      const again = reduceCall(joinedCarol, {
        type: 'inviteesAdded',
        inviteIDs: [ID.fourth],
        invitees: [BOB, CAROL, DAVE],
      });
      expect(statusesOf(again)).toEqual({ [BOB]: 'ringing', [CAROL]: 'joined', [DAVE]: 'ringing' });
      expect(again.call?.participants).toHaveLength(3);
      const acceptedCarol = reduceCall(state, { type: 'inviteesAdded', inviteIDs: [], invitees: [CAROL] });
      expect(participantOf(acceptedCarol, CAROL)?.status).toBe('accepted');
    });

    it('does not list an inviteID twice', () => {
      const state = reduceCall(groupDialing, {
        type: 'inviteesAdded',
        inviteIDs: [ID.other, ID.fourth],
        invitees: [],
      });
      expect(state.call?.inviteIDs).toEqual([ID.call, ID.other, ID.third, ID.fourth]);
    });

    it('is ignored without a call', () => {
      expect(reduceCall(idle, { type: 'inviteesAdded', inviteIDs: [ID.third], invitees: [CAROL] })).toBe(
        idle,
      );
    });
  });

  describe('accepting', () => {
    it('moves the ringing call to connecting, keeping the call itself', () => {
      const state = reduceCall(ringing, accepting(bobCalls));
      expect(state.phase).toBe('connecting');
      expect(state.call).toBe(ringing.call);
    });

    it('replaces our outgoing call with the peer’s invitation on glare (another callID)', () => {
      const muted = reduceCall(dialing, { type: 'localMedia', micMuted: true, cameraEnabled: false });
      const state = reduceCall(
        muted,
        accepting({ inviter: BOB, invitees: [ALICE], callID: ID.other, callType: 1, roomID: 777, at: 5_000 }),
      );
      expect(state.phase).toBe('connecting');
      expect(state.call).toEqual({
        callID: ID.other,
        direction: 'incoming',
        inviter: BOB,
        callType: 1,
        roomID: 777,
        groupID: '',
        isGroup: false,
        inviteIDs: [ID.other],
        invitations: [],
        held: null,
        participants: [
          { userID: BOB, status: 'accepted', invited: false, audioAvailable: false, videoAvailable: false },
        ],
        // The call started when we dialed; local media settings carry over.
        startedAt: 1_000,
        connectedAt: null,
        pendingSwitch: null,
        micMuted: true,
        cameraEnabled: false,
      } satisfies ActiveCall);
    });
  });

  describe('participantStatus', () => {
    it('records answers of ringing participants, several at once, ignoring unknown users', () => {
      const state = reduceCall(groupDialing, {
        type: 'participantStatus',
        userIDs: [BOB, DAVE, 'zoe'],
        status: 'timeout',
      });
      expect(statusesOf(state)).toEqual({ [BOB]: 'timeout', [CAROL]: 'ringing', [DAVE]: 'timeout' });
      expect(state.call?.participants.map((p) => p.userID)).toEqual([BOB, CAROL, DAVE]);
    });

    it.each<ParticipantStatus>(['accepted', 'rejected', 'busy', 'timeout', 'noResponse', 'canceled'])(
      'moves a ringing participant to %s',
      (status) => {
        const state = reduceCall(groupDialing, { type: 'participantStatus', userIDs: [BOB], status });
        expect(participantOf(state, BOB)?.status).toBe(status);
      },
    );

    it('moves an accepted participant on to a final status', () => {
      const state = reduceCall(bobWithStatus('accepted'), {
        type: 'participantStatus',
        userIDs: [BOB],
        status: 'noResponse',
      });
      expect(participantOf(state, BOB)?.status).toBe('noResponse');
    });

    const FINAL: ParticipantStatus[] = ['rejected', 'busy', 'timeout', 'noResponse', 'canceled', 'left'];
    const LATER: ParticipantStatus[] = [
      'ringing',
      'accepted',
      'rejected',
      'busy',
      'timeout',
      'noResponse',
      'canceled',
      'left',
    ];

    it.each(FINAL)('keeps the final status %s against later answers', (status) => {
      const state = bobWithStatus(status);
      for (const later of LATER) {
        const next = reduceCall(state, { type: 'participantStatus', userIDs: [BOB], status: later });
        expect([later, participantOf(next, BOB)?.status]).toEqual([later, status]);
      }
    });

    it.each(FINAL)('lets a participant with the final status %s join the room', (status) => {
      const state = reduceCall(bobWithStatus(status), {
        type: 'participantStatus',
        userIDs: [BOB],
        status: 'joined',
      });
      expect(participantOf(state, BOB)?.status).toBe('joined');
    });

    it('keeps a joined participant joined when a late answer arrives', () => {
      const state = bobWithStatus('joined');
      for (const late of [
        'ringing',
        'accepted',
        'rejected',
        'busy',
        'timeout',
        'noResponse',
        'canceled',
      ] as const) {
        const next = reduceCall(state, { type: 'participantStatus', userIDs: [BOB], status: late });
        expect([late, participantOf(next, BOB)?.status]).toEqual([late, 'joined']);
      }
    });

    it('lets a joined participant leave', () => {
      const state = reduceCall(bobWithStatus('joined'), {
        type: 'participantStatus',
        userIDs: [BOB],
        status: 'left',
      });
      expect(participantOf(state, BOB)?.status).toBe('left');
    });

    it('resets the availability of a participant who left (a group hang-up notice)', () => {
      let state = bobWithStatus('joined');
      state = reduceCall(state, { type: 'availability', userID: BOB, kind: 'audio', available: true });
      state = reduceCall(state, { type: 'availability', userID: BOB, kind: 'video', available: true });
      state = reduceCall(state, { type: 'participantStatus', userIDs: [BOB], status: 'left' });
      expect(participantOf(state, BOB)).toMatchObject({
        status: 'left',
        audioAvailable: false,
        videoAvailable: false,
      });
    });

    it('is ignored without a call', () => {
      expect(reduceCall(idle, { type: 'participantStatus', userIDs: [BOB], status: 'rejected' })).toBe(idle);
    });
  });

  describe('peerEntered', () => {
    it('connects a dialing call when an invitee enters, once, at the first entry', () => {
      const first = reduceCall(groupDialing, peerEntered(BOB, 4_000));
      expect(first.phase).toBe('connected');
      expect(first.call?.connectedAt).toBe(4_000);
      expect(participantOf(first, BOB)?.status).toBe('joined');
      const second = reduceCall(first, peerEntered(CAROL, 6_000));
      expect(second.call?.connectedAt).toBe(4_000);
      expect(statusesOf(second)).toEqual({ [BOB]: 'joined', [CAROL]: 'joined', [DAVE]: 'ringing' });
      const reentered = reduceCall(
        reduceCall(second, { type: 'peerLeft', userID: BOB }),
        peerEntered(BOB, 9_000),
      );
      expect(reentered.call?.connectedAt).toBe(4_000);
      expect(participantOf(reentered, BOB)?.status).toBe('joined');
    });

    it('connects an accepted call when the inviter’s media arrives', () => {
      const state = reduceCall(connecting, peerEntered(BOB, 3_500));
      expect(state.phase).toBe('connected');
      expect(state.call?.connectedAt).toBe(3_500);
      expect(participantOf(state, BOB)?.status).toBe('joined');
    });

    it('adds someone who entered without being known, as joined and not invited', () => {
      const state = reduceCall(connected, peerEntered(CAROL));
      expect(participantOf(state, CAROL)).toEqual({
        userID: CAROL,
        status: 'joined',
        invited: false,
        audioAvailable: false,
        videoAvailable: false,
      });
    });
  });

  describe('peerLeft', () => {
    it('marks the participant left and clears their audio and video, without ending the call', () => {
      let state = reduceCall(connected, {
        type: 'availability',
        userID: BOB,
        kind: 'audio',
        available: true,
      });
      state = reduceCall(state, { type: 'availability', userID: BOB, kind: 'video', available: true });
      state = reduceCall(state, { type: 'peerLeft', userID: BOB });
      expect(participantOf(state, BOB)).toMatchObject({
        status: 'left',
        audioAvailable: false,
        videoAvailable: false,
      });
      expect(state.phase).toBe('connected');
    });

    it('clears the availability of a participant whose hang-up notice came before their media left', () => {
      let state = reduceCall(bobWithStatus('joined'), {
        type: 'availability',
        userID: BOB,
        kind: 'audio',
        available: true,
      });
      state = reduceCall(state, { type: 'participantStatus', userIDs: [BOB], status: 'left' });
      state = reduceCall(state, { type: 'peerLeft', userID: BOB });
      expect(participantOf(state, BOB)).toMatchObject({ status: 'left', audioAvailable: false });
    });

    it('is ignored without a call', () => {
      expect(reduceCall(idle, { type: 'peerLeft', userID: BOB })).toBe(idle);
    });
  });

  describe('availability', () => {
    it('sets audio and video availability of one participant independently', () => {
      const audio = reduceCall(connected, {
        type: 'availability',
        userID: BOB,
        kind: 'audio',
        available: true,
      });
      expect(participantOf(audio, BOB)).toMatchObject({ audioAvailable: true, videoAvailable: false });
      const video = reduceCall(audio, { type: 'availability', userID: BOB, kind: 'video', available: true });
      expect(participantOf(video, BOB)).toMatchObject({ audioAvailable: true, videoAvailable: true });
      const off = reduceCall(video, { type: 'availability', userID: BOB, kind: 'audio', available: false });
      expect(participantOf(off, BOB)).toMatchObject({ audioAvailable: false, videoAvailable: true });
    });

    it('is ignored without a call', () => {
      expect(reduceCall(idle, { type: 'availability', userID: BOB, kind: 'audio', available: true })).toBe(
        idle,
      );
    });
  });

  describe('callTypeChanged, switchPending, switchSettled, localMedia', () => {
    it('changes the call type', () => {
      expect(reduceCall(connected, { type: 'callTypeChanged', callType: 1 }).call?.callType).toBe(1);
    });

    it('records and clears our pending switch request', () => {
      const pending = reduceCall(connected, { type: 'switchPending', inviteID: ID.switch, to: 'audio' });
      expect(pending.call?.pendingSwitch).toEqual({ inviteID: ID.switch, to: 'audio' });
      expect(reduceCall(pending, { type: 'switchSettled' }).call?.pendingSwitch).toBeNull();
    });

    it('updates only the local media settings given', () => {
      const muted = reduceCall(connected, { type: 'localMedia', micMuted: true });
      expect(muted.call).toMatchObject({ micMuted: true, cameraEnabled: true });
      const cameraOff = reduceCall(muted, { type: 'localMedia', cameraEnabled: false });
      expect(cameraOff.call).toMatchObject({ micMuted: true, cameraEnabled: false });
    });

    it.each<CallEvent>([
      { type: 'callTypeChanged', callType: 1 },
      { type: 'switchPending', inviteID: ID.switch, to: 'audio' },
      { type: 'switchSettled' },
      { type: 'localMedia', micMuted: true },
    ])('ignores $type without a call', (event) => {
      expect(reduceCall(idle, event)).toBe(idle);
    });
  });

  describe('ended', () => {
    it('returns to idle and records the call with its reason and whole seconds connected', () => {
      const talking = reduceCall(connecting, peerEntered(BOB, 3_000));
      const state = reduceCall(talking, ended('remoteHangup', 40_999));
      expect(state.phase).toBe('idle');
      expect(state.call).toBeNull();
      expect(state.userID).toBe(ALICE);
      expect(state.records).toEqual([
        {
          callID: ID.other,
          direction: 'incoming',
          inviter: BOB,
          callType: 2,
          groupID: '',
          isGroup: false,
          participants: [{ userID: BOB, status: 'joined' }],
          endReason: 'remoteHangup',
          startedAt: 2_000,
          connectedAt: 3_000,
          endedAt: 40_999,
          duration: 37,
        },
      ]);
    });

    it('records a duration of 0 for a call that never connected, with every participant’s last status', () => {
      const answered = reduceCall(groupDialing, {
        type: 'participantStatus',
        userIDs: [BOB],
        status: 'busy',
      });
      const state = reduceCall(answered, ended('noResponse', 60_000));
      expect(state.records[0]).toMatchObject({
        endReason: 'noResponse',
        connectedAt: null,
        duration: 0,
        participants: [
          { userID: BOB, status: 'busy' },
          { userID: CAROL, status: 'ringing' },
          { userID: DAVE, status: 'ringing' },
        ],
      });
    });

    it('records how each participant’s part ended: from the status, or the end given with it', () => {
      let state = reduceCall(groupDialing, { type: 'participantStatus', userIDs: [BOB], status: 'busy' });
      state = reduceCall(state, { type: 'participantStatus', userIDs: [CAROL], status: 'offline' });
      state = reduceCall(state, { type: 'participantStatus', userIDs: [CAROL], status: 'noResponse' });
      state = reduceCall(state, {
        type: 'participantStatus',
        userIDs: [DAVE],
        status: 'rejected',
        end: { reason: 'mediaFailed', cause: 'cameraDenied' },
      });
      state = reduceCall(state, { type: 'ended', reason: 'mediaFailed', cause: 'roomFull', at: 60_000 });
      expect(state.records[0]).toMatchObject({
        endReason: 'mediaFailed',
        cause: 'roomFull',
        participants: [
          { userID: BOB, status: 'busy', end: { reason: 'busy' } },
          { userID: CAROL, status: 'noResponse', end: { reason: 'offline' } },
          { userID: DAVE, status: 'rejected', end: { reason: 'mediaFailed', cause: 'cameraDenied' } },
        ],
      });
    });

    it('marks only an invitee still ringing offline (an answer may have come first)', () => {
      const accepted = reduceCall(groupDialing, {
        type: 'participantStatus',
        userIDs: [BOB],
        status: 'accepted',
      });
      const state = reduceCall(accepted, {
        type: 'participantStatus',
        userIDs: [BOB, CAROL],
        status: 'offline',
      });
      expect(state.call?.participants.map((p) => [p.userID, p.status])).toEqual([
        [BOB, 'accepted'],
        [CAROL, 'offline'],
        [DAVE, 'ringing'],
      ]);
    });

    it('forgets a participant’s end when they are invited again', () => {
      const declined = reduceCall(groupDialing, {
        type: 'participantStatus',
        userIDs: [BOB],
        status: 'rejected',
        end: { reason: 'mediaFailed' },
      });
      const again = reduceCall(declined, { type: 'inviteesAdded', inviteIDs: ['again'], invitees: [BOB] });
      expect(again.call?.participants[0]).toEqual(expect.not.objectContaining({ end: expect.anything() }));
      expect(reduceCall(again, ended('hangup', 9)).records[0]?.participants[0]).toEqual({
        userID: BOB,
        status: 'ringing',
      });
    });

    it('never records a negative duration', () => {
      const state = reduceCall(connected, ended('hangup', 2_500));
      expect(state.records[0]?.duration).toBe(0);
    });

    it(`keeps the newest ${MAX_CALL_RECORDS} records, oldest first`, () => {
      let state = idle;
      for (let i = 0; i <= MAX_CALL_RECORDS; i++) {
        state = reduceCall(state, dialStarted({ invitees: [BOB], callID: `call-${i}`, at: i }));
        state = reduceCall(state, ended('hangup', i + 1));
      }
      expect(state.records).toHaveLength(MAX_CALL_RECORDS);
      expect(state.records[0]?.callID).toBe('call-1');
      expect(state.records[MAX_CALL_RECORDS - 1]?.callID).toBe(`call-${MAX_CALL_RECORDS}`);
    });

    it('is ignored without a call', () => {
      expect(reduceCall(idle, ended('hangup'))).toBe(idle);
    });
  });

  describe('joiningInProgress', () => {
    it.each(['reload', 'join'] as const)(
      'enters the call in progress (%s) as connecting, the others as accepted until they are seen',
      (how) => {
        const state = reduceCall(idle, joiningInProgress(how));
        expect(state.phase).toBe('connecting');
        expect(state.call).toMatchObject({
          callID: ID.fourth,
          inviter: BOB,
          roomID: ROOM,
          connectedAt: 2_000,
          joinedInProgress: how,
          participants: [{ userID: BOB, status: 'accepted', invited: false }],
        });
        const met = reduceCall(state, peerEntered(BOB, 9_000));
        expect(met.phase).toBe('connected');
        // The call's clock started before the reload: its duration counts from then.
        expect(met.call?.connectedAt).toBe(2_000);
      },
    );

    it.each([
      ['ringing', ringing],
      ['connected', connected],
      ['logged out', INITIAL_CALL_STATE],
    ])('changes nothing while %s', (_name, state) => {
      expect(reduceCall(state, joiningInProgress('reload'))).toBe(state);
    });
  });

  describe('missed calls', () => {
    it.each(['timeout', 'canceled'] as const)(
      'marks a ringing invitation that ended by %s before any answer as missed',
      (reason) => {
        const state = reduceCall(ringing, ended(reason, 32_000));
        expect(state.records[0]).toMatchObject({ callID: ID.other, endReason: reason, missed: true });
      },
    );

    it.each([
      ['rejected while ringing', ringing, 'hangup'],
      ['accepted, then cancelled while connecting', connecting, 'canceled'],
      ['answered elsewhere', ringing, 'answeredElsewhere'],
      ['our own call that nobody answered', dialing, 'noResponse'],
      ['our own call cancelled', dialing, 'canceled'],
    ] as const)('does not mark a call %s as missed', (_name, from, reason) => {
      const state = reduceCall(from, ended(reason, 32_000));
      expect(state.records[0]).toBeDefined();
      expect(state.records[0]?.missed).toBeUndefined();
    });

    const expired = incomingOf({ inviter: BOB, invitees: [ALICE, CAROL], callID: ID.fourth, at: 5_000 });

    it('records an invitation found expired in history as a missed call, without a call', () => {
      const state = reduceCall(idle, { type: 'missed', invitation: expired, at: 90_000 });
      expect(state.phase).toBe('idle');
      expect(state.call).toBeNull();
      expect(state.records).toEqual([
        {
          callID: ID.fourth,
          direction: 'incoming',
          inviter: BOB,
          callType: 2,
          groupID: '',
          isGroup: true,
          participants: [
            { userID: BOB, status: 'accepted' },
            { userID: CAROL, status: 'ringing' },
          ],
          endReason: 'timeout',
          startedAt: 5_000,
          connectedAt: null,
          endedAt: 90_000,
          duration: 0,
          missed: true,
        },
      ]);
    });

    it('keeps a call in progress while it records a missed one', () => {
      const state = reduceCall(connected, { type: 'missed', invitation: expired, at: 90_000 });
      expect(state.call).toBe(connected.call);
      expect(state.phase).toBe('connected');
      expect(state.records.map((r) => r.callID)).toEqual([ID.fourth]);
    });

    it.each([
      ['already recorded', reduceCall(idle, { type: 'missed', invitation: expired, at: 90_000 })],
      ['the call in progress', stateAfter(session(ALICE), invited({ ...bobCalls, callID: ID.fourth }))],
      ['logged out', INITIAL_CALL_STATE],
    ])('changes nothing for an invitation %s', (_name, state) => {
      expect(reduceCall(state, { type: 'missed', invitation: expired, at: 95_000 })).toBe(state);
    });
  });

  describe('invitations, the held glare invitation and withdrawn invitations', () => {
    const toBob: Invitation = { inviteID: ID.call, invitees: [BOB], content: callContent(2) };
    const toCarol: Invitation = { inviteID: ID.other, invitees: [CAROL], content: callContent(2) };
    const fromBob = { inviter: BOB, invitees: [ALICE], callID: ID.other, callType: 1 as const, at: 3_000 };
    const heldBob = reduceCall(dialing, { type: 'glareHeld', from: BOB, ...incomingOf(fromBob) });

    it('records what each invitation of a dialed call invited and carried', () => {
      const state = reduceCall(idle, {
        ...dialStarted({ invitees: [BOB] }),
        invitations: [toBob],
      } as CallEvent);
      expect(state.call?.invitations).toEqual([toBob]);
    });

    it('appends the invitations of added invitees, keeping the earlier ones', () => {
      const first = reduceCall(idle, {
        ...dialStarted({ invitees: [BOB], isGroup: true }),
        invitations: [toBob],
      } as CallEvent);
      const state = reduceCall(first, {
        type: 'inviteesAdded',
        inviteIDs: [ID.other],
        invitees: [CAROL],
        invitations: [toCarol],
      });
      expect(state.call?.invitations).toEqual([toBob, toCarol]);
    });

    it('records the content of an invitation to us, and nothing when it is not given', () => {
      const content = callContent(1, 777);
      const state = reduceCall(idle, { ...invited(bobCalls), content } as CallEvent);
      expect(state.call?.invitations).toEqual([{ inviteID: ID.other, invitees: [ALICE], content }]);
      expect(ringing.call?.invitations).toEqual([]);
    });

    it('holds the glare loser’s invitation on our call, and only with a call', () => {
      expect(heldBob.phase).toBe('dialing');
      expect(heldBob.call?.held).toEqual({ from: BOB, ...incomingOf(fromBob) });
      expect(reduceCall(idle, { type: 'glareHeld', from: BOB, ...incomingOf(fromBob) })).toBe(idle);
    });

    it('releases the hold when its sender accepts our invitation, not on other answers', () => {
      const accepted = reduceCall(heldBob, { type: 'participantStatus', userIDs: [BOB], status: 'accepted' });
      expect(accepted.call?.held).toBeNull();
      const rejected = reduceCall(heldBob, { type: 'participantStatus', userIDs: [BOB], status: 'busy' });
      expect(rejected.call?.held).toEqual(heldBob.call?.held);
    });

    it('withdraws our invitations when glare makes us accept the peer’s, dropping the hold', () => {
      const state = reduceCall(heldBob, accepting(fromBob));
      expect(state.withdrawn).toEqual([ID.call]);
      expect(state.call).toMatchObject({ callID: ID.other, held: null, direction: 'incoming' });
    });

    it('withdraws nothing when we accept the ringing call', () => {
      expect(reduceCall(ringing, accepting(bobCalls)).withdrawn).toBe(ringing.withdrawn);
    });

    it(`keeps the newest ${MAX_WITHDRAWN} withdrawn inviteIDs, each once, beyond the call`, () => {
      let state = idle;
      for (let i = 0; i <= MAX_WITHDRAWN; i++) {
        state = reduceCall(state, dialStarted({ invitees: [BOB], inviteIDs: [`ours-${i}`, `ours-${i}`] }));
        state = reduceCall(state, accepting({ ...fromBob, callID: `theirs-${i}` }));
        state = reduceCall(state, ended('hangup'));
      }
      expect(state.withdrawn).toHaveLength(MAX_WITHDRAWN);
      expect(state.withdrawn[0]).toBe('ours-1');
      expect(state.withdrawn[MAX_WITHDRAWN - 1]).toBe(`ours-${MAX_WITHDRAWN}`);
    });

    it('drops invitations and the hold with the call that ends', () => {
      const state = reduceCall(heldBob, ended('hangup'));
      expect(state.call).toBeNull();
      const next = reduceCall(state, dialStarted({ invitees: [BOB] }));
      expect(next.call).toMatchObject({ invitations: [], held: null });
    });

    it('forgets withdrawn invitations on logout', () => {
      const withdrawn = reduceCall(heldBob, accepting(fromBob));
      expect(reduceCall(withdrawn, session(null)).withdrawn).toEqual([]);
    });
  });

  describe('events that change nothing', () => {
    // reduce-call.ts promises the same reference for events that do not apply, so that
    // distinctUntilChanged downstream filters them (and state$ does not re-emit an equal state).
    const withMedia = reduceCall(connected, {
      type: 'availability',
      userID: BOB,
      kind: 'audio',
      available: true,
    });
    const noOps: [string, CallState, CallEvent][] = [
      [
        'availability already so',
        withMedia,
        { type: 'availability', userID: BOB, kind: 'audio', available: true },
      ],
      [
        'availability of an unknown user',
        withMedia,
        { type: 'availability', userID: DAVE, kind: 'video', available: true },
      ],
      [
        'participantStatus already so',
        withMedia,
        { type: 'participantStatus', userIDs: [BOB], status: 'joined' },
      ],
      [
        'a late answer of a joined participant',
        withMedia,
        { type: 'participantStatus', userIDs: [BOB], status: 'accepted' },
      ],
      [
        'participantStatus of an unknown user',
        withMedia,
        { type: 'participantStatus', userIDs: [DAVE], status: 'busy' },
      ],
      ['callTypeChanged to the current type', withMedia, { type: 'callTypeChanged', callType: 2 }],
      ['switchSettled with no switch pending', withMedia, { type: 'switchSettled' }],
      ['peerLeft of an unknown user', withMedia, { type: 'peerLeft', userID: DAVE }],
    ];

    it.each(noOps)('returns the same state for %s', (_name, state, event) => {
      expect(reduceCall(state, event)).toBe(state);
    });

    it.each(noOps)('keeps the same call object for %s', (_name, state, event) => {
      expect(reduceCall(state, event).call).toBe(state.call);
    });
  });
});

// ---- helpers for the session tests -------------------------------------------------------------

/** Events that bring a logged-in idle user to `phase`. */
function eventsTo(phase: CallPhase): CallEvent[] {
  switch (phase) {
    case 'idle':
      return [];
    case 'dialing':
      return [dialStarted({ invitees: [BOB], callID: ID.third })];
    case 'ringing':
      return [invited({ ...bobCalls, callID: ID.third })];
    case 'connecting':
      return [invited({ ...bobCalls, callID: ID.third }), accepting({ ...bobCalls, callID: ID.third })];
    case 'connected':
      return [dialStarted({ invitees: [BOB], callID: ID.third }), peerEntered(BOB)];
  }
}

/** The invitation fields of `invited`/`accepting` built from fixture options. */
function incomingOf(o: Parameters<typeof invited>[0]): IncomingInvitation {
  const { type: _type, ...fields } = invited(o) as Extract<CallEvent, { type: 'invited' }>;
  return fields;
}

function replay(state: CallState, events: readonly CallEvent[]): CallState {
  return events.reduce(reduceCall, state);
}
