import { roomInvite } from './room-access';

/** An INVITE envelope around `inner`, as TSignaling sends it. */
const invite = (inner: string, inviteeList: unknown = ['bob']): string =>
  JSON.stringify({
    businessID: 1,
    inviteID: 'i1',
    inviter: 'alice',
    actionType: 1,
    inviteeList,
    data: inner,
  });

/** TRTCCalling Web's layout of the inner payload (read without a second JSON.parse). */
const usual = (room: string, extra = '', nested = '7'): string =>
  `{"extraInfo":"${extra}","version":4,"call_type":2,"room_id":${room},"businessID":"av_call",` +
  `"platform":"Web","data":{"cmd":"videoCall","room_id":${nested},"message":"","userIDs":["bob"]}}`;

describe('roomInvite', () => {
  it.each([
    ['the usual layout', usual('12046907'), 12046907],
    ['escapes in its strings', usual('5', 'x\\"y\\\\z\\u00e9\\n'), 5],
    ['an invalid escape (not JSON)', usual('5', '\\x'), undefined],
    ['a top-level room over 2^53: the nested one', usual('9007199254740993'), 7],
    ['room 0: the nested one', usual('0'), 7],
    ['an exponent', usual('1e3'), 1000],
    ['a duplicate room_id: the last', `${usual('12').slice(0, -1)},"room_id":99}`, 99],
    ['another layout', '{"data":{"room_id":3}}', 3],
    ['roomID', '{"roomID":44}', 44],
    ['no room', '{"extraInfo":"","version":4,"call_type":2,"data":{"cmd":"videoCall"}}', undefined],
    ['no object', '[1]', undefined],
  ])('%s', (_, inner, room) => {
    expect(roomInvite(invite(inner))?.roomID).toBe(room);
  });

  it('keeps the valid userIDs of the invitee list; refuses a list that is not an array', () => {
    expect(roomInvite(invite(usual('5'), ['bob', 'not valid!', 'carol']))?.invitees).toEqual([
      'bob',
      'carol',
    ]);
    expect(roomInvite(invite(usual('5'), 'bob'))).toBeUndefined();
  });

  it('reads only INVITEs', () => {
    const hangup = JSON.stringify({ businessID: 1, actionType: 2, inviteeList: ['bob'], data: usual('5') });
    expect(roomInvite(hangup)).toBeUndefined();
    expect(roomInvite('hello')).toBeUndefined();
  });
});
