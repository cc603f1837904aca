import { BehaviorSubject, type SchedulerLike, Subject, type Subscription } from 'rxjs';
import type { CallingEvent, CallingEventMap, CallingEventName } from '../calling-events';
import { CALLING_ERROR_CODE } from '../errors';
import type { CallingLogger, DeviceFallback } from '../calling-options';
import type { DeviceList, MediaEngine, MediaStats, ParticipantQuality } from '../media/media-engine';
import type { OfflinePushInfo, Signal } from '../protocol/signal';
import { defaultRoute, type Route, sendSignal } from '../signaling/outbox';
import type { IncomingMessage, SentMessage, SignalingChannel } from '../signaling/signaling-channel';
import type { CallEvent } from '../state/call-event';
import {
  type ActiveCall,
  type CallPhase,
  type CallState,
  type EndCause,
  type EndReason,
  INITIAL_CALL_STATE,
} from '../state/call-state';
import { reduceCall } from '../state/reduce-call';
import { hasActiveParticipants, isUnanswered, selectInvitedBy, selectRinging } from '../state/selectors';
import type { CallStore } from './call-store';
import { messageOf } from './failures';
import { type MissedCall, newMissedCall } from './missed';
import { MediaSession } from './media-session';
import { prepareRinging } from './prepare';
import { clearMediaReports } from './screen-share';
import { Switching } from './switching';
import { type RingingTimer, type TimerKind, timerKey } from './timers';

/** One login: its credentials, the subscriptions wired for it, and whether signaling is ready. */
export interface Session {
  readonly userID: string;
  readonly userSig: string;
  readonly subscription: Subscription;
  ready: boolean;
}

/**
 * A public event to emit after a state change: the event itself, or a function of the state
 * the change produced (for events such as the invitee list, which report that state).
 */
export type PublicEvent = CallingEvent | ((state: CallState) => CallingEvent | null) | null;

/** The public event `type` with `payload`. */
export function publicEvent<K extends CallingEventName>(type: K, payload: CallingEventMap[K]): CallingEvent {
  return { type, payload } as CallingEvent;
}

/** `GROUP_CALL_INVITEE_LIST_UPDATE` with the invitees still ringing, for group calls only. */
export function inviteeList(state: CallState): CallingEvent | null {
  return state.call?.isGroup
    ? publicEvent('onGroupCallInviteeListUpdate', { userIDList: selectRinging(state.call) })
    : null;
}

/** `CALL_END` as `userID` ended it. */
export function callEnd(userID: string, duration: number, reason: EndReason, cause?: EndCause): CallingEvent {
  return publicEvent('onCallEnd', { userID, callEnd: duration, reason, ...(cause ? { cause } : {}) });
}

/** Why our call ends, with what made media fail when that is the reason and it is known. */
export interface Ending {
  readonly reason: EndReason;
  readonly cause?: EndCause | undefined;
}

const EMPTY_DEVICES: DeviceList = { cameras: [], microphones: [], speakers: [] };

/** What the engine is built from (`CallingOptions` with its defaults applied). */
export interface EngineOptions {
  readonly signaling: SignalingChannel;
  readonly media: MediaEngine;
  readonly scheduler: SchedulerLike;
  readonly log: CallingLogger;
  readonly ringSeconds: number;
  /** Room IDs for new calls. */
  readonly newRoomID: () => number;
  /** Accept the peer's audio↔video switch requests without asking this user. */
  readonly autoAcceptSwitch: boolean;
  /** Where public events go (owned by `Calling`, which selects its streams from it). */
  readonly events$: Subject<CallingEvent>;
  /** Prepare the media of a ringing invitation (`CallingOptions.instantAnswer`). */
  readonly instantAnswer: boolean;
  /** Where a connected call is kept for a rejoin after a reload (`null`: no rejoin). */
  readonly callStore?: CallStore | null;
  /** How long after its last save a stored call is still rejoined (ms). */
  readonly rejoinMs?: number;
}

