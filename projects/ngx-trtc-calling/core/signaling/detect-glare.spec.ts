import { runMarbles } from 'ngx-trtc-calling/testing';
import { detectGlare } from './detect-glare';
import {
  ALICE,
  BOB,
  callContent,
  CAROL,
  cancel,
  connectedState,
  dialingState,
  GROUP,
  hangupNotice,
  ID,
  idleState,
  inbound,
  invite,
  ringingState,
  switchRequest,
} from './fixtures.test-util';
import type { Inbound } from './inbound';

/** `alice` sorts before `bob`: in a glare between them, alice's invitation wins. */
describe('detectGlare', () => {
  /** The peer's invitation (its own new inviteID) to `self`. */
  const invitationFrom = (peer: string, self: string): Inbound =>
    inbound(invite({ inviteID: ID.other, inviter: peer, invitees: [self] }), peer);

  it('gives glareLose to the side whose userID sorts last (bob dialing alice, called by alice)', () => {
    const bobDialsAlice = dialingState(BOB, { invitees: [ALICE], callID: ID.call });
    const fromAlice = invitationFrom(ALICE, BOB);
    runMarbles(({ hot, cold, expectObservable }) => {
      const state$ = hot('   s-----', { s: bobDialsAlice });
      const source = cold('  --i-|', { i: fromAlice });
      const expected = '     --L-|';
      expectObservable(source.pipe(detectGlare(BOB, state$))).toBe(expected, {
        L: { ...fromAlice, verdict: 'glareLose' },
      });
    });
  });

  it('gives glareWin to the side whose userID sorts first (alice dialing bob, called by bob)', () => {
    const aliceDialsBob = dialingState(ALICE, { invitees: [BOB], callID: ID.call });
    const fromBob = invitationFrom(BOB, ALICE);
    runMarbles(({ hot, cold, expectObservable }) => {
      const state$ = hot('   s-----', { s: aliceDialsBob });
      const source = cold('  --i-|', { i: fromBob });
      const expected = '     --W-|';
      expectObservable(source.pipe(detectGlare(ALICE, state$))).toBe(expected, {
        W: { ...fromBob, verdict: 'glareWin' },
      });
    });
  });

  it('leaves group invitations from the peer alone (groupID, several invitees, or userIDs)', () => {
    const bobDialsAlice = dialingState(BOB, { invitees: [ALICE], callID: ID.call });
    const withGroupID = inbound(
      invite({ inviteID: ID.other, inviter: ALICE, invitees: [BOB], groupID: GROUP }),
      ALICE,
    );
    const severalInvitees = inbound(
      invite({ inviteID: ID.other, inviter: ALICE, invitees: [BOB, CAROL] }),
      ALICE,
    );
    const withUserIDs = inbound(
      invite({
        inviteID: ID.third,
        inviter: ALICE,
        invitees: [BOB],
        content: callContent(2, 1, [BOB, CAROL]),
      }),
      ALICE,
    );
    runMarbles(({ hot, cold, expectObservable }) => {
      const state$ = hot('   s--------', { s: bobDialsAlice });
      const source = cold('  -g-s-u-|', { g: withGroupID, s: severalInvitees, u: withUserIDs });
      const expected = '     -g-s-u-|';
      expectObservable(source.pipe(detectGlare(BOB, state$))).toBe(expected, {
        g: withGroupID,
        s: severalInvitees,
        u: withUserIDs,
      });
    });
  });

  it('leaves an invitation alone when we are dialing someone else', () => {
    const bobDialsCarol = dialingState(BOB, { invitees: [CAROL], callID: ID.call });
    const fromAlice = invitationFrom(ALICE, BOB);
    runMarbles(({ hot, cold, expectObservable }) => {
      const state$ = hot('   s-----', { s: bobDialsCarol });
      const source = cold('  --i-|', { i: fromAlice });
      const expected = '     --i-|';
      expectObservable(source.pipe(detectGlare(BOB, state$))).toBe(expected, { i: fromAlice });
    });
  });

  it('leaves an invitation carrying one of our own inviteIDs alone', () => {
    const bobDialsAlice = dialingState(BOB, { invitees: [ALICE], callID: ID.call });
    const echo = inbound(invite({ inviteID: ID.call, inviter: ALICE, invitees: [BOB] }), ALICE);
    runMarbles(({ hot, cold, expectObservable }) => {
      const state$ = hot('   s-----', { s: bobDialsAlice });
      const source = cold('  --e-|', { e: echo });
      const expected = '     --e-|';
      expectObservable(source.pipe(detectGlare(BOB, state$))).toBe(expected, { e: echo });
    });
  });

  it('leaves a call invitation from the peer alone when we are not dialing 1:1', () => {
    const fromAlice = invitationFrom(ALICE, BOB);
    const idle = idleState(BOB);
    const ringing = ringingState(BOB, { inviter: ALICE, invitees: [BOB], callID: ID.call });
    const connected = connectedState(BOB, { inviter: ALICE, invitees: [BOB], callID: ID.call });
    const groupDial = dialingState(BOB, { invitees: [ALICE, CAROL], callID: ID.call });
    runMarbles(({ hot, cold, expectObservable }) => {
      const state$ = hot('   i-r-c-g-----', { i: idle, r: ringing, c: connected, g: groupDial });
      const source = cold('  -a-a-a-a-|', { a: fromAlice });
      const expected = '     -a-a-a-a-|';
      expectObservable(source.pipe(detectGlare(BOB, state$))).toBe(expected, { a: fromAlice });
    });
  });

  it("leaves the peer's hang-up notices, switch requests and follow-ups alone", () => {
    const bobDialsAlice = dialingState(BOB, { invitees: [ALICE], callID: ID.call });
    const notice = inbound(hangupNotice({ inviteID: ID.hangup, inviter: ALICE, invitees: [BOB] }), ALICE);
    const switchReq = inbound(
      switchRequest({ inviteID: ID.switch, inviter: ALICE, invitees: [BOB], to: 'audio' }),
      ALICE,
    );
    const cancelled = inbound(cancel({ inviteID: ID.other, inviter: ALICE, invitees: [BOB] }), ALICE);
    runMarbles(({ hot, cold, expectObservable }) => {
      const state$ = hot('   s--------', { s: bobDialsAlice });
      const source = cold('  -h-s-c-|', { h: notice, s: switchReq, c: cancelled });
      const expected = '     -h-s-c-|';
      expectObservable(source.pipe(detectGlare(BOB, state$))).toBe(expected, {
        h: notice,
        s: switchReq,
        c: cancelled,
      });
    });
  });

  it('passes an item that already has a verdict untouched', () => {
    const bobDialsAlice = dialingState(BOB, { invitees: [ALICE], callID: ID.call });
    const judged: Inbound = { ...invitationFrom(ALICE, BOB), verdict: 'busy' };
    runMarbles(({ hot, cold, expectObservable }) => {
      const state$ = hot('   s-----', { s: bobDialsAlice });
      const source = cold('  --j-|', { j: judged });
      const expected = '     --j-|';
      expectObservable(source.pipe(detectGlare(BOB, state$))).toBe(expected, { j: judged });
    });
  });

  it('decides on the latest state: glare while dialing the peer, none once idle again', () => {
    const bobDialsAlice = dialingState(BOB, { invitees: [ALICE], callID: ID.call });
    const fromAlice = invitationFrom(ALICE, BOB);
    runMarbles(({ hot, cold, expectObservable }) => {
      const state$ = hot('   d---i-----', { d: bobDialsAlice, i: idleState(BOB) });
      const source = cold('  -a---a-|', { a: fromAlice });
      const expected = '     -L---a-|';
      expectObservable(source.pipe(detectGlare(BOB, state$))).toBe(expected, {
        L: { ...fromAlice, verdict: 'glareLose' },
        a: fromAlice,
      });
    });
  });

  it('unsubscribes from state$ and the source when the source completes or the result is unsubscribed', () => {
    const bobDialsAlice = dialingState(BOB, { invitees: [ALICE], callID: ID.call });
    const fromAlice = invitationFrom(ALICE, BOB);
    runMarbles(({ hot, cold, expectObservable, expectSubscriptions }) => {
      const state$ = hot('   s----------', { s: bobDialsAlice });
      const completing = cold('-a-|', { a: fromAlice });
      const endless = hot('  -a---a---a-', { a: fromAlice });
      const unsub = '        ^------!   ';
      expectObservable(completing.pipe(detectGlare(BOB, state$))).toBe('-L-|', {
        L: { ...fromAlice, verdict: 'glareLose' },
      });
      expectObservable(endless.pipe(detectGlare(BOB, state$)), unsub).toBe('-L---L', {
        L: { ...fromAlice, verdict: 'glareLose' },
      });
      expectSubscriptions(state$.subscriptions).toBe(['^--!', '^------!']);
      expectSubscriptions(endless.subscriptions).toBe('^------!');
    });
  });
});
