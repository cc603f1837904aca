/*
 * The examples of docs/testing-your-call-flows.md, run: each region is a ```ts block of the guide
 * without its imports (doc-examples-match.spec.ts checks that they are the same).
 */
import { filter, map, type Observable } from 'rxjs';
import {
  type BusyState,
  Calling,
  decodeSignals,
  type IncomingMessage,
  isCallInvite,
  rejectWhenBusy,
} from 'ngx-trtc-calling/core';
import {
  busyReplyTo,
  inviteFrom,
  messageOf,
  recordEvents,
  runMarbles,
  SentSignals,
  VirtualClock,
  VirtualNetwork,
} from 'ngx-trtc-calling/testing';
import { DEV_SDK_APP_ID } from 'ngx-trtc-calling/wire';

describe('Testing your call flows', () => {
  // #region example guide#composition
  /** Your app's own flow: the busy replies to send while the user is in a call. */
  function busyReplies(messages$: Observable<IncomingMessage>, state$: Observable<BusyState>, self: string) {
    return messages$.pipe(
      decodeSignals(),
      rejectWhenBusy(state$),
      filter(isCallInvite),
      filter((inbound) => inbound.verdict === 'busy'),
      map((inbound) => busyReplyTo(inbound.signal, self)),
    );
  }

  it('answers a caller busy during a call, and not once the call is over', () => {
    runMarbles(({ cold, expectObservable }) => {
      const invite = inviteFrom('carol', { to: 'bob' });
      const inCall: BusyState = { phase: 'connected', call: null };
      const idle: BusyState = { phase: 'idle', call: null };
      const messages$ = cold('-m-m', { m: messageOf(invite) });
      const state$ = cold('  s-t', { s: inCall, t: idle });
      expectObservable(busyReplies(messages$, state$, 'bob')).toBe('-r--', { r: busyReplyTo(invite, 'bob') });
    });
  });
  // #endregion

  // #region example guide#virtual-time
  it('a second caller hears busy while bob is in a call, and bob never rings', async () => {
    const clock = new VirtualClock();
    const network = new VirtualNetwork({ scheduler: clock.scheduler, latency: 50 });
    const signals = new SentSignals(network);
    const user = async (userID: string) => {
      const calling = new Calling({
        SDKAppID: DEV_SDK_APP_ID,
        signaling: network.signaling(),
        media: network.media({ userID }),
        scheduler: clock.scheduler,
      });
      await Promise.all([calling.login({ userID, userSig: 'sig' }), clock.advance(50)]);
      return calling;
    };
    const alice = await user('alice');
    const bob = await user('bob');
    const carol = await user('carol');

    await Promise.all([alice.call({ userID: 'bob', type: 2 }), clock.advance(100)]);
    await Promise.all([bob.accept(), clock.advance(1_000)]);
    const bobPhase = recordEvents(bob.phase$, clock);
    const carolBusy = recordEvents(carol.lineBusy$, clock);

    await Promise.all([carol.call({ userID: 'bob', type: 2 }), clock.advance(1_000)]);

    bobPhase.expectMarbles('C', { C: 'connected' }); // no ringing in between
    carolBusy.expectMarbles('100ms b', { b: expect.objectContaining({ userID: 'bob' }) }); // one latency there, one back
    signals.expectOne({ action: 'reject', from: 'bob', to: 'carol', busy: true });

    await Promise.all([alice.destroy(), bob.destroy(), carol.destroy(), clock.advance(1_000)]);
    network.destroy();
    expect(clock.pending()).toBe(0);
  });
  // #endregion
});
