import { MediaMatcher } from '@angular/cdk/layout';
import { type ComponentFixture, TestBed } from '@angular/core/testing';
import type { ActiveCall } from 'ngx-trtc-calling';
import {
  mockActiveCall,
  MockCallingService,
  mockParticipant,
  provideMockCalling,
} from 'ngx-trtc-calling/testing/angular';
import { CallScreen } from './call-screen';
import { provideCallUserInfo } from './user-info';
import { fakeAnnouncerProvider, type FakeAnnouncer, injectFakeAnnouncer } from './announcer.test-util';

/** A viewport that matches every query (a phone) or none. */
function viewport(phone: boolean): Partial<MediaMatcher> {
  return {
    matchMedia: (query: string) =>
      ({
        matches: phone,
        media: query,
        addListener: () => undefined,
        removeListener: () => undefined,
      }) as unknown as MediaQueryList,
  };
}

describe('<ngx-call-screen>', () => {
  let mock: MockCallingService;
  let fixture: ComponentFixture<CallScreen>;
  let element: HTMLElement;
  let announcer: FakeAnnouncer;

  function setup(options: { phone?: boolean } = {}) {
    TestBed.configureTestingModule({
      providers: [
        provideMockCalling({ state: { userID: 'me' } }),
        provideCallUserInfo((userID) => ({ displayName: userID === 'bob' ? 'Bob Builder' : userID })),
        fakeAnnouncerProvider,
        { provide: MediaMatcher, useValue: viewport(options.phone ?? false) },
      ],
    });
    mock = TestBed.inject(MockCallingService);
    announcer = injectFakeAnnouncer();
    fixture = TestBed.createComponent(CallScreen);
    element = fixture.nativeElement;
  }

  async function inCall(call: Partial<ActiveCall>) {
    mock.setState({ phase: 'connected', call: mockActiveCall({ connectedAt: Date.now(), ...call }) });
    await fixture.whenStable();
  }

  const q = (selector: string) => element.querySelector(selector);
  const all = (selector: string) => Array.from(element.querySelectorAll(selector));
  const calls = (method: string) => mock.calls.filter((c) => c.method === method).map((c) => c.args[0]);

  beforeEach(() => setup());

  it('renders nothing without a call, nor while a call rings for us', async () => {
    await fixture.whenStable();
    expect(q('section')).toBeNull();
    mock.ring('bob');
    await fixture.whenStable();
    expect(q('section')).toBeNull();
  });

  it('1:1 video: the other person large with their video, your camera in the corner', async () => {
    await inCall({ participants: [mockParticipant('bob')] });
    expect(q('section')?.getAttribute('data-layout')).toBe('oneToOne');
    expect(q('.ngx-call-main')?.getAttribute('aria-label')).toBe('Bob Builder’s video');
    expect(q('.ngx-call-self')?.getAttribute('aria-label')).toBe('Your camera');
    expect(q('.ngx-call-title')?.textContent).toContain('Bob Builder · video call');
    expect(calls('startRemoteView')).toEqual([expect.objectContaining({ userID: 'bob' })]);
    expect(calls('startLocalView')).toHaveLength(1);
    expect(all('.ngx-call-tile-media')).toHaveLength(2);
  });

  it.each([
    [3, 2],
    [6, 3],
  ])('a group of %i shows a grid of %i columns, one tile each', async (people, columns) => {
    const others = Array.from({ length: people - 1 }, (_, i) => mockParticipant(`user${i}`));
    await inCall({ isGroup: true, participants: others });
    expect(q('section')?.getAttribute('data-layout')).toBe('grid');
    expect(q('.ngx-call-grid')?.getAttribute('data-columns')).toBe(String(columns));
    expect(all('ngx-call-tile')).toHaveLength(people);
  });

  it.each([
    [3, 2, 2],
    [9, 3, 3],
  ])(
    'a group of %i sizes its tiles to fit %i columns by %i rows, so that they fit the grid height',
    async (people, columns, rows) => {
      const others = Array.from({ length: people - 1 }, (_, i) => mockParticipant(`user${i}`));
      await inCall({ isGroup: true, participants: others });
      const grid = q('.ngx-call-grid') as HTMLElement;
      expect(grid.style.getPropertyValue('--_call-cols')).toBe(String(columns));
      expect(grid.style.getPropertyValue('--_call-rows')).toBe(String(rows));
    },
  );

  it('a group leaves out those who left, and shows the ringing ones with their avatar', async () => {
    await inCall({
      isGroup: true,
      participants: [
        mockParticipant('ann'),
        mockParticipant('cid', { status: 'ringing', videoAvailable: false }),
        mockParticipant('dan', { status: 'left' }),
      ],
    });
    const names = all('.ngx-call-tile-name').map((n) => n.textContent?.trim());
    expect(names).toEqual(['ann', 'cid', 'You']);
    const ringing = all('ngx-call-tile')[1];
    expect(ringing?.querySelector('ngx-call-avatar')).not.toBeNull();
    expect(ringing?.querySelector('.ngx-call-tile-status')?.textContent).toContain('Ringing…');
  });

  it('an audio call shows avatar tiles, no video', async () => {
    await inCall({
      callType: 1,
      cameraEnabled: false,
      participants: [mockParticipant('bob', { videoAvailable: false })],
    });
    expect(all('.ngx-call-tile-media')).toHaveLength(0);
    expect(all('ngx-call-tile ngx-call-avatar')).toHaveLength(2);
    expect(q('.ngx-call-badge-camera-off')).toBeNull();
    expect(q('.ngx-call-title')?.textContent).toContain('audio call');
  });

  it('camera off and muted show as badges, for them and for you', async () => {
    await inCall({
      micMuted: true,
      cameraEnabled: false,
      participants: [mockParticipant('bob', { videoAvailable: false, audioAvailable: false })],
    });
    const [remote, self] = [q('.ngx-call-main'), q('.ngx-call-self')];
    for (const tile of [remote, self]) {
      expect(tile?.querySelector('.ngx-call-badge-muted')?.getAttribute('aria-label')).toBe('Muted');
      expect(tile?.querySelector('.ngx-call-badge-camera-off')?.getAttribute('aria-label')).toBe(
        'Camera off',
      );
      expect(tile?.querySelector('ngx-call-avatar')).not.toBeNull();
    }
    expect(remote?.getAttribute('aria-label')).toBe('Bob Builder');
    await inCall({ participants: [mockParticipant('bob')] });
    expect(q('.ngx-call-badge-muted')).toBeNull();
    expect(q('.ngx-call-badge-camera-off')).toBeNull();
  });

  it('the speaking indicator follows the voice volumes', async () => {
    await inCall({ participants: [mockParticipant('bob')] });
    const volumes = (bob: number, me: number) =>
      mock.emit({
        type: 'onUserVoiceVolume',
        payload: {
          volumeMap: [
            { userId: 'bob', audioVolume: bob },
            { userId: 'me', audioVolume: me },
          ],
        },
      });
    volumes(40, 0);
    await fixture.whenStable();
    expect(q('.ngx-call-main')?.classList).toContain('ngx-call-tile-speaking');
    expect(q('.ngx-call-main .ngx-call-badge-speaking')?.getAttribute('aria-label')).toBe('Speaking');
    expect(q('.ngx-call-self')?.classList).not.toContain('ngx-call-tile-speaking');
    volumes(2, 30);
    await fixture.whenStable();
    expect(q('.ngx-call-main')?.classList).not.toContain('ngx-call-tile-speaking');
    expect(q('.ngx-call-self')?.classList).toContain('ngx-call-tile-speaking');

    // The next call starts with nobody speaking, whatever the last one's volumes were.
    await inCall({ callID: 'call-2', participants: [mockParticipant('bob')] });
    expect(q('.ngx-call-self')?.classList).not.toContain('ngx-call-tile-speaking');
  });

  it.each([
    [1, 'good', 4, 'Bob Builder: network excellent'],
    [2, 'good', 3, 'Bob Builder: network good'],
    [3, 'fair', 2, 'Bob Builder: network fair'],
    [5, 'poor', 1, 'Bob Builder: network very poor'],
    [6, 'poor', 0, 'Bob Builder: network disconnected'],
  ] as const)('network quality %i shows as %s with %i bars', async (quality, level, bars, label) => {
    await inCall({ participants: [mockParticipant('bob')] });
    expect(q('.ngx-call-quality')).toBeNull();
    mock.setNetworkQuality([{ userID: 'bob', quality }]);
    await fixture.whenStable();
    const badge = q('.ngx-call-main .ngx-call-quality');
    expect(badge?.getAttribute('data-level')).toBe(level);
    expect(badge?.querySelectorAll('i.on')).toHaveLength(bars);
    expect(badge?.getAttribute('aria-label')).toBe(label);
  });

  it('a remote screen share is shown large, everyone in a strip, and is released when it ends', async () => {
    await inCall({ participants: [mockParticipant('bob')] });
    mock.setRemoteScreenShares(['bob']);
    await fixture.whenStable();
    expect(q('section')?.getAttribute('data-layout')).toBe('screenShare');
    expect(q('.ngx-call-screen-share')?.getAttribute('aria-label')).toBe('Bob Builder’s screen');
    expect(all('.ngx-call-strip ngx-call-tile')).toHaveLength(2);
    expect(calls('startRemoteScreenView')).toEqual([{ userID: 'bob', view: q('.ngx-call-screen-share') }]);
    expect(announcer.messages).toContain('Bob Builder is sharing their screen');

    mock.setRemoteScreenShares([]);
    await fixture.whenStable();
    expect(q('section')?.getAttribute('data-layout')).toBe('oneToOne');
    expect(calls('stopRemoteScreenView')).toEqual([{ userID: 'bob' }]);
  });

  it('says when this user shares their screen', async () => {
    await inCall({ participants: [mockParticipant('bob')] });
    expect(q('.ngx-call-sharing-notice')).toBeNull();
    mock.setScreenSharing(true);
    await fixture.whenStable();
    expect(q('.ngx-call-sharing-notice')?.textContent).toContain('You are sharing your screen');
  });

  it('announces who joins and who leaves', async () => {
    await inCall({
      isGroup: true,
      participants: [mockParticipant('bob'), mockParticipant('ann', { status: 'ringing' })],
    });
    expect(announcer.messages).toEqual(['Bob Builder joined the call']);
    await inCall({
      isGroup: true,
      participants: [mockParticipant('bob', { status: 'left' }), mockParticipant('ann')],
    });
    expect(announcer.messages.at(-1)).toBe('ann joined the call. Bob Builder left the call');
  });

  it('asks the peer’s switch question and answers it', async () => {
    await inCall({
      callType: 1,
      participants: [mockParticipant('bob')],
      switchRequest: { inviteID: 'sw-1', from: 'bob', to: 'video' },
    });
    const group = q('.ngx-call-switch-request');
    expect(group?.textContent).toContain('Bob Builder asks to switch to a video call');
    expect(announcer.messages.join('. ')).toContain('Bob Builder asks to switch to a video call');
    expect(document.activeElement).not.toBe(q('.ngx-call-switch-accept'));
    (q('.ngx-call-switch-accept') as HTMLButtonElement).click();
    (q('.ngx-call-switch-decline') as HTMLButtonElement).click();
    expect(mock.calls.map((c) => c.method)).toEqual(expect.arrayContaining(['acceptSwitch', 'rejectSwitch']));
  });

  it('includes the controls and the connection banner', async () => {
    await inCall({ participants: [mockParticipant('bob')] });
    expect(q('ngx-call-controls [aria-label="Hang up"]')).not.toBeNull();
    expect(q('ngx-call-connection-banner [role="status"]')).not.toBeNull();
  });
});

