import { runMarbles } from 'ngx-trtc-calling/testing';
import { detectGlare } from './detect-glare';
import {
  ALICE,
  BOB,
  callContent,
  CAROL,
  cancel,
  connectedState,
  decide,
  type Decision,
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
import type { CallState } from '../state/call-state';

/** `alice` sorts before `bob`: in a glare between them, alice's invitation wins. */
describe('detectGlare', () => {
  /** The peer's invitation (its own new inviteID) to `self`. */
  const invitationFrom = (peer: string, self: string): Inbound =>
    inbound(invite({ inviteID: ID.other, inviter: peer, invitees: [self] }), peer);

  const bobDialsAlice = dialingState(BOB, { invitees: [ALICE], callID: ID.call });
  const fromAlice = invitationFrom(ALICE, BOB);
  const withAlice = { inviter: ALICE, invitees: [BOB], callID: ID.call };

  it.each<[string, string, CallState, Inbound, Decision]>([
    // The rule: the invitation whose inviter userID sorts first wins.
    [
      'gives glareLose to the side whose userID sorts last (bob dialing alice, called by alice)',
      BOB,
      bobDialsAlice,
      fromAlice,
      'glareLose',
    ],
    [
      'gives glareWin to the side whose userID sorts first (alice dialing bob, called by bob)',
      ALICE,
      dialingState(ALICE, { invitees: [BOB], callID: ID.call }),
      invitationFrom(BOB, ALICE),
      'glareWin',
    ],
    // Group invitations from the peer are not glare.
    [
      'leaves a group invitation from the peer alone: groupID',
      BOB,
      bobDialsAlice,
      inbound(invite({ inviteID: ID.other, inviter: ALICE, invitees: [BOB], groupID: GROUP }), ALICE),
      'passes',
    ],
    [
      'leaves a group invitation from the peer alone: several invitees',
      BOB,
      bobDialsAlice,
      inbound(invite({ inviteID: ID.other, inviter: ALICE, invitees: [BOB, CAROL] }), ALICE),
      'passes',
    ],
    [
      'leaves a group invitation from the peer alone: userIDs',
      BOB,
      bobDialsAlice,
      inbound(
        invite({
          inviteID: ID.third,
          inviter: ALICE,
          invitees: [BOB],
          content: callContent(2, 1, [BOB, CAROL]),
        }),
        ALICE,
      ),
      'passes',
    ],
    [
      'leaves an invitation alone when we are dialing someone else',
      BOB,
      dialingState(BOB, { invitees: [CAROL], callID: ID.call }),
      fromAlice,
      'passes',
    ],
    [
      'leaves an invitation carrying one of our own inviteIDs alone',
      BOB,
      bobDialsAlice,
      inbound(invite({ inviteID: ID.call, inviter: ALICE, invitees: [BOB] }), ALICE),
      'passes',
    ],
    // Not dialing 1:1.
    ['leaves a call invitation from the peer alone when idle', BOB, idleState(BOB), fromAlice, 'passes'],
    [
      'leaves a call invitation from the peer alone when ringing',
      BOB,
      ringingState(BOB, withAlice),
      fromAlice,
      'passes',
    ],
    [
      'leaves a call invitation from the peer alone when connected',
      BOB,
      connectedState(BOB, withAlice),
      fromAlice,
      'passes',
    ],
    [
      'leaves a call invitation from the peer alone when dialing a group',
      BOB,
      dialingState(BOB, { invitees: [ALICE, CAROL], callID: ID.call }),
      fromAlice,
      'passes',
    ],
    // Not a call invitation.
    [
      "leaves the peer's hang-up notice alone",
      BOB,
      bobDialsAlice,
      inbound(hangupNotice({ inviteID: ID.hangup, inviter: ALICE, invitees: [BOB] }), ALICE),
      'passes',
    ],
    [
      "leaves the peer's switch request alone",
      BOB,
      bobDialsAlice,
      inbound(switchRequest({ inviteID: ID.switch, inviter: ALICE, invitees: [BOB], to: 'audio' }), ALICE),
      'passes',
    ],
    [
      "leaves the peer's follow-ups (CANCEL) alone",
      BOB,
      bobDialsAlice,
      inbound(cancel({ inviteID: ID.other, inviter: ALICE, invitees: [BOB] }), ALICE),
      'passes',
    ],
    [
      'passes an item that already has a verdict untouched',
      BOB,
      bobDialsAlice,
      { ...fromAlice, verdict: 'busy' },
      'passes',
    ],
  ])('%s', (_, self, state, item, decision) => {
    expect(decide((state$) => detectGlare(self, state$), state, item)).toBe(decision);
  });

  it('decides on the latest state: glare while dialing the peer, none once idle again', () => {
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
