import { TestBed } from '@angular/core/testing';
import { CallingService } from 'ngx-trtc-calling';
import { VirtualClock, VirtualNetwork } from 'ngx-trtc-calling/testing';
import { CallingTestingController, type CallingTestingOptions } from './calling-testing-controller';
import { provideCallingTesting } from './provide-calling-testing';

function setUp(options: CallingTestingOptions = {}) {
  TestBed.configureTestingModule({ providers: [provideCallingTesting(options)] });
  const calling = TestBed.inject(CallingService);
  const controller = TestBed.inject(CallingTestingController);
  return { calling, controller };
}

/** alice (the app user) in a connected call with bob. */
async function inCall(options: CallingTestingOptions = {}) {
  const { calling, controller } = setUp(options);
  await controller.flush(calling.login({ userID: 'alice', userSig: 'sig-alice' }));
  const bob = await controller.createPeer('bob');
  await controller.flush(bob.call({ userID: 'alice', type: 2 }));
  await controller.flushUntilIdle();
  await controller.flush(calling.accept());
  await controller.flushUntilIdle();
  expect(calling.phase()).toBe('connected');
  return { calling, controller, bob };
}

describe('CallingTestingController', () => {
  it('types clock as always there', async () => {
    const { controller } = setUp();
    await controller.clock.advance(10); // no `!`: the clock is not optional
    expect(controller.clock.elapsed()).toBe(10);
    expect(controller.scheduler).toBe(controller.clock.scheduler);
  });

  describe('flush', () => {
    it('fails at once, saying why, on a promise that nothing scheduled can settle', async () => {
      const { controller } = setUp();
      const started = Date.now();
      await expect(controller.flush(new Promise(() => undefined))).rejects.toThrow(/nothing is scheduled/);
      expect(Date.now() - started).toBeLessThan(1_000);
    });

    it('gives up after 60 virtual seconds in well under a second of real time, with a clear message', async () => {
      const { controller } = await inCall(); // a connected call keeps periodic timers scheduled
      const started = Date.now();
      await expect(controller.flush(new Promise(() => undefined))).rejects.toThrow(
        /still pending after 60000 virtual ms/,
      );
      expect(Date.now() - started).toBeLessThan(2_000);
    });

    it('resolves with the value of the work and stops where it settled', async () => {
      const { calling, controller } = setUp({ latency: 50 });
      await controller.flush(calling.login({ userID: 'alice', userSig: 'sig-alice' }));
      expect(calling.userID()).toBe('alice');
      expect(controller.clock.elapsed()).toBe(50);
    });
  });

  it('fails a test that awaits login() without flush with a message naming the fix', async () => {
    const { calling, controller } = setUp();
    const errors: unknown[] = [];
    // The watch throws from a timer; a listener here keeps that from failing this test.
    const onError = (event: ErrorEvent) => {
      event.preventDefault();
      errors.push(event.error);
    };
    window.addEventListener('error', onError);
    try {
      const login = calling.login({ userID: 'alice', userSig: 'sig-alice' });
      await new Promise((resolve) => setTimeout(resolve, 2_200));
      expect(errors).toHaveLength(1);
      expect(String(errors[0])).toMatch(/nothing advanced the clock.*controller\.flush\(calling\.login/s);
      await login; // the watch ran the clock, so the test ends now instead of at its timeout
      expect(calling.userID()).toBe('alice');
      expect(controller.clock.pending()).toBe(0);
    } finally {
      window.removeEventListener('error', onError);
    }
  });

  it('flushUntilIdle delivers what flush(promise) left in flight on a network with latency', async () => {
    const { calling, controller } = setUp({ latency: 50 });
    await controller.flush(calling.login({ userID: 'alice', userSig: 'sig-alice' }));
    const bob = await controller.createPeer('bob');
    await controller.flush(bob.call({ userID: 'alice', type: 1 }));
    expect(calling.phase()).toBe('idle'); // the invite is still on the wire
    await controller.flushUntilIdle();
    expect(calling.phase()).toBe('ringing');
    expect(controller.clock.pending()).toBeGreaterThan(0); // the ring timers stay
    await controller.flushUntilIdle({ timers: true });
    expect(calling.phase()).toBe('idle'); // rang out
    expect(controller.clock.pending()).toBe(0);
  });

  describe('signal assertions', () => {
    it('claims the busy reply to a second caller, and lists what was sent when a match fails', async () => {
      const { controller } = await inCall();
      controller.matchSignals({ from: 'bob' });
      controller.expectSignal({ action: 'accept', from: 'alice' });
      const carol = await controller.createPeer('carol');
      void carol.call({ userID: 'alice', type: 2 });
      await controller.flushUntilIdle();

      const busy = controller.expectSignal({ action: 'reject', from: 'alice', busy: true });
      expect(busy.to).toBe('carol');
      expect(() => controller.expectSignal({ action: 'cancel' })).toThrow(
        /expected one signal \{ action: "cancel" \}, none was sent\.\nSent:\n {2}bob → alice INVITE call .*\(claimed\)/,
      );
      expect(() => controller.expectNone({ from: 'carol' })).toThrow(/carol → alice INVITE call/);
      expect(() => controller.verify({ leaks: false })).toThrow(
        /1 signal\(s\) sent that no expectSignal\/matchSignals claimed:\n {2}carol → alice INVITE call/,
      );
      controller.expectSignal({ from: 'carol', kind: 'call' });
      controller.verify({ leaks: false });
    });

    it('verify() names the timers and tracks a running call holds, and passes once it ended', async () => {
      const { calling, controller } = await inCall();
      controller.matchSignals(() => true);
      expect(() => controller.verify()).toThrow(/virtual timer\(s\) still scheduled.*track\(s\) still live/s);
      await controller.flush(calling.hangup());
      await controller.flushUntilIdle();
      controller.matchSignals(() => true);
      controller.verify();
    });
  });

  describe('options', () => {
    it('refuses a network without the clock it runs on', () => {
      const network = new VirtualNetwork({ scheduler: new VirtualClock().scheduler });
      expect(() => setUp({ network })).toThrow(/needs the `clock` it runs on/);
    });

    it('refuses a network on another scheduler than the clock', () => {
      const network = new VirtualNetwork({ scheduler: new VirtualClock().scheduler });
      expect(() => setUp({ network, clock: new VirtualClock() })).toThrow(/another scheduler/);
    });
  });
});
