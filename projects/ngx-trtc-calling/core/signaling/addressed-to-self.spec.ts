import { runMarbles } from 'ngx-trtc-calling/testing';
import { addressedToSelf } from './addressed-to-self';
import {
  accept,
  ALICE,
  BOB,
  CAROL,
  cancel,
  DAVE,
  GROUP,
  hangupNotice,
  ID,
  inbound,
  invite,
  timeout,
} from './fixtures.test-util';
import type { Inbound } from './inbound';

/** Carol is a member of GROUP; alice calls some of its members. */
describe('addressedToSelf', () => {
  let drops: [Inbound, string][];
  const onDrop = (i: Inbound, reason: string) => drops.push([i, reason]);

  beforeEach(() => {
    drops = [];
  });

  const forCarol = inbound(
    invite({ inviteID: ID.call, inviter: ALICE, invitees: [BOB, CAROL], groupID: GROUP }),
    ALICE,
  );
  const notForCarol = inbound(
    invite({ inviteID: ID.other, inviter: ALICE, invitees: [BOB, DAVE], groupID: GROUP }),
    ALICE,
  );

  it('passes a group invitation that lists this user', () => {
    runMarbles(({ cold, expectObservable }) => {
      const source = cold('  -i-|', { i: forCarol });
      const expected = '     -i-|';
      expectObservable(source.pipe(addressedToSelf(CAROL, onDrop))).toBe(expected, { i: forCarol });
    });
    expect(drops).toEqual([]);
  });

  it('drops and reports a group invitation that does not list this user', () => {
    runMarbles(({ cold, expectObservable }) => {
      const source = cold('  -n-i-|', { n: notForCarol, i: forCarol });
      const expected = '     ---i-|';
      expectObservable(source.pipe(addressedToSelf(CAROL, onDrop))).toBe(expected, { i: forCarol });
    });
    expect(drops).toEqual([[notForCarol, 'group invitation for other members']]);
  });

  it('drops a group hang-up notice addressed to someone else (it is an INVITE listing its addressee)', () => {
    const notice = inbound(
      hangupNotice({ inviteID: ID.hangup, inviter: BOB, invitees: [ALICE], groupID: GROUP }),
      BOB,
    );
    runMarbles(({ cold, expectObservable }) => {
      const source = cold('  -h-|', { h: notice });
      const expected = '     ---|';
      expectObservable(source.pipe(addressedToSelf(CAROL, onDrop))).toBe(expected);
    });
    expect(drops).toEqual([[notice, 'group invitation for other members']]);
  });

  it('passes C2C invitations, whoever they list', () => {
    // C2C delivery already addresses the message; the invitee list is not checked.
    const c2c = inbound(invite({ inviteID: ID.call, inviter: ALICE, invitees: [CAROL] }), ALICE);
    const c2cOddList = inbound(invite({ inviteID: ID.other, inviter: ALICE, invitees: [DAVE] }), ALICE);
    runMarbles(({ cold, expectObservable }) => {
      const source = cold('  -a-b-|', { a: c2c, b: c2cOddList });
      const expected = '     -a-b-|';
      expectObservable(source.pipe(addressedToSelf(CAROL, onDrop))).toBe(expected, { a: c2c, b: c2cOddList });
    });
    expect(drops).toEqual([]);
  });

  it("passes group follow-ups (CANCEL, ACCEPT, TIMEOUT) even when they concern other members' invitations", () => {
    const c = inbound(
      cancel({ inviteID: ID.other, inviter: ALICE, invitees: [DAVE], groupID: GROUP }),
      ALICE,
    );
    const a = inbound(accept({ inviteID: ID.other, inviter: ALICE, invitee: DAVE, groupID: GROUP }), DAVE);
    const t = inbound(
      timeout({ inviteID: ID.other, inviter: ALICE, invitees: [DAVE], groupID: GROUP }),
      DAVE,
    );
    runMarbles(({ cold, expectObservable }) => {
      const source = cold('  -c-a-t-|', { c, a, t });
      const expected = '     -c-a-t-|';
      expectObservable(source.pipe(addressedToSelf(CAROL, onDrop))).toBe(expected, { c, a, t });
    });
    expect(drops).toEqual([]);
  });

  it('passes an item that already has a verdict, even a group invitation for others', () => {
    const judged: Inbound = { ...notForCarol, verdict: 'busy' };
    runMarbles(({ cold, expectObservable }) => {
      const source = cold('  -j-|', { j: judged });
      const expected = '     -j-|';
      expectObservable(source.pipe(addressedToSelf(CAROL, onDrop))).toBe(expected, { j: judged });
    });
    expect(drops).toEqual([]);
  });

  it('unsubscribes from the source when the result is unsubscribed', () => {
    runMarbles(({ hot, expectObservable, expectSubscriptions }) => {
      const source = hot('   -i--n--i--|', { i: forCarol, n: notForCarol });
      const unsub = '        ^------!   ';
      const subs = '         ^------!   ';
      const expected = '     -i-----    ';
      expectObservable(source.pipe(addressedToSelf(CAROL)), unsub).toBe(expected, { i: forCarol });
      expectSubscriptions(source.subscriptions).toBe(subs);
    });
  });
});
