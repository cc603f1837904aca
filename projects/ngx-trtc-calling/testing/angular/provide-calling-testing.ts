import { type EnvironmentProviders, inject, makeEnvironmentProviders } from '@angular/core';
import { SILENT_LOGGER } from 'ngx-trtc-calling/core';
import { CALLING_CONFIG, provideCalling, withCallingBackend } from 'ngx-trtc-calling';
import {
  CALLING_TESTING_OPTIONS,
  CallingTestingController,
  type CallingTestingOptions,
} from './calling-testing-controller';

/**
 * Provides `CallingService` over a `VirtualNetwork` (no server, no browser media) and a
 * `CallingTestingController` to drive it: the network, its clock, remote peers.
 *
 * ```ts
 * import { TestBed } from '@angular/core/testing';
 * import { CallingService } from 'ngx-trtc-calling';
 * import { CallingTestingController, provideCallingTesting } from 'ngx-trtc-calling/testing/angular';
 *
 * it('rings when bob calls, connects on accept', async () => {
 *   TestBed.configureTestingModule({ providers: [provideCallingTesting()] });
 *   const calling = TestBed.inject(CallingService);
 *   const controller = TestBed.inject(CallingTestingController);
 *
 *   await controller.flush(calling.login({ userID: 'alice', userSig: 'sig' }));
 *   const bob = await controller.createPeer('bob');
 *   await controller.flush(bob.call({ userID: 'alice', type: 2 }));
 *   expect(calling.phase()).toBe('ringing');
 *   expect(calling.incoming()?.sponsor).toBe('bob');
 *
 *   await controller.flush(calling.accept());
 *   await controller.flushUntilIdle();
 *   expect(calling.phase()).toBe('connected');
 *   controller.expectSignal({ action: 'accept', from: 'alice' });
 * });
 * ```
 *
 * Use it instead of `provideCalling(...)`, or after it (its backend and options win). Virtual
 * time moves only when the test moves it: `controller.flush(promise)`,
 * `controller.flushUntilIdle()` or `controller.clock.advance(ms)`. Assert what the app sent with
 * `controller.expectSignal(...)` and end with `controller.verify()`.
 */
export function provideCallingTesting(options: CallingTestingOptions = {}): EnvironmentProviders {
  return makeEnvironmentProviders([
    { provide: CALLING_TESTING_OPTIONS, useValue: options },
    CallingTestingController,
    provideCalling(
      withCallingBackend(() => {
        const controller = inject(CallingTestingController);
        return { create: async () => controller._connect() };
      }),
    ),
    {
      provide: CALLING_CONFIG,
      useFactory: () => ({
        scheduler: inject(CallingTestingController).scheduler,
        logger: options.logger ?? SILENT_LOGGER,
        // No rejoin across tests: jsdom's sessionStorage outlives each TestBed.
        callStore: null,
        ...(options.ringTimeout !== undefined ? { ringTimeout: options.ringTimeout } : {}),
      }),
    },
  ]);
}
