import { CALLING_ERROR_CODE, CallingError, toMediaError } from '../errors';
import type { ViewTarget } from '../media/media-engine';
import type { CallEngine } from './engine';
import { invalidArgument, messageOf, wrongState } from './failures';

/*
 * The local screen share and the views of remote ones. The media engine owns the capture and
 * tells peers; here are the state checks, the typed errors and `sharing$`.
 */

/** Phases in which we are in the call's room (the inviter joins it while dialing). */
const IN_ROOM = new Set(['dialing', 'connecting', 'connected']);

/**
 * Shares the screen in the current call. Rejects with `WRONG_STATE` outside a call and with
 * `SCREEN_SHARE_DENIED` when the capture is refused; either way nothing changes.
 */
export async function startScreenShare(engine: CallEngine): Promise<void> {
  const call = engine.call;
  if (!call || !IN_ROOM.has(engine.phase) || !engine.media.joined)
    throw wrongState('no call to share the screen in');
  if (engine.sharing$.value) return;
  try {
    await engine.mediaEngine.startScreenShare();
  } catch (error) {
    throw screenShareError(error);
  }
  // The call may have ended while the user picked a screen: leaving the room stopped the capture.
  if (engine.call?.callID !== call.callID) throw wrongState('the call ended');
  engine.sharing$.next(true);
}

/** Stops the local screen share; resolves at once when nothing is shared. */
export async function stopScreenShare(engine: CallEngine): Promise<void> {
  if (!engine.sharing$.value) return;
  engine.sharing$.next(false);
  await engine.mediaEngine.stopScreenShare();
}

/** Renders a remote user's screen share into `view` (now, or when it starts). */
export function startRemoteScreenView(
  engine: CallEngine,
  params: { readonly userID: string; readonly view: ViewTarget },
): void {
  engine.mediaEngine.attachRemoteScreen(checkedUser(params), checkedView(params?.view));
}

/** Stops rendering a remote user's screen share. */
export function stopRemoteScreenView(engine: CallEngine, params: { readonly userID: string }): void {
  engine.mediaEngine.detachRemoteScreen(checkedUser(params));
}

/** What a finished call leaves of the media reports: nothing (quality, stats and shares are per call). */
export function clearMediaReports(engine: CallEngine): void {
  if (engine.quality$.value.length) engine.quality$.next([]);
  if (engine.stats$.value.length) engine.stats$.next([]);
  if (engine.screenShares$.value.length) engine.screenShares$.next([]);
  if (engine.sharing$.value) engine.sharing$.next(false);
}

/**
 * A refused capture (`NotAllowedError` from `getDisplayMedia`, or an engine that already says
 * `SCREEN_SHARE_DENIED`) is `SCREEN_SHARE_DENIED`; anything else keeps the engine's code.
 */
function screenShareError(error: unknown): CallingError {
  const { name, code } = (error ?? {}) as { readonly name?: unknown; readonly code?: unknown };
  if (name === 'NotAllowedError' || code === CALLING_ERROR_CODE.SCREEN_SHARE_DENIED) {
    return new CallingError(
      CALLING_ERROR_CODE.SCREEN_SHARE_DENIED,
      'screenShareDenied',
      `screen capture refused: ${messageOf(error)}`,
      error,
    );
  }
  return toMediaError(error, 'screen share failed');
}

function checkedUser(params: { readonly userID: string } | undefined): string {
  if (typeof params?.userID !== 'string' || !params.userID) throw invalidArgument('userID is required');
  return params.userID;
}

function checkedView(view: ViewTarget | undefined): ViewTarget {
  if (!view) throw invalidArgument('view is required');
  return view;
}
