import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { firstValueFrom, take, toArray } from 'rxjs';
import { CallingService } from 'ngx-trtc-calling';
import { mockActiveCall, mockParticipant } from './mock-call-state';
import { MockCallingService, provideMockCalling } from './mock-calling';

/** A component that only renders what CallingService says, as an app's call panel would. */
@Component({
  selector: 'app-call-panel',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <p data-testid="phase">{{ calling.phase() }}</p>
    @if (calling.incoming(); as invitation) {
      <p data-testid="incoming">{{ invitation.sponsor }} is calling</p>
      <button (click)="calling.accept()">Accept</button>
    }
    @for (p of calling.participants(); track p.userID) {
      <p data-testid="participant">{{ p.userID }}: {{ p.status }}</p>
    }
    @if (calling.lastError(); as error) {
      <p role="alert">{{ error.message }}</p>
    }
  `,
})
class CallPanel {
  readonly calling = inject(CallingService);
}

function render(options: Parameters<typeof provideMockCalling>[0] = {}) {
  TestBed.configureTestingModule({ providers: [provideMockCalling(options)] });
  const mock = TestBed.inject(MockCallingService);
  const fixture = TestBed.createComponent(CallPanel);
  const text = (id: string) =>
    [...(fixture.nativeElement as HTMLElement).querySelectorAll(`[data-testid="${id}"]`)].map((e) =>
      e.textContent?.trim(),
    );
  return { mock, fixture, text };
}

describe('provideMockCalling', () => {
  it('is what components get as CallingService', () => {
    const { mock } = render();
    expect(TestBed.inject(CallingService)).toBe(mock);
  });

  it('renders ringing without any call flow: ring() sets the phase and the invitation', async () => {
    const { mock, fixture, text } = render({ state: { userID: 'alice' } });
    await fixture.whenStable();
    expect(text('phase')).toEqual(['idle']);

    mock.ring('bob');
    await fixture.whenStable();
    expect(text('phase')).toEqual(['ringing']);
    expect(text('incoming')).toEqual(['bob is calling']);

    (fixture.nativeElement as HTMLElement).querySelector('button')!.click();
    expect(mock.calls.map((c) => c.method)).toEqual(['accept']);
  });

  it('renders any state set with setState / setPhase, and its streams follow', async () => {
    const { mock, fixture, text } = render();
    const phases = firstValueFrom(mock.phase$.pipe(take(3), toArray()));
    mock.setState({
      phase: 'connected',
      call: mockActiveCall({
        participants: [mockParticipant('bob'), mockParticipant('carol', { status: 'ringing' })],
      }),
    });
    mock.setPhase('idle');
    await fixture.whenStable();
    expect(await phases).toEqual(['idle', 'connected', 'idle']);
    expect(text('participant')).toEqual(['bob: joined', 'carol: ringing']);
  });

  it('emits events on their own streams; onError shows as lastError', async () => {
    const { mock, fixture } = render();
    const ended = firstValueFrom(mock.callEnd$);
    mock.emit({ type: 'onCallEnd', payload: { userID: 'bob', totalTime: 3 } as never });
    expect(await ended).toMatchObject({ userID: 'bob' });
    mock.emit({ type: 'onError', payload: { code: 60003, msg: 'no microphone' } });
    await fixture.whenStable();
    expect((fixture.nativeElement as HTMLElement).querySelector('[role="alert"]')?.textContent).toContain(
      'no microphone',
    );
  });

  it('resolves methods at once with plausible results and records them', async () => {
    const { mock } = render();
    await expect(mock.call({ userID: 'bob', type: 1 })).resolves.toMatchObject({
      code: 0,
      userID: 'bob',
      callType: 1,
    });
    await mock.login({ userID: 'alice', userSig: 'sig' });
    expect(mock.calls).toEqual([
      { method: 'call', args: [{ userID: 'bob', type: 1 }] },
      { method: 'login', args: [{ userID: 'alice', userSig: 'sig' }] },
    ]);
    await expect(mock.calling()).rejects.toThrow(/no Calling/);
  });

  it('screen sharing: start/stop set screenSharing(), the views are recorded, the reports are set by the test', async () => {
    const { mock } = render();
    await mock.startScreenShare();
    expect(mock.screenSharing()).toBe(true);
    await mock.startRemoteScreenView({ userID: 'bob', view: 'screen-bob' });
    await mock.stopRemoteScreenView({ userID: 'bob' });
    await mock.stopScreenShare();
    expect(mock.screenSharing()).toBe(false);
    expect(mock.calls.map((c) => c.method)).toEqual([
      'startScreenShare',
      'startRemoteScreenView',
      'stopRemoteScreenView',
      'stopScreenShare',
    ]);
    mock.setRemoteScreenShares(['bob']);
    mock.setNetworkQuality([{ userID: 'bob', quality: 2 }]);
    expect(mock.remoteScreenShares()).toEqual(['bob']);
    expect(await firstValueFrom(mock.networkQuality$)).toEqual([{ userID: 'bob', quality: 2 }]);
  });
});
