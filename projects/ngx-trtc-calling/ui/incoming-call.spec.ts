import { InteractivityChecker } from '@angular/cdk/a11y';
import { Component, signal } from '@angular/core';
import { type ComponentFixture, TestBed } from '@angular/core/testing';
import { CALLING_CONFIG } from 'ngx-trtc-calling';
import { mockActiveCall, MockCallingService, provideMockCalling } from 'ngx-trtc-calling/testing/angular';
import { CallIncoming, INCOMING_SHORTCUT_DELAY_MS } from './incoming-call';
import { CALL_RINGTONE, type CallRingtone } from './ringtone';
import { fakeAnnouncerProvider, type FakeAnnouncer, injectFakeAnnouncer } from './announcer.test-util';

/** jsdom lays nothing out, so the real checker finds nothing focusable. */
const everythingFocusable: Partial<InteractivityChecker> = {
  isFocusable: () => true,
  isTabbable: () => true,
  isVisible: () => true,
  isDisabled: () => false,
};

@Component({
  imports: [CallIncoming],
  template: `
    @if (shown()) {
      <ngx-call-incoming><p class="app-extra">Check your camera first</p></ngx-call-incoming>
    }
  `,
})
class Host {
  readonly shown = signal(true);
}

/** A notification the tests can see constructed and closed. */
class FakeNotification {
  static permission: NotificationPermission = 'granted';
  static readonly made: FakeNotification[] = [];
  closed = false;
  onclick: (() => void) | null = null;
  constructor(
    readonly title: string,
    readonly options: NotificationOptions,
  ) {
    FakeNotification.made.push(this);
  }
  close(): void {
    this.closed = true;
  }
}

