/*
 * The component-test examples of docs/testing-your-call-flows.md, run (see ../guide-examples.spec.ts).
 */
import { Component, inject } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { CallingService } from 'ngx-trtc-calling';
import {
  CallingTestingController,
  MockCallingService,
  provideCallingTesting,
  provideMockCalling,
} from 'ngx-trtc-calling/testing/angular';

describe('Testing your call flows: components', () => {
  // #region example guide#component
  @Component({
    selector: 'app-incoming-call',
    template: `
      @if (calling.incoming(); as invitation) {
        <p>{{ invitation.sponsor }} is calling</p>
        <button (click)="calling.accept()">Accept</button>
      }
      <p class="phase">{{ calling.phase() }}</p>
    `,
  })
  class IncomingCall {
    readonly calling = inject(CallingService);
  }

  it('shows who calls, and accepting connects the call', async () => {
    TestBed.configureTestingModule({ providers: [provideCallingTesting()] });
    const calling = TestBed.inject(CallingService);
    const controller = TestBed.inject(CallingTestingController);
    const fixture = TestBed.createComponent(IncomingCall);
    const page = fixture.nativeElement as HTMLElement;

    await controller.flush(calling.login({ userID: 'alice', userSig: 'sig' }));
    const bob = await controller.createPeer('bob');
    await controller.flush(bob.call({ userID: 'alice', type: 2 }));
    await fixture.whenStable();
    expect(page.textContent).toContain('bob is calling');

    page.querySelector('button')?.click();
    await controller.flushUntilIdle();
    await fixture.whenStable();
    expect(page.querySelector('.phase')?.textContent).toBe('connected');
    controller.expectSignal({ action: 'invite', from: 'bob', kind: 'call' });
    controller.expectSignal({ action: 'accept', from: 'alice' });

    await controller.flush(calling.hangup());
    await controller.flushUntilIdle();
    controller.matchSignals({ kind: 'hangup' });
    controller.verify(); // nothing else sent, no timer or camera left behind
  });
  // #endregion

  // #region example guide#mock
  it('renders ringing without a call flow', async () => {
    TestBed.configureTestingModule({ providers: [provideMockCalling({ state: { userID: 'alice' } })] });
    const calling = TestBed.inject(MockCallingService);
    const fixture = TestBed.createComponent(IncomingCall);

    calling.ring('bob');
    await fixture.whenStable();
    expect(fixture.nativeElement.textContent).toContain('bob is calling');

    (fixture.nativeElement as HTMLElement).querySelector('button')?.click();
    expect(calling.calls.map((call) => call.method)).toEqual(['accept']);
  });
  // #endregion
});
