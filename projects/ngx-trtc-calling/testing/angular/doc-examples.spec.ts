/*
 * The Angular `@example`s of the testing kit (and the tencent adapter's message mapper), run; see
 * ../doc-examples.spec.ts. Each region is checked against its doc comment by
 * ../doc-examples-match.spec.ts.
 */
import { Component, inject } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { firstValueFrom, of, Subject, toArray } from 'rxjs';
import { CallingService } from 'ngx-trtc-calling';
import { decodeSignals, type IncomingMessage, rejectWhenBusy } from 'ngx-trtc-calling/core';
import { fromTimMessage, TIM_MESSAGE_TYPES, type TimMessage } from 'ngx-trtc-calling/tencent';
import { inviteFrom, messageOf } from 'ngx-trtc-calling/testing';
import { CallingTestingController } from './calling-testing-controller';
import { mockActiveCall, mockParticipant } from './mock-call-state';
import { MockCallingService, provideMockCalling } from './mock-calling';
import { provideCallingTesting } from './provide-calling-testing';

@Component({
  selector: 'app-call-panel',
  template: `@if (calling.incoming(); as invitation) {
      <p>{{ invitation.sponsor }} is calling</p>
    }
    @for (p of calling.participants(); track p.userID) {
      <p>with {{ p.userID }}</p>
    }`,
})
class CallPanel {
  readonly calling = inject(CallingService);
}

describe('provideCallingTesting', () => {
  // #region example provide-calling-testing.ts#provideCallingTesting
  it('rings when bob calls, connects on accept', async () => {
    TestBed.configureTestingModule({ providers: [provideCallingTesting()] });
    const calling = TestBed.inject(CallingService);
    const controller = TestBed.inject(CallingTestingController);

    await controller.flush(calling.login({ userID: 'alice', userSig: 'sig' }));
    const bob = await controller.createPeer('bob');
    await controller.flush(bob.call({ userID: 'alice', type: 2 }));
    expect(calling.phase()).toBe('ringing');
    expect(calling.incoming()?.sponsor).toBe('bob');

    await controller.flush(calling.accept());
    await controller.flushUntilIdle();
    expect(calling.phase()).toBe('connected');
    controller.expectSignal({ action: 'accept', from: 'alice' });
  });
  // #endregion

  it('CallingTestingController.expectSignal', async () => {
    TestBed.configureTestingModule({ providers: [provideCallingTesting()] });
    const calling = TestBed.inject(CallingService);
    const controller = TestBed.inject(CallingTestingController);
    await controller.flush(calling.login({ userID: 'alice', userSig: 'sig' }));
    const bob = await controller.createPeer('bob');
    const carol = await controller.createPeer('carol');
    await controller.flush(bob.call({ userID: 'alice', type: 2 }));
    await controller.flush(carol.call({ userID: 'alice', type: 2 }));
    await controller.flushUntilIdle();
    // #region example calling-testing-controller.ts#expectSignal
    controller.expectSignal({ action: 'reject', from: 'alice', busy: true });
    // #endregion
  });
});

describe('provideMockCalling', () => {
  it('provideMockCalling', async () => {
    // #region example mock-calling.ts#provideMockCalling
    TestBed.configureTestingModule({ providers: [provideMockCalling({ state: { userID: 'alice' } })] });
    const calling = TestBed.inject(MockCallingService);
    const fixture = TestBed.createComponent(CallPanel);
    calling.ring('bob');
    await fixture.whenStable();
    expect(fixture.nativeElement.textContent).toContain('bob is calling');
    // #endregion
  });

  it('mockActiveCall', async () => {
    TestBed.configureTestingModule({ providers: [provideMockCalling()] });
    const mock = TestBed.inject(MockCallingService);
    const fixture = TestBed.createComponent(CallPanel);
    // #region example mock-call-state.ts#mockActiveCall
    mock.setState({ phase: 'connected', call: mockActiveCall({ participants: [mockParticipant('bob')] }) });
    // #endregion
    await fixture.whenStable();
    expect(fixture.nativeElement.textContent).toContain('with bob');
  });
});

describe('fromTimMessage', () => {
  it('fromTimMessage', async () => {
    const handlers = new Map<string, (event: { data: TimMessage[] }) => void>();
    const tim = {
      on: (name: string, handler: (event: { data: TimMessage[] }) => void) => handlers.set(name, handler),
    };
    const TIM = { EVENT: { MESSAGE_RECEIVED: 'onMessageReceived' }, TYPES: TIM_MESSAGE_TYPES };
    const state$ = of({ phase: 'connected' as const, call: null });
    // #region example tim-message.ts#fromTimMessage
    const incoming$ = new Subject<IncomingMessage>();
    tim.on(TIM.EVENT.MESSAGE_RECEIVED, ({ data }) =>
      data.map((m) => fromTimMessage(m, TIM.TYPES)).forEach((m) => m && incoming$.next(m)),
    );
    const decided$ = incoming$.pipe(decodeSignals(), rejectWhenBusy(state$));
    // #endregion
    const verdicts = firstValueFrom(decided$.pipe(toArray()));
    const data = messageOf(inviteFrom('carol', { to: 'alice' })).data;
    handlers.get('onMessageReceived')?.({
      data: [
        {
          ID: 'm1',
          type: 'TIMCustomElem',
          payload: { data },
          conversationType: 'C2C',
          to: 'alice',
          from: 'carol',
          time: 1,
        },
      ],
    });
    incoming$.complete();
    expect((await verdicts).map((i) => i.verdict)).toEqual(['busy']);
  });
});
