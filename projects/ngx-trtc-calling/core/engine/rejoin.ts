import { WIRE_ERROR } from 'ngx-trtc-calling/wire';
import type { JoinParams } from '../calling-options';
import { CALLING_ERROR_CODE, CallingError, toMediaError } from '../errors';
import { createInviteID } from '../protocol/ids';
import type { CallEvent } from '../state/call-event';
import { type StoredCall, storedCallOf } from './call-store';
import { callEnd, type CallEngine, type Session } from './engine';
import { mediaCause, wrongState } from './failures';

type Joining = Extract<CallEvent, { type: 'joiningInProgress' }>;

/** Sessions whose stored call was looked at (once per login, not on every reconnect). */
const tried = new WeakSet<Session>();

/**
 * Keeps the call store in step with the session's call: saved when it connects and whenever it
 * changes while connected (who is in, their media), cleared when it ends. The default store also
 * stamps the time when the page goes away (`sessionCallStore`). On `session.subscription`.
 */
export function keepCallStored(engine: CallEngine, session: Session): void {
  const store = engine.callStore;
  if (!store) return;
  let saved = false;
  session.subscription.add(
    engine.state$.subscribe((state) => {
      if (state.phase === 'connected' && state.call) {
        saved = true;
        store.save(storedCallOf(session.userID, state.call, engine.now()));
      } else if (!state.call && saved) {
        saved = false;
        store.clear(session.userID);
      }
    }),
  );
}

/**
 * After the first `ready` of a login: a call of this user saved less than the rejoin grace ago
 * (the page was reloaded, or crashed, during it) is joined again. A stale or foreign record is
 * dropped; so is one found while a call already rings here.
 */
export function rejoinStored(engine: CallEngine, session: Session): void {
  if (tried.has(session)) return;
  tried.add(session);
  const store = engine.callStore;
  const stored = store?.load(session.userID) ?? null;
  if (!store || !stored) return;
  const age = engine.now() - stored.savedAt;
  if (age > engine.rejoinMs || age < -engine.rejoinMs || engine.phase !== 'idle') {
    engine.log.info(
      `not rejoining call ${stored.callID}: ${engine.phase === 'idle' ? 'too old' : engine.phase}`,
    );
    store.clear(session.userID);
    return;
  }
  enterInProgress(engine, joiningOf(stored)).catch((error) =>
    engine.log.warn(`rejoin of call ${stored.callID} failed`, error),
  );
}

function joiningOf(stored: StoredCall): Joining {
  const { userID: _userID, savedAt: _savedAt, ...call } = stored;
  return { type: 'joiningInProgress', how: 'reload', ...call };
}

/** `join()`: a group call in progress, known by its room. */
export function joinInProgress(engine: CallEngine, params: JoinParams, groupID: string): Promise<void> {
  if (engine.phase !== 'idle') throw wrongState(`cannot join while ${engine.phase}`);
  const at = engine.now();
  const callID = createInviteID();
  return enterInProgress(engine, {
    type: 'joiningInProgress',
    how: 'join',
    callID,
    direction: 'incoming',
    // Unknown until someone speaks for the call: a group call lets in every user of its room.
    inviter: '',
    callType: params.callType ?? params.type ?? 1,
    roomID: params.roomID,
    groupID,
    isGroup: true,
    inviteIDs: [callID],
    participants: [],
    startedAt: at,
    connectedAt: null,
  });
}

/**
 * Enters a call in progress: connecting at once, then the room with `rejoin` (the backend takes
 * over any place it held for us, and refuses when nobody else is in). Connected once someone is
 * seen; nobody within the ring timeout ends it as an accepted call would. A call that is over
 * ends with `remoteHangup` (the others left it while we were away) and `CALL_ENDED` (60019).
 */
async function enterInProgress(engine: CallEngine, joining: Joining): Promise<void> {
  const callID = joining.callID;
  engine.commit(joining);
  if (engine.call?.callID !== callID) throw wrongState(`cannot join while ${engine.phase}`);
  try {
    await engine.media.join(callID, true);
  } catch (error) {
    throw failEntry(engine, callID, error);
  }
  if (engine.phase === 'connecting') engine.startTimer('connect', callID, engine.ringSeconds * 1000);
}

const OVER_CODES: readonly number[] = [WIRE_ERROR.ROOM_CALL_ENDED, CALLING_ERROR_CODE.CALL_ENDED];

function failEntry(engine: CallEngine, callID: string, error: unknown): CallingError {
  const code = (error as { code?: unknown } | null)?.code;
  const over = typeof code === 'number' && OVER_CODES.includes(code);
  if (engine.session) engine.callStore?.clear(engine.session.userID);
  const failure = over
    ? new CallingError(CALLING_ERROR_CODE.CALL_ENDED, 'wrongState', 'the call is over', error)
    : toMediaError(error, 'media could not be started');
  const call = engine.call;
  if (call?.callID === callID) {
    engine.endCall(
      callID,
      over ? 'remoteHangup' : { reason: 'mediaFailed', cause: mediaCause(error) },
      callEnd((over && call.inviter) || engine.selfID, 0, over ? 'remoteHangup' : 'mediaFailed'),
    );
  }
  if (failure.reason !== 'wrongState' || over) engine.emitError(failure);
  return failure;
}
