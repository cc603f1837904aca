import { InteractivityChecker } from '@angular/cdk/a11y';
import { type ComponentFixture, TestBed } from '@angular/core/testing';
import { CallingService } from 'ngx-trtc-calling';
import { sessionCallStore } from 'ngx-trtc-calling/core';
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

  // jsdom plays no media: the incoming-call ringtone's element gets a stand-in.
  beforeEach(() => {
    jest.spyOn(HTMLMediaElement.prototype, 'play').mockResolvedValue(undefined);
    jest.spyOn(HTMLMediaElement.prototype, 'pause').mockImplementation(() => undefined);
  });
  afterEach(() => {
    TestBed.resetTestingModule();
    jest.restoreAllMocks();
  });

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

  const tile = (userID: string) =>
    [...page.querySelectorAll<HTMLElement>('ngx-call-tile:not(.ngx-call-tile-local)')].find(
      (t) => t.querySelector('.ngx-call-tile-name')?.textContent?.trim() === userID,
    );
  const button = (label: string) => page.querySelector<HTMLButtonElement>(`button[aria-label="${label}"]`);

  function type(selector: string, value: string): void {
    const field = page.querySelector<HTMLInputElement>(selector)!;
    field.value = value;
    field.dispatchEvent(new Event('input'));
  }

  it('logs in through the form, rings, connects, shows the peer, and records the call', async () => {
    expect(status()).toBe('Not logged in.');
    await logIn('alice');
    expect(byTestId('logged-in-as')!.textContent).toBe('alice');
    expect(status()).toBe('Ready to call.');

    const bob = await controller.createPeer('bob');
    await settle(bob.call({ userID: 'alice', type: 2 }));
    expect(status()).toBe('Incoming video call from bob.');
    expect(document.querySelector('[role="alertdialog"]')?.textContent).toContain(
      'bob is calling you (video call)',
    );

    await settle(calling.accept());
    expect(calling.phase()).toBe('connected');
    expect(tile('bob')).toBeDefined();
    expect(status()).toBe('In a video call with bob.');

    // The controls' labels say what a press does, and flip with it.
    button('Mute microphone')!.click();
    await settle();
    expect(calling.micMuted()).toBe(true);
    expect(button('Mute microphone')).toBeNull();
    expect(button('Unmute microphone')!.getAttribute('aria-pressed')).toBe('true');

    await settle(bob.setMicMute(true));
    expect(tile('bob')!.querySelector('.ngx-call-badge-muted')).not.toBeNull();

    button('Hang up')!.click();
    await settle();
    expect(calling.phase()).toBe('idle');
    expect(page.querySelector('ngx-call-screen section')).toBeNull();
    const record = byTestId('call-record')!;
    expect(record.getAttribute('data-reason')).toBe('hangup');
    expect(record.textContent).toContain('Incoming');
    expect(record.textContent).toContain('bob');
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
    expect(status()).toBe('In an audio call with bob.');
    const refused = bob.switchToVideoCall().catch((e: { reason: string }) => e.reason);
    await settle();
    expect(page.querySelector('.ngx-call-switch-request')!.textContent).toContain(
      'bob asks to switch to a video call',
    );
    expect(calling.currentCall()?.callType).toBe(1);
    page.querySelector<HTMLButtonElement>('.ngx-call-switch-decline')!.click();
    await settle(refused);
    expect(await refused).toBe('switchRefused');
    expect(page.querySelector('.ngx-call-switch-request')).toBeNull();
    expect(calling.currentCall()?.callType).toBe(1);

    const switched = bob.switchToVideoCall();
    await settle();
    page.querySelector<HTMLButtonElement>('.ngx-call-switch-accept')!.click();
    await settle(switched);
    expect(calling.currentCall()?.callType).toBe(2);
    expect(bob.currentCall?.callType).toBe(2);
    await settle(calling.hangup());
  });

  it('places a group call from the picker, and forgets its IM group afterwards', async () => {
    await logIn('alice');
    await controller.createPeer('bob');
    await controller.createPeer('carol');
    type('#group-member', 'bob, carol');
    byTestId('group-add')!.click();
    await fixture.whenStable();
    expect(byTestId('group-members')!.textContent).toContain('bob');
    expect(byTestId('group-members')!.textContent).toContain('carol');
    byTestId('group-call-video')!.click();
    await settle();
    expect(calling.phase()).toBe('dialing');
    expect(calling.currentCall()?.isGroup).toBe(true);
    expect(byTestId('outgoing-call')!.textContent).toContain('Calling bob, carol…');
    expect(byTestId('outgoing-cancel')).not.toBeNull();
    await settle(calling.hangup());
    expect(byTestId('group-members')!.textContent).toContain('Nobody added yet.');
  });

  it('tells what is wrong with a user ID next to the field, in plain words, and does not call', async () => {
    await logIn('alice');
    byTestId('call-video')!.click();
    await settle();
    expect(calling.phase()).toBe('idle');
    expect(byTestId('callee-problem')!.textContent).toContain('Type the user ID of the person to call.');
    expect(page.querySelector('#callee')!.getAttribute('aria-invalid')).toBe('true');

    type('#callee', 'no spaces please');
    await fixture.whenStable();
    expect(byTestId('callee-problem')!.textContent).toContain('“no spaces please” is not a user ID');

    type('#callee', 'alice');
    await fixture.whenStable();
    expect(byTestId('callee-problem')!.textContent).toContain('That is you.');
    byTestId('call-audio')!.click();
    await settle();
    expect(calling.phase()).toBe('idle');

    type('#callee', 'bob');
    await fixture.whenStable();
    expect(byTestId('callee-problem')!.textContent!.trim()).toBe('');
    expect(page.querySelector('#callee')!.hasAttribute('aria-invalid')).toBe(false);
  });

  it('offers the people of recent calls, one tap away', async () => {
    await logIn('alice');
    const bob = await controller.createPeer('bob');
    expect(byTestId('recent')).toBeNull();
    await settle(bob.call({ userID: 'alice', type: 1 }));
    await settle(calling.reject());
    expect(byTestId('recent')!.textContent).toContain('bob');
    button('Audio call bob')!.click();
    await settle();
    expect(calling.phase()).toBe('dialing');
    expect(calling.currentCall()?.callType).toBe(1);
    await settle(calling.hangup());
  });

  it('offers a device check inside the incoming-call dialog, closed when it stops ringing', async () => {
    await logIn('alice');
    const bob = await controller.createPeer('bob');
    await settle(bob.call({ userID: 'alice', type: 1 }));
    const dialog = document.querySelector('[role="alertdialog"]')!;
    dialog.querySelector<HTMLButtonElement>('[data-testid="incoming-device-check-open"]')!.click();
    await settle();
    expect(dialog.querySelector('[data-testid="incoming-device-check"]')).not.toBeNull();
    await settle(bob.hangup());
    await settle(bob.call({ userID: 'alice', type: 1 }));
    expect(document.querySelector('[data-testid="incoming-device-check"]')).toBeNull();
    expect(document.querySelector('[data-testid="incoming-device-check-open"]')).not.toBeNull();
    await settle(calling.reject());
  });

  it('declines a ringing call when the page goes away, and leaves a connected one for the rejoin', async () => {
    await logIn('alice');
    const bob = await controller.createPeer('bob');
    await settle(bob.call({ userID: 'alice', type: 1 }));
    window.dispatchEvent(new Event('pagehide'));
    await settle();
    expect(calling.phase()).toBe('idle');
    expect(byTestId('call-record')!.getAttribute('data-reason')).toBe('rejected');

    await settle(bob.call({ userID: 'alice', type: 1 }));
    await settle(calling.accept());
    window.dispatchEvent(new Event('pagehide'));
    await settle();
    expect(calling.phase()).toBe('connected');
    await settle(calling.hangup());
  });

  it('signs in by itself after a reload when the tab kept a call of the remembered user', async () => {
    sessionStorage.setItem('ngx-trtc-calling-demo.user', 'alice');
    sessionCallStore()!.save({
      userID: 'alice',
      callID: 'c1',
      direction: 'incoming',
      inviter: 'bob',
      callType: 1,
      roomID: 7,
      groupID: '',
      isGroup: false,
      inviteIDs: ['alice'],
      participants: ['bob'],
      startedAt: Date.now(),
      connectedAt: Date.now(),
      savedAt: Date.now(),
    });
    try {
      const reloaded = TestBed.createComponent(AppComponent);
      await settle();
      await reloaded.whenStable();
      expect(calling.userID()).toBe('alice');
    } finally {
      sessionStorage.clear();
    }
  });

  it('waits for a click to sign in when the tab kept no call', async () => {
    sessionStorage.setItem('ngx-trtc-calling-demo.user', 'alice');
    try {
      TestBed.createComponent(AppComponent);
      await settle();
      expect(calling.userID()).toBeNull();
    } finally {
      sessionStorage.clear();
    }
  });

  it('keeps the developer log behind a toggle', async () => {
    await logIn('alice');
    const log = page.querySelector<HTMLElement>('#developer-log')!;
    const toggle = byTestId('toggle-log')!;
    expect(log.hidden).toBe(true);
    expect(toggle.getAttribute('aria-expanded')).toBe('false');
    toggle.click();
    await fixture.whenStable();
    expect(log.hidden).toBe(false);
    expect(toggle.getAttribute('aria-expanded')).toBe('true');
    expect(toggle.textContent!.trim()).toBe('Hide developer log');
  });
});

describe('parseCallees', () => {
  it('splits on commas, trims, drops empties and repeats', () => {
    expect(parseCallees(' bob, carol ,,bob ')).toEqual(['bob', 'carol']);
    expect(parseCallees('')).toEqual([]);
  });
});
