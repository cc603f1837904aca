import { InteractivityChecker } from '@angular/cdk/a11y';
import { type ComponentFixture, TestBed } from '@angular/core/testing';
import { CallingService } from 'ngx-trtc-calling';
import { VirtualClock, VirtualNetwork } from 'ngx-trtc-calling/testing';
import {
  CallingTestingController,
  type CallingTestingOptions,
  provideCallingTesting,
} from 'ngx-trtc-calling/testing/angular';
import { AppComponent } from './app.component';
import { DevServer } from './dev-server';
import { DEMO_CONFIG, readDemoConfig } from './runtime-config';

/** jsdom lays nothing out, so the real checker finds nothing focusable. */
const everythingFocusable: Partial<InteractivityChecker> = {
  isFocusable: () => true,
  isTabbable: () => true,
  isVisible: () => true,
  isDisabled: () => false,
};

/*
 * The demo tells how each call ended in plain words, and keeps its error banner for faults:
 * a declined call, a missing camera or a blocked one are outcomes, not errors.
 */
describe('the demo: call outcomes in plain words, no error banner for them', () => {
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

  async function setUp(testing: CallingTestingOptions = {}): Promise<void> {
    TestBed.configureTestingModule({
      providers: [
        provideCallingTesting(testing),
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
    await settle(calling.login({ userID: 'alice', userSig: 'sig-alice' }));
  }

  async function settle(work?: Promise<unknown>): Promise<void> {
    await controller.flush(work?.catch(() => undefined));
    await controller.flush();
    await fixture.whenStable();
  }

  const byTestId = (id: string) => page.querySelector<HTMLElement>(`[data-testid="${id}"]`);
  const status = () => byTestId('status')!.textContent!.trim();

  it('declined: "bob declined.", no banner', async () => {
    await setUp();
    const bob = await controller.createPeer('bob');
    bob.on('onInvited', () => void bob.reject());
    await settle(calling.call({ userID: 'bob', type: 1 }));
    await settle();
    expect(status()).toBe('bob declined. Ready to call.');
    expect(byTestId('error')).toBeNull();
  });

  it('busy: "bob is busy.", no banner', async () => {
    await setUp();
    const bob = await controller.createPeer('bob');
    const carol = await controller.createPeer('carol');
    await settle(carol.call({ userID: 'bob', type: 1 }));
    await settle(bob.accept());
    await settle(calling.call({ userID: 'bob', type: 1 }));
    await settle();
    expect(status()).toBe('bob is busy. Ready to call.');
    expect(byTestId('error')).toBeNull();
  });

  it('a call larger than a room holds: a plain notice, no banner, nothing rings', async () => {
    const clock = new VirtualClock();
    await setUp({ clock, network: new VirtualNetwork({ scheduler: clock.scheduler, maxParticipants: 2 }) });
    await settle(calling.groupCall({ userIDList: ['bob', 'carol'], type: 1 }));
    expect(calling.phase()).toBe('idle');
    expect(byTestId('outcome-notice')?.textContent).toContain('more people than one call can hold');
    expect(byTestId('error')).toBeNull();
  });

  it('our camera blocked on accept: the reason in words, no banner', async () => {
    await setUp({ media: { deniedAccess: 'camera' } });
    const bob = await controller.createPeer('bob');
    await settle(bob.call({ userID: 'alice', type: 2 }));
    await settle(calling.accept());
    expect(calling.phase()).toBe('idle');
    expect(status()).toContain('Call with bob ended: your camera is blocked');
    expect(byTestId('error')).toBeNull();
  });

  it("the callee's camera blocked: the caller reads it, no banner", async () => {
    await setUp();
    const bob = await controller.createPeer('bob', { media: { deniedAccess: 'camera' } });
    bob.on('onInvited', () => void bob.accept().catch(() => undefined));
    await settle(calling.call({ userID: 'bob', type: 2 }));
    await settle();
    expect(calling.phase()).toBe('idle');
    expect(status()).toBe('bob could not join: their camera is blocked. Ready to call.');
    expect(byTestId('error')).toBeNull();
  });

  it('no camera on a video call: a notice that the call goes on with audio only, no banner', async () => {
    await setUp({ media: { devices: { cameras: [] } } });
    await controller.createPeer('bob');
    await settle(calling.call({ userID: 'bob', type: 2 }));
    expect(calling.phase()).toBe('dialing');
    expect(byTestId('outcome-notice')?.textContent).toContain('audio only');
    expect(byTestId('error')).toBeNull();
  });
});
