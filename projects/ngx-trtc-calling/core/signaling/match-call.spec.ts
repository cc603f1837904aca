import { asyncScheduler } from 'rxjs';
import { runMarbles } from 'ngx-trtc-calling/testing';
import {
  accept,
  ALICE,
  BOB,
  CAROL,
  cancel,
  connectedState,
  DAVE,
  dialStarted,
  GROUP,
  hangupNotice,
  ID,
  idleState,
  inbound,
  invite,
  peerEntered,
  reject,
  ringingState,
  session,
  stateAfter,
  switchRequest,
  timeout,
} from './fixtures.test-util';
import type { Inbound } from './inbound';
import { matchCall, mismatchReason } from './match-call';
import type { CallState } from '../state/call-state';
import { reduceCall } from '../state/reduce-call';

const NONE = new Set<string>();

// ---- states ------------------------------------------------------------------------------------

/** Bob, logged in, no call. */
const bobIdle = idleState(BOB);
/** Bob rung by alice (1:1, ID.call). */
const bobRinging = ringingState(BOB, { inviter: ALICE, invitees: [BOB], callID: ID.call });
/** Bob rung by alice in a group call with carol (GROUP, ID.call). */
const bobRingingGroup = ringingState(BOB, {
  inviter: ALICE,
  invitees: [BOB, CAROL],
  callID: ID.call,
  groupID: GROUP,
});
/** Bob connected with alice (1:1 incoming, ID.call). */
const bobConnected = connectedState(BOB, { inviter: ALICE, invitees: [BOB], callID: ID.call });
/** Alice dialing bob (1:1, ID.call). */
const aliceDialing = stateAfter(session(ALICE), dialStarted({ invitees: [BOB], callID: ID.call }));
/** Alice dialing bob and carol without groupID: one inviteID each. */
const aliceDialingGroup = stateAfter(
  session(ALICE),
  dialStarted({ invitees: [BOB, CAROL], inviteIDs: [ID.call, ID.other] }),
);
/** Alice connected with bob, her switch request ID.switch outstanding. */
const aliceSwitching = stateAfter(
  session(ALICE),
  dialStarted({ invitees: [BOB], callID: ID.call }),
  peerEntered(BOB),
  { type: 'switchPending', inviteID: ID.switch, to: 'audio' },
);

