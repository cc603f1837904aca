import { Subject } from 'rxjs';
import { CALLING_ERROR_CODE } from '../errors';
import { addressedToSelf } from '../signaling/addressed-to-self';
import { answeredElsewhere } from '../signaling/answered-elsewhere';
import { decodeSignals } from '../signaling/decode-signals';
import { dedupeSignals } from '../signaling/dedupe-signals';
import { detectGlare } from '../signaling/detect-glare';
import type { DropReporter, Inbound } from '../signaling/inbound';
import { matchCall } from '../signaling/match-call';
import { rejectWhenBusy } from '../signaling/reject-when-busy';
import { replayInvitations } from '../signaling/replay-invitations';
import { ringTimeout } from '../signaling/ring-timeout';
import type { SignalingState } from '../signaling/signaling-channel';
import { callEnd, type CallEngine, publicEvent, type Session } from './engine';
import { handleInbound } from './inbound-handlers';
import { handleMediaEvent } from './media-events';
import { onTimer, timerKey } from './timers';

/**
 * Wires one login: the inbound signal pipeline, the timers, the media events and the
 * signaling state, all on `session.subscription` so that logging out drops them at once.
 */
export function wireSession(engine: CallEngine, session: Session): void {
  const self = session.userID;
  const state$ = engine.state$;
  const drop: DropReporter = (inbound, reason) =>
    engine.log.info(`ignored ${inbound.signal.action} from ${inbound.message.from}: ${reason}`);
  // Live and replayed signals meet in one Subject (rather than `merge`, which would pull
  // rxjs's scheduling machinery into core) and share one pipeline from there on.
  const received = new Subject<Inbound>();
  const feed = { next: (inbound: Inbound) => received.next(inbound) };
  // matchCall only asks `has`; the withdrawn inviteIDs are state and change with it.
  const withdrawn = { has: (id: string) => state$.value.withdrawn.includes(id) } as ReadonlySet<string>;
  /*
   * The order of the operators is part of the protocol:
   * 1. dedupeSignals first: a signal delivered live and again from history is one signal,
   *    and no later operator may act on it twice.
   * 2. answeredElsewhere before addressedToSelf: our own ACCEPT/REJECT from another device is
   *    not addressed to us, yet it must end our ringing (as answeredElsewhere/rejectedElsewhere).
   * 3. addressedToSelf before the verdicts: an invitation for someone else in a group is
   *    neither glare nor a busy case for us.
   * 4. detectGlare before rejectWhenBusy: while we dial X, X's invitation is glare, not busy;
   *    rejectWhenBusy passes a signal that already has a verdict.
   * 5. matchCall last: it drops follow-ups of other calls, but lets verdicts through, which
   *    concern invitations of a call that is not ours (yet).
   */
  const inbound$ = received.pipe(
    dedupeSignals({ onDrop: drop }),
    answeredElsewhere(self, state$, drop),
    addressedToSelf(self, drop),
    detectGlare(self, state$),
    rejectWhenBusy(state$),
    matchCall(state$, { ignored: withdrawn, onDrop: drop }),
  );
  const sub = session.subscription;
  sub.add(inbound$.subscribe((inbound) => engine.guard(() => handleInbound(engine, inbound))));
  sub.add(
    engine.signaling.messages$
      .pipe(
        decodeSignals((message, error) => {
          engine.log.warn(`dropped bad signal from ${message.from}: ${error.message}`);
          engine.emit(
            publicEvent('onError', {
              code: CALLING_ERROR_CODE.INVALID_SIGNAL,
              msg: `bad signal from ${message.from}: ${error.message}`,
            }),
          );
        }),
      )
      .subscribe(feed),
  );
  sub.add(engine.replays.pipe(replayInvitations(() => engine.now())).subscribe(feed));
  sub.add(
    engine.timers
      .pipe(
        ringTimeout({
          dueTime: (t) => t.dueMs,
          key: (t) => timerKey(t.kind, t.inviteID),
          settled$: engine.settled,
          scheduler: engine.scheduler,
        }),
      )
      .subscribe((t) => engine.guard(() => onTimer(engine, t))),
  );
  sub.add(
    engine.mediaEngine.events$.subscribe((event) => engine.guard(() => handleMediaEvent(engine, event))),
  );
  sub.add(
    engine.signaling.state$.subscribe((state) =>
      engine.guard(() =>
        (SIGNALING[state.status] as SignalingHandler<SignalingState['status']>)(
          engine,
          session,
          state as never,
        ),
      ),
    ),
  );
}

/** Ends any call without telling anyone, drops the session's subscriptions, and logs out of the state. */
export function teardownSession(engine: CallEngine): void {
  const session = engine.session;
  if (!session) return;
  const call = engine.call;
  if (call) engine.endCall(call.callID, 'hangup');
  engine.session = null;
  session.subscription.unsubscribe();
  engine.commit({ type: 'session', userID: null });
}

type SignalingHandler<S extends SignalingState['status']> = (
  engine: CallEngine,
  session: Session,
  state: Extract<SignalingState, { status: S }>,
) => void;

const SIGNALING: { [S in SignalingState['status']]: SignalingHandler<S> } = {
  ready: (engine, session) => {
    if (session.ready) return;
    session.ready = true;
    engine.emit(publicEvent('sdkReady', { name: 'ts_im_ready' }));
    replayHistory(engine, session);
  },
  notReady: notReady,
  connecting: notReady,
  kickedOut: (engine, _session, state) => {
    const call = engine.call;
    if (call)
      engine.endCall(call.callID, 'kickedOut', callEnd(engine.selfID, engine.duration(call), 'kickedOut'));
    teardownSession(engine);
    engine.emit(publicEvent('onKickedOut', { reason: state.reason }));
  },
  loggedOut: (_engine, session) => {
    session.ready = false;
  },
};

function notReady(engine: CallEngine, session: Session): void {
  if (session.ready) engine.log.info('signaling not ready');
  session.ready = false;
}

/**
 * After every transition to `ready`, reads recent history (ring timeout + 5 s) into the
 * pipeline, so that an invitation (or its CANCEL) missed while offline still counts.
 */
function replayHistory(engine: CallEngine, session: Session): void {
  const windowMs = (Math.max(engine.ringSeconds, 30) + 5) * 1000;
  engine.signaling
    .history({ since: engine.now() - windowMs, limit: 100 })
    .then((batch) => {
      if (engine.session === session && batch.length) engine.replays.next(batch);
    })
    .catch((error) => engine.log.warn('history replay failed', error));
}
