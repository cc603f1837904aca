import type { InviteContent, InviteSignal, Signal } from '../protocol/signal';
import type { IncomingMessage } from './signaling-channel';

/**
 * A decision an operator took about an incoming signal. Later operators pass a signal that
 * already has a verdict through untouched; the orchestrator acts on it.
 *
 * - `busy`: a new call while we are in one: reject it as busy.
 * - `glareWin` / `glareLose`: the peer we are dialing called us at the same time; the
 *   invitation whose inviter userID sorts first wins (ARCHITECTURE.md "Glare").
 * - `answeredElsewhere` / `rejectedElsewhere`: this user answered the ringing invitation on another device.
 */
export type Verdict = 'busy' | 'glareWin' | 'glareLose' | 'answeredElsewhere' | 'rejectedElsewhere';

/** An incoming signal with where it came from. */
export interface Inbound {
  readonly signal: Signal;
  readonly message: IncomingMessage;
  /** Delivered from history after login/reconnect rather than live. */
  readonly replayed: boolean;
  readonly verdict?: Verdict;
}

/** Called for every signal an operator deliberately drops, with the reason. */
export type DropReporter = (inbound: Inbound, reason: string) => void;

/** A reporter that ignores drops. */
export const IGNORE_DROPS: DropReporter = () => undefined;

/**
 * Options of the operators that decide on signals (`rejectWhenBusy`, `detectGlare`,
 * `answeredElsewhere`, `matchCall`).
 */
export interface DropOptions {
  /**
   * Called for every signal the operator drops, with the reason — among them every signal that
   * arrives before `state$` first emits (reason `NO_STATE_YET`).
   */
  readonly onDrop?: DropReporter;
}

/**
 * The reason given to `onDrop` for a signal that arrived before `state$` first emitted. The
 * state-based operators cannot decide without a state, and holding signals back until one
 * comes would deliver them late; give them a `state$` that emits on subscribe (a
 * `BehaviorSubject`, `startWith(...)`, `Calling.state$`).
 */
export const NO_STATE_YET = 'no state yet';

/** The reporter of `options` (an options object, or a reporter passed alone). */
export function reporterOf(options: DropOptions | DropReporter | undefined): DropReporter {
  return (typeof options === 'function' ? options : options?.onDrop) ?? IGNORE_DROPS;
}

/** An `Inbound` whose signal is an INVITE that starts a call. */
export type CallInviteInbound = Inbound & {
  readonly signal: InviteSignal & { readonly content: Extract<InviteContent, { kind: 'call' }> };
};

/** Whether an INVITE starts a call (as opposed to a hang-up notice or switch request). */
export function isCallInvite(inbound: Inbound): inbound is CallInviteInbound {
  return inbound.signal.action === 'invite' && inbound.signal.content.kind === 'call';
}

/** Whether a signal is a group one (PROTOCOL.md §3.3 rule 1). */
export function isGroupSignal(signal: Signal): boolean {
  if (signal.groupID !== '' || signal.inviteeList.length >= 2) return true;
  const content = signal.action === 'invite' || signal.action === 'timeout' ? signal.content : null;
  return !!content && content.kind === 'call' && (content.userIDs?.length ?? 0) >= 2;
}
