import { type Observable, Subject } from 'rxjs';
import { distinctUntilChanged, map } from './operators';
import {
  CALL_TYPE,
  CALLING_EVENT,
  type CallingEvent,
  type CallingEventMap,
  type CallingEventName,
} from './calling-events';
import type {
  AcceptResult,
  AnswerParams,
  CallingOptions,
  CallParams,
  CallResult,
  DeviceFallback,
  DeviceInfo,
  GroupCallParams,
  GroupCallResult,
  JoinParams,
  StopViewParams,
  SwitchDeviceParams,
  ViewParams,
} from './calling-options';
import { CALLING_ERROR_CODE, CallingError } from './errors';
import { checkUserID, deviceInfos, viewTarget } from './engine/arguments';
import { acceptRinging, hangupCall, rejectRinging } from './engine/calls';
import { callGroup, callUser, joinRoom } from './engine/commands';
import { CallEngine, type Session } from './engine/engine';
import { invalidArgument, wrongState } from './engine/failures';
import { Listeners, selectEvent } from './engine/listeners';
import * as controls from './engine/media-controls';
import type { MissedCall } from './engine/missed';
import { engineOptions } from './engine/options';
import { closeSession, openSession } from './engine/session';
import * as screen from './engine/screen-share';
import { DeviceChecks } from './engine/device-check';
import type {
  DeviceCheck,
  DeviceCheckOptions,
  DeviceList,
  MediaPermissions,
  MediaStats,
  ParticipantQuality,
  ViewTarget,
} from './media/media-engine';
import type { VideoProfile, VideoProfileName } from './media/video-profiles';
import type { ActiveCall, CallPhase, CallRecord, CallState, SwitchRequest } from './state/call-state';

export {
  type AcceptResult,
  type AnswerParams,
  type CallingLogger,
  type CallingOptions,
  type CallParams,
  type CallResult,
  CONSOLE_LOGGER,
  type DeviceFallback,
  type DeviceInfo,
  type GroupCallParams,
  type GroupCallResult,
  type JoinParams,
  SILENT_LOGGER,
  type StopViewParams,
  type SwitchDeviceParams,
  type ViewParams,
} from './calling-options';

/**
 * One user's calling: TRTCCalling's API (`login`, `call`, `accept`, `on`, …) over the
 * `SignalingChannel` and `MediaEngine` ports, with every event also as a typed observable and
 * all state in one immutable `state$`.
 *
 * This class is the public face: arguments are checked here, and the work is done by the
 * engine beside it (`engine/`): the inbound pipeline and its handlers, media events, timers
 * and the media session, all changing state through `reduceCall` only.
 */
export class Calling {
  /** Event names with the reference's string values. */
  static readonly EVENT = CALLING_EVENT;
  /** Call types (1 audio, 2 video). */
  static readonly CALL_TYPE = CALL_TYPE;

  readonly #engine: CallEngine;
  /** Created before the engine, so that the event streams below can be fields. */
  readonly #events = new Subject<CallingEvent>();
  #loggingIn = false;
  #destroyed = false;
  readonly #listeners: Listeners;
  readonly #checks: DeviceChecks;

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
  /**
   * The 1:1 peer asks to switch the call to audio or video: answer with `acceptSwitch()` or
   * `rejectSwitch()` (unanswered, it is refused after the ring timeout). Not emitted with
   * `autoAcceptSwitch`, nor for requests of reference clients, which are accepted as they come.
   * The request is in the state too (`ActiveCall.switchRequest`) until it is answered.
   */
  readonly switchRequested$: Observable<SwitchRequest>;
  /** Network quality (TRTC's 0–6 scale) of the local uplink and of each remote user, in a call. */
  readonly networkQuality$: Observable<readonly ParticipantQuality[]>;
  /** Bitrate, loss, round-trip time and resolution of the local user and each remote user, in a call. */
  readonly stats$: Observable<readonly MediaStats[]>;
  /** The remote users sharing their screen (`startRemoteScreenView` renders one). */
  readonly remoteScreenShares$: Observable<readonly string[]>;
  /** Whether this user shares their screen. */
  readonly screenSharing$: Observable<boolean>;
  /** The media connection: `reconnecting` while it is being re-established, then `connected`. */
  readonly mediaConnection$: Observable<'connected' | 'reconnecting'>;
  /** An invitation to this user expired unanswered (live, or found in history at login); its record says `missed`. */
  readonly missedCall$: Observable<MissedCall>;

