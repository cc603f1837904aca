import {
  asyncScheduler,
  BehaviorSubject,
  distinctUntilChanged,
  filter,
  map,
  type Observable,
  type SchedulerLike,
  Subject,
  Subscription,
} from 'rxjs';
import {
  CALL_TYPE,
  CALLING_EVENT,
  type CallEndPayload,
  type CallingEvent,
  type CallingEventMap,
  type CallingEventName,
} from './calling-events';
import { CALLING_ERROR_CODE, CallingError, toMediaError } from './errors';
import type {
  DeviceKind,
  DeviceList,
  MediaDevice,
  MediaEngine,
  MediaEvent,
  ViewTarget,
} from './media/media-engine';
import {
  DEFAULT_VIDEO_PROFILE,
  isVideoProfile,
  isVideoProfileName,
  VIDEO_PROFILES,
  type VideoProfile,
  type VideoProfileName,
} from './media/video-profiles';
import { createInviteID, createRoomID } from './protocol/ids';
import type { CallType, InviteContent, InviteSignal, OfflinePushInfo, Signal } from './protocol/signal';
import { addressedToSelf } from './signaling/addressed-to-self';
import { answeredElsewhere } from './signaling/answered-elsewhere';
import { decodeSignals } from './signaling/decode-signals';
import { dedupeSignals } from './signaling/dedupe-signals';
import { detectGlare } from './signaling/detect-glare';
import { type DropReporter, type Inbound, isGroupSignal } from './signaling/inbound';
import { matchCall } from './signaling/match-call';
import { defaultRoute, type Route, sendSignal } from './signaling/outbox';
import { rejectWhenBusy } from './signaling/reject-when-busy';
import { replayInvitations } from './signaling/replay-invitations';
import { ringTimeout } from './signaling/ring-timeout';
import type { IncomingMessage, SignalingChannel, SignalingState } from './signaling/signaling-channel';
import type { CallEvent } from './state/call-event';
import {
  type ActiveCall,
  type ActiveCallType,
  type CallPhase,
  type CallRecord,
  type CallState,
  type EndReason,
  INITIAL_CALL_STATE,
} from './state/call-state';
import { reduceCall } from './state/reduce-call';
import { hasActiveParticipants, selectPeer, selectRinging } from './state/selectors';

/** Where `Calling` writes what it does and what it deliberately ignores. */
export interface CallingLogger {
  debug(message: string, ...details: unknown[]): void;
  info(message: string, ...details: unknown[]): void;
  warn(message: string, ...details: unknown[]): void;
  error(message: string, ...details: unknown[]): void;
}

/** A logger that writes warnings and errors to the console. */
export const CONSOLE_LOGGER: CallingLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: (m, ...d) => console.warn(`[calling] ${m}`, ...d),
  error: (m, ...d) => console.error(`[calling] ${m}`, ...d),
};

/** A logger that writes nothing. */
export const SILENT_LOGGER: CallingLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

/** Options of `new Calling(...)`. */
export interface CallingOptions {
  /** The IM/RTC application ID. */
  readonly SDKAppID: number;
  /** The IM port (Tencent IM, the self-hosted server, or the virtual network). */
  readonly signaling: SignalingChannel;
  /** The RTC port. */
  readonly media: MediaEngine;
  /** Seconds an invitation rings before it times out (default 30, like the reference). */
  readonly ringTimeout?: number;
  /** Runs every timer; `TestScheduler`/`VirtualClock` in tests. Default `asyncScheduler`. */
  readonly scheduler?: SchedulerLike;
  /** Default `CONSOLE_LOGGER` (warnings and errors). */
  readonly logger?: CallingLogger;
  /** Room IDs for new calls (default: random integers 1…100 000 000, like the reference). */
  readonly createRoomID?: () => number;
}

/** `call()`'s parameters (TRTCCalling v1). */
export interface CallParams {
  readonly userID: string;
  readonly type: 1 | 2;
  readonly offlinePushInfo?: OfflinePushInfo;
}

/** `groupCall()`'s parameters (TRTCCalling v1). */
export interface GroupCallParams {
  readonly userIDList: readonly string[];
  readonly type: 1 | 2;
  readonly groupID?: string;
  readonly offlinePushInfo?: OfflinePushInfo;
}

/** What `call()` resolves with. */
export interface CallResult {
  readonly code: 0;
  readonly inviteID: string;
  readonly roomID: number;
  readonly userID: string;
  readonly callType: 1 | 2;
}

/** What `groupCall()` resolves with. */
export interface GroupCallResult {
  readonly code: 0;
  readonly inviteIDs: readonly string[];
  readonly roomID: number;
  readonly groupID: string;
  /** Invitees whose invitation could not be sent. */
  readonly failed: readonly string[];
}

/** What `accept()` resolves with. */
export interface AcceptResult {
  readonly code: 0;
  readonly inviteID: string;
  readonly roomID: number;
  readonly callType: 1 | 2;
}

/** A view request (`videoViewDomID` may be an element ID or the element). */
export interface ViewParams {
  readonly userID: string;
  readonly videoViewDomID: ViewTarget;
}

/** `switchDevice()`'s parameters; `deviceId` is accepted as an alias of `deviceID`. */
export interface SwitchDeviceParams {
  readonly deviceType: 'audio' | 'video' | 'speaker';
  readonly deviceID?: string;
  readonly deviceId?: string;
}

/** A device in use disappeared and another one (or none) took its place. */
export interface DeviceFallback {
  readonly kind: DeviceKind;
  readonly from: string;
  readonly to?: string;
}

const USER_ID = /^[A-Za-z0-9_-]{1,64}$/;
const GROUP_ID = /^[^\s]{1,128}$/;
const MAX_INVITEES = 50;
const EMPTY_DEVICES: DeviceList = { cameras: [], microphones: [], speakers: [] };

interface Session {
  readonly userID: string;
  readonly userSig: string;
  readonly subscription: Subscription;
  ready: boolean;
}

interface PendingSwitch {
  readonly inviteID: string;
  readonly to: 'audio' | 'video';
  readonly resolve: () => void;
  readonly reject: (error: CallingError) => void;
}

/** The timers of a call; each kind has its own keys on `settled`, so settling one never stops another. */
type TimerKind = 'invitee' | 'inviter' | 'switch' | 'connect';

interface RingingTimer {
  readonly kind: TimerKind;
  readonly inviteID: string;
  readonly dueMs: number;
}

function timerKey(kind: TimerKind, inviteID: string): string {
  return `${kind}:${inviteID}`;
}

/**
 * One user's calling: TRTCCalling's API (`login`, `call`, `accept`, `on`, …) over the
 * `SignalingChannel` and `MediaEngine` ports, with every event also as a typed observable and
 * all state in one immutable `state$`.
 *
 * Incoming signals flow through small operators (decode → dedupe → own devices → addressed
 * to us → glare → busy → match to the current call); what they let through is handled here,
 * once. Every state change goes through `reduceCall`.
 */
export class Calling {
  /** Event names with the reference's string values. */
  static readonly EVENT = CALLING_EVENT;
  /** Call types (1 audio, 2 video). */
  static readonly CALL_TYPE = CALL_TYPE;

  readonly #signaling: SignalingChannel;
  readonly #media: MediaEngine;
  readonly #scheduler: SchedulerLike;
  readonly #log: CallingLogger;
  readonly #ringSeconds: number;
  readonly #newRoomID: () => number;

  readonly #callEvents = new Subject<CallEvent>();
  readonly #stateSubject = new BehaviorSubject<CallState>(INITIAL_CALL_STATE);
  readonly #eventsSubject = new Subject<CallingEvent>();
  readonly #devicesSubject = new BehaviorSubject<DeviceList>(EMPTY_DEVICES);
  readonly #fallbackSubject = new Subject<DeviceFallback>();
  readonly #reducerSubscription: Subscription;

  readonly #replays = new Subject<readonly IncomingMessage[]>();
  readonly #timers = new Subject<RingingTimer>();
  readonly #settled = new Subject<string>();

  #session: Session | null = null;
  #loggingIn = false;
  #destroyed = false;
  /** Invitations we withdrew in glare: answers to them are dropped. */
  readonly #withdrawn = new Set<string>();
  /** The loser's invitation held by the glare winner. */
  #glarePending: Inbound | null = null;
  /** What each invitation of the current call carried (TIMEOUT repeats it verbatim). */
  readonly #contents = new Map<string, InviteContent>();
  #pendingSwitch: PendingSwitch | null = null;
  #mediaJoined = false;
  #mediaQueue: Promise<unknown> = Promise.resolve();
  #quality: VideoProfileName | VideoProfile = DEFAULT_VIDEO_PROFILE;
  #preferred: { cameraID?: string; microphoneID?: string } = {};
  readonly #listeners = new Map<
    string,
    { cb: (payload: never) => void; ctx: unknown; sub: Subscription }[]
  >();

