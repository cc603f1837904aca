import fc from 'fast-check';
import { inviteesOver, sendOkText, signalingInviteeCount } from './frames';

/** What `inviteesOver` must answer: the full parse's count when it is over `max`. */
const oracle = (data: string, max: number): number | undefined => {
  const n = signalingInviteeCount(data);
  return n !== undefined && n > max ? n : undefined;
};

const envelope = (invitees: readonly unknown[], extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    businessID: 1,
    inviteID: 'i-1',
    inviter: 'alice',
    actionType: 1,
    inviteeList: invitees,
    ...extra,
  });

describe('inviteesOver', () => {
  it('counts an envelope over the limit and lets one at the limit through', () => {
    const users = (n: number) => Array.from({ length: n }, (_, i) => `u${i}`);
    expect(inviteesOver(envelope(users(51)), 50)).toBe(51);
    expect(inviteesOver(envelope(users(50)), 50)).toBeUndefined();
    expect(inviteesOver(envelope(users(4)), 3)).toBe(4);
    expect(inviteesOver(envelope(users(3)), 3)).toBeUndefined();
  });

  it('ignores data that is no signaling envelope, however many commas it has', () => {
    const many = Array.from({ length: 80 }, (_, i) => `u${i}`);
    expect(inviteesOver(JSON.stringify({ businessID: 2, inviteeList: many }), 50)).toBeUndefined();
    expect(inviteesOver(JSON.stringify({ businessID: 1, inviteeList: 'a,'.repeat(80) }), 50)).toBeUndefined();
    expect(inviteesOver(','.repeat(200), 50)).toBeUndefined();
    expect(inviteesOver(`{"businessID":1,"inviteeList":[${'1,'.repeat(60)}1`, 50)).toBeUndefined(); // not JSON
  });

  it('counts elements of any type, commas inside strings not being elements', () => {
    expect(inviteesOver(envelope([1, null, {}, [], 'a,b,c,d,e']), 4)).toBe(5);
    expect(inviteesOver(envelope(['a,b,c,d,e,f,g']), 4)).toBeUndefined();
  });

  it('answers as the full parse does, for any data and limit', () => {
    const user = fc.string({ maxLength: 6 });
    const data = fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.json({ maxDepth: 3 }),
      fc
        .tuple(
          fc.array(user, { maxLength: 12 }),
          fc.dictionary(fc.string({ maxLength: 4 }), fc.jsonValue({ maxDepth: 2 })),
        )
        .map(([invitees, extra]) => envelope(invitees, extra)),
      fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 12 }).map((invitees) => envelope(invitees)),
    );
    fc.assert(
      fc.property(data, fc.integer({ min: 1, max: 10 }), (d, max) => {
        expect(inviteesOver(d, max)).toBe(oracle(d, max));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('sendOkText', () => {
  it('is the JSON of the ok answering a send, for any result', () => {
    const number = fc.oneof(fc.integer({ min: 0 }), fc.double({ noNaN: true, noDefaultInfinity: true }));
    const result = fc.record(
      {
        messageID: fc.string({ unit: 'binary' }),
        time: number,
        seq: number,
        offline: fc.constant(true as const),
      },
      { requiredKeys: ['messageID', 'time'] },
    );
    fc.assert(
      fc.property(fc.nat(), result, (id, r) => {
        expect(sendOkText(id, r)).toBe(JSON.stringify({ t: 'ok', id, result: r }));
      }),
      { numRuns: 1000 },
    );
  });
});
