import { isPlatformServer } from '@angular/common';
import { computed, DestroyRef, inject, Injectable, PLATFORM_ID, type Signal, signal } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { BehaviorSubject, distinctUntilChanged, EMPTY, type Observable, of, switchMap } from 'rxjs';
import {
  type AcceptResult,
  type ActiveCall,
  type AnswerParams,
  type CallParams,
  type CallPhase,
  type CallRecord,
  type CallResult,
  type CallState,
  type Calling,
  CallingError,
  callingErrorReason,
  type CallingEvent,
  type CallingEventMap,
  type CallingEventName,
  type DeviceCheck,
  type DeviceCheckOptions,
  type DeviceFallback,
  type DeviceInfo,
  type DeviceList,
  type MediaPermissions,
  type MediaStats,
  type MissedCall,
  type ParticipantQuality,
  type GroupCallParams,
  type JoinParams,
  type GroupCallResult,
  INITIAL_CALL_STATE,
  type InvitedPayload,
  type Participant,
  type StopViewParams,
  type SwitchDeviceParams,
  type SwitchRequest,
  type VideoProfile,
  type VideoProfileName,
  type ViewParams,
  type ViewTarget,
} from 'ngx-trtc-calling/core';
import { CallingBackend } from './calling-backend';
import { CALLING_CONFIG } from './calling-config';
import { asCallingError, createCalling, destroyedError, serverError } from './calling-instance';

const EMPTY_DEVICES: DeviceList = { cameras: [], microphones: [], speakers: [] };
const NO_PARTICIPANTS: readonly Participant[] = [];

function sameDevices(a: DeviceList, b: DeviceList): boolean {
  const empty = (d: DeviceList) => !d.cameras.length && !d.microphones.length && !d.speakers.length;
  return a === b || (empty(a) && empty(b));
}

/**
 * One user's calling for an Angular app: wraps one `Calling` (`ngx-trtc-calling/core`),
 * created on first use over the `CallingBackend` that `provideCalling()` chose.
 *
 * - Every `Calling` method, as an async method (it waits for the backend on first use).
 * - Every observable (`state$`, `phase$`, `invited$`, …), subscribable before the `Calling`
 *   exists: state streams start from the initial state, event streams stay silent until then.
 * - Signals for templates: `phase`, `currentCall`, `incoming`, `participants`, `devices`, `lastError`,
 *   `userID`, `records`, `micMuted`, `cameraEnabled`.
 * - Destroying the injector destroys the `Calling` (hang up, log out, release every track).
 * - On the server (SSR) it never creates the backend: methods reject with a `CallingError`
 *   (`notSupported`), observables and signals keep their initial values.
 */
@Injectable()
export class CallingService {
  readonly #server = isPlatformServer(inject(PLATFORM_ID));
  readonly #config = inject(CALLING_CONFIG);
  /** Never injected on the server, so a backend is not even constructed there. */
  readonly #backend: CallingBackend | null = this.#server ? null : inject(CallingBackend, { optional: true });
  /** The Calling once created; completes when the service is destroyed. */
  readonly #instance = new BehaviorSubject<Calling | null>(null);
  #creating: Promise<Calling> | null = null;
  #destroyed = false;
  readonly #lastError = signal<CallingError | null>(null);

  // ---- observables ----------------------------------------------------------------------

