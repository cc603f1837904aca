import { Subject, Subscription } from 'rxjs';
import { CALLING_ERROR_CODE, CallingError } from '../errors';
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
import { messageOf, wrongState } from './failures';
import { MISSED_CALL_WINDOW_MS, missedInHistory } from './missed';
import { keepCallStored, rejoinStored } from './rejoin';
import { handleInbound } from './inbound-handlers';
import { handleMediaEvent } from './media-events';
import { onTimer, timerKey } from './timers';

/**
 * Wires one login: the inbound signal pipeline, the timers, the media events and the
 * signaling state, all on `session.subscription` so that logging out drops them at once.
 */
function wireSession(engine: CallEngine, session: Session): void {
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
   * The order of these operators matters; this is the one place that says why.
   * 1. dedupeSignals first: an INVITE delivered live and again from history is one signal;
   *    acting on both would busy-reject our own ringing call (PROTOCOL.md §8.18).
   * 2. answeredElsewhere before anything that reacts to invitations or follow-ups: it drops
   *    this user's own signals synced from its other devices (an own INVITE must neither ring
   *    nor be busy-rejected here) and turns an own ACCEPT/REJECT of the call ringing here
   *    into a verdict.
   * 3. addressedToSelf before the glare and busy verdicts: a group INVITE for other members
   *    is not ours to busy-reject.
   * 4. detectGlare before rejectWhenBusy: while we dial X, X's invitation is glare, not a
   *    busy case; rejectWhenBusy leaves a signal that has a verdict alone.
   * 5. matchCall last: it drops follow-ups whose sender is not in the current call, which
   *    our own answers from another device are not, and lets every verdict through.
   * Each operator reads the state as it is when the signal passes (`withState`), so the
   * handler of one signal has changed the state before the next signal enters.
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
  keepCallStored(engine, session);
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

/**
 * Logs `userID` in: the state knows the user and the pipeline listens before the channel logs
 * in, so nothing delivered at login is missed. A failed login leaves no session behind.
 */
export async function openSession(engine: CallEngine, userID: string, userSig: string): Promise<void> {
  const session: Session = { userID, userSig, subscription: new Subscription(), ready: false };
  engine.session = session;
  engine.commit({ type: 'session', userID });
  wireSession(engine, session);
  try {
    await engine.signaling.login({ userID, userSig });
  } catch (error) {
    if (engine.session === session) teardownSession(engine);
    throw new CallingError(
      CALLING_ERROR_CODE.LOGIN_FAILED,
      'loginFailed',
      `login of ${userID} failed: ${messageOf(error)}`,
      error,
    );
  }
  if (engine.session !== session) throw wrongState('logged out while logging in');
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

/**
 * Logs out: hangs up a call (`hangup`, as `Calling.hangup`, so the others hear of it) while the
 * session is torn down, waits for the media to go idle, then logs the channel out.
 */
export async function closeSession(engine: CallEngine, hangup: () => Promise<unknown>): Promise<void> {
  if (!engine.session) return;
  const farewell = engine.phase === 'idle' ? Promise.resolve() : hangup().catch(() => undefined);
  teardownSession(engine);
  await farewell;
  await engine.media.idle();
  try {
    await engine.signaling.logout();
  } catch (error) {
    engine.log.warn('logout failed', error);
  }
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
    rejoinStored(engine, session);
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
 * After every transition to `ready`, reads recent history into the pipeline, so that an
 * invitation (or its CANCEL) missed while offline still counts; the invitations of the last
 * hour that expired unanswered are recorded as missed calls (the reducer skips those it has).
 * The pipeline itself drops what is past its own timeout (`replayInvitations`).
 */
function replayHistory(engine: CallEngine, session: Session): void {
  const windowMs = Math.max((Math.max(engine.ringSeconds, 30) + 5) * 1000, MISSED_CALL_WINDOW_MS);
  engine.signaling
    .history({ since: engine.now() - windowMs, limit: 100 })
    .then((batch) => {
      if (engine.session !== session || !batch.length) return;
      const at = engine.now();
      for (const invitation of missedInHistory(batch, session.userID, at))
        engine.commit({ type: 'missed', invitation, at });
      engine.replays.next(batch);
    })
    .catch((error) => engine.log.warn('history replay failed', error));
}
