import { runMarbles } from 'ngx-trtc-calling/testing';
import type { CallState } from '../state/call-state';
import {
  accept,
  ALICE,
  BOB,
  CAROL,
  cancel,
  connectedState,
  connectingState,
  DAVE,
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
import { rejectWhenBusy } from './reject-when-busy';

/** Bob is in some call (with alice, ID.call) when carol calls him (ID.other). */
describe('rejectWhenBusy', () => {
  const withAlice = { inviter: ALICE, invitees: [BOB], callID: ID.call };
  const busyStates = [
    ['dialing', dialingState(BOB, { invitees: [ALICE], callID: ID.call })],
    ['ringing', ringingState(BOB, withAlice)],
    ['connecting', connectingState(BOB, withAlice)],
    ['connected', connectedState(BOB, withAlice)],
  ] as const satisfies readonly (readonly [string, CallState])[];
  const fromCarol = inbound(invite({ inviteID: ID.other, inviter: CAROL, invitees: [BOB] }), CAROL);

  const again = inbound(invite({ inviteID: ID.call, inviter: ALICE, invitees: [BOB] }), ALICE);
  const connected = connectedState(BOB, withAlice);

  it.each<[string, CallState, Inbound, Decision]>([
    ['passes a new call invitation while idle', idleState(BOB), fromCarol, 'passes'],
    ...busyStates.map(([phase, state]): [string, CallState, Inbound, Decision] => [
      `gives a new call invitation the verdict busy while ${phase}`,
      state,
      fromCarol,
      'busy',
    ]),
    [
      'gives a group invitation the verdict busy too',
      connected,
      inbound(invite({ inviteID: ID.other, inviter: CAROL, invitees: [BOB, DAVE], groupID: GROUP }), CAROL),
      'busy',
    ],
    ...busyStates.map(([phase, state]): [string, CallState, Inbound, Decision] => [
      `passes a repeated delivery of the current call’s own invitation while ${phase}`,
      state,
      again,
      'passes',
    ]),
    [
      'passes a hang-up notice while busy',
      connected,
      inbound(hangupNotice({ inviteID: ID.hangup, inviter: ALICE, invitees: [BOB] }), ALICE),
      'passes',
    ],
    [
      'passes a switch request while busy',
      connected,
      inbound(switchRequest({ inviteID: ID.switch, inviter: ALICE, invitees: [BOB], to: 'video' }), ALICE),
      'passes',
    ],
    [
      'passes a CANCEL while busy',
      connected,
      inbound(cancel({ inviteID: ID.other, inviter: CAROL, invitees: [BOB] }), CAROL),
      'passes',
    ],
    [
      'passes an ACCEPT while busy',
      connected,
      inbound(accept({ inviteID: ID.call, inviter: ALICE, invitee: BOB }), BOB),
      'passes',
    ],
    [
      'passes an item that already has a verdict untouched (a glare is not busy)',
      dialingState(BOB, { invitees: [ALICE], callID: ID.call }),
      inbound(invite({ inviteID: ID.other, inviter: ALICE, invitees: [BOB] }), ALICE, {
        verdict: 'glareLose',
      }),
      'passes',
    ],
  ])('%s', (_, state, item, decision) => {
    expect(decide(rejectWhenBusy, state, item)).toBe(decision);
  });

  it('builds each busy state in the phase it is named after', () => {
    for (const [phase, state] of busyStates) expect(state.phase).toBe(phase);
  });

  it('decides on the latest state', () => {
    runMarbles(({ hot, cold, expectObservable }) => {
      const state$ = hot('   c---i-----', { c: connectedState(BOB, withAlice), i: idleState(BOB) });
      const source = cold('  -a---a-|', { a: fromCarol });
      const expected = '     -B---a-|';
      expectObservable(source.pipe(rejectWhenBusy(state$))).toBe(expected, {
        B: { ...fromCarol, verdict: 'busy' },
        a: fromCarol,
      });
    });
  });

  it('unsubscribes from state$ and the source when the source completes or the result is unsubscribed', () => {
    runMarbles(({ hot, cold, expectObservable, expectSubscriptions }) => {
      const state$ = hot('   s----------', { s: connectedState(BOB, withAlice) });
      const completing = cold('-a-|', { a: fromCarol });
      const endless = hot('  -a---a---a-', { a: fromCarol });
      const unsub = '        ^------!   ';
      const B = { ...fromCarol, verdict: 'busy' };
      expectObservable(completing.pipe(rejectWhenBusy(state$))).toBe('-B-|', { B });
      expectObservable(endless.pipe(rejectWhenBusy(state$)), unsub).toBe('-B---B-', { B });
      expectSubscriptions(state$.subscriptions).toBe(['^--!', '^------!']);
      expectSubscriptions(endless.subscriptions).toBe('^------!');
    });
  });
});