/**
 * What every handler of `Calling` shares: the state and how it changes (`commit`), the public
 * events, sending, timers, the media session and ending a call. Internal to core: `Calling`
 * is its public face, and the handler maps beside it (inbound signals, media events, timers)
 * act through it.
 */
export class CallEngine {
  readonly signaling: SignalingChannel;
  readonly mediaEngine: MediaEngine;
  readonly scheduler: SchedulerLike;
  readonly log: CallingLogger;
  readonly ringSeconds: number;
  readonly newRoomID: () => number;
  readonly instantAnswer: boolean;
  readonly callStore: CallStore | null;
  readonly rejoinMs: number;
  readonly media: MediaSession;
  readonly switching: Switching;

  readonly state$ = new BehaviorSubject<CallState>(INITIAL_CALL_STATE);
  readonly events$: Subject<CallingEvent>;
  readonly devices$ = new BehaviorSubject<DeviceList>(EMPTY_DEVICES);
  readonly deviceFallback$ = new Subject<DeviceFallback>();
  /** The latest network quality per participant; `[]` outside a room. */
  readonly quality$ = new BehaviorSubject<readonly ParticipantQuality[]>([]);
  /** The latest media statistics per participant; `[]` outside a room. */
  readonly stats$ = new BehaviorSubject<readonly MediaStats[]>([]);
  /** The remote users sharing their screen now. */
  readonly screenShares$ = new BehaviorSubject<readonly string[]>([]);
  /** Whether the local screen is shared. */
  readonly sharing$ = new BehaviorSubject<boolean>(false);
  /** The media connection: `reconnecting` while it is being re-established. */
  readonly mediaConnection$ = new BehaviorSubject<'connected' | 'reconnecting'>('connected');
  /** Invitations to this user that expired unanswered, live or found in history. */
  readonly missed$ = new Subject<MissedCall>();
  /** History batches to feed through the inbound pipeline. */
  readonly replays = new Subject<readonly IncomingMessage[]>();
  /** Timers to start (see `timers.ts`), and keys of timers to stop. */
  readonly timers = new Subject<RingingTimer>();
  readonly settled = new Subject<string>();

  session: Session | null = null;

  constructor(options: EngineOptions) {
    this.signaling = options.signaling;
    this.mediaEngine = options.media;
    this.scheduler = options.scheduler;
    this.log = options.log;
    this.ringSeconds = options.ringSeconds;
    this.newRoomID = options.newRoomID;
    this.instantAnswer = options.instantAnswer;
    this.callStore = options.callStore ?? null;
    this.rejoinMs = options.rejoinMs ?? 30_000;
    this.events$ = options.events$;
    this.media = new MediaSession(this);
    this.switching = new Switching(this, options.autoAcceptSwitch);
  }

  get call(): ActiveCall | null {
    return this.state$.value.call;
  }

  get phase(): CallPhase {
    return this.state$.value.phase;
  }

  /** The logged-in user (`""` when logged out). */
  get selfID(): string {
    return this.session?.userID ?? '';
  }

  now(): number {
    return this.scheduler.now();
  }

  /**
   * The one way state changes and events go out: `change` goes through `reduceCall` first,
   * then `events` are emitted in order, so a listener that calls back into `Calling` sees the
   * new state.
   */
  commit(change: CallEvent | null, ...events: PublicEvent[]): void {
    if (change) {
      const state = this.state$.value;
      const next = reduceCall(state, change);
      // The reducer returns the same reference when nothing changed: no emission then.
      if (next !== state) this.state$.next(next);
      if (next.phase === 'ringing' && state.phase !== 'ringing') prepareRinging(this);
      const missed = newMissedCall(state, next);
      if (missed) this.missed$.next(missed);
    }
    for (const item of events) {
      const event = typeof item === 'function' ? item(this.state$.value) : item;
      if (event) this.events$.next(event);
    }
  }

