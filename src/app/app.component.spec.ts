import { InteractivityChecker } from '@angular/cdk/a11y';
import { type ComponentFixture, TestBed } from '@angular/core/testing';
import { CallingService } from 'ngx-trtc-calling';
import { CallingTestingController, provideCallingTesting } from 'ngx-trtc-calling/testing/angular';
import { AppComponent } from './app.component';
import { DevServer } from './dev-server';
import { parseCallees } from './dialer.component';
import { DEMO_CONFIG, readDemoConfig } from './runtime-config';

/** jsdom lays nothing out, so the real checker finds nothing focusable. */
const everythingFocusable: Partial<InteractivityChecker> = {
  isFocusable: () => true,
  isTabbable: () => true,
  isVisible: () => true,
  isDisabled: () => false,
};

describe('AppComponent (the demo) over the virtual network', () => {
  let fixture: ComponentFixture<AppComponent>;
  let controller: CallingTestingController;
  let calling: CallingService;
  let page: HTMLElement;

  beforeEach(async () => {
    TestBed.configureTestingModule({
      providers: [
        provideCallingTesting(),
        {
          provide: DEMO_CONFIG,
          useValue: readDemoConfig({ search: '', hostname: '127.0.0.1', protocol: 'http:' }),
        },
        { provide: DevServer, useValue: { userSig: async (userID: string) => `sig-${userID}` } },
        { provide: InteractivityChecker, useValue: everythingFocusable },
      ],
    });
    controller = TestBed.inject(CallingTestingController);
    calling = TestBed.inject(CallingService);
    fixture = TestBed.createComponent(AppComponent);
    page = fixture.nativeElement;
    await fixture.whenStable();
  });

  async function settle(work?: Promise<unknown>): Promise<void> {
    await controller.flush(work);
    await controller.flush();
    await fixture.whenStable();
  }

  const byTestId = (id: string) => page.querySelector<HTMLElement>(`[data-testid="${id}"]`);
  const status = () => byTestId('status')!.textContent!.trim();

  async function logIn(userID: string): Promise<void> {
    const field = page.querySelector<HTMLInputElement>('#user-id')!;
    field.value = userID;
    field.dispatchEvent(new Event('input'));
    byTestId('login')!.click();
    await settle();
  }

  it('logs in through the form, rings, connects, shows the peer, and records the call', async () => {
    expect(status()).toBe('Not logged in.');
    await logIn('alice');
    expect(byTestId('logged-in-as')!.textContent).toBe('alice');
    expect(status()).toBe('Ready to call.');

    const bob = await controller.createPeer('bob');
    await settle(bob.call({ userID: 'alice', type: 2 }));
    expect(status()).toBe('Incoming video call from bob.');
    expect(document.querySelector('[role="alertdialog"]')?.textContent).toContain('video call from bob');

    await settle(calling.accept());
    expect(calling.phase()).toBe('connected');
    const tile = page.querySelector<HTMLElement>('[data-testid="remote-tile"][data-user="bob"]')!;
    expect(tile.getAttribute('data-status')).toBe('joined');
    expect(status()).toBe('In a video call with bob.');

    byTestId('toggle-mic')!.click();
    await settle();
    expect(calling.micMuted()).toBe(true);
    expect(byTestId('toggle-mic')!.getAttribute('aria-pressed')).toBe('true');

    await settle(bob.setMicMute(true));
    expect(tile.getAttribute('data-audio')).toBe('false');
    expect(tile.querySelector('[data-testid="muted-badge"]')?.textContent).toBe('muted');

    byTestId('hangup')!.click();
    await settle();
    expect(calling.phase()).toBe('idle');
    expect(byTestId('call-stage')).toBeNull();
    const record = byTestId('call-record')!;
    expect(record.getAttribute('data-reason')).toBe('hangup');
    expect(record.textContent).toContain('incoming from bob');
    expect(status()).toBe('Call with bob ended: hung up. Ready to call.');
    const logged = [...page.querySelectorAll('[data-testid="event-log-item"]')].map((i) =>
      i.getAttribute('data-type'),
    );
    expect(logged[0]).toBe('onCallEnd');
    expect(logged).toEqual(expect.arrayContaining(['sdkReady', 'onInvited', 'onUserEnter']));
  });

  it('asks before switching: the peer’s request shows until answered, and the call switches only on yes', async () => {
    await logIn('alice');
    const bob = await controller.createPeer('bob');
    await settle(bob.call({ userID: 'alice', type: 1 }));
    await settle(calling.accept());
    const refused = bob.switchToVideoCall().catch((e: { reason: string }) => e.reason);
    await settle();
    expect(byTestId('switch-request')!.textContent).toContain('bob asks to switch to a video call');
    expect(calling.currentCall()?.callType).toBe(1);
    byTestId('reject-switch')!.click();
    await settle(refused);
    expect(await refused).toBe('switchRefused');
    expect(byTestId('switch-request')).toBeNull();
    expect(calling.currentCall()?.callType).toBe(1);

    const switched = bob.switchToVideoCall();
    await settle();
    byTestId('accept-switch')!.click();
    await settle(switched);
    expect(calling.currentCall()?.callType).toBe(2);
    expect(bob.currentCall?.callType).toBe(2);
    await settle(calling.hangup());
  });

  it('places a group call from the comma-separated list', async () => {
    await logIn('alice');
    await controller.createPeer('bob');
    await controller.createPeer('carol');
    const field = page.querySelector<HTMLInputElement>('#callees')!;
    field.value = 'bob, carol';
    field.dispatchEvent(new Event('input'));
    await fixture.whenStable();
    expect(byTestId('call')!.textContent!.trim()).toBe('Start video group call');
    byTestId('call')!.click();
    await settle();
    expect(calling.phase()).toBe('dialing');
    expect(calling.currentCall()?.isGroup).toBe(true);
    expect(
      [...page.querySelectorAll('[data-testid="remote-tile"]')].map((t) => t.getAttribute('data-user')),
    ).toEqual(['bob', 'carol']);
    expect(byTestId('hangup')!.textContent!.trim()).toBe('Cancel call');
  });

  it('explains an empty callee list instead of calling', async () => {
    await logIn('alice');
    byTestId('call')!.click();
    await settle();
    expect(calling.phase()).toBe('idle');
    expect(page.querySelector('#dialer-problem')?.textContent).toContain('at least one user ID');
  });
});

describe('parseCallees', () => {
  it('splits on commas, trims, drops empties and repeats', () => {
    expect(parseCallees(' bob, carol ,,bob ')).toEqual(['bob', 'carol']);
    expect(parseCallees('')).toEqual([]);
  });
});
