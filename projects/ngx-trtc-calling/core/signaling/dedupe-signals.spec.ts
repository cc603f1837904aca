import { runMarbles } from 'ngx-trtc-calling/testing';
import { dedupeSignals, signalKey } from './dedupe-signals';
import {
  accept,
  ALICE,
  BOB,
  CAROL,
  cancel,
  GROUP,
  ID,
  inbound,
  invite,
  reject,
  timeout,
} from './fixtures.test-util';
import type { Inbound } from './inbound';

describe('dedupeSignals', () => {
  let drops: [Inbound, string][];
  const onDrop = (i: Inbound, reason: string) => drops.push([i, reason]);

  beforeEach(() => {
    drops = [];
  });

  const inviteSignal = invite({ inviteID: ID.call, inviter: ALICE, invitees: [BOB] });
  const otherInvite = invite({ inviteID: ID.other, inviter: CAROL, invitees: [BOB] });
  const thirdInvite = invite({ inviteID: ID.third, inviter: ALICE, invitees: [BOB] });

  describe('signalKey', () => {
    it('is the action, the inviteID, the sender and the invitee list', () => {
      expect(signalKey(inbound(inviteSignal, ALICE))).toBe(`invite|${ID.call}|alice|bob`);
    });

    it('differs for another sender, another action, another invitation or other invitees', () => {
      const base = signalKey(inbound(accept({ inviteID: ID.call, inviter: ALICE, invitee: BOB }), BOB));
      expect(signalKey(inbound(accept({ inviteID: ID.call, inviter: ALICE, invitee: BOB }), CAROL))).not.toBe(
        base,
      );
      expect(signalKey(inbound(reject({ inviteID: ID.call, inviter: ALICE, invitee: BOB }), BOB))).not.toBe(
        base,
      );
      expect(signalKey(inbound(accept({ inviteID: ID.other, inviter: ALICE, invitee: BOB }), BOB))).not.toBe(
        base,
      );
      expect(signalKey(inbound(accept({ inviteID: ID.call, inviter: ALICE, invitee: CAROL }), BOB))).not.toBe(
        base,
      );
    });

    it('ignores the message ID and the message time', () => {
      expect(signalKey(inbound(inviteSignal, ALICE, { id: 'x', time: 1 }))).toBe(
        signalKey(inbound(inviteSignal, ALICE, { id: 'y', time: 2 })),
      );
    });
  });

  it('passes distinct signals through unchanged', () => {
    const a = inbound(inviteSignal, ALICE);
    const b = inbound(otherInvite, CAROL);
    const c = inbound(accept({ inviteID: ID.call, inviter: ALICE, invitee: BOB }), BOB);
    runMarbles(({ cold, expectObservable }) => {
      const source = cold('  -a-b-c-|', { a, b, c });
      const expected = '     -a-b-c-|';
      expectObservable(source.pipe(dedupeSignals({ onDrop }))).toBe(expected, { a, b, c });
    });
    expect(drops).toEqual([]);
  });

  it('drops a repeated message ID and reports it, even when the content differs', () => {
    const first = inbound(inviteSignal, ALICE, { id: 'm-1' });
    const sameID = inbound(otherInvite, CAROL, { id: 'm-1' });
    runMarbles(({ cold, expectObservable }) => {
      const source = cold('  -a-b-|', { a: first, b: sameID });
      const expected = '     -a---|';
      expectObservable(source.pipe(dedupeSignals({ onDrop }))).toBe(expected, { a: first });
    });
    expect(drops).toEqual([[sameID, 'duplicate delivery']]);
  });

  it('drops the same signal delivered again under another message ID (live, then from history)', () => {
    const live = inbound(inviteSignal, ALICE, { id: 'm-live', time: 100 });
    const fromHistory = inbound(inviteSignal, ALICE, { id: 'm-history', time: 100, replayed: true });
    runMarbles(({ cold, expectObservable }) => {
      const source = cold('  -a--b-|', { a: live, b: fromHistory });
      const expected = '     -a----|';
      expectObservable(source.pipe(dedupeSignals({ onDrop }))).toBe(expected, { a: live });
    });
    expect(drops).toEqual([[fromHistory, 'duplicate delivery']]);
  });

  describe('a follow-up that came before its invitation (history replayed, then the stored invitation live)', () => {
    const late = inbound(inviteSignal, ALICE, { id: 'm-invite' });

    it.each<[string, Inbound]>([
      [
        'a CANCEL',
        inbound(cancel({ inviteID: ID.call, inviter: ALICE, invitees: [BOB] }), ALICE, { replayed: true }),
      ],
      [
        'a CANCEL for everyone',
        inbound(cancel({ inviteID: ID.call, inviter: ALICE, invitees: [] }), ALICE, { replayed: true }),
      ],
      [
        'the inviter’s TIMEOUT',
        inbound(timeout({ inviteID: ID.call, inviter: ALICE, invitees: [BOB] }), ALICE, { replayed: true }),
      ],
    ])('%s still ends it: the invitation is dropped', (_what, first) => {
      runMarbles(({ cold, expectObservable }) => {
        const source = cold('  -a-b-|', { a: first, b: late });
        const expected = '     -a---|';
        expectObservable(source.pipe(dedupeSignals({ onDrop }))).toBe(expected, { a: first });
      });
      expect(drops).toEqual([[late, 'invitation already cancelled or timed out']]);
    });

    it('a TIMEOUT of another invitee of a group invitation does not end it for the others', () => {
      const group = inbound(
        invite({ inviteID: ID.call, inviter: ALICE, invitees: [BOB, CAROL], groupID: GROUP }),
        ALICE,
      );
      const carolTimedOut = inbound(
        timeout({ inviteID: ID.call, inviter: ALICE, invitees: [CAROL], groupID: GROUP }),
        CAROL,
      );
      runMarbles(({ cold, expectObservable }) => {
        const source = cold('  -a-b-|', { a: carolTimedOut, b: group });
        const expected = '     -a-b-|';
        expectObservable(source.pipe(dedupeSignals({ onDrop }))).toBe(expected, {
          a: carolTimedOut,
          b: group,
        });
      });
      expect(drops).toEqual([]);
    });
  });

  it('passes the same action on one invitation from two different invitees (group answers)', () => {
    const bobAccepts = inbound(
      accept({ inviteID: ID.call, inviter: ALICE, invitee: BOB, groupID: GROUP }),
      BOB,
    );
    const carolAccepts = inbound(
      accept({ inviteID: ID.call, inviter: ALICE, invitee: CAROL, groupID: GROUP }),
      CAROL,
    );
    runMarbles(({ cold, expectObservable }) => {
      const source = cold('  -a-b-|', { a: bobAccepts, b: carolAccepts });
      const expected = '     -a-b-|';
      expectObservable(source.pipe(dedupeSignals())).toBe(expected, { a: bobAccepts, b: carolAccepts });
    });
  });

  it('forgets the oldest keys beyond its capacity (two keys per signal), so an evicted signal passes again', () => {
    const a = inbound(inviteSignal, ALICE, { id: 'm-a' });
    const b = inbound(otherInvite, CAROL, { id: 'm-b' });
    const aAgain = inbound(inviteSignal, ALICE, { id: 'm-a' });
    runMarbles(({ cold, expectObservable }) => {
      // capacity 2 holds the message ID and the key of one signal: b evicts both of a's.
      const source = cold('  -a-b-A-|', { a, b, A: aAgain });
      const expected = '     -a-b-A-|';
      expectObservable(source.pipe(dedupeSignals({ capacity: 2, onDrop }))).toBe(expected, {
        a,
        b,
        A: aAgain,
      });
    });
    expect(drops).toEqual([]);
  });

  it('still remembers signals within its capacity', () => {
    const a = inbound(inviteSignal, ALICE, { id: 'm-a' });
    const b = inbound(otherInvite, CAROL, { id: 'm-b' });
    const c = inbound(thirdInvite, ALICE, { id: 'm-c' });
    const aAgain = inbound(inviteSignal, ALICE, { id: 'm-a' });
    const cAgain = inbound(thirdInvite, ALICE, { id: 'm-c2' });
    runMarbles(({ cold, expectObservable }) => {
      // capacity 4 holds two signals: after c, b and c are remembered and a is forgotten.
      const source = cold('  -a-b-c-C-A-|', { a, b, c, C: cAgain, A: aAgain });
      const expected = '     -a-b-c---A-|';
      expectObservable(source.pipe(dedupeSignals({ capacity: 4, onDrop }))).toBe(expected, {
        a,
        b,
        c,
        A: aAgain,
      });
    });
    expect(drops).toEqual([[cAgain, 'duplicate delivery']]);
  });

  it('keeps separate memory per subscription', () => {
    const a = inbound(inviteSignal, ALICE, { id: 'm-a' });
    const b = inbound(otherInvite, CAROL, { id: 'm-b' });
    runMarbles(({ cold, expectObservable }) => {
      const source = cold('  -a-b-a-|', { a, b });
      const deduped = source.pipe(dedupeSignals({ onDrop }));
      const first = '       -a-b---|';
      const second = '      ----a-b---|';
      expectObservable(deduped).toBe(first, { a, b });
      // Subscribed 3 frames later: sees `a` again as new, since nothing is shared with the first subscription.
      expectObservable(deduped, '   ---^').toBe(second, { a, b });
    });
    expect(drops).toEqual([
      [a, 'duplicate delivery'],
      [a, 'duplicate delivery'],
    ]);
  });

  it('unsubscribes from the source when the result is unsubscribed', () => {
    const a = inbound(inviteSignal, ALICE);
    runMarbles(({ hot, expectObservable, expectSubscriptions }) => {
      const source = hot('   -a--a--a--|', { a });
      const unsub = '        ^-----!    ';
      const subs = '         ^-----!    ';
      const expected = '     -a-----    ';
      expectObservable(source.pipe(dedupeSignals()), unsub).toBe(expected, { a });
      expectSubscriptions(source.subscriptions).toBe(subs);
    });
  });
});
