import type { TestScheduler } from 'rxjs/testing';
import { marbleTester } from 'ngx-trtc-calling/testing';
import type { Signal } from '../protocol/signal';
import {
  accept,
  ALICE,
  appMessage,
  BOB,
  CAROL,
  cancel,
  decoded,
  hangupNotice,
  ID,
  invite,
  message,
  reject,
  timeout,
} from './fixtures.test-util';
import type { Inbound } from './inbound';
import { replayInvitations } from './replay-invitations';
import type { IncomingMessage } from './signaling-channel';

/** Epoch ms of the reconnect; history messages are a few seconds older. */
const NOW = 1_795_751_407_000;
const SECOND = 1000;

/** What the operator should emit for a history message. */
const replayed = (m: IncomingMessage): Inbound => ({ signal: decoded(m), message: m, replayed: true });

describe('replayInvitations', () => {
  const { createScheduler } = marbleTester();
  let testScheduler: TestScheduler;

  beforeEach(() => {
    testScheduler = createScheduler();
  });

  const now = () => NOW;
  const fromAlice = (signal: Signal, secondsAgo: number, id?: string) =>
    message(signal, ALICE, { time: NOW - secondsAgo * SECOND, ...(id ? { id } : {}) });
  const fromBob = (signal: Signal, secondsAgo: number) =>
    message(signal, BOB, { time: NOW - secondsAgo * SECOND });

  const aliceInvites = (inviteID: string, timeoutSeconds = 30) =>
    invite({ inviteID, inviter: ALICE, invitees: [BOB], timeout: timeoutSeconds });

  it('replays an unanswered invitation that is still ringing, marked replayed', () => {
    const pending = fromAlice(aliceInvites(ID.call), 10);
    testScheduler.run(({ cold, expectObservable }) => {
      const source = cold('  -b-|', { b: [pending] });
      const expected = '     -p-|';
      expectObservable(source.pipe(replayInvitations(now))).toBe(expected, { p: replayed(pending) });
    });
  });

  it('collapses invitations answered, cancelled or timed out within the batch, keeping the follow-ups', () => {
    const invites = [ID.call, ID.other, ID.third, ID.fourth].map((id, i) =>
      fromAlice(aliceInvites(id), 20 - i),
    );
    const cancelled = fromAlice(cancel({ inviteID: ID.call, inviter: ALICE, invitees: [BOB] }), 10);
    const accepted = fromBob(accept({ inviteID: ID.other, inviter: ALICE, invitee: BOB }), 9);
    const rejected = fromBob(reject({ inviteID: ID.third, inviter: ALICE, invitee: BOB }), 8);
    const timedOut = fromBob(timeout({ inviteID: ID.fourth, inviter: ALICE, invitees: [BOB] }), 7);
    testScheduler.run(({ cold, expectObservable }) => {
      const source = cold('  -b------|', { b: [...invites, cancelled, accepted, rejected, timedOut] });
      const expected = '     -(cart)-|';
      expectObservable(source.pipe(replayInvitations(now))).toBe(expected, {
        c: replayed(cancelled),
        a: replayed(accepted),
        r: replayed(rejected),
        t: replayed(timedOut),
      });
    });
  });

  it('keeps follow-ups whose invitation is not in the batch (the call in progress, missed while offline)', () => {
    const carolAccepted = message(accept({ inviteID: ID.call, inviter: BOB, invitee: CAROL }), CAROL, {
      time: NOW - 5 * SECOND,
    });
    testScheduler.run(({ cold, expectObservable }) => {
      const source = cold('  -b-|', { b: [carolAccepted] });
      const expected = '     -a-|';
      expectObservable(source.pipe(replayInvitations(now))).toBe(expected, { a: replayed(carolAccepted) });
    });
  });

  it('drops invitations past their own timeout, the deadline itself included', () => {
    const expired = fromAlice(aliceInvites(ID.call, 30), 31);
    const atDeadline = fromAlice(aliceInvites(ID.other, 30), 30);
    const justInTime = message(aliceInvites(ID.third, 30), ALICE, { time: NOW - 30 * SECOND + 1 });
    const longTimeout = fromAlice(aliceInvites(ID.fourth, 60), 45);
    testScheduler.run(({ cold, expectObservable }) => {
      const source = cold('  -b----|', { b: [expired, atDeadline, justInTime, longTimeout] });
      const expected = '     -(lj)-|'; // in message time order: 45 s ago, then 30 s ago
      expectObservable(source.pipe(replayInvitations(now))).toBe(expected, {
        j: replayed(justInTime),
        l: replayed(longTimeout),
      });
    });
  });

  it('reads the clock when each batch arrives', () => {
    // Expires exactly 2 ms after the start of the run.
    const invitation = message(aliceInvites(ID.call, 30), ALICE, { time: NOW + 2 - 30 * SECOND });
    testScheduler.run(({ cold, expectObservable }) => {
      const clock = () => NOW + testScheduler.now();
      const source = cold('  -b-b-|', { b: [invitation] });
      const expected = '     -i---|';
      expectObservable(source.pipe(replayInvitations(clock))).toBe(expected, { i: replayed(invitation) });
    });
  });

  it('drops hang-up notices, however fresh and whatever their timeout, so a stale notice ends nothing', () => {
    const notice = fromAlice(
      hangupNotice({ inviteID: ID.hangup, inviter: ALICE, invitees: [BOB], callEnd: 12 }),
      1,
    );
    // Legacy end-of-call INVITEs (PROTOCOL.md §3.3 rule 3) may carry a ring timeout.
    const legacyNotice = fromAlice(
      invite({
        inviteID: ID.other,
        inviter: ALICE,
        invitees: [BOB],
        timeout: 30,
        content: { kind: 'hangup', callType: 1, callEnd: 20 },
      }),
      1,
    );
    const pending = fromAlice(aliceInvites(ID.call), 2);
    testScheduler.run(({ cold, expectObservable }) => {
      const source = cold('  -b-|', { b: [notice, legacyNotice, pending] });
      const expected = '     -p-|';
      expectObservable(source.pipe(replayInvitations(now))).toBe(expected, { p: replayed(pending) });
    });
    expect(decoded(legacyNotice)).toMatchObject({ timeout: 30, content: { kind: 'hangup' } });
  });

  it('emits in message time order whatever the batch order, without modifying the batch', () => {
    const first = fromAlice(aliceInvites(ID.call), 20);
    const second = message(invite({ inviteID: ID.other, inviter: CAROL, invitees: [BOB] }), CAROL, {
      time: NOW - 15 * SECOND,
    });
    const third = fromAlice(cancel({ inviteID: ID.third, inviter: ALICE, invitees: [BOB] }), 5);
    const batch = Object.freeze([third, first, second]);
    testScheduler.run(({ cold, expectObservable }) => {
      const source = cold('  -b-----|', { b: batch });
      const expected = '     -(123)-|';
      expectObservable(source.pipe(replayInvitations(now))).toBe(expected, {
        1: replayed(first),
        2: replayed(second),
        3: replayed(third),
      });
    });
    expect(batch).toEqual([third, first, second]);
  });

  it('keeps the batch order among messages with the same time', () => {
    const a = fromAlice(cancel({ inviteID: ID.call, inviter: ALICE, invitees: [BOB] }), 5, 'm-a');
    const b = fromAlice(cancel({ inviteID: ID.other, inviter: ALICE, invitees: [BOB] }), 5, 'm-b');
    testScheduler.run(({ cold, expectObservable }) => {
      const source = cold('  -x----y----|', { x: [a, b], y: [b, a] });
      const expected = '     -(ab)-(ba)-|';
      expectObservable(source.pipe(replayInvitations(now))).toBe(expected, {
        a: replayed(a),
        b: replayed(b),
      });
    });
  });

  it('skips non-signaling and malformed messages silently', () => {
    const app = appMessage(ALICE, { time: NOW - SECOND });
    const malformed: IncomingMessage = { ...fromAlice(aliceInvites(ID.other), 3), data: '{"businessID":1}' };
    const pending = fromAlice(aliceInvites(ID.call), 2);
    testScheduler.run(({ cold, expectObservable }) => {
      const source = cold('  -b-|', { b: [app, malformed, pending] });
      const expected = '     -p-|';
      expectObservable(source.pipe(replayInvitations(now))).toBe(expected, { p: replayed(pending) });
    });
  });

  it('collapses within one batch only: an answer in a later batch does not retract an earlier replay', () => {
    const pending = fromAlice(aliceInvites(ID.call), 10);
    const cancelled = fromAlice(cancel({ inviteID: ID.call, inviter: ALICE, invitees: [BOB] }), 5);
    testScheduler.run(({ cold, expectObservable }) => {
      const source = cold('  -x-e-y-|', { x: [pending], e: [], y: [cancelled] });
      const expected = '     -p---c-|';
      expectObservable(source.pipe(replayInvitations(now))).toBe(expected, {
        p: replayed(pending),
        c: replayed(cancelled),
      });
    });
  });

  it('unsubscribes from the source when the result is unsubscribed', () => {
    const pending = fromAlice(aliceInvites(ID.call), 10);
    testScheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
      const source = hot('   -b---b---|', { b: [pending] });
      const unsub = '        ^---!     ';
      const subs = '         ^---!     ';
      const expected = '     -p---     ';
      expectObservable(source.pipe(replayInvitations(now)), unsub).toBe(expected, { p: replayed(pending) });
      expectSubscriptions(source.subscriptions).toBe(subs);
    });
  });
});
