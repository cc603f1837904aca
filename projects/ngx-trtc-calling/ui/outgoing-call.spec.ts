import { Component, signal } from '@angular/core';
import { type ComponentFixture, TestBed } from '@angular/core/testing';
import type { CallRecord, Participant, ParticipantStatus, RecordedParticipant } from 'ngx-trtc-calling';
import {
  mockActiveCall,
  MockCallingService,
  mockParticipant,
  provideMockCalling,
} from 'ngx-trtc-calling/testing/angular';
import { CallOutgoing } from './outgoing-call';
import { provideCallUserInfo } from './user-info';

@Component({
  imports: [CallOutgoing],
  template: `<ngx-call-outgoing (closed)="closed.set(closed() + 1)" />`,
})
class Host {
  readonly closed = signal(0);
}

function record(
  participants: readonly RecordedParticipant[],
  overrides: Partial<CallRecord> = {},
): CallRecord {
  return {
    callID: 'call-1',
    direction: 'outgoing',
    inviter: 'alice',
    callType: 2,
    isGroup: participants.length > 1,
    groupID: '',
    participants,
    startedAt: 0,
    connectedAt: null,
    endedAt: 1000,
    duration: 0,
    endReason: 'rejected',
    ...overrides,
  } as CallRecord;
}

describe('<ngx-call-outgoing>', () => {
  let mock: MockCallingService;
  let fixture: ComponentFixture<Host>;

  beforeEach(async () => {
    TestBed.configureTestingModule({
      providers: [
        provideMockCalling({ state: { userID: 'alice' } }),
        provideCallUserInfo((userID) => ({ displayName: userID === 'bob' ? 'Bob Builder' : userID })),
      ],
    });
    mock = TestBed.inject(MockCallingService);
    fixture = TestBed.createComponent(Host);
    await fixture.whenStable();
  });

  const el = () => fixture.nativeElement as HTMLElement;
  const screen = () => el().querySelector<HTMLElement>('[data-testid="outgoing-call"]');
  const status = () => el().querySelector('[data-testid="outgoing-status"]')?.textContent?.trim();
  const title = () => screen()?.querySelector('h2')?.textContent?.trim();

  async function dial(statuses: Readonly<Record<string, ParticipantStatus>>): Promise<void> {
    const participants: Participant[] = Object.entries(statuses).map(([userID, s]) =>
      mockParticipant(userID, { status: s, audioAvailable: false, videoAvailable: false }),
    );
    mock.setState({
      phase: 'dialing',
      call: mockActiveCall({
        direction: 'outgoing',
        inviter: 'alice',
        connectedAt: null,
        isGroup: participants.length > 1,
        participants,
      }),
    });
    await fixture.whenStable();
  }

  async function end(rec: CallRecord): Promise<void> {
    mock.setState({ phase: 'idle', call: null, records: [rec] });
    await fixture.whenStable();
  }

  it('shows nothing while idle with no unanswered call', () => {
    expect(screen()).toBeNull();
  });

  it('ringing: the callee’s avatar and display name, "Ringing…", and Cancel hangs up', async () => {
    await dial({ bob: 'ringing' });
    expect(screen()!.getAttribute('data-state')).toBe('ringing');
    expect(title()).toBe('Calling Bob Builder…');
    expect(status()).toBe('Ringing…');
    expect(screen()!.querySelector('ngx-call-avatar')).not.toBeNull();
    el().querySelector<HTMLButtonElement>('[data-testid="outgoing-cancel"]')!.click();
    expect(mock.calls.map((c) => c.method)).toEqual(['hangup']);
  });

  it('offline: says the call rings when they come online', async () => {
    await dial({ bob: 'offline' });
    expect(screen()!.getAttribute('data-state')).toBe('offline');
    expect(status()).toBe('Bob Builder is offline. The call rings if they come online.');
  });

  it('shows nothing once the call connects (the call screen takes over), nor for an incoming call', async () => {
    await dial({ bob: 'joined' });
    mock.setState({ phase: 'connected', call: mockActiveCall({ connectedAt: 5 }) });
    await fixture.whenStable();
    expect(screen()).toBeNull();
    mock.ring('carol');
    await fixture.whenStable();
    expect(screen()).toBeNull();
  });

  it.each([
    ['busy', { status: 'busy', end: { reason: 'busy' } }, 'busy', 'Bob Builder is in another call.'],
    [
      'declined',
      { status: 'rejected', end: { reason: 'rejected' } },
      'rejected',
      'Bob Builder declined the call.',
    ],
    ['noAnswer', { status: 'timeout' }, 'timeout', 'Bob Builder did not answer.'],
    [
      'noAnswer',
      { status: 'noResponse', end: { reason: 'noAnswer' } },
      'noResponse',
      'Bob Builder did not answer.',
    ],
    ['canceled', { status: 'canceled' }, 'canceled', 'Call cancelled'],
  ] as const)(
    'after the call: %s, told in plain words, with Close',
    async (state, participant, endReason, text) => {
      await dial({ bob: 'ringing' });
      await end(record([{ userID: 'bob', ...participant } as RecordedParticipant], { endReason }));
      expect(screen()!.getAttribute('data-state')).toBe(state);
      expect(status()).toBe(text);
      expect(el().querySelector('[data-testid="outgoing-cancel"]')).toBeNull();
      el().querySelector<HTMLButtonElement>('[data-testid="outgoing-close"]')!.click();
      await fixture.whenStable();
      expect(screen()).toBeNull();
      expect(fixture.componentInstance.closed()).toBe(1);
    },
  );

  it('shows nothing for a call that connected before it ended', async () => {
    await end(record([{ userID: 'bob', status: 'left' }], { connectedAt: 10, endReason: 'hangup' }));
    expect(screen()).toBeNull();
  });

  it('group call: each callee’s state, and the common outcome when all ended alike', async () => {
    await dial({ bob: 'ringing', carol: 'offline' });
    expect(title()).toBe('Calling bob, carol…');
    expect(status()).toBe('Ringing…');
    const items = () =>
      [...screen()!.querySelectorAll('li')].map((li) => [
        li.getAttribute('data-user'),
        li.getAttribute('data-state'),
      ]);
    expect(items()).toEqual([
      ['bob', 'ringing'],
      ['carol', 'offline'],
    ]);
    await end(
      record(
        [
          { userID: 'bob', status: 'rejected', end: { reason: 'rejected' } },
          { userID: 'carol', status: 'busy', end: { reason: 'busy' } },
        ],
        { endReason: 'rejected' },
      ),
    );
    expect(screen()!.getAttribute('data-state')).toBe('ended');
    expect(items()).toEqual([
      ['bob', 'declined'],
      ['carol', 'busy'],
    ]);
    expect(screen()!.querySelector('li[data-user="carol"]')!.textContent).toBe('carol is in another call.');
  });
});