  /** The whole state; replays the current value. */
  readonly state$: Observable<CallState>;
  /** Every public event as a discriminated union. */
  readonly events$: Observable<CallingEvent>;
  /** The phase of the current call. */
  readonly phase$: Observable<CallPhase>;
  /** The current call, or `null`. */
  readonly call$: Observable<ActiveCall | null>;
  /** Finished calls of this session, oldest first. */
  readonly callRecords$: Observable<readonly CallRecord[]>;
  /** Cameras, microphones and speakers; updates on hot-plug. */
  readonly devices$: Observable<DeviceList>;
  /** A device in use was unplugged and another took its place. */
  readonly deviceFallback$: Observable<DeviceFallback>;

  /** `ERROR` */
  readonly error$: Observable<CallingEventMap['onError']>;
  /** `SDK_READY` */
  readonly sdkReady$: Observable<CallingEventMap['sdkReady']>;
  /** `INVITED` */
  readonly invited$: Observable<CallingEventMap['onInvited']>;
  /** `USER_ACCEPT` */
  readonly userAccept$: Observable<CallingEventMap['onUserAccept']>;
  /** `USER_ENTER` */
  readonly userEnter$: Observable<CallingEventMap['onUserEnter']>;
  /** `USER_LEAVE` */
  readonly userLeave$: Observable<CallingEventMap['onUserLeave']>;
  /** `REJECT` */
  readonly reject$: Observable<CallingEventMap['onReject']>;
  /** `NO_RESP` */
  readonly noResp$: Observable<CallingEventMap['onNoResp']>;
  /** `LINE_BUSY` */
  readonly lineBusy$: Observable<CallingEventMap['onLineBusy']>;
  /** `CALLING_CANCEL` */
  readonly callingCancel$: Observable<CallingEventMap['onCallingCancel']>;
  /** `CALLING_TIMEOUT` */
  readonly callingTimeout$: Observable<CallingEventMap['onCallingTimeout']>;
  /** `CALL_END` */
  readonly callEnd$: Observable<CallingEventMap['onCallEnd']>;
  /** `KICKED_OUT` */
  readonly kickedOut$: Observable<CallingEventMap['onKickedOut']>;
  /** `USER_VIDEO_AVAILABLE` */
  readonly userVideoAvailable$: Observable<CallingEventMap['onUserVideoAvailable']>;
  /** `USER_AUDIO_AVAILABLE` */
  readonly userAudioAvailable$: Observable<CallingEventMap['onUserAudioAvailable']>;
  /** `USER_VOICE_VOLUME` */
  readonly userVoiceVolume$: Observable<CallingEventMap['onUserVoiceVolume']>;
  /** `GROUP_CALL_INVITEE_LIST_UPDATE` */
  readonly groupCallInviteeListUpdate$: Observable<CallingEventMap['onGroupCallInviteeListUpdate']>;

  constructor(options: CallingOptions) {
    if (!options || !options.signaling || !options.media) {
      throw new CallingError(
        CALLING_ERROR_CODE.INVALID_ARGUMENT,
        'invalidArgument',
        'signaling and media are required',
      );
    }
    const ring = options.ringTimeout ?? 30;
    if (!Number.isFinite(ring) || ring <= 0) {
      throw new CallingError(
        CALLING_ERROR_CODE.INVALID_ARGUMENT,
        'invalidArgument',
        'ringTimeout must be > 0 (seconds)',
      );
    }
    this.#signaling = options.signaling;
    this.#media = options.media;
    this.#scheduler = options.scheduler ?? asyncScheduler;
    this.#log = options.logger ?? CONSOLE_LOGGER;
    this.#ringSeconds = ring;
    this.#newRoomID = options.createRoomID ?? (() => createRoomID());

    // The one place state changes: every CallEvent goes through the reducer.
    this.#reducerSubscription = this.#callEvents
      .pipe(
        // scan would also do; a plain reduce keeps the current value readable synchronously.
        map((event) => reduceCall(this.#stateSubject.value, event)),
        distinctUntilChanged(),
      )
      .subscribe((state) => this.#stateSubject.next(state));

    // Derived streams hang off a BehaviorSubject with cheap synchronous projections, so each
    // subscriber replays the current value without shareReplay (which would add ~1 KB gzip to core).
    this.state$ = this.#stateSubject.asObservable();
    this.events$ = this.#eventsSubject.asObservable();
    this.phase$ = this.state$.pipe(
      map((s) => s.phase),
      distinctUntilChanged(),
    );
    this.call$ = this.state$.pipe(
      map((s) => s.call),
      distinctUntilChanged(),
    );
    this.callRecords$ = this.state$.pipe(
      map((s) => s.records),
      distinctUntilChanged(),
    );
    this.devices$ = this.#devicesSubject.pipe(distinctUntilChanged());
    this.deviceFallback$ = this.#fallbackSubject.asObservable();

    this.error$ = this.#select('onError');
    this.sdkReady$ = this.#select('sdkReady');
    this.invited$ = this.#select('onInvited');
    this.userAccept$ = this.#select('onUserAccept');
    this.userEnter$ = this.#select('onUserEnter');
    this.userLeave$ = this.#select('onUserLeave');
    this.reject$ = this.#select('onReject');
    this.noResp$ = this.#select('onNoResp');
    this.lineBusy$ = this.#select('onLineBusy');
    this.callingCancel$ = this.#select('onCallingCancel');
    this.callingTimeout$ = this.#select('onCallingTimeout');
    this.callEnd$ = this.#select('onCallEnd');
    this.kickedOut$ = this.#select('onKickedOut');
    this.userVideoAvailable$ = this.#select('onUserVideoAvailable');
    this.userAudioAvailable$ = this.#select('onUserAudioAvailable');
    this.userVoiceVolume$ = this.#select('onUserVoiceVolume');
    this.groupCallInviteeListUpdate$ = this.#select('onGroupCallInviteeListUpdate');
  }

  // ---- snapshots ------------------------------------------------------------------------

  /** The current state (snapshot of `state$`). */
  get state(): CallState {
    return this.#stateSubject.value;
  }

  /** The current phase (snapshot of `phase$`). */
  get phase(): CallPhase {
    return this.#stateSubject.value.phase;
  }

  /** The current call (snapshot of `call$`). */
  get currentCall(): ActiveCall | null {
    return this.#stateSubject.value.call;
  }

  get #active(): ActiveCall | null {
    return this.#stateSubject.value.call;
  }

  /** Finished calls (snapshot of `callRecords$`). */
  get callRecords(): readonly CallRecord[] {
    return this.#stateSubject.value.records;
  }

  /** The devices last seen (snapshot of `devices$`). */
  get devices(): DeviceList {
    return this.#devicesSubject.value;
  }

  /** The logged-in user, or `null`. */
  get userID(): string | null {
    return this.#session?.userID ?? null;
  }

  // ---- events (TRTCCalling style) ----------------------------------------------------------

  /** Subscribes `callback` (called with `context` as `this`) to the event `eventName`. */
  on<K extends CallingEventName>(
    eventName: K,
    callback: (payload: CallingEventMap[K]) => void,
    context?: unknown,
  ): void {
    if (typeof callback !== 'function') throw this.#invalid('on() needs a callback');
    const sub = this.#select(eventName).subscribe((payload) => {
      try {
        callback.call(context, payload);
      } catch (error) {
        // A throwing listener must not break the event stream for everybody else.
        this.#log.error(`listener for ${eventName} threw`, error);
      }
    });
    const list = this.#listeners.get(eventName) ?? [];
    list.push({ cb: callback as (payload: never) => void, ctx: context, sub });
    this.#listeners.set(eventName, list);
  }

  /** Unsubscribes `callback` (with the same `context`) from `eventName`; without `callback`, every listener of it. */
  off<K extends CallingEventName>(
    eventName: K,
    callback?: (payload: CallingEventMap[K]) => void,
    context?: unknown,
  ): void {
    const list = this.#listeners.get(eventName);
    if (!list) return;
    const keep = list.filter((l) => {
      const match =
        !callback || (l.cb === (callback as unknown) && (context === undefined || l.ctx === context));
      if (match) l.sub.unsubscribe();
      return !match;
    });
    if (keep.length) this.#listeners.set(eventName, keep);
    else this.#listeners.delete(eventName);
  }