describe('mismatchReason', () => {
  it('has consistent fixtures', () => {
    expect(
      [
        bobIdle,
        bobRinging,
        bobRingingGroup,
        bobConnected,
        aliceDialing,
        aliceDialingGroup,
        aliceSwitching,
      ].map((s) => s.phase),
    ).toEqual(['idle', 'ringing', 'ringing', 'connected', 'dialing', 'dialing', 'connected']);
    expect(aliceSwitching.call?.pendingSwitch).toEqual({ inviteID: ID.switch, to: 'audio' });
  });

  describe('an answer to an invitation we withdrew', () => {
    it('is refused before anything else, whatever the action or state', () => {
      const withdrawn = new Set([ID.call]);
      const reason = 'answer to an invitation we withdrew';
      // Valid as follow-ups of aliceDialing were the invitation not withdrawn.
      expect(
        mismatchReason(
          inbound(accept({ inviteID: ID.call, inviter: ALICE, invitee: BOB }), BOB),
          aliceDialing,
          withdrawn,
        ),
      ).toBe(reason);
      expect(
        mismatchReason(
          inbound(reject({ inviteID: ID.call, inviter: ALICE, invitee: BOB }), BOB),
          aliceDialing,
          withdrawn,
        ),
      ).toBe(reason);
      expect(
        mismatchReason(
          inbound(invite({ inviteID: ID.call, inviter: BOB, invitees: [ALICE] }), BOB),
          bobIdle,
          withdrawn,
        ),
      ).toBe(reason);
      expect(
        mismatchReason(
          inbound(accept({ inviteID: ID.call, inviter: ALICE, invitee: BOB }), BOB),
          aliceDialing,
          NONE,
        ),
      ).toBeNull();
    });
  });

  describe('call invitations', () => {
    const fromCarol = inbound(invite({ inviteID: ID.other, inviter: CAROL, invitees: [BOB] }), CAROL);

    it('accepts a new invitation, idle or not (busy is decided elsewhere)', () => {
      expect(mismatchReason(fromCarol, bobIdle, NONE)).toBeNull();
      expect(mismatchReason(fromCarol, bobConnected, NONE)).toBeNull();
      expect(mismatchReason(fromCarol, bobRinging, NONE)).toBeNull();
    });

    it('refuses a repeated invitation of the current call', () => {
      const again = inbound(invite({ inviteID: ID.call, inviter: ALICE, invitees: [BOB] }), ALICE);
      expect(mismatchReason(again, bobRinging, NONE)).toBe('repeated invitation of the current call');
      expect(mismatchReason(again, bobConnected, NONE)).toBe('repeated invitation of the current call');
      expect(mismatchReason(again, bobIdle, NONE)).toBeNull();
    });
  });

  describe('hang-up notices', () => {
    const notice = (from: string) =>
      inbound(hangupNotice({ inviteID: ID.hangup, inviter: from, invitees: [BOB] }), from);
    const reason = 'hang-up notice from someone not in the current call';

    it('accepts a notice from a participant of the current call', () => {
      expect(mismatchReason(notice(ALICE), bobConnected, NONE)).toBeNull();
      expect(mismatchReason(notice(CAROL), bobRingingGroup, NONE)).toBeNull();
    });

    it('refuses a notice from anyone else, or with no call', () => {
      expect(mismatchReason(notice(CAROL), bobConnected, NONE)).toBe(reason);
      expect(mismatchReason(notice(ALICE), bobIdle, NONE)).toBe(reason);
    });

    // A quick redial: the previous call's notice arrives late, after the new invitation went out.
    it.each<[string, string, ReturnType<typeof stateAfter>, string]>([
      ['our invitee still ringing', BOB, aliceDialing, 'hang-up notice from an invitee who has not answered'],
      [
        'an invitee of our group call still ringing',
        CAROL,
        aliceDialingGroup,
        'hang-up notice from an invitee who has not answered',
      ],
      [
        'the inviter of the call ringing for us',
        ALICE,
        bobRinging,
        'hang-up notice for a call we have not answered',
      ],
    ])('refuses a notice from %s: it is about an earlier call', (_what, from, state, why) => {
      const late = inbound(
        hangupNotice({ inviteID: ID.hangup, inviter: from, invitees: [state.userID ?? ''] }),
        from,
      );
      expect(mismatchReason(late, state, NONE)).toBe(why);
    });

    it('accepts a notice from an invitee who answered or entered', () => {
      const answered = reduceCall(aliceDialing, {
        type: 'participantStatus',
        userIDs: [BOB],
        status: 'accepted',
      });
      const notice = (state: CallState) =>
        mismatchReason(
          inbound(hangupNotice({ inviteID: ID.hangup, inviter: BOB, invitees: [ALICE] }), BOB),
          state,
          NONE,
        );
      expect(notice(answered)).toBeNull();
      expect(notice(reduceCall(aliceDialing, peerEntered(BOB)))).toBeNull();
    });
  });

  describe('switch requests', () => {
    const request = (from: string) =>
      inbound(switchRequest({ inviteID: ID.switch, inviter: from, invitees: [BOB], to: 'audio' }), from);
    const reason = 'switch request not from the current 1:1 peer';

    it('accepts a request from the 1:1 peer', () => {
      expect(mismatchReason(request(ALICE), bobConnected, NONE)).toBeNull();
    });

    it('refuses a request from anyone else, in a group call, or with no call', () => {
      expect(mismatchReason(request(CAROL), bobConnected, NONE)).toBe(reason);
      expect(mismatchReason(request(ALICE), bobRingingGroup, NONE)).toBe(reason);
      expect(mismatchReason(request(ALICE), bobIdle, NONE)).toBe(reason);
    });
  });

  describe('follow-ups', () => {
    it('refuses every follow-up with no call in progress, naming the action', () => {
      const signals: [Inbound, string][] = [
        [
          inbound(cancel({ inviteID: ID.call, inviter: ALICE, invitees: [BOB] }), ALICE),
          'cancel with no call in progress',
        ],
        [
          inbound(accept({ inviteID: ID.call, inviter: BOB, invitee: ALICE }), ALICE),
          'accept with no call in progress',
        ],
        [
          inbound(reject({ inviteID: ID.call, inviter: BOB, invitee: ALICE }), ALICE),
          'reject with no call in progress',
        ],
        [
          inbound(timeout({ inviteID: ID.call, inviter: ALICE, invitees: [BOB] }), ALICE),
          'timeout with no call in progress',
        ],
      ];
      expect(signals.map(([i]) => mismatchReason(i, bobIdle, NONE))).toEqual(
        signals.map(([, reason]) => reason),
      );
    });

    it('refuses a follow-up of another invitation, naming the action', () => {
      expect(
        mismatchReason(
          inbound(cancel({ inviteID: ID.third, inviter: ALICE, invitees: [BOB] }), ALICE),
          bobRinging,
          NONE,
        ),
      ).toBe('cancel for another invitation');
      expect(
        mismatchReason(
          inbound(accept({ inviteID: ID.third, inviter: ALICE, invitee: BOB }), BOB),
          aliceDialing,
          NONE,
        ),
      ).toBe('accept for another invitation');
      expect(
        mismatchReason(
          inbound(timeout({ inviteID: ID.third, inviter: ALICE, invitees: [BOB] }), BOB),
          aliceDialing,
          NONE,
        ),
      ).toBe('timeout for another invitation');
    });

    it('accepts answers from invitees to any of our inviteIDs', () => {
      expect(
        mismatchReason(
          inbound(accept({ inviteID: ID.call, inviter: ALICE, invitee: BOB }), BOB),
          aliceDialing,
          NONE,
        ),
      ).toBeNull();
      expect(
        mismatchReason(
          inbound(reject({ inviteID: ID.call, inviter: ALICE, invitee: BOB, busy: true }), BOB),
          aliceDialing,
          NONE,
        ),
      ).toBeNull();
      expect(
        mismatchReason(
          inbound(timeout({ inviteID: ID.call, inviter: ALICE, invitees: [BOB] }), BOB),
          aliceDialing,
          NONE,
        ),
      ).toBeNull();
      expect(
        mismatchReason(
          inbound(accept({ inviteID: ID.other, inviter: ALICE, invitee: CAROL }), CAROL),
          aliceDialingGroup,
          NONE,
        ),
      ).toBeNull();
    });

    it('accepts the answer to our pending switch request from the peer', () => {
      const reply = inbound(accept({ inviteID: ID.switch, inviter: ALICE, invitee: BOB }), BOB);
      expect(mismatchReason(reply, aliceSwitching, NONE)).toBeNull();
      expect(mismatchReason(reply, aliceDialing, NONE)).toBe('accept for another invitation');
    });

    it('accepts a CANCEL or TIMEOUT from the inviter and answers from other invitees of an incoming call', () => {
      expect(
        mismatchReason(
          inbound(cancel({ inviteID: ID.call, inviter: ALICE, invitees: [BOB] }), ALICE),
          bobRinging,
          NONE,
        ),
      ).toBeNull();
      expect(
        mismatchReason(
          inbound(timeout({ inviteID: ID.call, inviter: ALICE, invitees: [BOB] }), ALICE),
          bobRinging,
          NONE,
        ),
      ).toBeNull();
      expect(
        mismatchReason(
          inbound(accept({ inviteID: ID.call, inviter: ALICE, invitee: CAROL, groupID: GROUP }), CAROL),
          bobRingingGroup,
          NONE,
        ),
      ).toBeNull();
    });

    it('refuses a CANCEL not sent by the inviter, even from a participant', () => {
      const reason = 'cancel not sent by the inviter';
      expect(
        mismatchReason(
          inbound(cancel({ inviteID: ID.call, inviter: ALICE, invitees: [BOB], groupID: GROUP }), CAROL),
          bobRingingGroup,
          NONE,
        ),
      ).toBe(reason);
      expect(
        mismatchReason(
          inbound(cancel({ inviteID: ID.call, inviter: ALICE, invitees: [BOB] }), DAVE),
          bobRinging,
          NONE,
        ),
      ).toBe(reason);
    });

    it('refuses an ACCEPT, REJECT or TIMEOUT from someone not in the call, naming the action', () => {
      expect(
        mismatchReason(
          inbound(accept({ inviteID: ID.call, inviter: ALICE, invitee: DAVE }), DAVE),
          aliceDialing,
          NONE,
        ),
      ).toBe('accept from someone not in the call');
      expect(
        mismatchReason(
          inbound(reject({ inviteID: ID.call, inviter: ALICE, invitee: DAVE }), DAVE),
          aliceDialing,
          NONE,
        ),
      ).toBe('reject from someone not in the call');
      expect(
        mismatchReason(
          inbound(timeout({ inviteID: ID.call, inviter: ALICE, invitees: [DAVE] }), DAVE),
          aliceDialing,
          NONE,
        ),
      ).toBe('timeout from someone not in the call');
    });
  });
});