  /** `ERROR` */
  declare readonly error$: Observable<CallingEventMap['onError']>;
  /** `SDK_READY` */
  declare readonly sdkReady$: Observable<CallingEventMap['sdkReady']>;
  /** `INVITED` */
  declare readonly invited$: Observable<CallingEventMap['onInvited']>;
  /** `USER_ACCEPT` */
  declare readonly userAccept$: Observable<CallingEventMap['onUserAccept']>;
  /** `USER_ENTER` */
  declare readonly userEnter$: Observable<CallingEventMap['onUserEnter']>;
  /** `USER_LEAVE` */
  declare readonly userLeave$: Observable<CallingEventMap['onUserLeave']>;
  /** `REJECT` */
  declare readonly reject$: Observable<CallingEventMap['onReject']>;
  /** `NO_RESP` */
  declare readonly noResp$: Observable<CallingEventMap['onNoResp']>;
  /** `LINE_BUSY` */
  declare readonly lineBusy$: Observable<CallingEventMap['onLineBusy']>;
  /** `CALLING_CANCEL` */
  declare readonly callingCancel$: Observable<CallingEventMap['onCallingCancel']>;
  /** `CALLING_TIMEOUT` */
  declare readonly callingTimeout$: Observable<CallingEventMap['onCallingTimeout']>;
  /** `CALL_END` */
  declare readonly callEnd$: Observable<CallingEventMap['onCallEnd']>;
  /** `KICKED_OUT` */
  declare readonly kickedOut$: Observable<CallingEventMap['onKickedOut']>;
  /** `USER_VIDEO_AVAILABLE` */
  declare readonly userVideoAvailable$: Observable<CallingEventMap['onUserVideoAvailable']>;
  /** `USER_AUDIO_AVAILABLE` */
  declare readonly userAudioAvailable$: Observable<CallingEventMap['onUserAudioAvailable']>;
  /** `USER_VOICE_VOLUME` */
  declare readonly userVoiceVolume$: Observable<CallingEventMap['onUserVoiceVolume']>;
  /** `GROUP_CALL_INVITEE_LIST_UPDATE` */
  declare readonly groupCallInviteeListUpdate$: Observable<CallingEventMap['onGroupCallInviteeListUpdate']>;

