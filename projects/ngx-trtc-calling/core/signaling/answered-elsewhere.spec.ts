import { runMarbles } from 'ngx-trtc-calling/testing';
import { from, lastValueFrom, of, toArray } from 'rxjs';
import { answeredElsewhere } from './answered-elsewhere';
import {
  accept,
  ALICE,
  BOB,
  CAROL,
  cancel,
  connectingState,
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

  it('gives an own ACCEPT of the ringing invitation the verdict answeredElsewhere', () => {
    runMarbles(({ hot, cold, expectObservable }) => {
      const state$ = hot('   s------', { s: ringing });
      const source = cold('  --a--|', { a: ownAccept });
      const expected = '     --A--|';
      expectObservable(source.pipe(answeredElsewhere(BOB, state$, onDrop))).toBe(expected, {
        A: { ...ownAccept, verdict: 'answeredElsewhere' },
      });
    });
    expect(drops).toEqual([]);
  });

  it('gives an own REJECT of the ringing invitation the verdict rejectedElsewhere', () => {
    runMarbles(({ hot, cold, expectObservable }) => {
      const state$ = hot('   s------', { s: ringing });
      const source = cold('  --r--|', { r: ownReject });
      const expected = '     --R--|';
      expectObservable(source.pipe(answeredElsewhere(BOB, state$, onDrop))).toBe(expected, {
        R: { ...ownReject, verdict: 'rejectedElsewhere' },
      });
    });
  });

  it('gives the verdict for a ringing group invitation too', () => {
    const groupRinging = ringingState(BOB, {
      inviter: ALICE,
      invitees: [BOB, CAROL],
      callID: ID.call,
      groupID: GROUP,
    });
    const groupAccept = inbound(
      accept({ inviteID: ID.call, inviter: ALICE, invitee: BOB, groupID: GROUP }),
      BOB,
    );
    runMarbles(({ hot, cold, expectObservable }) => {
      const state$ = hot('   s----', { s: groupRinging });
      const source = cold('  -a-|', { a: groupAccept });
      const expected = '     -A-|';
      expectObservable(source.pipe(answeredElsewhere(BOB, state$, onDrop))).toBe(expected, {
        A: { ...groupAccept, verdict: 'answeredElsewhere' },
      });
    });
  });

  it('drops and reports every other own signal', () => {
    const acceptOfOther = inbound(accept({ inviteID: ID.other, inviter: CAROL, invitee: BOB }), BOB);
    const ownInvite = inbound(invite({ inviteID: ID.other, inviter: BOB, invitees: [CAROL] }), BOB);
    const ownCancel = inbound(cancel({ inviteID: ID.other, inviter: BOB, invitees: [CAROL] }), BOB);
    const ownTimeout = inbound(timeout({ inviteID: ID.call, inviter: ALICE, invitees: [BOB] }), BOB);
    runMarbles(({ hot, cold, expectObservable }) => {
      const state$ = hot('   s----------', { s: ringing });
      const source = cold('  -a-i-c-t-|', { a: acceptOfOther, i: ownInvite, c: ownCancel, t: ownTimeout });
      const expected = '     ---------|';
      expectObservable(source.pipe(answeredElsewhere(BOB, state$, onDrop))).toBe(expected);
    });
    const reason = 'own signal from another device';
    expect(drops).toEqual([
      [acceptOfOther, reason],
      [ownInvite, reason],
      [ownCancel, reason],
      [ownTimeout, reason],
    ]);
  });

  it('drops an own ACCEPT or REJECT of the call when this device is not ringing for it', () => {
    const connecting = connectingState(BOB, { inviter: ALICE, invitees: [BOB], callID: ID.call });
    runMarbles(({ hot, cold, expectObservable }) => {
      const state$ = hot('   i---c-----', { i: idle, c: connecting });
      const source = cold('  -a-r-a-r-|', { a: ownAccept, r: ownReject });
      const expected = '     ---------|';
      expectObservable(source.pipe(answeredElsewhere(BOB, state$, onDrop))).toBe(expected);
    });
    expect(drops.map(([i]) => i)).toEqual([ownAccept, ownReject, ownAccept, ownReject]);
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

  it("passes other users' signals through untouched, whatever the state", () => {
    const aliceCancels = inbound(cancel({ inviteID: ID.call, inviter: ALICE, invitees: [BOB] }), ALICE);
    const carolAccepts = inbound(accept({ inviteID: ID.call, inviter: ALICE, invitee: CAROL }), CAROL);
    const carolInvites = inbound(invite({ inviteID: ID.other, inviter: CAROL, invitees: [BOB] }), CAROL);
    const dialing = dialingState(BOB, { invitees: [CAROL], callID: ID.other });
    runMarbles(({ hot, cold, expectObservable }) => {
      const state$ = hot('   s----d-----', { s: ringing, d: dialing });
      const source = cold('  -x-y-z-x-|', { x: aliceCancels, y: carolAccepts, z: carolInvites });
      const expected = '     -x-y-z-x-|';
      expectObservable(source.pipe(answeredElsewhere(BOB, state$, onDrop))).toBe(expected, {
        x: aliceCancels,
        y: carolAccepts,
        z: carolInvites,
      });
    });
    expect(drops).toEqual([]);
  });

  it('passes items that already have a verdict untouched, own or not (same object)', async () => {
    const judgedOwn = inbound(invite({ inviteID: ID.other, inviter: BOB, invitees: [CAROL] }), BOB, {
      verdict: 'busy',
    });
    const judgedOther = inbound(invite({ inviteID: ID.other, inviter: ALICE, invitees: [BOB] }), ALICE, {
      verdict: 'glareLose',
    });
    const out = await lastValueFrom(
      from([judgedOwn, judgedOther]).pipe(answeredElsewhere(BOB, of(ringing), onDrop), toArray()),
    );
    expect(out).toHaveLength(2);
    expect(out[0]).toBe(judgedOwn);
    expect(out[1]).toBe(judgedOther);
    expect(drops).toEqual([]);
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
