import { runMarbles } from 'ngx-trtc-calling/testing';
import { addressedToSelf } from './addressed-to-self';
import {
  accept,
  ALICE,
  BOB,
  CAROL,
  cancel,
  DAVE,
  decide,
  type Decision,
  GROUP,
  hangupNotice,
  ID,
  idleState,
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

  const OTHERS = 'dropped (group invitation for other members)';
  /** addressedToSelf reads no state: any state will do. */
  const anyState = idleState(CAROL);

  it.each<[string, Inbound, Decision]>([
    ['passes a group invitation that lists this user', forCarol, 'passes'],
    ['drops and reports a group invitation that does not list this user', notForCarol, OTHERS],
    [
      'drops a group hang-up notice addressed to someone else (it is an INVITE listing its addressee)',
      inbound(hangupNotice({ inviteID: ID.hangup, inviter: BOB, invitees: [ALICE], groupID: GROUP }), BOB),
      OTHERS,
    ],
    // C2C delivery already addresses the message; the invitee list is not checked.
    [
      'passes a C2C invitation that lists this user',
      inbound(invite({ inviteID: ID.call, inviter: ALICE, invitees: [CAROL] }), ALICE),
      'passes',
    ],
    [
      'passes a C2C invitation that lists someone else',
      inbound(invite({ inviteID: ID.other, inviter: ALICE, invitees: [DAVE] }), ALICE),
      'passes',
    ],
    // Group follow-ups, even about other members' invitations.
    [
      "passes a group CANCEL of another member's invitation",
      inbound(cancel({ inviteID: ID.other, inviter: ALICE, invitees: [DAVE], groupID: GROUP }), ALICE),
      'passes',
    ],
    [
      "passes a group ACCEPT of another member's invitation",
      inbound(accept({ inviteID: ID.other, inviter: ALICE, invitee: DAVE, groupID: GROUP }), DAVE),
      'passes',
    ],
    [
      "passes a group TIMEOUT of another member's invitation",
      inbound(timeout({ inviteID: ID.other, inviter: ALICE, invitees: [DAVE], groupID: GROUP }), DAVE),
      'passes',
    ],
    [
      'passes an item that already has a verdict, even a group invitation for others',
      { ...notForCarol, verdict: 'busy' },
      'passes',
    ],
  ])('%s', (_, item, decision) => {
    expect(decide((_state$, onDrop) => addressedToSelf(CAROL, onDrop), anyState, item)).toBe(decision);
  });

  it('passes what lists this user and drops the rest, in order', () => {
    runMarbles(({ cold, expectObservable }) => {
      const source = cold('  -n-i-|', { n: notForCarol, i: forCarol });
      const expected = '     ---i-|';
      expectObservable(source.pipe(addressedToSelf(CAROL, onDrop))).toBe(expected, { i: forCarol });
    });
    expect(drops).toEqual([[notForCarol, 'group invitation for other members']]);
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
