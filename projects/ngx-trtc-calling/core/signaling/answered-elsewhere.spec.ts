import { runMarbles } from 'ngx-trtc-calling/testing';
import { answeredElsewhere } from './answered-elsewhere';
import {
  accept,
  ALICE,
  BOB,
  CAROL,
  cancel,
  connectingState,
  decide,
  type Decision,
  dialingState,
  GROUP,
  ID,
  idleState,
  inbound,
  invite,
  reject,
  ringingState,
  timeout,
} from './fixtures.test-util';
import type { Inbound } from './inbound';
import type { CallState } from '../state/call-state';

/** Bob's devices: one is ringing for alice's invitation while another answers it. */
describe('answeredElsewhere', () => {
  let drops: [Inbound, string][];
  const onDrop = (i: Inbound, reason: string) => drops.push([i, reason]);

  beforeEach(() => {
    drops = [];
  });

  const ringing = ringingState(BOB, { inviter: ALICE, invitees: [BOB], callID: ID.call });
  const idle = idleState(BOB);
  const ownAccept = inbound(accept({ inviteID: ID.call, inviter: ALICE, invitee: BOB }), BOB);
  const ownReject = inbound(reject({ inviteID: ID.call, inviter: ALICE, invitee: BOB }), BOB);

  const OWN = 'dropped (own signal from another device)';
  const groupRinging = ringingState(BOB, {
    inviter: ALICE,
    invitees: [BOB, CAROL],
    callID: ID.call,
    groupID: GROUP,
  });
  const connecting = connectingState(BOB, { inviter: ALICE, invitees: [BOB], callID: ID.call });
  const dialingCarol = dialingState(BOB, { invitees: [CAROL], callID: ID.other });
  const aliceCancels = inbound(cancel({ inviteID: ID.call, inviter: ALICE, invitees: [BOB] }), ALICE);
  const carolAccepts = inbound(accept({ inviteID: ID.call, inviter: ALICE, invitee: CAROL }), CAROL);
  const carolInvites = inbound(invite({ inviteID: ID.other, inviter: CAROL, invitees: [BOB] }), CAROL);

  it.each<[string, CallState, Inbound, Decision]>([
    [
      'gives an own ACCEPT of the ringing invitation the verdict answeredElsewhere',
      ringing,
      ownAccept,
      'answeredElsewhere',
    ],
    [
      'gives an own REJECT of the ringing invitation the verdict rejectedElsewhere',
      ringing,
      ownReject,
      'rejectedElsewhere',
    ],
    [
      'gives the verdict for a ringing group invitation too',
      groupRinging,
      inbound(accept({ inviteID: ID.call, inviter: ALICE, invitee: BOB, groupID: GROUP }), BOB),
      'answeredElsewhere',
    ],
    // Every other own signal is dropped and reported.
    [
      'drops an own ACCEPT of another invitation',
      ringing,
      inbound(accept({ inviteID: ID.other, inviter: CAROL, invitee: BOB }), BOB),
      OWN,
    ],
    [
      'drops an own INVITE',
      ringing,
      inbound(invite({ inviteID: ID.other, inviter: BOB, invitees: [CAROL] }), BOB),
      OWN,
    ],
    [
      'drops an own CANCEL',
      ringing,
      inbound(cancel({ inviteID: ID.other, inviter: BOB, invitees: [CAROL] }), BOB),
      OWN,
    ],
    [
      'drops an own TIMEOUT',
      ringing,
      inbound(timeout({ inviteID: ID.call, inviter: ALICE, invitees: [BOB] }), BOB),
      OWN,
    ],
    // An own answer of the call while this device is not ringing for it.
    ['drops an own ACCEPT of the call while idle', idle, ownAccept, OWN],
    ['drops an own REJECT of the call while idle', idle, ownReject, OWN],
    ['drops an own ACCEPT of the call while connecting', connecting, ownAccept, OWN],
    ['drops an own REJECT of the call while connecting', connecting, ownReject, OWN],
    // Other users' signals, whatever the state.
    ["passes another user's CANCEL while ringing", ringing, aliceCancels, 'passes'],
    ["passes another user's ACCEPT while ringing", ringing, carolAccepts, 'passes'],
    ["passes another user's INVITE while ringing", ringing, carolInvites, 'passes'],
    ["passes another user's CANCEL while dialing", dialingCarol, aliceCancels, 'passes'],
    ["passes another user's ACCEPT while dialing", dialingCarol, carolAccepts, 'passes'],
    ["passes another user's INVITE while dialing", dialingCarol, carolInvites, 'passes'],
    // Items with a verdict: untouched, the same object.
    [
      'passes an own item that already has a verdict untouched',
      ringing,
      inbound(invite({ inviteID: ID.other, inviter: BOB, invitees: [CAROL] }), BOB, { verdict: 'busy' }),
      'passes',
    ],
    [
      "passes another user's item that already has a verdict untouched",
      ringing,
      inbound(invite({ inviteID: ID.other, inviter: ALICE, invitees: [BOB] }), ALICE, {
        verdict: 'glareLose',
      }),
      'passes',
    ],
  ])('%s', (_, state, item, decision) => {
    expect(decide((state$, onDrop) => answeredElsewhere(BOB, state$, onDrop), state, item)).toBe(decision);
  });

  it('reports each drop as its signal comes, between the verdicts of the others', () => {
    const ownInvite = inbound(invite({ inviteID: ID.other, inviter: BOB, invitees: [CAROL] }), BOB);
    runMarbles(({ hot, cold, expectObservable }) => {
      const state$ = hot('   s------', { s: ringing });
      const source = cold('  -i-a-r-|', { i: ownInvite, a: ownAccept, r: ownReject });
      expectObservable(source.pipe(answeredElsewhere(BOB, state$, onDrop))).toBe('---A-R-|', {
        A: { ...ownAccept, verdict: 'answeredElsewhere' },
        R: { ...ownReject, verdict: 'rejectedElsewhere' },
      });
    });
    expect(drops).toEqual([[ownInvite, 'own signal from another device']]);
  });

  it('acts on the latest state: the same own ACCEPT is a verdict while ringing and dropped once idle', () => {
    runMarbles(({ hot, cold, expectObservable }) => {
      const state$ = hot('   s---i---', { s: ringing, i: idle });
      const source = cold('  -a---a-|', { a: ownAccept });
      const expected = '     -A-----|';
      expectObservable(source.pipe(answeredElsewhere(BOB, state$, onDrop))).toBe(expected, {
        A: { ...ownAccept, verdict: 'answeredElsewhere' },
      });
    });
    expect(drops).toEqual([[ownAccept, 'own signal from another device']]);
  });

  it('unsubscribes from state$ and the source when the source completes', () => {
    runMarbles(({ hot, cold, expectObservable, expectSubscriptions }) => {
      const state$ = hot('   s--------', { s: ringing });
      const source = cold('  -a--|', { a: ownAccept });
      const stateSubs = '    ^---!';
      const sourceSubs = '   ^---!';
      const expected = '     -A--|';
      expectObservable(source.pipe(answeredElsewhere(BOB, state$))).toBe(expected, {
        A: { ...ownAccept, verdict: 'answeredElsewhere' },
      });
      expectSubscriptions(state$.subscriptions).toBe(stateSubs);
      expectSubscriptions(source.subscriptions).toBe(sourceSubs);
    });
  });

  it('unsubscribes from state$ and the source when the result is unsubscribed', () => {
    runMarbles(({ hot, expectObservable, expectSubscriptions }) => {
      const state$ = hot('   s--------', { s: ringing });
      const source = hot('   -a---a--|', { a: ownAccept });
      const unsub = '        ^--!     ';
      const subs = '         ^--!     ';
      const expected = '     -A--     ';
      expectObservable(source.pipe(answeredElsewhere(BOB, state$)), unsub).toBe(expected, {
        A: { ...ownAccept, verdict: 'answeredElsewhere' },
      });
      expectSubscriptions(state$.subscriptions).toBe(subs);
      expectSubscriptions(source.subscriptions).toBe(subs);
    });
  });
});
