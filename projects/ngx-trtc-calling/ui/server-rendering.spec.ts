import { Component, PLATFORM_ID } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import {
  mockActiveCall,
  MockCallingService,
  mockParticipant,
  provideMockCalling,
} from 'ngx-trtc-calling/testing/angular';
import { CallDeviceCheck } from './device-check';
import { CallScreen } from './call-screen';

@Component({
  imports: [CallScreen, CallDeviceCheck],
  template: `
    <ngx-call-screen />
    <ngx-call-device-check />
  `,
})
class CallPage {}

declare const globalThis: { ngServerMode?: boolean };

describe('the kit on the server (PLATFORM_ID "server", ngServerMode)', () => {
  beforeEach(() => (globalThis.ngServerMode = true));
  afterEach(() => delete globalThis.ngServerMode);

  it('renders the call as it stands, opening no device, ticking no timer, announcing nothing', async () => {
    // A fixed clock: a render slower than a second (a busy machine) must not change the figure.
    const now = jest.spyOn(Date, 'now').mockReturnValue(1_000_000);
    const intervals = jest.spyOn(globalThis as unknown as { setInterval: typeof setInterval }, 'setInterval');
    TestBed.configureTestingModule({
      providers: [
        provideMockCalling({ state: { userID: 'me' } }),
        { provide: PLATFORM_ID, useValue: 'server' },
      ],
    });
    const mock = TestBed.inject(MockCallingService);
    mock.setState({
      phase: 'connected',
      call: mockActiveCall({ connectedAt: Date.now() - 5000, participants: [mockParticipant('bob')] }),
    });
    const fixture = TestBed.createComponent(CallPage);
    await fixture.whenStable();
    const element: HTMLElement = fixture.nativeElement;
    expect(element.querySelector('.ngx-call-main')?.getAttribute('aria-label')).toBe('bob’s video');
    expect(element.querySelector('[role="timer"]')?.textContent?.trim()).toBe('0:05');
    expect(element.querySelector('[aria-label="Hang up"]')).not.toBeNull();
    expect(element.querySelector('.ngx-call-fullscreen')).toBeNull();
    expect(mock.calls.map((c) => c.method)).not.toContain('startDeviceCheck');
    // rxjs's async scheduler (the CDK's BreakpointObserver debounce) runs its one-shot actions
    // through setInterval(…, 0); the call timer's 1 s tick must not start.
    expect(intervals.mock.calls.filter(([, ms]) => ms === 1000)).toEqual([]);
    expect(document.querySelector('.cdk-live-announcer-element')).toBeNull();
    fixture.destroy();
    intervals.mockRestore();
    now.mockRestore();
  });
});
