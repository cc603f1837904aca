import type { ActiveCall } from '../state/call-state';
import type { CallEvent } from '../state/call-event';

/**
 * What core keeps of a connected call so that a reloaded page can come back into it: where the
 * call is and who was in it. No media, no credentials, nothing a stranger could use alone (the
 * server admits into the room only the call's own users).
 */
export interface StoredCall extends Omit<Extract<CallEvent, { type: 'joiningInProgress' }>, 'type' | 'how'> {
  /** The logged-in user the call belongs to; another user's login ignores it. */
  readonly userID: string;
  /** Epoch ms of the last save: saves repeat while the call lasts, so a crash leaves a recent one. */
  readonly savedAt: number;
}

/**
 * Where the call in progress is kept across a page reload (`CallingOptions.callStore`).
 * Synchronous, like `sessionStorage`; a store that fails must not throw (it loses the rejoin only).
 */
export interface CallStore {
  /** The call saved for `userID`, or `null`. */
  load(userID: string): StoredCall | null;
  save(call: StoredCall): void;
  /** Forgets the call of `userID` (it ended, or the rejoin failed). */
  clear(userID: string): void;
}

const KEY = 'ngx-trtc-calling.call.';

/**
 * The default store: the tab's `sessionStorage` (it survives a reload and a crash of the tab, not
 * its closing, and no other tab sees it); `null` where there is none (Node, SSR, storage blocked).
 */
export function sessionCallStore(): CallStore | null {
  let storage: Storage | undefined;
  try {
    storage = (globalThis as { sessionStorage?: Storage }).sessionStorage;
  } catch {
    // Reading sessionStorage throws where the browser blocks storage for the page.
  }
  if (!storage) return null;
  const s = storage;
  const attempt = <T>(fn: () => T, fallback: T): T => {
    try {
      return fn();
    } catch {
      return fallback;
    }
  };
  // The last call saved, stamped again when the page goes away: a reload's rejoin grace counts
  // from then, however long the call had been quiet before.
  let current: StoredCall | null = null;
  (globalThis as { addEventListener?: (type: string, fn: () => void) => void }).addEventListener?.(
    'pagehide',
    () => {
      const last = current;
      if (last)
        attempt(
          () => s.setItem(KEY + last.userID, JSON.stringify({ ...last, savedAt: Date.now() })),
          undefined,
        );
    },
  );
  return {
    load: (userID) =>
      attempt(() => {
        const text = s.getItem(KEY + userID);
        const value: unknown = text ? JSON.parse(text) : null;
        return isStoredCall(value) && value.userID === userID ? value : null;
      }, null),
    save: (call) => {
      current = call;
      attempt(() => s.setItem(KEY + call.userID, JSON.stringify(call)), undefined);
    },
    clear: (userID) => {
      if (current?.userID === userID) current = null;
      attempt(() => s.removeItem(KEY + userID), undefined);
    },
  };
}

/** The record of `call` for `userID` at `now`. */
export function storedCallOf(userID: string, call: ActiveCall, now: number): StoredCall {
  return {
    userID,
    callID: call.callID,
    direction: call.direction,
    inviter: call.inviter,
    callType: call.callType,
    roomID: call.roomID,
    groupID: call.groupID,
    isGroup: call.isGroup,
    inviteIDs: call.inviteIDs,
    participants: call.participants
      .filter((p) => p.status === 'joined' || p.status === 'accepted')
      .map((p) => p.userID),
    startedAt: call.startedAt,
    connectedAt: call.connectedAt,
    savedAt: now,
  };
}

const isStrings = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');

/** Whether a value read back from storage is a whole `StoredCall` (anything else is ignored). */
export function isStoredCall(v: unknown): v is StoredCall {
  if (typeof v !== 'object' || v === null) return false;
  const o = v as Record<string, unknown>;
  return (
    typeof o['userID'] === 'string' &&
    typeof o['callID'] === 'string' &&
    (o['direction'] === 'outgoing' || o['direction'] === 'incoming') &&
    typeof o['inviter'] === 'string' &&
    (o['callType'] === 1 || o['callType'] === 2) &&
    typeof o['roomID'] === 'number' &&
    Number.isSafeInteger(o['roomID']) &&
    o['roomID'] > 0 &&
    typeof o['groupID'] === 'string' &&
    typeof o['isGroup'] === 'boolean' &&
    isStrings(o['inviteIDs']) &&
    isStrings(o['participants']) &&
    typeof o['startedAt'] === 'number' &&
    (o['connectedAt'] === null || typeof o['connectedAt'] === 'number') &&
    typeof o['savedAt'] === 'number'
  );
}