  // ---- session --------------------------------------------------------------------------

  /** Logs in to IM; resolves when signaling is ready. */
  async login(params: { userID: string; userSig: string }): Promise<void> {
    this.#assertAlive();
    const userID = params?.userID;
    const userSig = params?.userSig;
    if (typeof userID !== 'string' || !USER_ID.test(userID)) {
      throw this.#invalid('bad userID');
    }
    if (typeof userSig !== 'string' || userSig.length === 0) throw this.#invalid('userSig is required');
    if (this.#session || this.#loggingIn) {
      throw this.#wrongState(`already logged in${this.#session ? ` as ${this.#session.userID}` : ''}`);
    }
    this.#loggingIn = true;
    const session: Session = { userID, userSig, subscription: new Subscription(), ready: false };
    this.#session = session;
    this.#dispatch({ type: 'session', userID });
    this.#wire(session);
    try {
      await this.#signaling.login({ userID, userSig });
    } catch (error) {
      if (this.#session === session) this.#teardownSession();
      throw new CallingError(
        CALLING_ERROR_CODE.LOGIN_FAILED,
        'loginFailed',
        `login of ${userID} failed: ${messageOf(error)}`,
        error,
      );
    } finally {
      this.#loggingIn = false;
    }
    if (this.#session !== session) throw this.#wrongState('logged out while logging in');
    void this.#refreshDevices();
  }

  /** Ends any call, logs out, and releases every subscription, timer and track. */
  async logout(): Promise<void> {
    const session = this.#session;
    if (!session) return;
    const farewell = this.phase === 'idle' ? Promise.resolve() : this.hangup().catch(() => undefined);
    this.#teardownSession();
    await farewell;
    await this.#mediaQueue.catch(() => undefined);
    try {
      await this.#signaling.logout();
    } catch (error) {
      this.#log.warn('logout failed', error);
    }
  }

  /** Logs out and completes every stream; the instance cannot be used afterwards. */
  async destroy(): Promise<void> {
    if (this.#destroyed) return;
    const done = this.logout();
    this.#destroyed = true;
    for (const list of this.#listeners.values()) list.forEach((l) => l.sub.unsubscribe());
    this.#listeners.clear();
    await done.catch(() => undefined);
    this.#reducerSubscription.unsubscribe();
    for (const s of [
      this.#callEvents,
      this.#eventsSubject,
      this.#replays,
      this.#timers,
      this.#settled,
      this.#fallbackSubject,
    ]) {
      s.complete();
    }
    this.#stateSubject.complete();
    this.#devicesSubject.complete();
    this.#signaling.destroy();
    this.#media.destroy();
  }

  // ---- calls ----------------------------------------------------------------------------

  /** Calls one user (1 audio, 2 video). Resolves once the invitation is out and our media is up. */
  async call(params: CallParams): Promise<CallResult> {
    const self = this.#requireSession();
    const userID = params?.userID;
    const type = params?.type;
    if (typeof userID !== 'string' || !USER_ID.test(userID)) throw this.#invalid('bad userID');
    if (userID === self.userID) throw this.#invalid('cannot call yourself');
    if (type !== 1 && type !== 2) throw this.#invalid('type must be 1 or 2');
    if (this.phase !== 'idle') throw this.#wrongState(`cannot call while ${this.phase}`);
    const { inviteIDs, roomID } = await this.#dial([userID], type, '', false, params.offlinePushInfo);
    return { code: 0, inviteID: inviteIDs[0], roomID, userID, callType: type };
  }

  /**
   * Calls several users. With `groupID`, one invitation goes to the IM group; without, one
   * per user. While we are in our own group call, invites more people into it.
   */
  async groupCall(params: GroupCallParams): Promise<GroupCallResult> {
    const self = this.#requireSession();
    const type = params?.type;
    const groupID = params?.groupID ?? '';
    if (!Array.isArray(params?.userIDList) || params.userIDList.length === 0) {
      throw this.#invalid('userIDList is empty');
    }
    const list = [...new Set(params.userIDList)];
    if (list.some((id) => typeof id !== 'string' || !USER_ID.test(id))) {
      throw this.#invalid('bad userID in userIDList');
    }
    if (list.includes(self.userID)) throw this.#invalid('cannot call yourself');
    if (list.length > MAX_INVITEES) throw this.#invalid(`at most ${MAX_INVITEES} invitees`);
    if (type !== 1 && type !== 2) throw this.#invalid('type must be 1 or 2');
    if (typeof groupID !== 'string' || (groupID !== '' && !GROUP_ID.test(groupID))) {
      throw this.#invalid('bad groupID');
    }
    const current = this.#active;
    if (current) {
      if (!current.isGroup || (this.phase !== 'dialing' && this.phase !== 'connected')) {
        throw this.#wrongState(`cannot call while ${this.phase}`);
      }
      if (groupID !== current.groupID) throw this.#invalid('groupID differs from the call');
    }
    const { inviteIDs, roomID, failed } = await this.#dial(list, type, groupID, true, params.offlinePushInfo);
    return { code: 0, inviteIDs, roomID, groupID, failed };
  }

  /**
   * Sends the invitations of a new call (or of more invitees into our running group call)
   * while joining the room. With a groupID one INVITE goes to the group; otherwise one C2C
   * INVITE per invitee, each carrying the whole list in `userIDs` (PROTOCOL.md §3.2).
   */
  async #dial(
    list: readonly string[],
    type: 1 | 2,
    groupID: string,
    isGroup: boolean,
    offlinePushInfo: OfflinePushInfo | undefined,
  ): Promise<{ inviteIDs: string[]; roomID: number; failed: string[] }> {
    const current = this.#active;
    const roomID = current ? current.roomID : this.#newRoomID();
    const callType: ActiveCallType = current ? current.callType : type;
    const ids = groupID ? [createInviteID()] : list.map(() => createInviteID());
    const invitations = ids.map((inviteID, i) => ({
      inviteID,
      invitees: groupID ? list : [list[i]],
      content: { kind: 'call', callType, roomID, ...(groupID ? {} : { userIDs: list }) } as InviteContent,
    }));
    for (const inv of invitations) this.#contents.set(inv.inviteID, inv.content);
    const callID = current ? current.callID : ids[0];
    if (current) {
      this.#dispatch({ type: 'inviteesAdded', inviteIDs: ids, invitees: list });
    } else {
      this.#dispatch({
        type: 'dialStarted',
        callID,
        inviteIDs: ids,
        invitees: list,
        callType,
        roomID,
        groupID,
        isGroup,
        at: this.#now(),
      });
    }
    this.#tagInvitations(invitations);
    this.#emitInviteeList();

    const joined = current && this.#mediaJoined ? Promise.resolve() : this.#joinMedia(callID);
    const sends = invitations.map((inv) =>
      this.#send(
        this.#inviteSignal(inv.inviteID, inv.invitees, groupID, inv.content),
        groupID
          ? { to: groupID, conversationType: 'GROUP' }
          : { to: inv.invitees[0], conversationType: 'C2C' },
        offlinePushInfo,
      ),
    );
    const [join, ...results] = await Promise.allSettled([joined, ...sends]);
    const failed: string[] = [];
    const sent: string[] = [];
    results.forEach((r, i) => {
      if (r.status === 'fulfilled') {
        sent.push(invitations[i].inviteID);
        this.#startInviterTimer(invitations[i].inviteID);
      } else {
        failed.push(...invitations[i].invitees);
      }
    });
    if (failed.length) {
      this.#log.warn(`not invited: ${failed}`);
      this.#dispatch({ type: 'participantStatus', userIDs: failed, status: 'noResponse' });
      this.#emitInviteeList();
      if (!hasActiveParticipants(this.#active)) {
        this.#endCall(callID, 'sendFailed', null);
        throw this.#sendError(
          `invitation to ${failed} not sent`,
          (results.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason,
        );
      }
    }
    if (join.status === 'rejected') throw this.#failMedia(callID, join.reason);
    if (this.#active?.callID !== callID) throw this.#wrongState('the call ended');
    return { inviteIDs: sent, roomID, failed };
  }

  /** Accepts the ringing invitation: joins the room, then tells the inviter. */
  async accept(): Promise<AcceptResult> {
    this.#requireSession();
    const call = this.#active;
    if (this.phase !== 'ringing' || !call) throw this.#wrongState('there is no ringing invitation to accept');
    this.#settle('invitee', call.callID);
    this.#dispatch(this.#acceptingEvent(call));
    return this.#completeAccept(call.callID);
  }

  /** Rejects the ringing invitation. */
  async reject(): Promise<{ code: 0; inviteID: string }> {
    this.#requireSession();
    const call = this.#active;
    if (this.phase !== 'ringing' || !call) throw this.#wrongState('there is no ringing invitation to reject');
    const signal = this.#answerSignal(call, 'reject');
    this.#endCall(call.callID, 'rejected', null);
    try {
      await this.#send(signal, defaultRoute(signal, this.#selfID()));
    } catch (error) {
      throw this.#sendError('reject not sent', error);
    }
    return { code: 0, inviteID: call.callID };
  }

  /**
   * Ends the current call: cancels invitations still ringing, tells a 1:1 peer we hung up,
   * leaves the room. While an invitation rings for us, rejects it. Idle: does nothing.
   */
  async hangup(): Promise<{ code: 0 }> {
    this.#requireSession();
    const call = this.#active;
    if (!call || this.phase === 'idle') return { code: 0 };
    if (this.phase === 'ringing') {
      await this.reject();
      return { code: 0 };
    }
    const farewells = this.#farewells(call);
    const answered =
      call.connectedAt !== null ||
      call.participants.some((p) => p.status === 'accepted' || p.status === 'joined');
    const ringing = selectRinging(call);
    if (ringing.length && call.direction === 'outgoing') {
      this.#dispatch({ type: 'participantStatus', userIDs: ringing, status: 'canceled' });
    }
    this.#endCall(
      call.callID,
      'hangup',
      answered ? { userID: this.#selfID(), callEnd: this.#duration(call), reason: 'hangup' } : null,
    );
    const results = await Promise.allSettled(farewells.map(([signal, route]) => this.#send(signal, route)));
    results.forEach((r) => r.status === 'rejected' && this.#log.warn('hang-up signal not sent', r.reason));
    return { code: 0 };
  }

  // ---- media controls -------------------------------------------------------------------

  /** Renders the local camera into an element (or the element with that ID). */
  startLocalView(params: ViewParams): void {
    this.#media.attachLocal(this.#viewTarget(params));
  }

  /** Stops rendering the local camera. */
  stopLocalView(_params?: { userID?: string }): void {
    this.#media.detachLocal();
  }

  /** Renders a remote user's video into an element (or the element with that ID). */
  startRemoteView(params: ViewParams): void {
    if (typeof params?.userID !== 'string' || !params.userID) throw this.#invalid('userID is required');
    this.#media.attachRemote(params.userID, this.#viewTarget(params));
  }

  /** Stops rendering a remote user's video. */
  stopRemoteView(params: { userID: string }): void {
    if (typeof params?.userID !== 'string' || !params.userID) throw this.#invalid('userID is required');
    this.#media.detachRemote(params.userID);
  }

  /** Turns the camera on (reacquiring it). */
  async openCamera(): Promise<void> {
    await this.#setCamera(true);
  }

  /** Turns the camera off (releasing it). */
  async closeCamera(): Promise<void> {
    await this.#setCamera(false);
  }

  /** Mutes (`true`) or unmutes the microphone. */
  async setMicMute(isMute: boolean): Promise<void> {
    if (typeof isMute !== 'boolean') throw this.#invalid('setMicMute takes a boolean');
    if (this.#active) this.#dispatch({ type: 'localMedia', micMuted: isMute });
    if (this.#mediaJoined) await this.#media.setMicMuted(isMute);
  }

  /** Sets the video profile ("240p"…"1080p" or a custom profile); applies to a running call too. */
  async setVideoQuality(profile: VideoProfileName | VideoProfile): Promise<void> {
    if (!isVideoProfileName(profile) && !isVideoProfile(profile)) {
      throw this.#invalid('bad video profile');
    }
    this.#quality = profile;
    await this.#media.setVideoProfile(this.#profile());
  }

  /** The video profile in use for new calls. */
  getVideoQuality(): VideoProfileName | VideoProfile {
    return this.#quality;
  }

  /** Switches a 1:1 video call to audio; resolves once both sides switched. */
  switchToAudioCall(): Promise<void> {
    return this.#requestSwitch('audio');
  }

  /** Switches a 1:1 audio call to video; resolves once both sides switched. */
  switchToVideoCall(): Promise<void> {
    return this.#requestSwitch('video');
  }

  /** Cameras present. */
  async getCameras(): Promise<readonly MediaDevice[]> {
    return (await this.#refreshDevices()).cameras;
  }

  /** Microphones present. */
  async getMicrophones(): Promise<readonly MediaDevice[]> {
    return (await this.#refreshDevices()).microphones;
  }

  /** Speakers present. */
  async getSpeakers(): Promise<readonly MediaDevice[]> {
    return (await this.#refreshDevices()).speakers;
  }

  /** Uses another camera (`video`), microphone (`audio`) or speaker; remembered for later calls. */
  async switchDevice(params: SwitchDeviceParams): Promise<void> {
    const deviceID = params?.deviceID ?? params?.deviceId;
    const kinds = { audio: 'microphone', video: 'camera', speaker: 'speaker' } as const;
    const kind = kinds[params?.deviceType as keyof typeof kinds];
    if (!kind) throw this.#invalid('bad deviceType');
    if (typeof deviceID !== 'string' || !deviceID) throw this.#invalid('deviceID is required');
    if (kind === 'camera') this.#preferred = { ...this.#preferred, cameraID: deviceID };
    if (kind === 'microphone') this.#preferred = { ...this.#preferred, microphoneID: deviceID };
    try {
      await this.#media.switchDevice(kind, deviceID);
    } catch (error) {
      throw new CallingError(
        CALLING_ERROR_CODE.INVALID_ARGUMENT,
        'invalidArgument',
        `cannot switch ${kind} to ${deviceID}: ${messageOf(error)}`,
        error,
      );
    }
  }

  // ---- wiring ---------------------------------------------------------------------------

  #wire(session: Session): void {
    const self = session.userID;
    const state$ = this.#stateSubject;
    const drop: DropReporter = (inbound, reason) =>
      this.#log.info(`ignored ${inbound.signal.action} from ${inbound.message.from}: ${reason}`);
    // Live and replayed signals meet in one Subject (rather than `merge`, which would pull
    // rxjs's scheduling machinery into core) and share one pipeline from there on.
    const received = new Subject<Inbound>();
    const feed = { next: (inbound: Inbound) => received.next(inbound) };
    const inbound$ = received.pipe(
      dedupeSignals({ onDrop: drop }),
      answeredElsewhere(self, state$, drop),
      addressedToSelf(self, drop),
      detectGlare(self, state$),
      rejectWhenBusy(state$),
      matchCall(state$, { ignored: this.#withdrawn, onDrop: drop }),
    );
    const sub = session.subscription;
    sub.add(inbound$.subscribe((inbound) => this.#guard(() => this.#handleInbound(inbound))));
    sub.add(
      this.#signaling.messages$
        .pipe(
          decodeSignals((message, error) => {
            this.#log.warn(`dropped bad signal from ${message.from}: ${error.message}`);
            this.#emit('onError', {
              code: CALLING_ERROR_CODE.INVALID_SIGNAL,
              msg: `bad signal from ${message.from}: ${error.message}`,
            });
          }),
        )
        .subscribe(feed),
    );
    sub.add(this.#replays.pipe(replayInvitations(() => this.#now())).subscribe(feed));
    sub.add(
      this.#timers
        .pipe(
          ringTimeout({
            dueTime: (t) => t.dueMs,
            key: (t) => timerKey(t.kind, t.inviteID),
            settled$: this.#settled,
            scheduler: this.#scheduler,
          }),
        )
        .subscribe((t) => this.#guard(() => this.#onTimer(t))),
    );
    sub.add(this.#media.events$.subscribe((event) => this.#guard(() => this.#handleMedia(event))));
    sub.add(
      this.#signaling.state$.subscribe((state) =>
        this.#guard(() => this.#handleSignalingState(session, state)),
      ),
    );
  }

  #teardownSession(): void {
    const session = this.#session;
    if (!session) return;
    const call = this.#active;
    if (call) this.#endCall(call.callID, 'hangup', null);
    this.#session = null;
    session.subscription.unsubscribe();
    this.#withdrawn.clear();
    this.#glarePending = null;
    this.#contents.clear();
    this.#dispatch({ type: 'session', userID: null });
  }

  #handleSignalingState(session: Session, state: SignalingState): void {
    switch (state.status) {
      case 'ready':
        if (!session.ready) {
          session.ready = true;
          this.#emit('sdkReady', { name: 'ts_im_ready' });
          this.#replayHistory(session);
        }
        return;
      case 'notReady':
      case 'connecting':
        if (session.ready) this.#log.info('signaling not ready');
        session.ready = false;
        return;
      case 'kickedOut': {
        const call = this.#active;
        if (call)
          this.#endCall(call.callID, 'kickedOut', {
            userID: this.#selfID(),
            callEnd: this.#duration(call),
            reason: 'kickedOut',
          });
        this.#teardownSession();
        this.#emit('onKickedOut', { reason: state.reason });
        return;
      }
      case 'loggedOut':
        session.ready = false;
        return;
    }
  }

  #replayHistory(session: Session): void {
    const windowMs = (Math.max(this.#ringSeconds, 30) + 5) * 1000;
    this.#signaling
      .history({ since: this.#now() - windowMs, limit: 100 })
      .then((batch) => {
        if (this.#session === session && batch.length) this.#replays.next(batch);
      })
      .catch((error) => this.#log.warn('history replay failed', error));
  }

  // ---- incoming signals -----------------------------------------------------------------

  #handleInbound(inbound: Inbound): void {
    switch (inbound.verdict) {
      case 'busy':
        return this.#onBusy(inbound);
      case 'glareWin':
        this.#log.info('glare: ours wins');
        this.#glarePending = inbound;
        return;
      case 'glareLose':
        this.#log.info('glare: theirs wins');
        return this.#yieldTo(inbound);
      case 'answeredElsewhere':
      case 'rejectedElsewhere': {
        const call = this.#active;
        if (call)
          this.#endCall(call.callID, inbound.verdict, {
            userID: call.inviter,
            callEnd: 0,
            reason: inbound.verdict,
          });
        return;
      }
      case undefined:
        break;
    }
    const { signal } = inbound;
    switch (signal.action) {
      case 'invite':
        switch (signal.content.kind) {
          case 'call':
            return this.#onInvite(inbound, signal, signal.content);
          case 'hangup':
            return this.#onHangupNotice(inbound);
          case 'switch':
            return this.#onSwitchRequest(inbound, signal.content.to);
        }
        return;
      case 'cancel':
        return this.#onCancel(inbound);
      case 'accept':
        return this.#onAccept(inbound);
      case 'reject':
        return this.#onReject(inbound, signal.busy);
      case 'timeout':
        return this.#onTimeout(inbound);
    }
  }

  #onInvite(inbound: Inbound, signal: InviteSignal, content: Extract<InviteContent, { kind: 'call' }>): void {
    if (content.roomID <= 0) {
      this.#log.warn('ignored invitation to room 0');
      return;
    }
    const isGroup = isGroupSignal(signal);
    const invitees = content.userIDs?.length ? content.userIDs : signal.inviteeList;
    this.#contents.set(signal.inviteID, content);
    this.#dispatch({
      type: 'invited',
      callID: signal.inviteID,
      inviter: signal.inviter,
      invitees,
      callType: content.callType,
      roomID: content.roomID,
      groupID: signal.groupID,
      isGroup,
      at: this.#now(),
    });
    if (this.#active?.callID !== signal.inviteID) return;
    this.#tagInvitations([{ inviteID: signal.inviteID, invitees: signal.inviteeList }]);
    if (signal.timeout > 0) {
      const full = signal.timeout * 1000;
      const dueMs = inbound.replayed ? inbound.message.time + full - this.#now() : full;
      this.#startTimer('invitee', signal.inviteID, dueMs);
    }
    this.#emit('onInvited', {
      sponsor: signal.inviter,
      userIDList: invitees,
      isFromGroup: isGroup,
      inviteData: { version: 4, callType: content.callType, callEnd: 0, roomID: content.roomID },
      inviteID: signal.inviteID,
      groupID: signal.groupID,
    });
    this.#emitInviteeList();
  }

  #onBusy(inbound: Inbound): void {
    const signal = inbound.signal as InviteSignal;
    const content = signal.content as Extract<InviteContent, { kind: 'call' }>;
    const reply: Signal = {
      action: 'reject',
      inviteID: signal.inviteID,
      inviter: signal.inviter,
      inviteeList: [this.#selfID()],
      groupID: signal.groupID,
      timeout: 0,
      callType: content.callType,
      busy: true,
    };
    this.#send(reply, defaultRoute(reply, this.#selfID())).catch((error) =>
      this.#log.warn('busy reject not sent', error),
    );
    this.#emit('onLineBusy', { sponsor: signal.inviter, userID: this.#selfID() });
  }

  /** Glare lost (or our invitation came back busy while theirs waits): drop ours, accept theirs. */
  #yieldTo(inbound: Inbound): void {
    const signal = inbound.signal as InviteSignal;
    const content = signal.content as Extract<InviteContent, { kind: 'call' }>;
    const ours = this.#active;
    if (ours) {
      for (const id of ours.inviteIDs) {
        this.#withdrawn.add(id);
        this.#settle('inviter', id);
      }
      this.#trimWithdrawn();
    }
    this.#glarePending = null;
    this.#contents.set(signal.inviteID, content);
    this.#dispatch({
      type: 'accepting',
      callID: signal.inviteID,
      inviter: signal.inviter,
      invitees: signal.inviteeList,
      callType: content.callType,
      roomID: content.roomID,
      groupID: signal.groupID,
      isGroup: false,
      at: this.#now(),
    });
    if (this.#mediaJoined) this.#leaveMedia();
    this.#completeAccept(signal.inviteID).catch((error) => this.#log.warn('glare accept failed', error));
  }

  #onHangupNotice(inbound: Inbound): void {
    const call = this.#active;
    if (!call) return;
    const from = inbound.message.from;
    if (this.phase === 'ringing' && from === call.inviter) {
      this.#endCall(call.callID, 'canceled', null);
      this.#emit('onCallingCancel', { inviteID: call.callID, sponsor: from });
      return;
    }
    if (!call.isGroup) {
      this.#endCall(call.callID, 'remoteHangup', {
        userID: from,
        callEnd: this.#duration(call),
        reason: 'remoteHangup',
      });
      return;
    }
    this.#dispatch({ type: 'participantStatus', userIDs: [from], status: 'left' });
    this.#endIfAlone('remoteHangup', from);
  }

  #onSwitchRequest(inbound: Inbound, to: 'audio' | 'video'): void {
    const call = this.#active;
    if (!call) return;
    const reply: Signal = {
      action: 'accept',
      inviteID: inbound.signal.inviteID,
      inviter: inbound.message.from,
      inviteeList: [this.#selfID()],
      groupID: '',
      timeout: 0,
      callType: call.callType,
      switchTo: to,
    };
    this.#send(reply, { to: inbound.message.from, conversationType: 'C2C' }).catch((error) =>
      this.#log.warn('switch reply not sent', error),
    );
    this.#applySwitch(to).catch(() => undefined);
  }