  /** Emits public events that come with no state change. */
  emit(...events: PublicEvent[]): void {
    this.commit(null, ...events);
  }

  /** `ERROR` with the code and message of `error`. */
  emitError(error: { readonly code: number; readonly message: string }): void {
    this.emit(publicEvent('onError', { code: error.code, msg: error.message }));
  }

  send(signal: Signal, route: Route, offlinePushInfo?: OfflinePushInfo): Promise<SentMessage> {
    return sendSignal(this.signaling, signal, route, {
      now: this.now(),
      ...(offlinePushInfo ? { offlinePushInfo } : {}),
    });
  }

  /** Sends to the signal's default route without waiting; a failure is only logged (`what` names the signal). */
  post(signal: Signal, what: string): void {
    this.send(signal, defaultRoute(signal, this.selfID)).catch((error) =>
      this.log.warn(`${what} not sent`, error),
    );
  }

  startTimer(kind: TimerKind, inviteID: string, dueMs: number): void {
    this.timers.next({ kind, inviteID, dueMs });
  }

  settle(kind: TimerKind, inviteID: string): void {
    this.settled.next(timerKey(kind, inviteID));
  }

  /** Stops an invitation's ring timer once none of its invitees is still ringing. */
  settleIfAnswered(inviteID: string): void {
    const call = this.call;
    if (call?.direction !== 'outgoing') return;
    if (!selectInvitedBy(call, inviteID).some(isUnanswered)) this.settle('inviter', inviteID);
  }

  /**
   * Ends the call `callID` if it is still the current one: stops its timers and media, then
   * commits `ended` with `events`. Everything the call held goes with it in the reducer; only
   * a pending switch's promise is settled here (it is no state).
   */
  endCall(callID: string, ending: EndReason | Ending, ...events: PublicEvent[]): void {
    const { reason, cause } = typeof ending === 'string' ? { reason: ending, cause: undefined } : ending;
    const call = this.call;
    if (!call || call.callID !== callID) return;
    for (const id of call.inviteIDs) {
      for (const kind of ['invitee', 'inviter', 'connect'] as const) this.settle(kind, id);
    }
    this.switching.abandon(call);
    this.media.leave();
    clearMediaReports(this);
    this.commit({ type: 'ended', reason, at: this.now(), ...(cause ? { cause } : {}) }, ...events);
  }

  /** Whole seconds since the first remote participant entered (0 before). */
  duration(call: ActiveCall): number {
    return call.connectedAt === null ? 0 : Math.max(0, Math.floor((this.now() - call.connectedAt) / 1000));
  }

  /** Runs a handler; one bad signal or event must never end the stream that carries the next one. */
  guard(task: () => void): void {
    try {
      task();
    } catch (error) {
      this.log.error('handler failed', error);
      this.emit(publicEvent('onError', { code: CALLING_ERROR_CODE.INVALID_SIGNAL, msg: messageOf(error) }));
    }
  }

  /** Completes every stream (after logout, on destroy). */
  complete(): void {
    for (const subject of [
      this.events$,
      this.replays,
      this.timers,
      this.settled,
      this.deviceFallback$,
      this.switching.requests$,
      this.state$,
      this.devices$,
      this.quality$,
      this.stats$,
      this.screenShares$,
      this.sharing$,
      this.mediaConnection$,
      this.missed$,
    ]) {
      subject.complete();
    }
  }
}

/**
 * Whether anyone else still counts for the call: for the inviter, invitees still ringing
 * too; for anyone else only those in (or entering) the room, since C2C cancels of the
 * others never reach them.
 */
export function hasCompany(call: ActiveCall): boolean {
  return call.direction === 'outgoing'
    ? hasActiveParticipants(call)
    : call.participants.some((p) => p.status === 'joined' || p.status === 'accepted');
}
