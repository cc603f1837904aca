import { of, type MonoTypeOperatorFunction, type Observable } from 'rxjs';
import { runMarbles } from 'ngx-trtc-calling/testing';
import type { CallState } from '../state/call-state';
import { answeredElsewhere } from './answered-elsewhere';
import { decodeSignals } from './decode-signals';
import { detectGlare } from './detect-glare';
import {
  accept,
  ALICE,
  appMessage,
  BOB,
  CAROL,
  connectedState,
  ID,
  idleState,
  inbound,
  invite,
  message,
  ringingState,
} from './fixtures.test-util';
import { type DropOptions, type Inbound, isCallInvite, NO_STATE_YET } from './inbound';
import { matchCall } from './match-call';
import { rejectWhenBusy } from './reject-when-busy';
import { ringTimeout } from './ring-timeout';
import { withState } from './with-state';

/**
 * What the four state-based operators share through `withState` (issue 18, items 1, 2, 5 and 8):
 * a completed `state$` keeps its last value in force, signals before the first state are
 * reported, and a selector's narrow state is enough where the rule needs no more.
 */
describe('the state-based operators', () => {
  const withAlice = { inviter: ALICE, invitees: [BOB], callID: ID.call };
  const fromCarol = inbound(invite({ inviteID: ID.other, inviter: CAROL, invitees: [BOB] }), CAROL);
  const busy: Inbound = { ...fromCarol, verdict: 'busy' };

  const operators: readonly [
    string,
    (state$: Observable<CallState>, o: DropOptions) => MonoTypeOperatorFunction<Inbound>,
  ][] = [
    ['rejectWhenBusy', (state$, o) => rejectWhenBusy(state$, o)],
    ['detectGlare', (state$, o) => detectGlare(BOB, state$, o)],
    ['answeredElsewhere', (state$, o) => answeredElsewhere(BOB, state$, o)],
    ['matchCall', (state$, o) => matchCall(state$, o)],
  ];

  describe('withState', () => {
    it('runs its doc example', () => {
      runMarbles(({ cold, expectObservable }) => {
        const state$ = cold('s', { s: 'idle' });
        const inbound$ = cold('-a', { a: fromCarol });
        // #region example with-state.ts#withState
        const paired$ = inbound$.pipe(withState(state$)); // [inbound, the latest state]
        // #endregion
        expectObservable(paired$).toBe('-p', { p: [fromCarol, 'idle'] });
      });
    });

    it('keeps pairing values with the last state after state$ completes, and completes with the source', () => {
      runMarbles(({ cold, expectObservable }) => {
        const state$ = cold('s 9ms |', { s: 1 });
        const source = cold(' -a 19ms b 9ms |', { a: 'a', b: 'b' });
        expectObservable(source.pipe(withState(state$))).toBe('-a 19ms b 9ms |', {
          a: ['a', 1],
          b: ['b', 1],
        });
      });
    });

    it('works with a state$ that completes synchronously (of)', () => {
      const out: unknown[] = [];
      let completed = false;
      runMarbles(({ cold, flush }) => {
        cold('5ms a 5ms |')
          .pipe(withState(of('s')))
          .subscribe({ next: (v) => out.push(v), complete: () => (completed = true) });
        flush();
      });
      expect(out).toEqual([['a', 's']]);
      expect(completed).toBe(true);
    });

    it('hands values before the first state to onDrop', () => {
      const dropped: string[] = [];
      runMarbles(({ cold, hot, expectObservable }) => {
        const state$ = hot('--s', { s: 1 });
        const source = cold('ab-c|');
        expectObservable(source.pipe(withState(state$, (v) => dropped.push(v)))).toBe('---c|', {
          c: ['c', 1],
        });
      });
      expect(dropped).toEqual(['a', 'b']);
    });

    it('errors when state$ errors', () => {
      runMarbles(({ cold, expectObservable }) => {
        expectObservable(cold('-a-b').pipe(withState(cold('s-#', { s: 1 })))).toBe('-a#', { a: ['a', 1] });
      });
    });
  });

  it('rejectWhenBusy(of(state)) marks an invite that arrives later, in virtual time, as busy', () => {
    runMarbles(({ cold, expectObservable }) => {
      const source = cold('10ms a |', { a: fromCarol });
      expectObservable(source.pipe(rejectWhenBusy(of(connectedState(BOB, withAlice))))).toBe('10ms a |', {
        a: busy,
      });
    });
  });

  it("rejectWhenBusy decides an invite at frame 0 with a cold('s') state", () => {
    runMarbles(({ cold, expectObservable }) => {
      const state$ = cold('s', { s: connectedState(BOB, withAlice) });
      expectObservable(cold('a|', { a: fromCarol }).pipe(rejectWhenBusy(state$))).toBe('a|', { a: busy });
    });
  });

  describe.each(operators)('%s', (_, operator) => {
    it('reports every signal that arrives before state$ first emits (NO_STATE_YET), then decides', () => {
      const reasons: [Inbound, string][] = [];
      const late = inbound(invite({ inviteID: ID.other, inviter: CAROL, invitees: [BOB] }), CAROL);
      runMarbles(({ cold, hot, expectObservable }) => {
        const state$ = hot('--s', { s: idleState(BOB) });
        const source = cold('a--b|', { a: fromCarol, b: late });
        const onDrop = (item: Inbound, reason: string) => reasons.push([item, reason]);
        expectObservable(source.pipe(operator(state$, { onDrop }))).toBe('---b|', { b: late });
      });
      expect(reasons).toEqual([[fromCarol, NO_STATE_YET]]);
    });

    it('keeps deciding after state$ completes', () => {
      runMarbles(({ cold, expectObservable }) => {
        const state$ = cold('(s|)', { s: idleState(BOB) });
        const source = cold('-- 20ms a |', { a: fromCarol });
        expectObservable(source.pipe(operator(state$, {}))).toBe('-- 20ms a |', { a: fromCarol });
      });
    });
  });

  describe('narrow states (a selector instead of a whole CallState)', () => {
    it('rejectWhenBusy needs only the phase and the current inviteIDs', () => {
      runMarbles(({ cold, expectObservable }) => {
        const busy$ = of({ phase: 'connected' as const, call: null });
        expectObservable(cold('a|', { a: fromCarol }).pipe(rejectWhenBusy(busy$))).toBe('a|', { a: busy });
        const same$ = of({ phase: 'ringing' as const, call: { inviteIDs: [ID.other] } });
        expectObservable(cold('a|', { a: fromCarol }).pipe(rejectWhenBusy(same$))).toBe('a|', {
          a: fromCarol,
        });
      });
    });

    it('detectGlare needs only the phase, direction, kind, peer and inviteIDs', () => {
      const fromAlice = inbound(invite({ inviteID: ID.other, inviter: ALICE, invitees: [BOB] }), ALICE);
      const dialing$ = of({
        phase: 'dialing' as const,
        call: {
          direction: 'outgoing' as const,
          isGroup: false,
          inviteIDs: [ID.call],
          participants: [{ userID: ALICE }],
        },
      });
      runMarbles(({ cold, expectObservable }) => {
        expectObservable(cold('a|', { a: fromAlice }).pipe(detectGlare(BOB, dialing$))).toBe('a|', {
          a: { ...fromAlice, verdict: 'glareLose' },
        });
      });
    });

    it('answeredElsewhere needs only the phase and the ringing callID (and still takes onDrop alone)', () => {
      const mine = inbound(accept({ inviteID: ID.call, inviter: ALICE, invitee: BOB }), BOB);
      const ringing$ = of({ phase: 'ringing' as const, call: { callID: ID.call } });
      const reasons: string[] = [];
      runMarbles(({ cold, expectObservable }) => {
        expectObservable(cold('a|', { a: mine }).pipe(answeredElsewhere(BOB, ringing$))).toBe('a|', {
          a: { ...mine, verdict: 'answeredElsewhere' },
        });
        const idle$ = of({ phase: 'idle' as const, call: null });
        const positional = answeredElsewhere(BOB, idle$, (_, why) => reasons.push(why));
        expectObservable(cold('a|', { a: mine }).pipe(positional)).toBe('-|');
      });
      expect(reasons).toEqual(['own signal from another device']);
      expect(ringingState(BOB, withAlice).call?.callID).toBe(ID.call);
    });
  });

  describe('decodeSignals options', () => {
    const signal = invite({ inviteID: ID.call, inviter: ALICE, invitees: [BOB] });
    const bad = { ...message(signal, ALICE), data: JSON.stringify({ businessID: 1, actionType: 99 }) };

    it('takes { onInvalid, replayed }', () => {
      const invalid: string[] = [];
      const out: Inbound[] = [];
      of(message(signal, ALICE), appMessage(ALICE), bad)
        .pipe(decodeSignals({ onInvalid: (m) => invalid.push(m.id), replayed: true }))
        .subscribe((i) => out.push(i));
      expect(out.map((i) => [i.signal.action, i.replayed])).toEqual([['invite', true]]);
      expect(invalid).toEqual([bad.id]);
    });

    it('needs no options at all, and still reads the deprecated positional form', () => {
      const out: Inbound[] = [];
      of(message(signal, ALICE), bad)
        .pipe(decodeSignals())
        .subscribe((i) => out.push(i));
      expect(out.map((i) => i.replayed)).toEqual([false]);
      const old: Inbound[] = [];
      of(message(signal, ALICE))
        .pipe(decodeSignals(() => undefined, true))
        .subscribe((i) => old.push(i));
      expect(old.map((i) => i.replayed)).toEqual([true]);
    });
  });

  it('isCallInvite narrows to a call INVITE (its content is readable without a cast)', () => {
    const items = [fromCarol, inbound(accept({ inviteID: ID.call, inviter: ALICE, invitee: BOB }), BOB)];
    const rooms = items.filter(isCallInvite).map((i) => i.signal.content.roomID);
    expect(rooms).toHaveLength(1);
  });

  it('ringTimeout starts one timer when the same key arrives twice', () => {
    runMarbles(({ cold, expectObservable, time }) => {
      const due = time('       -----|');
      const source = cold('    a-a---|', { a: { id: 'x', ms: due } });
      const settled$ = cold('  -');
      const timed = source.pipe(ringTimeout({ dueTime: (r) => r.ms, key: (r) => r.id, settled$ }));
      expectObservable(timed).toBe('-----a|', { a: { id: 'x', ms: due } });
    });
  });
});
