// A whole call in virtual time between in-memory users of the packed library.
import { Calling } from 'ngx-trtc-calling/core';
import { recordEvents, SentSignals, VirtualClock, VirtualNetwork } from 'ngx-trtc-calling/testing';
import { DEV_SDK_APP_ID } from 'ngx-trtc-calling/wire';

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

  bobPhase.expectMarbles('C', { C: 'connected' });
  carolBusy.expectMarbles('100ms b', { b: expect.objectContaining({ userID: 'bob' }) });
  expect(() => carolBusy.expectMarbles('90ms b', { b: expect.anything() })).toThrow(
    /notification 1 differs: expected next .* at 90 ms, got next .* at 100 ms/,
  );
  signals.expectOne({ action: 'reject', from: 'bob', to: 'carol', busy: true });

  await Promise.all([alice.destroy(), bob.destroy(), carol.destroy(), clock.advance(1_000)]);
  network.destroy();
  expect(clock.pending()).toBe(0);
});