describe('<ngx-call-incoming>', () => {
  let mock: MockCallingService;
  let fixture: ComponentFixture<Host>;
  let announcer: FakeAnnouncer;
  let play: jest.SpyInstance;
  let pause: jest.SpyInstance;
  let page: HTMLElement;
  let now: number;

  async function setUp(ringtone?: CallRingtone): Promise<void> {
    TestBed.configureTestingModule({
      providers: [
        provideMockCalling({ state: { userID: 'alice' } }),
        { provide: CALLING_CONFIG, useValue: { ringTimeout: 20 } },
        fakeAnnouncerProvider,
        { provide: InteractivityChecker, useValue: everythingFocusable },
        ...(ringtone === undefined ? [] : [{ provide: CALL_RINGTONE, useValue: ringtone }]),
      ],
    });
    mock = TestBed.inject(MockCallingService);
    announcer = injectFakeAnnouncer();
    fixture = TestBed.createComponent(Host);
    await fixture.whenStable();
  }

  beforeEach(() => {
    now = 1_000_000;
    jest.spyOn(Date, 'now').mockImplementation(() => now);
    play = jest.spyOn(HTMLMediaElement.prototype, 'play').mockResolvedValue(undefined);
    pause = jest.spyOn(HTMLMediaElement.prototype, 'pause').mockImplementation(() => undefined);
    // The app's content: what the dialog must make inert.
    page = document.createElement('div');
    page.innerHTML = '<input id="other-field" /><button id="logout">Log out</button>';
    document.body.appendChild(page);
  });

  afterEach(() => {
    // Tears the component down while play/pause are still mocked (jsdom has no media).
    TestBed.resetTestingModule();
    jest.restoreAllMocks();
    page.remove();
    FakeNotification.made.length = 0;
  });

  async function settle(): Promise<void> {
    await fixture.whenStable();
    await new Promise((resolve) => setTimeout(resolve));
    await fixture.whenStable();
  }

  async function ring(callType: 1 | 2 = 2): Promise<void> {
    mock.ring('bob', { callType, inviteID: 'invite-1' });
    await settle();
  }

  async function endRinging(): Promise<void> {
    mock.setState({ phase: 'idle', call: null });
    await settle();
  }

  function dialog(): HTMLElement | null {
    return document.querySelector<HTMLElement>('[data-testid="incoming-call"]');
  }

  function byTestId<T extends HTMLElement>(id: string): T {
    const found = document.querySelector<T>(`[data-testid="${id}"]`);
    if (!found) throw new Error(`no ${id}`);
    return found;
  }

  function key(target: Element, key: string, init: KeyboardEventInit = {}): KeyboardEvent {
    const event = new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true, ...init });
    target.dispatchEvent(event);
    return event;
  }

  const methods = () => mock.calls.map((c) => c.method);

  it('shows nothing and plays nothing while no call rings', async () => {
    await setUp();
    expect(dialog()).toBeNull();
    expect(play).not.toHaveBeenCalled();
    expect(page.hasAttribute('inert')).toBe(false);
  });

  it('shows the caller, the call type and the ring countdown in a labelled alert dialog over a backdrop', async () => {
    await setUp();
    await ring(2);
    const d = dialog()!;
    expect(d.getAttribute('role')).toBe('alertdialog');
    expect(d.getAttribute('aria-modal')).toBe('true');
    expect(d.closest('.cdk-overlay-container')).not.toBeNull();
    expect(document.querySelector('.cdk-overlay-backdrop.ngx-call-incoming-backdrop')).not.toBeNull();
    const title = document.getElementById(d.getAttribute('aria-labelledby')!);
    expect(title?.textContent?.trim()).toBe('bob is calling you (video call)');
    expect(d.getAttribute('data-call-type')).toBe('video');
    expect(byTestId('incoming-countdown').textContent?.trim()).toBe('Rings for 20 more seconds');
    expect(d.querySelector('ngx-call-avatar')).not.toBeNull();
    expect(byTestId('incoming-accept').textContent?.trim()).toBe('Accept');
    expect(byTestId('incoming-accept-audio').textContent?.trim()).toBe('Accept with audio only');
    expect(byTestId('incoming-decline').textContent?.trim()).toBe('Decline');
    expect(announcer.messages).toEqual(['bob is calling you (video call)']);
  });

  it('shows the app’s own content in the dialog (e.g. a device check before answering)', async () => {
    await setUp();
    expect(document.querySelector('.app-extra')?.closest('[role="alertdialog"]') ?? null).toBeNull();
    await ring();
    expect(dialog()!.querySelector('.app-extra')?.textContent).toBe('Check your camera first');
  });

  it('offers no audio-only answer to an audio call', async () => {
    await setUp();
    await ring(1);
    expect(dialog()!.getAttribute('data-call-type')).toBe('audio');
    expect(document.querySelector('[data-testid="incoming-accept-audio"]')).toBeNull();
  });

  it('counts down to the ring timeout', async () => {
    const intervals = jest.spyOn(globalThis, 'setInterval');
    await setUp();
    await ring();
    const tick = intervals.mock.calls.find(([, ms]) => ms === 1000)?.[0] as (() => void) | undefined;
    now += 3000;
    tick!();
    await settle();
    expect(byTestId('incoming-countdown').textContent?.trim()).toBe('Rings for 17 more seconds');
    now += 30_000;
    tick!();
    await settle();
    expect(byTestId('incoming-countdown').textContent?.trim()).toBe('Rings for 0 more seconds');
  });

  it('focuses the dialog, never Accept, and an Enter typed for another field does not answer', async () => {
    await setUp();
    const field = page.querySelector<HTMLInputElement>('#other-field')!;
    field.focus();
    await ring();
    expect(document.activeElement).toBe(dialog());
    expect(document.activeElement).not.toBe(byTestId('incoming-accept'));
    const enter = key(document.activeElement!, 'Enter');
    expect(enter.defaultPrevented).toBe(false);
    await settle();
    expect(methods()).not.toContain('accept');
    expect(dialog()).not.toBeNull();
  });

  it('takes shortcuts only while the dialog has the focus and after a second: A accepts', async () => {
    await setUp();
    await ring();
    // Keys right after it opened were typed for something else.
    key(dialog()!, 'a');
    key(dialog()!, 'Escape');
    expect(methods()).toEqual([]);
    now += INCOMING_SHORTCUT_DELAY_MS;
    // Keys outside the dialog never reach it.
    key(page, 'a');
    key(dialog()!, 'a', { repeat: true });
    key(dialog()!, 'a', { ctrlKey: true });
    expect(methods()).toEqual([]);
    const event = key(dialog()!, 'a');
    expect(event.defaultPrevented).toBe(true);
    await settle();
    expect(methods()).toEqual(['accept']);
  });

  it('D or Escape declines once armed', async () => {
    await setUp();
    await ring();
    now += INCOMING_SHORTCUT_DELAY_MS;
    key(dialog()!, 'Escape');
    key(dialog()!, 'd');
    await settle();
    expect(methods()).toEqual(['reject', 'reject']);
  });

  it('Accept answers; Accept with audio only turns the camera off, then answers', async () => {
    await setUp();
    await ring();
    byTestId('incoming-accept').click();
    await settle();
    expect(methods()).toEqual(['accept']);
    byTestId('incoming-accept-audio').click();
    await settle();
    // Before the answer: the join never opens the camera.
    expect(methods()).toEqual(['accept', 'closeCamera', 'accept']);
  });

  it('Decline rejects', async () => {
    await setUp();
    await ring();
    byTestId('incoming-decline').click();
    await settle();
    expect(methods()).toEqual(['reject']);
  });

  it('makes the page behind inert while it rings, and gives it back with the focus after', async () => {
    await setUp();
    const field = page.querySelector<HTMLInputElement>('#other-field')!;
    field.focus();
    await ring();
    expect(page.hasAttribute('inert')).toBe(true);
    expect(fixture.nativeElement.closest('[inert]')).not.toBeNull();
    expect(dialog()!.closest('[inert]')).toBeNull();
    await endRinging();
    expect(dialog()).toBeNull();
    expect(page.hasAttribute('inert')).toBe(false);
    expect(document.querySelector('[inert]')).toBeNull();
    expect(document.activeElement).toBe(field);
  });

  it('leaves an element the app made inert itself inert', async () => {
    await setUp();
    page.setAttribute('inert', '');
    await ring();
    await endRinging();
    expect(page.hasAttribute('inert')).toBe(true);
  });

  it('plays the generated ringtone in a loop while it rings, and stops it when the call stops ringing', async () => {
    await setUp();
    await ring();
    const audio = byTestId<HTMLAudioElement>('ringtone');
    expect(audio.loop).toBe(true);
    expect(audio.getAttribute('src')).toMatch(/^data:audio\/wav;base64,UklGR/);
    expect(play).toHaveBeenCalledTimes(1);
    expect(play.mock.contexts[0]).toBe(audio);
    audio.currentTime = 2;
    await endRinging();
    expect(pause).toHaveBeenCalledTimes(1);
    expect(pause.mock.contexts[0]).toBe(audio);
  });

  it('stops the ringtone once the call is answered (here or on another device)', async () => {
    await setUp();
    await ring();
    mock.setState({ phase: 'connecting', call: mockActiveCall({ callID: 'invite-1' }) });
    await settle();
    expect(pause).toHaveBeenCalledTimes(1);
  });

  it('plays an app URL, and nothing when the ringtone is null', async () => {
    await setUp('/assets/ring.mp3');
    await ring();
    expect(byTestId('ringtone').getAttribute('src')).toBe('/assets/ring.mp3');
    await endRinging();
    TestBed.resetTestingModule();

    await setUp(null);
    await ring();
    expect(document.querySelector('[data-testid="ringtone"]')).toBeNull();
    expect(play).toHaveBeenCalledTimes(1);
  });

  it('retries a ringtone the browser refused (autoplay) on the next user gesture', async () => {
    play.mockRejectedValueOnce(new DOMException('not allowed', 'NotAllowedError'));
    await setUp();
    await ring();
    expect(play).toHaveBeenCalledTimes(1);
    document.dispatchEvent(new Event('pointerdown'));
    await settle();
    expect(play).toHaveBeenCalledTimes(2);
    // Once playing, gestures do not restart it.
    document.dispatchEvent(new Event('keydown'));
    expect(play).toHaveBeenCalledTimes(2);
  });

  it('does not retry after the call stopped ringing', async () => {
    play.mockRejectedValueOnce(new DOMException('not allowed', 'NotAllowedError'));
    await setUp();
    await ring();
    await endRinging();
    document.dispatchEvent(new Event('pointerdown'));
    expect(play).toHaveBeenCalledTimes(1);
  });

  it('drives a ringtone player of its own', async () => {
    const player = { start: jest.fn(), stop: jest.fn() };
    await setUp(player);
    await ring();
    expect(player.start).toHaveBeenCalledTimes(1);
    expect(document.querySelector('[data-testid="ringtone"]')).toBeNull();
    await endRinging();
    expect(player.stop).toHaveBeenCalledTimes(1);
  });

  describe('in a hidden tab', () => {
    beforeEach(() => {
      Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
      (window as unknown as { Notification: unknown }).Notification = FakeNotification;
      FakeNotification.permission = 'granted';
      document.title = 'Calls';
    });
    afterEach(() => {
      delete (document as unknown as Record<string, unknown>)['visibilityState'];
      delete (window as unknown as Record<string, unknown>)['Notification'];
    });

    it('shows a notification and changes the title, both undone when it stops ringing', async () => {
      await setUp();
      await ring();
      expect(FakeNotification.made.map((n) => n.title)).toEqual(['bob is calling (video call)']);
      expect(FakeNotification.made[0]!.options).toEqual(
        expect.objectContaining({ body: 'Open the tab to answer.', tag: 'ngx-call-invite-1' }),
      );
      expect(document.title).toBe('📞 bob is calling');
      await endRinging();
      expect(FakeNotification.made[0]!.closed).toBe(true);
      expect(document.title).toBe('Calls');
    });

    it('shows no notification without permission, but still changes the title', async () => {
      FakeNotification.permission = 'default';
      await setUp();
      await ring();
      expect(FakeNotification.made).toEqual([]);
      expect(document.title).toBe('📞 bob is calling');
    });

    it('undoes both when the tab is shown again while it still rings', async () => {
      await setUp();
      await ring();
      Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'visible' });
      document.dispatchEvent(new Event('visibilitychange'));
      expect(FakeNotification.made[0]!.closed).toBe(true);
      expect(document.title).toBe('Calls');
    });
  });

  it('closes everything when the component goes away while it rings', async () => {
    await setUp();
    await ring();
    fixture.componentInstance.shown.set(false);
    await settle();
    expect(dialog()).toBeNull();
    expect(page.hasAttribute('inert')).toBe(false);
    expect(pause).toHaveBeenCalledTimes(1);
    expect(mock.phase()).toBe('ringing');
  });
});