describe('<ngx-call-screen> timer', () => {
  afterEach(() => jest.useRealTimers());

  it('counts the call time every second from when someone joined', async () => {
    // Only the clock and intervals: Angular's scheduler keeps its real timeouts for whenStable().
    jest.useFakeTimers({
      now: 1_000_000,
      doNotFake: [
        'setTimeout',
        'clearTimeout',
        'requestAnimationFrame',
        'cancelAnimationFrame',
        'queueMicrotask',
        'nextTick',
        'setImmediate',
        'clearImmediate',
      ],
    });
    TestBed.configureTestingModule({ providers: [provideMockCalling({ state: { userID: 'me' } })] });
    const mock = TestBed.inject(MockCallingService);
    const fixture = TestBed.createComponent(CallScreen);
    const element: HTMLElement = fixture.nativeElement;
    mock.setState({
      phase: 'connecting',
      call: mockActiveCall({ participants: [mockParticipant('bob', { status: 'accepted' })] }),
    });
    await fixture.whenStable();
    expect(element.querySelector('[role="timer"]')).toBeNull();

    mock.setState({
      phase: 'connected',
      call: mockActiveCall({ connectedAt: Date.now(), participants: [mockParticipant('bob')] }),
    });
    await fixture.whenStable();
    const timer = () => element.querySelector('[role="timer"]');
    expect(timer()?.getAttribute('aria-label')).toBe('Call duration');
    expect(timer()?.textContent?.trim()).toBe('0:00');
    jest.advanceTimersByTime(65_000);
    await fixture.whenStable();
    expect(timer()?.textContent?.trim()).toBe('1:05');
    jest.advanceTimersByTime(3600_000);
    await fixture.whenStable();
    expect(timer()?.textContent?.trim()).toBe('1:01:05');

    fixture.destroy();
    expect(jest.getTimerCount()).toBe(0);
  });
});

describe('<ngx-call-screen> on a phone', () => {
  it('uses fewer columns and stacks the controls', async () => {
    TestBed.configureTestingModule({
      providers: [
        provideMockCalling({ state: { userID: 'me' } }),
        { provide: MediaMatcher, useValue: viewport(true) },
      ],
    });
    const mock = TestBed.inject(MockCallingService);
    const fixture = TestBed.createComponent(CallScreen);
    mock.setState({
      phase: 'connected',
      call: mockActiveCall({
        isGroup: true,
        participants: [mockParticipant('a'), mockParticipant('b'), mockParticipant('c')],
      }),
    });
    await fixture.whenStable();
    const element: HTMLElement = fixture.nativeElement;
    expect(element.classList).toContain('ngx-call-phone');
    expect(element.querySelector('.ngx-call-grid')?.getAttribute('data-columns')).toBe('2');
    expect(element.querySelector('ngx-call-controls')?.classList).toContain('ngx-call-phone');
  });
});