  constructor(options: CallingOptions) {
    const engine = new CallEngine(engineOptions(options, this.#events));
    this.#engine = engine;
    this.#checks = new DeviceChecks(options.media);
    // One stream per event, named after it (`onUserAccept` → `userAccept$`): written out as 17
    // field initialisers they cost core's budget about 0.1 KB gzip.
    for (const name of Object.values(CALLING_EVENT)) {
      const stream = `${name.replace(/^on(.)/, (_, first: string) => first.toLowerCase())}$`;
      (this as unknown as Record<string, unknown>)[stream] = selectEvent(this.#events, name);
    }
    this.#listeners = new Listeners(engine.events$, engine.log);

    // Derived streams hang off a BehaviorSubject with cheap synchronous projections, so each
    // subscriber replays the current value without shareReplay (which would add ~1 KB gzip to core).
    this.state$ = engine.state$.asObservable();
    this.events$ = engine.events$.asObservable();
    this.phase$ = project(this.state$, (s) => s.phase);
    this.call$ = project(this.state$, (s) => s.call);
    this.callRecords$ = project(this.state$, (s) => s.records);
    this.devices$ = engine.devices$.pipe(distinctUntilChanged());
    this.deviceFallback$ = engine.deviceFallback$.asObservable();
    this.switchRequested$ = engine.switching.requests$.asObservable();
    this.networkQuality$ = engine.quality$.asObservable();
    this.stats$ = engine.stats$.asObservable();
    this.remoteScreenShares$ = engine.screenShares$.asObservable();
    this.screenSharing$ = engine.sharing$.pipe(distinctUntilChanged());
    this.mediaConnection$ = engine.mediaConnection$.pipe(distinctUntilChanged());
    this.missedCall$ = engine.missed$.asObservable();
  }

  // ---- snapshots ------------------------------------------------------------------------

  /** The current state (snapshot of `state$`). */
  get state(): CallState {
    return this.#engine.state$.value;
  }

  /** The current phase (snapshot of `phase$`). */
  get phase(): CallPhase {
    return this.#engine.phase;
  }

  /** The current call (snapshot of `call$`). */
  get currentCall(): ActiveCall | null {
    return this.#engine.call;
  }

  /** Finished calls (snapshot of `callRecords$`). */
  get callRecords(): readonly CallRecord[] {
    return this.state.records;
  }

  /** The devices last seen (snapshot of `devices$`). */
  get devices(): DeviceList {
    return this.#engine.devices$.value;
  }

  /** The logged-in user, or `null`. */
  get userID(): string | null {
    return this.#engine.session?.userID ?? null;
  }

  // ---- events (TRTCCalling style) ----------------------------------------------------------

  /** Subscribes `callback` (called with `context` as `this`) to the event `eventName`. */
  on<K extends CallingEventName>(
    eventName: K,
    callback: (payload: CallingEventMap[K]) => void,
    context?: unknown,
  ): void {
    if (typeof callback !== 'function') throw invalidArgument('on() needs a callback');
    this.#listeners.add(eventName, callback, context);
  }

  /** Unsubscribes `callback` (with the same `context`) from `eventName`; without `callback`, every listener of it. */
  off<K extends CallingEventName>(
    eventName: K,
    callback?: (payload: CallingEventMap[K]) => void,
    context?: unknown,
  ): void {
    this.#listeners.remove(eventName, callback, context);
  }

  // ---- session --------------------------------------------------------------------------

  /** Logs in to IM; resolves when signaling is ready. */
  async login(params: { userID: string; userSig: string }): Promise<void> {
    this.#assertAlive();
    const engine = this.#engine;
    const userID = checkUserID(params?.userID);
    const userSig = params?.userSig;
    if (typeof userSig !== 'string' || userSig.length === 0) throw invalidArgument('userSig is required');
    if (engine.session || this.#loggingIn) {
      throw wrongState(`already logged in${engine.session ? ` as ${engine.session.userID}` : ''}`);
    }
    this.#loggingIn = true;
    try {
      await openSession(engine, userID, userSig);
    } finally {
      this.#loggingIn = false;
    }
    void this.#refreshDevices();
  }

  /** Ends any call, logs out, and releases every subscription, timer and track. */
  async logout(): Promise<void> {
    const engine = this.#engine;
    this.#checks.stopAll();
    await closeSession(engine, () => this.hangup());
  }

  /** Logs out and completes every stream; the instance cannot be used afterwards. */
  async destroy(): Promise<void> {
    if (this.#destroyed) return;
    const done = this.logout();
    this.#destroyed = true;
    this.#listeners.clear();
    await done.catch(() => undefined);
    this.#engine.complete();
    this.#engine.signaling.destroy();
    this.#engine.mediaEngine.destroy();
  }

  // ---- calls ----------------------------------------------------------------------------

  /** Calls one user (1 audio, 2 video). Resolves once the invitation is out and our media is up. */
  async call(params: CallParams): Promise<CallResult> {
    return callUser(this.#engine, this.#requireSession(), params);
  }

  /**
   * Calls several users. With `groupID`, one invitation goes to the IM group; without, one
   * per user. While we are in our own group call, invites more people into it.
   */
  async groupCall(params: GroupCallParams): Promise<GroupCallResult> {
    return callGroup(this.#engine, this.#requireSession(), params);
  }

  /** Accepts the ringing invitation: joins the room, then tells the inviter. */
  async accept(_params?: AnswerParams): Promise<AcceptResult> {
    this.#requireSession();
    return acceptRinging(this.#engine);
  }

  /**
   * Joins a group call in progress by its room (TUICallEngine's `joinInGroupCall`): this user
   * must belong to it (the server refuses others, 4100). Resolves once in the room; rejects with
   * 60019 when nobody is in it any more.
   */
  async join(params: JoinParams): Promise<void> {
    this.#requireSession();
    await joinRoom(this.#engine, params);
  }

  /** Rejects the ringing invitation. */
  async reject(_params?: AnswerParams): Promise<{ code: 0; inviteID: string }> {
    this.#requireSession();
    return rejectRinging(this.#engine);
  }

  /**
   * Ends the current call: cancels invitations still ringing, tells a 1:1 peer we hung up,
   * leaves the room. While an invitation rings for us, rejects it. Idle: does nothing.
   */
  async hangup(): Promise<{ code: 0 }> {
    this.#requireSession();
    await (this.phase === 'ringing' ? rejectRinging(this.#engine) : hangupCall(this.#engine));
    return { code: 0 };
  }

  // ---- media controls -------------------------------------------------------------------

  /** Renders the local camera into an element (or the element with that ID). */
  startLocalView(params: ViewParams): void {
    this.#engine.mediaEngine.attachLocal(viewTarget(params));
  }

  /** Stops rendering the local camera. */
  stopLocalView(_params?: StopViewParams): void {
    this.#engine.mediaEngine.detachLocal();
  }

  /** Renders a remote user's video into an element (or the element with that ID). */
  startRemoteView(params: ViewParams): void {
    controls.startRemoteView(this.#engine, params);
  }

  /** Stops rendering a remote user's video. */
  stopRemoteView(params: StopViewParams & { readonly userID: string }): void {
    controls.stopRemoteView(this.#engine, params);
  }

  /** Shares the screen in the call; rejects 60011 outside one, 60030 when the capture is refused. */
  async startScreenShare(): Promise<void> {
    this.#requireSession();
    await screen.startScreenShare(this.#engine);
  }

  /** Stops sharing the screen (nothing happens when it is not shared). */
  async stopScreenShare(): Promise<void> {
    await screen.stopScreenShare(this.#engine);
  }

  /** Renders a remote user's screen share (`remoteScreenShares$`) into `view`. */
  startRemoteScreenView(params: { readonly userID: string; readonly view: ViewTarget }): void {
    screen.startRemoteScreenView(this.#engine, params);
  }

  /** Stops rendering a remote user's screen share. */
  stopRemoteScreenView(params: { readonly userID: string }): void {
    screen.stopRemoteScreenView(this.#engine, params);
  }

  /**
   * Opens a device check outside any call: camera preview, microphone level, speaker test tone.
   * Needs no login; logout and destroy stop a check still open. Rejects 60003–60005 as a call's
   * media does, 60006 where the media engine has none.
   */
  startDeviceCheck(options?: DeviceCheckOptions): Promise<DeviceCheck> {
    this.#assertAlive();
    return this.#checks.open(options ?? {});
  }

  /** The browser's camera and microphone permission states, without prompting. */
  getPermissions(): Promise<MediaPermissions> {
    this.#assertAlive();
    return this.#engine.mediaEngine.getPermissions();
  }

  /** Turns the camera on (reacquiring it). */
  async openCamera(): Promise<void> {
    await this.#engine.media.setCamera(true);
  }

  /** Turns the camera off (releasing it). */
  async closeCamera(): Promise<void> {
    await this.#engine.media.setCamera(false);
  }

  /** Mutes (`true`) or unmutes the microphone. */
  async setMicMute(isMute: boolean): Promise<void> {
    await controls.setMicMute(this.#engine, isMute);
  }

  /** Sets the video profile ("240p"…"1080p" or a custom profile); applies to a running call too. */
  async setVideoQuality(profile: VideoProfileName | VideoProfile): Promise<void> {
    await controls.setVideoQuality(this.#engine, profile);
  }

  /** The video profile in use for new calls. */
  getVideoQuality(): VideoProfileName | VideoProfile {
    return this.#engine.media.quality;
  }

  /**
   * Asks the 1:1 peer to switch a video call to audio; resolves once both sides switched.
   * Rejects (and emits `ERROR`) with 60001 when it cannot be asked, the peer refuses, or nobody
   * answers.
   */
  switchToAudioCall(): Promise<void> {
    return this.#requestSwitch('audio');
  }

  /**
   * Asks the 1:1 peer to switch an audio call to video; resolves once both sides switched.
   * Rejects (and emits `ERROR`) with 60002 when it cannot be asked (also: no camera here), the
   * peer refuses or cannot (no camera there), or nobody answers.
   */
  switchToVideoCall(): Promise<void> {
    return this.#requestSwitch('video');
  }

  /** Accepts the peer's pending switch request: switches our media, then tells the peer. */
  async acceptSwitch(): Promise<void> {
    this.#requireSession();
    await this.#engine.switching.answer(true);
  }

  /** Refuses the peer's pending switch request; the call goes on as it is. */
  async rejectSwitch(): Promise<void> {
    this.#requireSession();
    await this.#engine.switching.answer(false);
  }

  /** Cameras present, with the browser's device fields (`deviceId`, `groupId`, `kind`, `label`) and ours. */
  async getCameras(): Promise<readonly DeviceInfo[]> {
    return deviceInfos((await this.#refreshDevices()).cameras);
  }

  /** Microphones present, with the browser's device fields and ours. */
  async getMicrophones(): Promise<readonly DeviceInfo[]> {
    return deviceInfos((await this.#refreshDevices()).microphones);
  }

  /** Speakers present, with the browser's device fields and ours. */
  async getSpeakers(): Promise<readonly DeviceInfo[]> {
    return deviceInfos((await this.#refreshDevices()).speakers);
  }

  /**
   * Uses another camera (`video`), microphone (`audio`) or speaker; remembered for later calls.
   * Takes `{deviceType, deviceID}` or, as the API doc's sample, `(deviceType, deviceID)`.
   */
  async switchDevice(
    params: SwitchDeviceParams | SwitchDeviceParams['deviceType'],
    deviceId?: string,
  ): Promise<void> {
    await controls.switchDevice(this.#engine, params, deviceId);
  }

  // ---- helpers --------------------------------------------------------------------------

  async #requestSwitch(to: 'audio' | 'video'): Promise<void> {
    this.#requireSession();
    return this.#engine.switching.request(to);
  }

  #refreshDevices(): Promise<DeviceList> {
    return this.#engine.media.refreshDevices();
  }

  #requireSession(): Session {
    this.#assertAlive();
    const session = this.#engine.session;
    if (!session) throw new CallingError(CALLING_ERROR_CODE.NOT_LOGGED_IN, 'notLoggedIn', 'not logged in');
    return session;
  }

  #assertAlive(): void {
    if (this.#destroyed)
      throw new CallingError(CALLING_ERROR_CODE.DESTROYED, 'destroyed', 'this Calling was destroyed');
  }
}

/** `source` mapped by `fn`, repeating nothing. */
function project<S, T>(source: Observable<S>, fn: (state: S) => T): Observable<T> {
  return source.pipe(map(fn), distinctUntilChanged());
}
