import { type ComponentFixture, TestBed } from '@angular/core/testing';
import { CallingService } from 'ngx-trtc-calling';
import type { Calling } from 'ngx-trtc-calling/core';
import { CallingTestingController, provideCallingTesting } from 'ngx-trtc-calling/testing/angular';
import { CallScreen } from './call-screen';
import { fakeAnnouncerProvider, type FakeAnnouncer, injectFakeAnnouncer } from './announcer.test-util';

// The call screen over a real Calling on the virtual network: what it shows comes from the
// engine's own state, and what its buttons do reaches the other side.
describe('<ngx-call-screen> in a call over the virtual network', () => {
  let calling: CallingService;
  let controller: CallingTestingController;
  let fixture: ComponentFixture<CallScreen>;
  let element: HTMLElement;
  let bob: Calling;
  let announcer: FakeAnnouncer;

  beforeEach(async () => {
    TestBed.configureTestingModule({
      providers: [provideCallingTesting({ ringTimeout: 10 }), fakeAnnouncerProvider],
    });
    calling = TestBed.inject(CallingService);
    controller = TestBed.inject(CallingTestingController);
    announcer = injectFakeAnnouncer();
    fixture = TestBed.createComponent(CallScreen);
    element = fixture.nativeElement;
    await controller.flush(calling.login({ userID: 'alice', userSig: 'sig' }));
    bob = await controller.createPeer('bob');
  });

  async function settle(work?: Promise<unknown>): Promise<void> {
    await controller.flush(work);
    await controller.flush();
    await fixture.whenStable();
  }

  const q = <T extends Element = HTMLElement>(selector: string) => element.querySelector<T>(selector);

  async function connect(): Promise<void> {
    await settle(calling.call({ userID: 'bob', type: 2 }));
    await settle(bob.accept());
    expect(calling.phase()).toBe('connected');
  }

  it('shows the callee ringing, then their video once they join, with the timer running', async () => {
    await settle(calling.call({ userID: 'bob', type: 2 }));
    expect(q('section')?.getAttribute('data-layout')).toBe('oneToOne');
    expect(q('.ngx-call-main .ngx-call-tile-status')?.textContent).toContain('Ringing…');
    expect(q('[role="timer"]')).toBeNull();

    await settle(bob.accept());
    expect(q('.ngx-call-main')?.classList).toContain('ngx-call-tile-video');
    expect(q('.ngx-call-main .ngx-call-tile-media')).not.toBeNull();
    expect(q('[role="timer"]')).not.toBeNull();
    expect(announcer.messages).toContain('bob joined the call');
  });

  it('shows the peer muted and camera off as they switch them', async () => {
    await connect();
    await settle(bob.setMicMute(true));
    await settle(bob.closeCamera());
    expect(q('.ngx-call-main .ngx-call-badge-muted')).not.toBeNull();
    expect(q('.ngx-call-main .ngx-call-badge-camera-off')).not.toBeNull();
    expect(q('.ngx-call-main ngx-call-avatar')).not.toBeNull();
  });

  it('its buttons act on the call, and their labels follow the engine’s state', async () => {
    await connect();
    const mic = q<HTMLButtonElement>('.ngx-call-mic');
    mic?.click();
    await settle();
    expect(calling.micMuted()).toBe(true);
    expect(mic?.getAttribute('aria-label')).toBe('Unmute microphone');
    expect(q('.ngx-call-self .ngx-call-badge-muted')).not.toBeNull();

    const camera = q<HTMLButtonElement>('.ngx-call-camera');
    camera?.click();
    await settle();
    expect(calling.cameraEnabled()).toBe(false);
    expect(camera?.getAttribute('aria-label')).toBe('Turn camera on');
    expect(bob.currentCall?.participants.find((p) => p.userID === 'alice')?.videoAvailable).toBe(false);

    q<HTMLButtonElement>('[aria-label="Hang up"]')?.click();
    await settle();
    expect(calling.phase()).toBe('idle');
    expect(bob.callRecords.at(-1)?.endReason).toBeDefined();
    expect(q('section')).toBeNull();
  });

  it('goes away when the peer hangs up', async () => {
    await connect();
    await settle(bob.hangup());
    expect(calling.phase()).toBe('idle');
    expect(q('section')).toBeNull();
  });
});
