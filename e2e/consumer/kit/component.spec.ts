// Components in TestBed over the packed testing/angular entry: a virtual network and a mock.
import { Component, inject } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { CallingService } from 'ngx-trtc-calling';
import {
  CallingTestingController,
  MockCallingService,
  provideCallingTesting,
  provideMockCalling,
} from 'ngx-trtc-calling/testing/angular';

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

describe('testing/angular from the packed library', () => {
  it('drives a component through a call on a virtual network', async () => {
    TestBed.configureTestingModule({ providers: [provideCallingTesting({ latency: 50 })] });
    const calling = TestBed.inject(CallingService);
    const controller = TestBed.inject(CallingTestingController);
    const fixture = TestBed.createComponent(IncomingCall);
    const page = fixture.nativeElement as HTMLElement;

    await controller.flush(calling.login({ userID: 'alice', userSig: 'sig' }));
    const bob = await controller.createPeer('bob');
    await controller.flush(bob.call({ userID: 'alice', type: 2 }));
    await controller.flushUntilIdle();
    await fixture.whenStable();
    expect(page.textContent).toContain('bob is calling');

    page.querySelector('button')?.click();
    await controller.flushUntilIdle();
    await fixture.whenStable();
    expect(page.querySelector('.phase')?.textContent).toBe('connected');
    controller.expectSignal({ action: 'accept', from: 'alice' });
    await controller.clock.advance(1_000); // the clock is never undefined
  });

  it('fails fast and clearly on a promise nothing can settle', async () => {
    TestBed.configureTestingModule({ providers: [provideCallingTesting()] });
    const controller = TestBed.inject(CallingTestingController);
    const started = Date.now();
    await expect(controller.flush(new Promise(() => undefined))).rejects.toThrow(/nothing is scheduled/);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('renders ringing from a mock CallingService', async () => {
    TestBed.configureTestingModule({ providers: [provideMockCalling({ state: { userID: 'alice' } })] });
    const mock = TestBed.inject(MockCallingService);
    const fixture = TestBed.createComponent(IncomingCall);
    mock.ring('bob');
    await fixture.whenStable();
    expect(fixture.nativeElement.textContent).toContain('bob is calling');
    (fixture.nativeElement as HTMLElement).querySelector('button')?.click();
    expect(mock.calls.map((c) => c.method)).toEqual(['accept']);
  });
});