  /** The whole state; starts with the initial state. */
  readonly state$: Observable<CallState> = this.#state((c) => c.state$, INITIAL_CALL_STATE);
  /** Every public event as a discriminated union. */
  readonly events$: Observable<CallingEvent> = this.#events((c) => c.events$);
  /** The phase of the current call. */
  readonly phase$: Observable<CallPhase> = this.#state((c) => c.phase$, INITIAL_CALL_STATE.phase);
  /** The current call, or `null`. */
  readonly call$: Observable<ActiveCall | null> = this.#state((c) => c.call$, INITIAL_CALL_STATE.call);
  /** Finished calls of this session, oldest first. */
  readonly callRecords$: Observable<readonly CallRecord[]> = this.#state(
    (c) => c.callRecords$,
    INITIAL_CALL_STATE.records,
  );
  /** Cameras, microphones and speakers (empty until the first login lists them). */
  readonly devices$: Observable<DeviceList> = this.#state((c) => c.devices$, EMPTY_DEVICES, sameDevices);
  /** A device in use was unplugged and another took its place. */
  readonly deviceFallback$: Observable<DeviceFallback> = this.#events((c) => c.deviceFallback$);
  /**
   * The 1:1 peer asks to switch the call to audio or video: answer with `acceptSwitch()` or
   * `rejectSwitch()` (unanswered, it is refused after the ring timeout). Not emitted with
   * `autoAcceptSwitch`, nor for requests of reference clients, which are accepted as they come.
   */
  readonly switchRequested$: Observable<SwitchRequest> = this.#events((c) => c.switchRequested$);
  /** An invitation to this user expired unanswered (live, or found in history at login). */
  readonly missedCall$: Observable<MissedCall> = this.#events((c) => c.missedCall$);
  /** Network quality (TRTC's 0–6 scale) of the local uplink and of each remote user, in a call. */
  readonly networkQuality$: Observable<readonly ParticipantQuality[]> = this.#state(
    (c) => c.networkQuality$,
    NO_QUALITIES,
  );
  /** Bitrate, loss, round-trip time and resolution of the local user and each remote user, in a call. */
  readonly stats$: Observable<readonly MediaStats[]> = this.#state((c) => c.stats$, NO_STATS);
  /** The remote users sharing their screen. */
  readonly remoteScreenShares$: Observable<readonly string[]> = this.#state(
    (c) => c.remoteScreenShares$,
    NO_SHARES,
  );
  /** Whether this user shares their screen. */
  readonly screenSharing$: Observable<boolean> = this.#state((c) => c.screenSharing$, false);
  /** The media connection: `reconnecting` while it is being re-established, then `connected`. */
  readonly mediaConnection$: Observable<'connected' | 'reconnecting'> = this.#state(
    (c) => c.mediaConnection$,
    'connected' as const,
  );

  /** `ERROR` */
  readonly error$: Observable<CallingEventMap['onError']> = this.#events((c) => c.error$);
  /** `SDK_READY` */
  readonly sdkReady$: Observable<CallingEventMap['sdkReady']> = this.#events((c) => c.sdkReady$);
  /** `INVITED` */
  readonly invited$: Observable<CallingEventMap['onInvited']> = this.#events((c) => c.invited$);
  /** `USER_ACCEPT` */
  readonly userAccept$: Observable<CallingEventMap['onUserAccept']> = this.#events((c) => c.userAccept$);
  /** `USER_ENTER` */
  readonly userEnter$: Observable<CallingEventMap['onUserEnter']> = this.#events((c) => c.userEnter$);
  /** `USER_LEAVE` */
  readonly userLeave$: Observable<CallingEventMap['onUserLeave']> = this.#events((c) => c.userLeave$);
  /** `REJECT` */
  readonly reject$: Observable<CallingEventMap['onReject']> = this.#events((c) => c.reject$);
  /** `NO_RESP` */
  readonly noResp$: Observable<CallingEventMap['onNoResp']> = this.#events((c) => c.noResp$);
  /** `LINE_BUSY` */
  readonly lineBusy$: Observable<CallingEventMap['onLineBusy']> = this.#events((c) => c.lineBusy$);
  /** `CALLING_CANCEL` */
  readonly callingCancel$: Observable<CallingEventMap['onCallingCancel']> = this.#events(
    (c) => c.callingCancel$,
  );
  /** `CALLING_TIMEOUT` */
  readonly callingTimeout$: Observable<CallingEventMap['onCallingTimeout']> = this.#events(
    (c) => c.callingTimeout$,
  );
  /** `CALL_END` */
  readonly callEnd$: Observable<CallingEventMap['onCallEnd']> = this.#events((c) => c.callEnd$);
  /** `KICKED_OUT` */
  readonly kickedOut$: Observable<CallingEventMap['onKickedOut']> = this.#events((c) => c.kickedOut$);
  /** `USER_VIDEO_AVAILABLE` */
  readonly userVideoAvailable$: Observable<CallingEventMap['onUserVideoAvailable']> = this.#events(
    (c) => c.userVideoAvailable$,
  );
  /** `USER_AUDIO_AVAILABLE` */
  readonly userAudioAvailable$: Observable<CallingEventMap['onUserAudioAvailable']> = this.#events(
    (c) => c.userAudioAvailable$,
  );
  /** `USER_VOICE_VOLUME` */
  readonly userVoiceVolume$: Observable<CallingEventMap['onUserVoiceVolume']> = this.#events(
    (c) => c.userVoiceVolume$,
  );
  /** `GROUP_CALL_INVITEE_LIST_UPDATE` */
  readonly groupCallInviteeListUpdate$: Observable<CallingEventMap['onGroupCallInviteeListUpdate']> =
    this.#events((c) => c.groupCallInviteeListUpdate$);

  // ---- signals --------------------------------------------------------------------------

  /** The whole state (snapshot of `state$`). */
  readonly state: Signal<CallState> = toSignal(this.state$, { initialValue: INITIAL_CALL_STATE });
  /** The phase of the current call. */
  readonly phase: Signal<CallPhase> = computed(() => this.state().phase);
  /**
   * The current call, or `null` (snapshot of `call$`; named like `Calling.currentCall`, since
   * `call` is the method that places a call).
   */
  readonly currentCall: Signal<ActiveCall | null> = computed(() => this.state().call);
  /** Everyone in the current call but this user, with their status and audio/video availability. */
  readonly participants: Signal<readonly Participant[]> = computed(
    () => this.currentCall()?.participants ?? NO_PARTICIPANTS,
  );
  /** Finished calls of this session, oldest first. */
  readonly records: Signal<readonly CallRecord[]> = computed(() => this.state().records);
  /** The logged-in user, or `null`. */
  readonly userID: Signal<string | null> = computed(() => this.state().userID);
  /** Whether our microphone is muted in the current call (`false` without a call). */
  readonly micMuted: Signal<boolean> = computed(() => this.currentCall()?.micMuted ?? false);
  /** Whether our camera sends video in the current call: a video call whose camera is not closed. */
  readonly cameraEnabled: Signal<boolean> = computed(() => {
    const call = this.currentCall();
    return !!call && call.callType === 2 && call.cameraEnabled;
  });
  /** Cameras, microphones and speakers. */
  readonly devices: Signal<DeviceList> = toSignal(this.devices$, { initialValue: EMPTY_DEVICES });
  /** Network quality per participant (snapshot of `networkQuality$`). */
  readonly networkQuality: Signal<readonly ParticipantQuality[]> = toSignal(this.networkQuality$, {
    initialValue: NO_QUALITIES,
  });
  /** Media statistics per participant (snapshot of `stats$`). */
  readonly stats: Signal<readonly MediaStats[]> = toSignal(this.stats$, { initialValue: NO_STATS });
  /** The remote users sharing their screen (snapshot of `remoteScreenShares$`). */
  readonly remoteScreenShares: Signal<readonly string[]> = toSignal(this.remoteScreenShares$, {
    initialValue: NO_SHARES,
  });
  /** Whether this user shares their screen (snapshot of `screenSharing$`). */
  readonly screenSharing: Signal<boolean> = toSignal(this.screenSharing$, { initialValue: false });
  /** The media connection (snapshot of `mediaConnection$`). */
  readonly mediaConnection: Signal<'connected' | 'reconnecting'> = toSignal(this.mediaConnection$, {
    initialValue: 'connected' as const,
  });
  readonly #invitation = toSignal(this.invited$, { initialValue: null });
  /** The invitation ringing for us, or `null` (answered, cancelled, timed out, or none). */
  readonly incoming: Signal<InvitedPayload | null> = computed(() => {
    const invitation = this.#invitation();
    const call = this.currentCall();
    return this.phase() === 'ringing' && invitation && call?.callID === invitation.inviteID
      ? invitation
      : null;
  });
  /** The last error: an `error$` event or a failed method call; `clearError()` resets it. */
  readonly lastError: Signal<CallingError | null> = this.#lastError.asReadonly();

  constructor() {
    if (!this.#server && !this.#backend && (typeof ngDevMode === 'undefined' || ngDevMode)) {
      throw new Error(
        'CallingService: no CallingBackend. Add withSelfHosted(...), withTencentCloud(...) or ' +
          'withCallingBackend(...) to provideCalling().',
      );
    }
    this.error$.subscribe(({ code, msg }) =>
      this.#lastError.set(new CallingError(code, callingErrorReason(code), msg)),
    );
    inject(DestroyRef).onDestroy(() => this.#destroy());
  }

  /**
   * The wrapped `Calling`, created on first use (after the backend resolves). Rejects on the
   * server, after destruction, and when the backend fails (a later call tries again).
   */
  calling(): Promise<Calling> {
    if (this.#server) {
      return Promise.reject(serverError());
    }
    if (this.#destroyed) return Promise.reject(destroyedError());
    if (!this.#creating) {
      this.#creating = this.#create();
      this.#creating.catch(() => (this.#creating = null));
    }
    return this.#creating;
  }

  /** Clears `lastError`. */
  clearError(): void {
    this.#lastError.set(null);
  }

  // ---- Calling's methods ----------------------------------------------------------------

  /** Subscribes `callback` (called with `context` as `this`) to `eventName` (TRTCCalling style). */
  on<K extends CallingEventName>(
    eventName: K,
    callback: (payload: CallingEventMap[K]) => void,
    context?: unknown,
  ): Promise<void> {
    return this.#run((c) => c.on(eventName, callback, context));
  }

  /** Unsubscribes `callback` (with the same `context`) from `eventName`; without `callback`, every listener. */
  off<K extends CallingEventName>(
    eventName: K,
    callback?: (payload: CallingEventMap[K]) => void,
    context?: unknown,
  ): Promise<void> {
    return this.#run((c) => c.off(eventName, callback, context));
  }

  /** Logs in to IM; resolves when signaling is ready. */
  login(params: { userID: string; userSig: string }): Promise<void> {
    return this.#run((c) => c.login(params));
  }

  /** Ends any call and logs out. */
  logout(): Promise<void> {
    return this.#run((c) => c.logout());
  }

  /** Calls one user (1 audio, 2 video). */
  call(params: CallParams): Promise<CallResult> {
    return this.#run((c) => c.call(params));
  }

  /** Calls several users (into an IM group with `groupID`). */
  groupCall(params: GroupCallParams): Promise<GroupCallResult> {
    return this.#run((c) => c.groupCall(params));
  }

  /** Accepts the ringing invitation. */
  accept(params?: AnswerParams): Promise<AcceptResult> {
    return this.#run((c) => c.accept(params));
  }

  /** Joins a group call in progress by its room (TUICallEngine's `joinInGroupCall`); 60019 when it is over. */
  join(params: JoinParams): Promise<void> {
    return this.#run((c) => c.join(params));
  }

  /** Rejects the ringing invitation. */
  reject(params?: AnswerParams): Promise<{ code: 0; inviteID: string }> {
    return this.#run((c) => c.reject(params));
  }

  /** Ends the current call (rejects a ringing one). */
  hangup(): Promise<{ code: 0 }> {
    return this.#run((c) => c.hangup());
  }

  /** Renders the local camera into an element (or the element with that ID). */
  startLocalView(params: ViewParams): Promise<void> {
    return this.#run((c) => c.startLocalView(params));
  }

  /** Stops rendering the local camera. */
  stopLocalView(params?: StopViewParams): Promise<void> {
    return this.#run((c) => c.stopLocalView(params));
  }

  /** Renders a remote user's video into an element (or the element with that ID). */
  startRemoteView(params: ViewParams): Promise<void> {
    return this.#run((c) => c.startRemoteView(params));
  }

  /** Stops rendering a remote user's video. */
  stopRemoteView(params: StopViewParams & { readonly userID: string }): Promise<void> {
    return this.#run((c) => c.stopRemoteView(params));
  }

  /** Shares the screen in the call; rejects 60011 outside one, 60030 when the capture is refused. */
  startScreenShare(): Promise<void> {
    return this.#run((c) => c.startScreenShare());
  }

  /** Stops sharing the screen. */
  stopScreenShare(): Promise<void> {
    return this.#run((c) => c.stopScreenShare());
  }

  /** Renders a remote user's screen share (`remoteScreenShares()`) into `view`. */
  startRemoteScreenView(params: { readonly userID: string; readonly view: ViewTarget }): Promise<void> {
    return this.#run((c) => c.startRemoteScreenView(params));
  }

  /** Stops rendering a remote user's screen share. */
  stopRemoteScreenView(params: { readonly userID: string }): Promise<void> {
    return this.#run((c) => c.stopRemoteScreenView(params));
  }

  /** Turns the camera on. */
  openCamera(): Promise<void> {
    return this.#run((c) => c.openCamera());
  }

  /** Turns the camera off. */
  closeCamera(): Promise<void> {
    return this.#run((c) => c.closeCamera());
  }

  /** Mutes (`true`) or unmutes the microphone. */
  setMicMute(isMute: boolean): Promise<void> {
    return this.#run((c) => c.setMicMute(isMute));
  }

  /** Sets the video profile; applies to a running call too. */
  setVideoQuality(profile: VideoProfileName | VideoProfile): Promise<void> {
    return this.#run((c) => c.setVideoQuality(profile));
  }

  /** The video profile in use for new calls. */
  getVideoQuality(): Promise<VideoProfileName | VideoProfile> {
    return this.#run((c) => c.getVideoQuality());
  }

  /** Switches a 1:1 video call to audio; resolves once both sides switched. */
  switchToAudioCall(): Promise<void> {
    return this.#run((c) => c.switchToAudioCall());
  }

  /** Switches a 1:1 audio call to video; resolves once both sides switched. */
  switchToVideoCall(): Promise<void> {
    return this.#run((c) => c.switchToVideoCall());
  }

  /** Accepts the peer's pending switch request: switches our media, then tells the peer. */
  acceptSwitch(): Promise<void> {
    return this.#run((c) => c.acceptSwitch());
  }

  /** Refuses the peer's pending switch request; the call goes on as it is. */
  rejectSwitch(): Promise<void> {
    return this.#run((c) => c.rejectSwitch());
  }

  /**
   * Opens a device check outside any call (camera preview, microphone level, speaker test tone);
   * needs no login, and logout and destroy stop a check still open. Rejects 60006 on the server.
   */
  startDeviceCheck(options?: DeviceCheckOptions): Promise<DeviceCheck> {
    return this.#run((c) => c.startDeviceCheck(options));
  }

  /** The browser's camera and microphone permission states, without prompting. */
  getPermissions(): Promise<MediaPermissions> {
    return this.#run((c) => c.getPermissions());
  }

  /** Cameras present, with the browser's device fields (`deviceId`, `groupId`, `kind`, `label`) and ours. */
  getCameras(): Promise<readonly DeviceInfo[]> {
    return this.#run((c) => c.getCameras());
  }

  /** Microphones present, with the browser's device fields and ours. */
  getMicrophones(): Promise<readonly DeviceInfo[]> {
    return this.#run((c) => c.getMicrophones());
  }

  /** Speakers present, with the browser's device fields and ours. */
  getSpeakers(): Promise<readonly DeviceInfo[]> {
    return this.#run((c) => c.getSpeakers());
  }

  /**
   * Uses another camera (`video`), microphone (`audio`) or speaker. Takes `{deviceType, deviceID}`
   * or, as the API doc's sample, `(deviceType, deviceID)`.
   */
  switchDevice(
    params: SwitchDeviceParams | SwitchDeviceParams['deviceType'],
    deviceId?: string,
  ): Promise<void> {
    return this.#run((c) => c.switchDevice(params, deviceId));
  }

  // ---- internals ------------------------------------------------------------------------

  async #run<T>(task: (calling: Calling) => T | Promise<T>): Promise<T> {
    try {
      return await task(await this.calling());
    } catch (error) {
      const failure = asCallingError(error);
      this.#lastError.set(failure);
      throw failure;
    }
  }

  async #create(): Promise<Calling> {
    const calling = await createCalling(this.#backend, this.#config, () => this.#destroyed);
    this.#instance.next(calling);
    return calling;
  }

  #destroy(): void {
    this.#destroyed = true;
    const calling = this.#instance.value;
    // The Calling completes its streams as it goes; completing the outer subject then ends ours.
    this.#instance.complete();
    calling?.destroy().catch((error) => (this.#config.logger ?? console).error('destroy failed', error));
  }

  /** A state stream: `initial` until the Calling exists, then the Calling's, without repeats. */
  #state<T>(pick: (calling: Calling) => Observable<T>, initial: T, equal?: (a: T, b: T) => boolean) {
    return this.#instance.pipe(
      switchMap((calling) => (calling ? pick(calling) : of(initial))),
      distinctUntilChanged(equal),
    );
  }

  /** An event stream: silent until the Calling exists. */
  #events<T>(pick: (calling: Calling) => Observable<T>): Observable<T> {
    return this.#instance.pipe(switchMap((calling) => (calling ? pick(calling) : EMPTY)));
  }
}

const NO_QUALITIES: readonly ParticipantQuality[] = [];
const NO_STATS: readonly MediaStats[] = [];
const NO_SHARES: readonly string[] = [];
