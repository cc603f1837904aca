import { Calling } from 'ngx-trtc-calling/core';
import { DEV_SDK_APP_ID } from 'ngx-trtc-calling/wire';
import { recordEvents } from './record';
import { VirtualClock } from './virtual-clock';
import { VirtualNetwork } from './virtual-network';

// The example at the top of virtual-network.ts, verbatim: the documentation must keep working.
describe('VirtualNetwork documentation example', () => {
  // #region example virtual-network.ts#module
  it('connects when bob answers after 5 s and ends when alice hangs up', async () => {
    const clock = new VirtualClock();
    const network = new VirtualNetwork({ scheduler: clock.scheduler, latency: 50 });
    // One Calling per simulated client: its own IM session and media engine, shared clock.
    const client = () =>
      new Calling({
        SDKAppID: DEV_SDK_APP_ID, // from ngx-trtc-calling/wire
        signaling: network.signaling(),
        media: network.media(),
        scheduler: clock.scheduler,
      });
    const alice = client();
    const bob = client();
    // A promise that needs virtual time (login waits one latency) resolves while the clock advances.
    await Promise.all([
      alice.login({ userID: 'alice', userSig: 'sig' }),
      bob.login({ userID: 'bob', userSig: 'sig' }),
      clock.advance(50),
    ]);

    const phases = { i: 'idle', d: 'dialing', r: 'ringing', c: 'connecting', C: 'connected' };
    const alicePhase = recordEvents(alice.phase$, clock);
    const bobPhase = recordEvents(bob.phase$, clock);

    await Promise.all([alice.call({ userID: 'bob', type: 2 }), clock.advance(5_000)]);
    await Promise.all([bob.accept(), clock.advance(1_000)]);
    await alice.hangup();
    await clock.advance(1_000);

    // Times are ms since recording began. 1 frame = 1 ms, as in TestScheduler.run: a letter
    // takes one frame, a same-instant group `(id)` as many as its characters.
    // alice: idle+dialing at 0, connected at 5050 (bob entered the room), idle at 6000.
    expect(alicePhase.marbles(phases)).toBe('(id) 5046ms C 949ms i');
    // bob: ringing at 50, connecting at 5000 (accept), connected at 5050, idle at 6050.
    expect(bobPhase.marbles(phases)).toBe('i 49ms r 4949ms c 49ms C 999ms i');
    expect(network.liveTracks()).toBe(0); // every camera and microphone released

    await Promise.all([alice.destroy(), bob.destroy(), clock.advance(1_000)]);
    network.destroy();
    expect(clock.pending()).toBe(0); // no timer left behind
  });
  // #endregion
});
