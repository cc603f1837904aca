import { InteractivityChecker, LiveAnnouncer } from '@angular/cdk/a11y';
import { Component, signal } from '@angular/core';
import { type ComponentFixture, TestBed } from '@angular/core/testing';
import type { Calling } from 'ngx-trtc-calling/core';
import { CallingTestingController, provideCallingTesting } from 'ngx-trtc-calling/testing/angular';
import { CallingService } from './calling-service';
import { CallingIncomingCall } from './incoming-call';

/** Records announcements instead of writing to a live region. */
class FakeAnnouncer {
  readonly messages: [string, string | undefined][] = [];
  announce(message: string, politeness?: string): Promise<void> {
    this.messages.push([message, politeness]);
    return Promise.resolve();
  }
  clear(): void {
    // nothing to clear
  }
}

/** jsdom lays nothing out, so the real checker finds no element visible, hence focusable. */
const everythingFocusable: Partial<InteractivityChecker> = {
  isFocusable: () => true,
  isTabbable: () => true,
  isVisible: () => true,
  isDisabled: () => false,
};

@Component({
  imports: [CallingIncomingCall],
  template: `
    @if (shown()) {
      <calling-incoming-call />
    }
  `,
})
class Host {
  readonly shown = signal(true);
}

describe('<calling-incoming-call>', () => {
  let calling: CallingService;
  let controller: CallingTestingController;
  let announcer: FakeAnnouncer;
  let fixture: ComponentFixture<Host>;
  let bob: Calling;

  beforeEach(async () => {
    TestBed.configureTestingModule({
      providers: [
        provideCallingTesting({ ringTimeout: 10 }),
        { provide: LiveAnnouncer, useClass: FakeAnnouncer },
        { provide: InteractivityChecker, useValue: everythingFocusable },
      ],
    });
    calling = TestBed.inject(CallingService);
    controller = TestBed.inject(CallingTestingController);
    announcer = TestBed.inject(LiveAnnouncer) as unknown as FakeAnnouncer;
    fixture = TestBed.createComponent(Host);
    await fixture.whenStable();
    await controller.flush(calling.login({ userID: 'alice', userSig: 'sig' }));
    bob = await controller.createPeer('bob');
  });

  async function settle(work?: Promise<unknown>): Promise<void> {
    await controller.flush(work);
    await controller.flush();
    await fixture.whenStable();
  }

  function panel(): HTMLElement | null {
    return document.querySelector<HTMLElement>('.calling-incoming-call');
  }

  function button(name: RegExp): HTMLButtonElement {
    const found = [...panel()!.querySelectorAll('button')].find((b) =>
      name.test(b.getAttribute('aria-label')!),
    );
    if (!found) throw new Error(`no button ${name}`);
    return found;
  }

  function key(target: Element, key: string): KeyboardEvent {
    const event = new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true });
    target.dispatchEvent(event);
    return event;
  }

  it('shows nothing while no invitation rings', async () => {
    await settle();
    expect(panel()).toBeNull();
    expect(announcer.messages).toEqual([]);
  });

  it('shows the invitation in an overlay, as a labelled alert dialog with a focus trap, and announces it', async () => {
    await settle(bob.call({ userID: 'alice', type: 2 }));
    const dialog = panel()!;
    expect(dialog).not.toBeNull();
    expect(dialog.closest('.cdk-overlay-container')).not.toBeNull();
    expect(fixture.nativeElement.contains(dialog)).toBe(false);
    expect(dialog.getAttribute('role')).toBe('alertdialog');
    expect(dialog.getAttribute('aria-modal')).toBe('true');
    const title = document.getElementById(dialog.getAttribute('aria-labelledby')!);
    expect(title?.textContent?.trim()).toBe('Incoming video call from bob');
    expect(document.getElementById(dialog.getAttribute('aria-describedby')!)?.textContent).toMatch(
      /Tab to Accept or Decline, Escape to decline/,
    );
    expect(button(/^Accept video call from bob$/).textContent?.trim()).toBe('Accept');
    expect(button(/^Decline video call from bob$/).textContent?.trim()).toBe('Decline');
    // Accept is never focused first: an Enter meant for another field must not answer.
    expect(button(/^Accept/).hasAttribute('cdkFocusInitial')).toBe(false);
    // cdkTrapFocus wraps the panel in its two tab anchors.
    expect(dialog.parentElement!.querySelectorAll('.cdk-focus-trap-anchor').length).toBe(2);
    expect(announcer.messages).toEqual([['Incoming video call from bob', 'assertive']]);
  });

  it('moves focus to the title, not to Accept, and gives it back when the panel closes', async () => {
    const before = document.createElement('button');
    document.body.appendChild(before);
    before.focus();
    await settle(bob.call({ userID: 'alice', type: 2 }));
    await new Promise((resolve) => setTimeout(resolve));
    const title = document.getElementById(panel()!.getAttribute('aria-labelledby')!);
    expect(document.activeElement).toBe(title);
    expect(document.activeElement).not.toBe(button(/^Accept/));

    await settle(bob.hangup());
    expect(panel()).toBeNull();
    expect(document.activeElement).toBe(before);
    before.remove();
  });

  it('describes audio group invitations with the other invitees', async () => {
    await controller.createPeer('carol');
    await settle(bob.groupCall({ userIDList: ['alice', 'carol'], type: 1 }));
    expect(panel()!.textContent).toMatch(/Incoming audio group call from bob/);
    expect(panel()!.textContent).toMatch(/With alice, carol/);
    expect(announcer.messages.at(-1)).toEqual(['Incoming audio group call from bob', 'assertive']);
  });

  it('does not accept on an Enter that reaches the panel (typed for another field as the call arrived)', async () => {
    await settle(bob.call({ userID: 'alice', type: 2 }));
    await new Promise((resolve) => setTimeout(resolve));
    const event = key(document.activeElement!, 'Enter');
    expect(event.defaultPrevented).toBe(false);
    key(panel()!, 'Enter');
    await settle();
    expect(calling.phase()).toBe('ringing');
    expect(panel()).not.toBeNull();
  });

  it('rejects on Escape and closes', async () => {
    await settle(bob.call({ userID: 'alice', type: 2 }));
    key(button(/^Accept/), 'Escape');
    await settle();
    expect(calling.phase()).toBe('idle');
    expect(bob.callRecords.at(-1)?.endReason).toBe('rejected');
    expect(panel()).toBeNull();
  });

  it('leaves Enter on a button to the button (Decline does not accept)', async () => {
    await settle(bob.call({ userID: 'alice', type: 2 }));
    const event = key(button(/^Decline/), 'Enter');
    expect(event.defaultPrevented).toBe(false);
    await settle();
    expect(calling.phase()).toBe('ringing');
    button(/^Decline/).click();
    await settle();
    expect(calling.phase()).toBe('idle');
    expect(panel()).toBeNull();
  });

  it('accepts on a click of Accept', async () => {
    await settle(bob.call({ userID: 'alice', type: 1 }));
    button(/^Accept audio call from bob$/).click();
    await settle();
    expect(calling.phase()).toBe('connected');
    expect(panel()).toBeNull();
  });

  it('closes when the caller cancels, and when the invitation times out', async () => {
    await settle(bob.call({ userID: 'alice', type: 2 }));
    expect(panel()).not.toBeNull();
    await settle(bob.hangup());
    expect(panel()).toBeNull();

    await settle(bob.call({ userID: 'alice', type: 2 }));
    expect(panel()).not.toBeNull();
    await controller.clock.advance(10_000);
    await settle();
    expect(calling.phase()).toBe('idle');
    expect(panel()).toBeNull();
    expect(announcer.messages.length).toBe(2);
  });

  it('closes its overlay when the component goes away', async () => {
    await settle(bob.call({ userID: 'alice', type: 2 }));
    expect(panel()).not.toBeNull();
    fixture.componentInstance.shown.set(false);
    await settle();
    expect(panel()).toBeNull();
    expect(calling.phase()).toBe('ringing');
  });
});