  #onCancel(inbound: Inbound): void {
    const call = this.#active;
    if (!call) return;
    const listed = inbound.signal.inviteeList;
    const self = this.#selfID();
    if (listed.length === 0 || listed.includes(self)) {
      if (this.phase === 'ringing' || this.phase === 'connecting') {
        this.#endCall(call.callID, 'canceled', null);
        this.#emit('onCallingCancel', { inviteID: inbound.signal.inviteID, sponsor: inbound.message.from });
      } else {
        this.#log.info('ignored cancel: in the call');
      }
      return;
    }
    this.#dispatch({ type: 'participantStatus', userIDs: listed, status: 'canceled' });
    this.#emitInviteeList();
  }

  #onAccept(inbound: Inbound): void {
    const call = this.#active;
    if (!call) return;
    const pending = this.#pendingSwitch;
    if (pending && pending.inviteID === inbound.signal.inviteID) {
      this.#settle('switch', pending.inviteID);
      this.#applySwitch(pending.to).then(
        () => this.#settleSwitch(pending),
        (error: CallingError) => this.#settleSwitch(pending, error),
      );
      return;
    }
    const from = inbound.message.from;
    if (this.#glarePending?.message.from === from) this.#glarePending = null;
    this.#dispatch({ type: 'participantStatus', userIDs: [from], status: 'accepted' });
    this.#settleIfAnswered(inbound.signal.inviteID);
    this.#emit('onUserAccept', { userID: from });
    this.#emitInviteeList();
  }

  #onReject(inbound: Inbound, busy: boolean): void {
    const call = this.#active;
    if (!call) return;
    const pending = this.#pendingSwitch;
    if (pending && pending.inviteID === inbound.signal.inviteID) {
      this.#settle('switch', pending.inviteID);
      this.#settleSwitch(
        pending,
        this.#switchError(pending.to, 'switchRefused', 'the peer refused the switch'),
      );
      return;
    }
    const from = inbound.message.from;
    const glare = this.#glarePending;
    if (busy && glare && glare.message.from === from && !call.isGroup) {
      this.#log.info('glare: busy, accepting theirs');
      this.#yieldTo(glare);
      return;
    }
    this.#dispatch({ type: 'participantStatus', userIDs: [from], status: busy ? 'busy' : 'rejected' });
    this.#settleIfAnswered(inbound.signal.inviteID);
    if (busy) this.#emit('onLineBusy', { sponsor: call.inviter, userID: from });
    else this.#emit('onReject', { userID: from });
    if (!call.isGroup) {
      this.#endCall(call.callID, busy ? 'busy' : 'rejected', null);
      return;
    }
    this.#emitInviteeList();
    this.#endIfAlone(busy ? 'busy' : 'rejected', from);
  }

  #onTimeout(inbound: Inbound): void {
    const call = this.#active;
    if (!call) return;
    const self = this.#selfID();
    const listed = inbound.signal.inviteeList;
    if (call.direction === 'incoming' && listed.includes(self)) {
      if (this.phase !== 'ringing') {
        this.#log.info('ignored timeout: answered');
        return;
      }
      this.#emit('onCallingTimeout', { sponsor: inbound.signal.inviter, userIDList: listed });
      this.#endCall(call.callID, 'timeout', {
        userID: inbound.signal.inviter,
        callEnd: 0,
        reason: 'timeout',
      });
      return;
    }
    const others = listed.filter((id) => id !== self);
    this.#dispatch({ type: 'participantStatus', userIDs: others, status: 'timeout' });
    this.#settleIfAnswered(inbound.signal.inviteID);
    if (call.direction === 'outgoing') this.#emit('onCallingTimeout', { sponsor: self, userIDList: others });
    this.#emitInviteeList();
    if (!hasActiveParticipants(this.#active)) {
      this.#endCall(call.callID, 'timeout', {
        userID: call.inviter,
        callEnd: this.#duration(call),
        reason: 'timeout',
      });
    }
  }

  // ---- timers ---------------------------------------------------------------------------

  #startTimer(kind: TimerKind, inviteID: string, dueMs: number): void {
    this.#timers.next({ kind, inviteID, dueMs });
  }

  #settle(kind: TimerKind, inviteID: string): void {
    this.#settled.next(timerKey(kind, inviteID));
  }

  #onTimer(timer: RingingTimer): void {
    switch (timer.kind) {
      case 'invitee':
        return this.#onInviteeTimeout(timer.inviteID);
      case 'inviter':
        return this.#onInviterTimeout(timer.inviteID);
      case 'switch':
        return this.#onSwitchTimeout(timer.inviteID);
      case 'connect':
        return this.#onConnectTimeout(timer.inviteID);
    }
  }

  /** We accepted and joined, but nobody ever entered the room: do not stay `connecting` forever. */
  #onConnectTimeout(callID: string): void {
    const call = this.#active;
    if (!call || call.callID !== callID || this.phase !== 'connecting') return;
    const failure = new CallingError(
      CALLING_ERROR_CODE.MEDIA_FAILED,
      'mediaFailed',
      'nobody entered the room',
    );
    this.#emit('onError', { code: failure.code, msg: failure.message });
    this.#endCall(callID, 'mediaFailed', { userID: call.inviter, callEnd: 0, reason: 'mediaFailed' });
  }

  #startInviterTimer(inviteID: string): void {
    if (this.#active?.inviteIDs.includes(inviteID)) {
      this.#startTimer('inviter', inviteID, (this.#ringSeconds + 5) * 1000);
    }
  }

  #onInviteeTimeout(inviteID: string): void {
    const call = this.#active;
    if (!call || this.phase !== 'ringing' || call.callID !== inviteID) return;
    const content = this.#contents.get(inviteID);
    if (content) {
      const signal: Signal = {
        action: 'timeout',
        inviteID,
        inviter: call.inviter,
        inviteeList: [this.#selfID()],
        groupID: call.groupID,
        timeout: 0,
        content,
      };
      this.#send(signal, defaultRoute(signal, this.#selfID())).catch((error) =>
        this.#log.warn('timeout not sent', error),
      );
    }
    this.#emit('onCallingTimeout', { sponsor: call.inviter, userIDList: [this.#selfID()] });
    this.#endCall(call.callID, 'timeout', { userID: call.inviter, callEnd: 0, reason: 'timeout' });
  }

  #onInviterTimeout(inviteID: string): void {
    const call = this.#active;
    if (!call || call.direction !== 'outgoing' || !call.inviteIDs.includes(inviteID)) return;
    const unanswered = this.#invitedBy(inviteID)
      .filter((p) => p.status === 'ringing')
      .map((p) => p.userID);
    if (!unanswered.length) return;
    const content = this.#contents.get(inviteID);
    if (content) {
      const signal: Signal = {
        action: 'timeout',
        inviteID,
        inviter: this.#selfID(),
        inviteeList: unanswered,
        groupID: call.groupID,
        timeout: 0,
        content,
      };
      this.#send(signal, defaultRoute(signal, this.#selfID())).catch((error) =>
        this.#log.warn('timeout not sent', error),
      );
    }
    this.#dispatch({ type: 'participantStatus', userIDs: unanswered, status: 'noResponse' });
    this.#emit('onNoResp', { sponsor: this.#selfID(), userIDList: unanswered });
    this.#emitInviteeList();
    if (!hasActiveParticipants(this.#active)) {
      this.#endCall(call.callID, 'noResponse', {
        userID: this.#selfID(),
        callEnd: this.#duration(call),
        reason: 'noResponse',
      });
    }
  }

  #onSwitchTimeout(inviteID: string): void {
    const pending = this.#pendingSwitch;
    if (!pending || pending.inviteID !== inviteID) return;
    // Unlike the reference, an unanswered switch request does not end the call (PROTOCOL.md §8.7).
    this.#settleSwitch(pending, this.#switchError(pending.to, 'switchTimeout', 'switch request unanswered'));
  }

  // ---- media ----------------------------------------------------------------------------

  #handleMedia(event: MediaEvent): void {
    switch (event.type) {
      case 'userEntered': {
        const call = this.#active;
        if (
          !call ||
          (this.phase !== 'dialing' && this.phase !== 'connecting' && this.phase !== 'connected')
        ) {
          this.#log.info('ignored media: no call');
          return;
        }
        const before = selectRinging(call);
        this.#dispatch({ type: 'peerEntered', userID: event.userID, at: this.#now() });
        this.#settle('connect', call.callID);
        for (const id of call.inviteIDs) this.#settleIfAnswered(id);
        this.#emit('onUserEnter', { userID: event.userID });
        if (call.isGroup && before.length !== selectRinging(this.#active).length) this.#emitInviteeList();
        return;
      }
      case 'userLeft': {
        const call = this.#active;
        const who = call?.participants.find((p) => p.userID === event.userID);
        if (!call || !who || who.status !== 'joined') return;
        this.#dispatch({ type: 'peerLeft', userID: event.userID });
        this.#emit('onUserLeave', { userID: event.userID });
        const after = this.#active;
        if (after && !this.#hasCompany(after)) {
          // The last one left without a hang-up notice (crash, or a reference client, which sends
          // none): tell them, as the reference's last remaining client does (1:1 and group), so
          // they get CALL_END too. Duplicates are ignored on our side.
          const notice = this.#hangupNotice(call, event.userID);
          this.#send(notice, { to: event.userID, conversationType: 'C2C' }).catch((error) =>
            this.#log.info('hang-up notice not sent', error),
          );
          this.#endCall(call.callID, 'remoteHangup', {
            userID: event.userID,
            callEnd: this.#duration(call),
            reason: 'remoteHangup',
          });
        }
        return;
      }
      case 'audioAvailable':
      case 'videoAvailable': {
        const kind = event.type === 'audioAvailable' ? 'audio' : 'video';
        this.#dispatch({ type: 'availability', userID: event.userID, kind, available: event.available });
        if (kind === 'audio')
          this.#emit('onUserAudioAvailable', { userID: event.userID, isAudioAvailable: event.available });
        else this.#emit('onUserVideoAvailable', { userID: event.userID, isVideoAvailable: event.available });
        return;
      }
      case 'volume':
        this.#emit('onUserVoiceVolume', {
          volumeMap: event.volumes.map((v) => ({ userId: v.userID, audioVolume: v.volume })),
        });
        return;
      case 'devicesChanged':
        this.#devicesSubject.next(event.devices);
        return;
      case 'deviceFallback':
        this.#fallbackSubject.next({
          kind: event.kind,
          from: event.from,
          ...(event.to ? { to: event.to } : {}),
        });
        return;
      case 'failed': {
        const call = this.#active;
        this.#emit('onError', { code: event.code, msg: event.message });
        if (!call) return;
        const farewells = this.#farewells(call);
        this.#endCall(call.callID, 'mediaFailed', {
          userID: this.#selfID(),
          callEnd: this.#duration(call),
          reason: 'mediaFailed',
        });
        for (const [signal, route] of farewells) this.#send(signal, route).catch(() => undefined);
        return;
      }
      case 'error':
        this.#emit('onError', { code: event.code, msg: event.message });
        return;
    }
  }

  #joinMedia(callID: string): Promise<void> {
    return this.#enqueueMedia(async () => {
      const call = this.#active;
      const session = this.#session;
      if (!call || call.callID !== callID || !session) throw this.#wrongState('the call ended');
      await this.#media.join({
        roomID: call.roomID,
        userID: session.userID,
        userSig: session.userSig,
        video: call.callType === 2,
        profile: this.#profile(),
        ...this.#preferred,
      });
      this.#mediaJoined = true;
      // The call may have ended while we were joining: leave again at once.
      if (this.#active?.callID !== callID) {
        this.#mediaJoined = false;
        await this.#media.leave();
        throw this.#wrongState('the call ended');
      }
    });
  }

  #leaveMedia(): void {
    if (!this.#mediaJoined) return;
    this.#mediaJoined = false;
    this.#enqueueMedia(() => this.#media.leave()).catch((error) => this.#log.warn('leave failed', error));
  }

  #enqueueMedia<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#mediaQueue.then(task, task);
    this.#mediaQueue = run.catch(() => undefined);
    return run;
  }

  async #completeAccept(callID: string): Promise<AcceptResult> {
    try {
      await this.#joinMedia(callID);
    } catch (error) {
      const call = this.#active;
      if (call?.callID === callID) {
        const signal = this.#answerSignal(call, 'reject');
        this.#send(signal, defaultRoute(signal, this.#selfID())).catch(() => undefined);
      }
      throw this.#failMedia(callID, error);
    }
    const call = this.#active;
    if (!call || call.callID !== callID) throw this.#wrongState('the call ended');
    const signal = this.#answerSignal(call, 'accept');
    try {
      await this.#send(signal, defaultRoute(signal, this.#selfID()));
    } catch (error) {
      if (this.#active?.callID === callID) this.#endCall(callID, 'sendFailed', null);
      throw this.#sendError('accept not sent', error);
    }
    if (this.phase === 'connecting') this.#startTimer('connect', callID, this.#ringSeconds * 1000);
    return { code: 0, inviteID: callID, roomID: call.roomID, callType: call.callType };
  }

  async #setCamera(enabled: boolean): Promise<void> {
    if (this.#active) this.#dispatch({ type: 'localMedia', cameraEnabled: enabled });
    if (!this.#mediaJoined) return;
    try {
      await this.#media.setCameraEnabled(enabled);
    } catch (error) {
      throw toMediaError(error, enabled ? 'camera on failed' : 'camera off failed');
    }
  }

  async #requestSwitch(to: 'audio' | 'video'): Promise<void> {
    const code =
      to === 'audio'
        ? CALLING_ERROR_CODE.FAILURE_SWITCH_TO_AUDIO
        : CALLING_ERROR_CODE.FAILURE_SWITCH_TO_VIDEO;
    this.#requireSession();
    const call = this.#active;
    const fail = (message: string) => new CallingError(code, 'wrongState', message);
    if (!call || this.phase === 'idle') throw fail('no call to switch');
    if (call.isGroup) throw fail('only 1:1 calls can switch');
    if (call.callType === (to === 'audio' ? 1 : 2)) throw fail(`the call is already an ${to} call`);
    if (this.#pendingSwitch) throw fail('a switch is pending');
    const peer = selectPeer(call);
    if (!peer) throw fail('no peer to switch with');
    const inviteID = createInviteID();
    const content: InviteContent = { kind: 'switch', to, callType: call.callType, roomID: call.roomID };
    const done = new Promise<void>((resolve, reject) => {
      this.#pendingSwitch = { inviteID, to, resolve, reject };
    });
    this.#dispatch({ type: 'switchPending', inviteID, to });
    try {
      await this.#send(this.#inviteSignal(inviteID, [peer], '', content), {
        to: peer,
        conversationType: 'C2C',
      });
    } catch (error) {
      const pending = this.#pendingSwitch as PendingSwitch | null;
      if (pending?.inviteID === inviteID)
        this.#settleSwitch(pending, this.#sendError('switch request not sent', error));
      return done;
    }
    this.#startTimer('switch', inviteID, (this.#ringSeconds + 5) * 1000);
    return done;
  }

  async #applySwitch(to: 'audio' | 'video'): Promise<void> {
    const target: ActiveCallType = to === 'audio' ? 1 : 2;
    if (this.#active?.callType === target) return;
    if (this.#mediaJoined) {
      try {
        await this.#media.setVideoPublished(to === 'video');
      } catch (error) {
        const failure = this.#switchError(
          to,
          'switchFailed',
          `switch to ${to} failed: ${messageOf(error)}`,
          error,
        );
        this.#emit('onError', { code: failure.code, msg: failure.message });
        throw failure;
      }
    }
    if (this.#active) this.#dispatch({ type: 'callTypeChanged', callType: target });
  }

  #settleSwitch(pending: PendingSwitch, error?: CallingError): void {
    if (this.#pendingSwitch !== pending) return;
    this.#pendingSwitch = null;
    this.#settle('switch', pending.inviteID);
    if (this.#active) this.#dispatch({ type: 'switchSettled' });
    if (error) {
      if (error.reason !== 'switchFailed') this.#emit('onError', { code: error.code, msg: error.message });
      pending.reject(error);
    } else {
      pending.resolve();
    }
  }

  async #refreshDevices(): Promise<DeviceList> {
    const devices = await this.#media.getDevices();
    if (!this.#destroyed) this.#devicesSubject.next(devices);
    return devices;
  }

  // ---- ending ---------------------------------------------------------------------------

  /** Ends the call `callID` (if it is still the current one): timers, media, state, then events. */
  #endCall(callID: string, reason: EndReason, event: CallEndPayload | null): void {
    const call = this.#active;
    if (!call || call.callID !== callID) return;
    for (const id of call.inviteIDs) {
      for (const kind of ['invitee', 'inviter', 'connect'] as const) this.#settle(kind, id);
    }
    const pending = this.#pendingSwitch;
    if (pending) {
      this.#pendingSwitch = null;
      this.#settle('switch', pending.inviteID);
      pending.reject(this.#switchError(pending.to, 'switchFailed', 'the call ended'));
    }
    this.#glarePending = null;
    for (const id of call.inviteIDs) this.#contents.delete(id);
    this.#invitedWith.clear();
    this.#leaveMedia();
    this.#dispatch({ type: 'ended', reason, at: this.#now() });
    if (event) this.#emit('onCallEnd', event);
  }

  /**
   * Ends a group call when we are alone: the inviter waits while invitees still ring; anyone
   * else leaves once nobody is in (or about to enter) the room, since invitations it cannot
   * see being cancelled may still look like they ring.
   */
  #endIfAlone(reason: EndReason, lastUserID: string): void {
    const call = this.#active;
    if (!call || this.#hasCompany(call)) return;
    this.#endCall(call.callID, reason, { userID: lastUserID, callEnd: this.#duration(call), reason });
  }

  /**
   * Whether anyone else still counts for the call: for the inviter, invitees still ringing
   * too; for anyone else only those in (or entering) the room, since C2C cancels of the
   * others never reach them.
   */
  #hasCompany(call: ActiveCall): boolean {
    return call.direction === 'outgoing'
      ? hasActiveParticipants(call)
      : call.participants.some((p) => p.status === 'joined' || p.status === 'accepted');
  }

  /** The signals that close our side of `call`: CANCELs for invitations still ringing, a hang-up notice for a 1:1 peer. */
  #farewells(call: ActiveCall): [Signal, Route][] {
    const out: [Signal, Route][] = [];
    if (call.direction === 'outgoing') {
      const nobodyAnswered = call.participants.every((p) => p.status === 'ringing');
      for (const inviteID of call.inviteIDs) {
        const ringing = this.#invitedBy(inviteID, call)
          .filter((p) => p.status === 'ringing')
          .map((p) => p.userID);
        if (!ringing.length) continue;
        const cancel = (list: readonly string[]): Signal => ({
          action: 'cancel',
          inviteID,
          inviter: call.inviter,
          inviteeList: list,
          groupID: call.groupID,
          timeout: 0,
          callType: call.callType,
        });
        if (call.groupID && nobodyAnswered) {
          out.push([cancel(ringing), { to: call.groupID, conversationType: 'GROUP' }]);
        } else {
          // Once someone answered, a group CANCEL would also reach (and, in the reference,
          // end the call of) those in the call: cancel the ringing ones one by one (§8.3).
          for (const id of ringing) out.push([cancel([id]), { to: id, conversationType: 'C2C' }]);
        }
      }
    }
    const peer = selectPeer(call);
    const peerIn = call.participants.find(
      (p) => p.userID === peer && (p.status === 'accepted' || p.status === 'joined'),
    );
    if (peer && peerIn) out.push([this.#hangupNotice(call, peer), { to: peer, conversationType: 'C2C' }]);
    return out;
  }

  // ---- helpers --------------------------------------------------------------------------

  #hangupNotice(call: ActiveCall, to: string): Signal {
    return {
      action: 'invite',
      inviteID: createInviteID(),
      inviter: this.#selfID(),
      inviteeList: [to],
      groupID: '',
      timeout: 0,
      onlineUserOnly: false,
      content: { kind: 'hangup', callType: call.callType, callEnd: this.#duration(call) },
    };
  }

  #inviteSignal(
    inviteID: string,
    invitees: readonly string[],
    groupID: string,
    content: InviteContent,
  ): InviteSignal {
    return {
      action: 'invite',
      inviteID,
      inviter: this.#selfID(),
      inviteeList: invitees,
      groupID,
      timeout: this.#ringSeconds,
      onlineUserOnly: false,
      content,
    };
  }

  #answerSignal(call: ActiveCall, action: 'accept' | 'reject'): Signal {
    const base = {
      inviteID: call.callID,
      inviter: call.inviter,
      inviteeList: [this.#selfID()],
      groupID: call.groupID,
      timeout: 0,
      callType: call.callType as CallType,
    };
    return action === 'accept' ? { ...base, action } : { ...base, action, busy: false };
  }

  #acceptingEvent(call: ActiveCall): Extract<CallEvent, { type: 'accepting' }> {
    return {
      type: 'accepting',
      callID: call.callID,
      inviter: call.inviter,
      invitees: call.participants.map((p) => p.userID),
      callType: call.callType,
      roomID: call.roomID,
      groupID: call.groupID,
      isGroup: call.isGroup,
      at: this.#now(),
    };
  }

  /** Remembers which invitation invited whom (for CANCELs and inviter timeouts). */
  #tagInvitations(invitations: readonly { inviteID: string; invitees: readonly string[] }[]): void {
    for (const inv of invitations) for (const id of inv.invitees) this.#invitedWith.set(id, inv.inviteID);
  }

  readonly #invitedWith = new Map<string, string>();

  #invitedBy(inviteID: string, call: ActiveCall | null = this.#active) {
    return (call?.participants ?? []).filter(
      (p) => p.invited && (this.#invitedWith.get(p.userID) ?? call?.callID) === inviteID,
    );
  }

  /** Stops an invitation's ring timer once none of its invitees is still ringing. */
  #settleIfAnswered(inviteID: string): void {
    if (this.#active?.direction !== 'outgoing') return;
    if (!this.#invitedBy(inviteID).some((p) => p.status === 'ringing')) this.#settle('inviter', inviteID);
  }

  #emitInviteeList(): void {
    const call = this.#active;
    if (call?.isGroup) this.#emit('onGroupCallInviteeListUpdate', { userIDList: selectRinging(call) });
  }

  #send(signal: Signal, route: Route, offlinePushInfo?: OfflinePushInfo): Promise<unknown> {
    return sendSignal(this.#signaling, signal, route, {
      now: this.#now(),
      ...(offlinePushInfo ? { offlinePushInfo } : {}),
    });
  }

  #failMedia(callID: string, error: unknown): CallingError {
    const failure = toMediaError(error, 'media could not be started');
    if (failure.reason === 'wrongState') return failure;
    const call = this.#active;
    if (call?.callID === callID) {
      const farewells = this.#farewells(call);
      this.#endCall(callID, 'mediaFailed', null);
      for (const [signal, route] of farewells) this.#send(signal, route).catch(() => undefined);
    }
    this.#emit('onError', { code: failure.code, msg: failure.message });
    return failure;
  }

  #duration(call: ActiveCall): number {
    return call.connectedAt === null ? 0 : Math.max(0, Math.floor((this.#now() - call.connectedAt) / 1000));
  }

  #profile(): VideoProfile {
    return typeof this.#quality === 'string' ? VIDEO_PROFILES[this.#quality] : this.#quality;
  }

  #viewTarget(params: ViewParams): ViewTarget {
    const target = params?.videoViewDomID;
    if (typeof target === 'string' ? !target : !target) throw this.#invalid('videoViewDomID is required');
    return target;
  }

  #trimWithdrawn(): void {
    while (this.#withdrawn.size > 64) this.#withdrawn.delete(this.#withdrawn.values().next().value as string);
  }

  #select<K extends CallingEventName>(name: K): Observable<CallingEventMap[K]> {
    return this.#eventsSubject.pipe(
      filter((e): e is Extract<CallingEvent, { type: K }> => e.type === name),
      map((e) => e.payload as CallingEventMap[K]),
    );
  }

  #emit<K extends CallingEventName>(type: K, payload: CallingEventMap[K]): void {
    this.#eventsSubject.next({ type, payload } as CallingEvent);
  }

  #dispatch(event: CallEvent): void {
    this.#callEvents.next(event);
  }

  #guard(task: () => void): void {
    try {
      task();
    } catch (error) {
      // One bad signal or event must never end the stream that carries the next one.
      this.#log.error('handler failed', error);
      this.#emit('onError', { code: CALLING_ERROR_CODE.INVALID_SIGNAL, msg: messageOf(error) });
    }
  }

  #now(): number {
    return this.#scheduler.now();
  }

  #selfID(): string {
    return this.#session?.userID ?? '';
  }

  #requireSession(): Session {
    this.#assertAlive();
    if (!this.#session)
      throw new CallingError(CALLING_ERROR_CODE.NOT_LOGGED_IN, 'notLoggedIn', 'not logged in');
    return this.#session;
  }

  #assertAlive(): void {
    if (this.#destroyed)
      throw new CallingError(CALLING_ERROR_CODE.DESTROYED, 'destroyed', 'this Calling was destroyed');
  }

  #invalid(message: string): CallingError {
    return new CallingError(CALLING_ERROR_CODE.INVALID_ARGUMENT, 'invalidArgument', message);
  }

  #wrongState(message: string): CallingError {
    return new CallingError(CALLING_ERROR_CODE.WRONG_STATE, 'wrongState', message);
  }

  #sendError(message: string, cause: unknown): CallingError {
    return new CallingError(
      CALLING_ERROR_CODE.SEND_FAILED,
      'sendFailed',
      `${message}: ${messageOf(cause)}`,
      cause,
    );
  }

  #switchError(
    to: 'audio' | 'video',
    reason: 'switchFailed' | 'switchRefused' | 'switchTimeout',
    message: string,
    cause?: unknown,
  ): CallingError {
    const code =
      to === 'audio'
        ? CALLING_ERROR_CODE.FAILURE_SWITCH_TO_AUDIO
        : CALLING_ERROR_CODE.FAILURE_SWITCH_TO_VIDEO;
    return new CallingError(code, reason, message, cause);
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
