import { type ComponentFixture, TestBed } from '@angular/core/testing';
import {
  mockActiveCall,
  MockCallingService,
  mockParticipant,
  provideMockCalling,
} from 'ngx-trtc-calling/testing/angular';
import { CallConnectionBanner, RECONNECTED_VISIBLE_MS } from './connection-banner';

describe('<ngx-call-connection-banner>', () => {
  let mock: MockCallingService;
  let fixture: ComponentFixture<CallConnectionBanner>;
  let region: () => HTMLElement | null;

  beforeEach(async () => {
    TestBed.configureTestingModule({ providers: [provideMockCalling()] });
    mock = TestBed.inject(MockCallingService);
    mock.setState({ phase: 'connected', call: mockActiveCall({ participants: [mockParticipant('bob')] }) });
    fixture = TestBed.createComponent(CallConnectionBanner);
    region = () => (fixture.nativeElement as HTMLElement).querySelector('[role="status"]');
    await fixture.whenStable();
  });

  afterEach(() => {
    jest.useRealTimers();
    delete (navigator as unknown as Record<string, unknown>)['onLine'];
  });

  it('is an empty live region while connected', () => {
    expect(region()?.getAttribute('data-state')).toBe('none');
    expect(region()?.textContent?.trim()).toBe('');
  });

  it('says "Reconnecting…", then "Reconnected" for a few seconds', async () => {
    jest.useFakeTimers({
      doNotFake: [
        'requestAnimationFrame',
        'cancelAnimationFrame',
        'queueMicrotask',
        'nextTick',
        'setImmediate',
      ],
    });
    mock.setMediaConnection('reconnecting');
    await stable();
    expect(region()?.textContent?.trim()).toBe('Reconnecting…');
    mock.setMediaConnection('connected');
    await stable();
    expect(region()?.textContent?.trim()).toBe('Reconnected');
    jest.advanceTimersByTime(RECONNECTED_VISIBLE_MS - 1);
    await stable();
    expect(region()?.textContent?.trim()).toBe('Reconnected');
    jest.advanceTimersByTime(1);
    await stable();
    expect(region()?.getAttribute('data-state')).toBe('none');
  });

  it('ignores the media connection without a call', async () => {
    mock.setState({ phase: 'idle', call: null });
    mock.setMediaConnection('reconnecting');
    await fixture.whenStable();
    expect(region()?.getAttribute('data-state')).toBe('none');
  });

  it('says the connection is lost while the browser is offline', async () => {
    Object.defineProperty(navigator, 'onLine', { configurable: true, get: () => false });
    window.dispatchEvent(new Event('offline'));
    await fixture.whenStable();
    expect(region()?.textContent?.trim()).toBe('Connection lost. Trying to reconnect…');
    Object.defineProperty(navigator, 'onLine', { configurable: true, get: () => true });
    window.dispatchEvent(new Event('online'));
    await fixture.whenStable();
    expect(region()?.textContent?.trim()).toBe('Reconnected');
  });

  it('leaves no timer or listener behind', async () => {
    jest.useFakeTimers({
      doNotFake: [
        'requestAnimationFrame',
        'cancelAnimationFrame',
        'queueMicrotask',
        'nextTick',
        'setImmediate',
      ],
    });
    const removed = jest.spyOn(window, 'removeEventListener');
    mock.setMediaConnection('reconnecting');
    await stable();
    mock.setMediaConnection('connected');
    await stable();
    expect(jest.getTimerCount()).toBeGreaterThan(0);
    fixture.destroy();
    expect(jest.getTimerCount()).toBe(0);
    expect(removed.mock.calls.map(([type]) => type)).toEqual(expect.arrayContaining(['online', 'offline']));
  });

  /** whenStable with fake timeouts: let Angular's scheduled change detection run. */
  async function stable() {
    jest.advanceTimersByTime(0);
    await fixture.whenStable();
  }
});
