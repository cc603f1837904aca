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

  it('passes a new call invitation while idle', () => {
    runMarbles(({ hot, cold, expectObservable }) => {
      const state$ = hot('   s-----', { s: idleState(BOB) });
      const source = cold('  --i-|', { i: fromCarol });
      const expected = '     --i-|';
      expectObservable(source.pipe(rejectWhenBusy(state$))).toBe(expected, { i: fromCarol });
    });
  });

  it.each(busyStates)('gives a new call invitation the verdict busy while %s', (phase, state) => {
    expect(state.phase).toBe(phase);
    runMarbles(({ hot, cold, expectObservable }) => {
      const state$ = hot('   s-----', { s: state });
      const source = cold('  --i-|', { i: fromCarol });
      const expected = '     --B-|';
      expectObservable(source.pipe(rejectWhenBusy(state$))).toBe(expected, {
        B: { ...fromCarol, verdict: 'busy' },
      });
    });
  });

  it('gives a group invitation the verdict busy too', () => {
    const groupInvite = inbound(
      invite({ inviteID: ID.other, inviter: CAROL, invitees: [BOB, DAVE], groupID: GROUP }),
      CAROL,
    );
    runMarbles(({ hot, cold, expectObservable }) => {
      const state$ = hot('   s-----', { s: connectedState(BOB, withAlice) });
      const source = cold('  --g-|', { g: groupInvite });
      const expected = '     --B-|';
      expectObservable(source.pipe(rejectWhenBusy(state$))).toBe(expected, {
        B: { ...groupInvite, verdict: 'busy' },
      });
    });
  });

  it('passes a repeated delivery of the current call’s own invitation in every phase', () => {
    const again = inbound(invite({ inviteID: ID.call, inviter: ALICE, invitees: [BOB] }), ALICE);
    const [, dialing] = busyStates[0];
    const [, ringing] = busyStates[1];
    const [, connecting] = busyStates[2];
    const [, connected] = busyStates[3];
    runMarbles(({ hot, cold, expectObservable }) => {
      const state$ = hot('   d-r-n-c-----', { d: dialing, r: ringing, n: connecting, c: connected });
      const source = cold('  -a-a-a-a-|', { a: again });
      const expected = '     -a-a-a-a-|';
      expectObservable(source.pipe(rejectWhenBusy(state$))).toBe(expected, { a: again });
    });
  });

  it('passes hang-up notices, switch requests and follow-ups while busy', () => {
    const notice = inbound(hangupNotice({ inviteID: ID.hangup, inviter: ALICE, invitees: [BOB] }), ALICE);
    const switchReq = inbound(
      switchRequest({ inviteID: ID.switch, inviter: ALICE, invitees: [BOB], to: 'video' }),
      ALICE,
    );
    const cancelled = inbound(cancel({ inviteID: ID.other, inviter: CAROL, invitees: [BOB] }), CAROL);
    const accepted = inbound(accept({ inviteID: ID.call, inviter: ALICE, invitee: BOB }), BOB);
    runMarbles(({ hot, cold, expectObservable }) => {
      const state$ = hot('   s----------', { s: connectedState(BOB, withAlice) });
      const source = cold('  -h-s-c-a-|', { h: notice, s: switchReq, c: cancelled, a: accepted });
      const expected = '     -h-s-c-a-|';
      expectObservable(source.pipe(rejectWhenBusy(state$))).toBe(expected, {
        h: notice,
        s: switchReq,
        c: cancelled,
        a: accepted,
      });
    });
  });

  it('passes an item that already has a verdict untouched (a glare is not busy)', () => {
    const glare: Inbound = {
      ...inbound(invite({ inviteID: ID.other, inviter: ALICE, invitees: [BOB] }), ALICE),
      verdict: 'glareLose',
    };
    runMarbles(({ hot, cold, expectObservable }) => {
      const state$ = hot('   s-----', { s: dialingState(BOB, { invitees: [ALICE], callID: ID.call }) });
      const source = cold('  --g-|', { g: glare });
      const expected = '     --g-|';
      expectObservable(source.pipe(rejectWhenBusy(state$))).toBe(expected, { g: glare });
    });
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
