// Marble tests of a composition of the packed library's operators, with the app's own rxjs.
import { filter, map, of, type Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import {
  type BusyState,
  decodeSignals,
  type IncomingMessage,
  isCallInvite,
  NO_STATE_YET,
  rejectWhenBusy,
  ringTimeout,
} from 'ngx-trtc-calling/core';
import { busyReplyTo, inboundOf, inviteFrom, messageOf, runMarbles } from 'ngx-trtc-calling/testing';

function busyReplies(messages$: Observable<IncomingMessage>, state$: Observable<BusyState>, self: string) {
  return messages$.pipe(
    decodeSignals(),
    rejectWhenBusy(state$),
    filter(isCallInvite),
    filter((inbound) => inbound.verdict === 'busy'),
    map((inbound) => busyReplyTo(inbound.signal, self)),
  );
}

describe('the operators, from the packed library', () => {
  it('compose into an app flow, tested with the kit', () => {
    runMarbles(({ cold, expectObservable }) => {
      const invite = inviteFrom('carol', { to: 'bob' });
      const messages$ = cold('-m-m', { m: messageOf(invite) });
      const state$ = cold('s-t', {
        s: { phase: 'connected', call: null } as BusyState,
        t: { phase: 'idle', call: null } as BusyState,
      });
      expectObservable(busyReplies(messages$, state$, 'bob')).toBe('-r--', { r: busyReplyTo(invite, 'bob') });
    });
  });

  it('keep deciding after a state$ of(...) completed, and report signals before the first state', () => {
    const reasons: string[] = [];
    runMarbles(({ cold, hot, expectObservable }) => {
      const a = inboundOf(inviteFrom('carol', { to: 'bob' }));
      const late = cold('10ms a|', { a }).pipe(rejectWhenBusy(of({ phase: 'connected', call: null })));
      expectObservable(late).toBe('10ms a|', { a: { ...a, verdict: 'busy' } });
      const early = cold('a|', { a }).pipe(
        rejectWhenBusy(hot('--s', { s: { phase: 'idle', call: null } as BusyState }), {
          onDrop: (_, why) => reasons.push(why),
        }),
      );
      expectObservable(early).toBe('-|');
    });
    expect(reasons).toEqual([NO_STATE_YET]);
  });

  it("run ringTimeout's default scheduler in the app's own TestScheduler (one copy of rxjs)", () => {
    const warn = jest.spyOn(console, 'warn');
    new TestScheduler((actual, expected) => expect(actual).toEqual(expected)).run(
      ({ cold, expectObservable }) => {
        const timed = cold('a', { a: 'x' }).pipe(
          ringTimeout({ dueTime: () => 30_000, key: (k) => k, settled$: cold('-') }),
        );
        expectObservable(timed).toBe('30s a', { a: 'x' });
      },
    );
    expect(warn).not.toHaveBeenCalled();
  });
});