describe('matchCall', () => {
  let drops: [Inbound, string][];
  const onDrop = (i: Inbound, reason: string) => drops.push([i, reason]);

  beforeEach(() => {
    drops = [];
  });

  const bobAccepts = inbound(accept({ inviteID: ID.call, inviter: ALICE, invitee: BOB }), BOB);
  const staleCancel = inbound(cancel({ inviteID: ID.third, inviter: CAROL, invitees: [ALICE] }), CAROL);
  const daveAccepts = inbound(accept({ inviteID: ID.call, inviter: ALICE, invitee: DAVE }), DAVE);

  it('passes signals of the current call and drops the rest, reporting each with its reason', () => {
    runMarbles(({ hot, cold, expectObservable }) => {
      const state$ = hot('   s---------', { s: aliceDialing });
      const source = cold('  -a-c-d-a-|', { a: bobAccepts, c: staleCancel, d: daveAccepts });
      const expected = '     -a-----a-|';
      expectObservable(source.pipe(matchCall(state$, { onDrop }))).toBe(expected, { a: bobAccepts });
    });
    expect(drops).toEqual([
      [staleCancel, 'cancel for another invitation'],
      [daveAccepts, 'accept from someone not in the call'],
    ]);
  });

  it('matches against the latest state: a stray CANCEL of an old call cannot end the new one', () => {
    const oldCallCancel = inbound(cancel({ inviteID: ID.call, inviter: ALICE, invitees: [BOB] }), ALICE);
    const newCall = ringingState(BOB, { inviter: CAROL, invitees: [BOB], callID: ID.other });
    runMarbles(({ hot, cold, expectObservable }) => {
      const state$ = hot('   r---n-----', { r: bobRinging, n: newCall });
      const source = cold('  -c---c-|', { c: oldCallCancel });
      const expected = '     -c-----|';
      expectObservable(source.pipe(matchCall(state$, { onDrop }))).toBe(expected, { c: oldCallCancel });
    });
    expect(drops).toEqual([[oldCallCancel, 'cancel for another invitation']]);
  });

  it('consults the ignored set when each signal arrives, so invitations withdrawn later are ignored', () => {
    const withdrawn = new Set<string>();
    runMarbles(({ hot, cold, expectObservable }) => {
      const state$ = hot('   s--------', { s: aliceDialing });
      const source = cold('  -a---a-|', { a: bobAccepts });
      const expected = '     -a-----|';
      // Inside runMarbles, asyncScheduler runs in the test's virtual time.
      asyncScheduler.schedule(() => withdrawn.add(ID.call), 3);
      expectObservable(source.pipe(matchCall(state$, { ignored: withdrawn, onDrop }))).toBe(expected, {
        a: bobAccepts,
      });
    });
    expect(drops).toEqual([[bobAccepts, 'answer to an invitation we withdrew']]);
  });

  it('passes items that already have a verdict untouched, even those that do not match', () => {
    const answeredElsewhere: Inbound = {
      ...inbound(accept({ inviteID: ID.call, inviter: ALICE, invitee: BOB }), BOB),
      verdict: 'answeredElsewhere',
    };
    const busy: Inbound = {
      ...inbound(invite({ inviteID: ID.call, inviter: ALICE, invitees: [BOB] }), ALICE),
      verdict: 'busy',
    };
    runMarbles(({ hot, cold, expectObservable }) => {
      // Bob is connected in the very call both items name: without a verdict both would be dropped.
      const state$ = hot('   s------', { s: bobConnected });
      const source = cold('  -e-b-|', { e: answeredElsewhere, b: busy });
      const expected = '     -e-b-|';
      expectObservable(source.pipe(matchCall(state$, { ignored: new Set([ID.call]), onDrop }))).toBe(
        expected,
        {
          e: answeredElsewhere,
          b: busy,
        },
      );
    });
    expect(drops).toEqual([]);
  });

  it('works without options (nothing ignored, drops not reported)', () => {
    runMarbles(({ hot, cold, expectObservable }) => {
      const state$ = hot('   s-------', { s: aliceDialing });
      const source = cold('  -a-d-|', { a: bobAccepts, d: daveAccepts });
      const expected = '     -a---|';
      expectObservable(source.pipe(matchCall(state$))).toBe(expected, { a: bobAccepts });
    });
  });

  it('unsubscribes from state$ and the source when the source completes or the result is unsubscribed', () => {
    runMarbles(({ hot, cold, expectObservable, expectSubscriptions }) => {
      const state$ = hot('   s----------', { s: aliceDialing });
      const completing = cold('-a-|', { a: bobAccepts });
      const endless = hot('  -a---a---a-', { a: bobAccepts });
      const unsub = '        ^------!   ';
      expectObservable(completing.pipe(matchCall(state$))).toBe('-a-|', { a: bobAccepts });
      expectObservable(endless.pipe(matchCall(state$)), unsub).toBe('-a---a-', { a: bobAccepts });
      expectSubscriptions(state$.subscriptions).toBe(['^--!', '^------!']);
      expectSubscriptions(endless.subscriptions).toBe('^------!');
    });
  });
});
