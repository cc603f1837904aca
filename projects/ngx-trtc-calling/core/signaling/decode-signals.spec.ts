import { runMarbles } from 'ngx-trtc-calling/testing';
import type { SignalDecodeError } from '../protocol/codec';
import { decodeSignals } from './decode-signals';
import { accept, ALICE, appMessage, BOB, ID, invite, message } from './fixtures.test-util';
import type { Inbound } from './inbound';
import type { IncomingMessage } from './signaling-channel';

describe('decodeSignals', () => {
  let invalid: { message: IncomingMessage; error: SignalDecodeError }[];
  const onInvalid = (m: IncomingMessage, error: SignalDecodeError) => invalid.push({ message: m, error });

  beforeEach(() => {
    invalid = [];
  });

  const inviteSignal = invite({ inviteID: ID.call, inviter: ALICE, invitees: [BOB] });
  const acceptSignal = accept({ inviteID: ID.call, inviter: ALICE, invitee: BOB });
  const inviteMessage = message(inviteSignal, ALICE, { id: 'm-invite', time: 100 });
  const acceptMessage = message(acceptSignal, BOB, { id: 'm-accept', time: 200 });
  const withData = (data: string, id: string): IncomingMessage => ({
    id,
    from: ALICE,
    conversationType: 'C2C',
    data,
    time: 0,
  });

  it('decodes every signaling message into an Inbound carrying the message, not replayed', () => {
    runMarbles(({ cold, expectObservable }) => {
      const source = cold('  -i--a--|', { i: inviteMessage, a: acceptMessage });
      const expected = '     -I--A--|';
      expectObservable(source.pipe(decodeSignals(onInvalid))).toBe(expected, {
        I: { signal: inviteSignal, message: inviteMessage, replayed: false } satisfies Inbound,
        A: { signal: acceptSignal, message: acceptMessage, replayed: false } satisfies Inbound,
      });
    });
    expect(invalid).toEqual([]);
  });

  it('marks the signals replayed when asked to', () => {
    runMarbles(({ cold, expectObservable }) => {
      const source = cold('  -i-|', { i: inviteMessage });
      const expected = '     -I-|';
      expectObservable(source.pipe(decodeSignals(onInvalid, true))).toBe(expected, {
        I: { signal: inviteSignal, message: inviteMessage, replayed: true },
      });
    });
  });

  it("skips an app's own custom messages (businessID other than 1) without reporting them", () => {
    const app = appMessage(ALICE, { id: 'm-app' });
    const stringBusinessID = withData(
      JSON.stringify({ ...JSON.parse(inviteMessage.data), businessID: '1' }),
      'm-string-business-id',
    );
    runMarbles(({ cold, expectObservable }) => {
      const source = cold('  -x-y-i-|', { x: app, y: stringBusinessID, i: inviteMessage });
      const expected = '     -----I-|';
      expectObservable(source.pipe(decodeSignals(onInvalid))).toBe(expected, {
        I: { signal: inviteSignal, message: inviteMessage, replayed: false },
      });
    });
    expect(invalid).toEqual([]);
  });

  it('reports malformed signaling with its message and decode error, skips it and keeps going', () => {
    const unknownAction = withData(
      JSON.stringify({ ...JSON.parse(inviteMessage.data), actionType: 9 }),
      'm-bad-1',
    );
    const badPayload = withData(
      JSON.stringify({ ...JSON.parse(inviteMessage.data), data: 'not json' }),
      'm-bad-2',
    );
    const noInviteID = withData(
      JSON.stringify({ ...JSON.parse(acceptMessage.data), inviteID: '' }),
      'm-bad-3',
    );
    runMarbles(({ cold, expectObservable }) => {
      const source = cold('  -u-p-n-a-|', {
        u: unknownAction,
        p: badPayload,
        n: noInviteID,
        a: acceptMessage,
      });
      const expected = '     -------A-|';
      expectObservable(source.pipe(decodeSignals(onInvalid))).toBe(expected, {
        A: { signal: acceptSignal, message: acceptMessage, replayed: false },
      });
    });
    expect(invalid.map(({ message: m, error }) => [m, error.code, error.field])).toEqual([
      [unknownAction, 'unknownAction', 'actionType'],
      [badPayload, 'badPayload', 'data'],
      [noInviteID, 'badEnvelope', 'inviteID'],
    ]);
  });

  it('does not report custom messages whose data is plain text or JSON that is not an object (not signaling)', () => {
    // PROTOCOL.md §2.5: TSignaling hands unparsable custom messages to the app as ordinary custom
    // messages; they are not malformed signaling and must not be reported as such.
    const plainText = withData('hello from the app', 'm-text');
    const jsonArray = withData('[1,2,3]', 'm-array');
    runMarbles(({ cold, expectObservable }) => {
      const source = cold('  -t-j-|', { t: plainText, j: jsonArray });
      const expected = '     -----|';
      expectObservable(source.pipe(decodeSignals(onInvalid))).toBe(expected);
    });
    expect(invalid.map(({ message: m, error }) => [m.id, error.code])).toEqual([]);
  });

  it('unsubscribes from the source when the result is unsubscribed', () => {
    runMarbles(({ hot, expectObservable, expectSubscriptions }) => {
      const source = hot('   -i--a--i--|', { i: inviteMessage, a: acceptMessage });
      const unsub = '        ^----!     ';
      const subs = '         ^----!     ';
      const expected = '     -I--A-     ';
      expectObservable(source.pipe(decodeSignals(onInvalid)), unsub).toBe(expected, {
        I: { signal: inviteSignal, message: inviteMessage, replayed: false },
        A: { signal: acceptSignal, message: acceptMessage, replayed: false },
      });
      expectSubscriptions(source.subscriptions).toBe(subs);
    });
  });

  it('passes an error of the source through', () => {
    runMarbles(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('  -i-#', { i: inviteMessage }, new Error('channel destroyed'));
      const subs = '         ^--!';
      const expected = '     -I-#';
      expectObservable(source.pipe(decodeSignals(onInvalid))).toBe(
        expected,
        { I: { signal: inviteSignal, message: inviteMessage, replayed: false } },
        new Error('channel destroyed'),
      );
      expectSubscriptions(source.subscriptions).toBe(subs);
    });
  });
});
