import {
  computed,
  type EnvironmentProviders,
  inject,
  Injectable,
  InjectionToken,
  makeEnvironmentProviders,
  signal,
  type Signal,
  DestroyRef,
} from '@angular/core';
import { BehaviorSubject, distinctUntilChanged, filter, map, type Observable, Subject } from 'rxjs';
import {
  type AcceptResult,
  type ActiveCall,
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
  type DeviceFallback,
  type DeviceInfo,
  type DeviceList,
  type MediaPermissions,
  type GroupCallParams,
  type JoinParams,
  type GroupCallResult,
  INITIAL_CALL_STATE,
  type InvitedPayload,
  type MediaStats,
  type Participant,
  type ParticipantQuality,
  type SwitchRequest,
  type MissedCall,
  type VideoProfile,
  type VideoProfileName,
} from 'ngx-trtc-calling/core';
import { CallingService } from 'ngx-trtc-calling';
import { MockDeviceCheck } from './mock-device-check';
import { mockActiveCall, mockParticipant } from './mock-call-state';
import { MockMediaReports, mockDeviceInfos } from './mock-media';

/** Options of `provideMockCalling()`. */
export interface MockCallingOptions {
  /** The state to start from, merged over `INITIAL_CALL_STATE`. */
  readonly state?: Partial<CallState>;
  /** The devices `devices$` / `devices()` report (default: none). */
  readonly devices?: DeviceList;
}

/** One method call the component under test made on the mock. */
export interface MockCallingCall {
  /** The `CallingService` method's name. */
  readonly method: string;
  /** The arguments it was called with. */
  readonly args: readonly unknown[];
}

const MOCK_CALLING_OPTIONS = new InjectionToken<MockCallingOptions>('MOCK_CALLING_OPTIONS');

const NO_DEVICES: DeviceList = { cameras: [], microphones: [], speakers: [] };
const NO_PARTICIPANTS: readonly Participant[] = [];

type PublicOf<T> = { [K in keyof T]: T[K] };

/**
 * A `CallingService` with no backend, no `Calling` and no virtual network, for render-only
 * component tests — what `provideMockStore` is to NgRx: the test sets the state
 * (`setState`, `setPhase`, `ring`) and emits events (`emit`), every observable and signal follows
 * synchronously, and methods resolve at once with plausible results and are recorded in `calls`.
 * Inject it as `MockCallingService`; components inject it as `CallingService`.
 */
@Injectable()
export class MockCallingService implements PublicOf<CallingService> {
  // Private fields first: field initializers run in declaration order, before the constructor.
  readonly #options = inject(MOCK_CALLING_OPTIONS, { optional: true }) ?? {};
  #deviceCheck: MockDeviceCheck | undefined;
  #permissions: MediaPermissions = { camera: 'granted', microphone: 'granted' };
  readonly #state = new BehaviorSubject<CallState>({ ...INITIAL_CALL_STATE, ...this.#options.state });
  readonly #devices = new BehaviorSubject<DeviceList>(this.#options.devices ?? NO_DEVICES);
  readonly #events = new Subject<CallingEvent>();
  readonly #deviceFallback = new Subject<DeviceFallback>();
  readonly #switchRequested = new Subject<SwitchRequest>();
  readonly #missedCall = new Subject<MissedCall>();
  readonly #media = new MockMediaReports();
  readonly #stateSignal = signal(this.#state.value);
  readonly #devicesSignal = signal(this.#devices.value);
  readonly #invitation = signal<InvitedPayload | null>(null);
  readonly #lastError = signal<CallingError | null>(null);
  readonly #calls: MockCallingCall[] = [];
  #invites = 0;

  constructor() {
    inject(DestroyRef).onDestroy(() => {
      this.#state.complete();
      this.#devices.complete();
      this.#events.complete();
      this.#deviceFallback.complete();
      this.#switchRequested.complete();
      this.#missedCall.complete();
      this.#media.complete();
    });
  }

  /** Every method call made so far, in order. */
  get calls(): readonly MockCallingCall[] {
    return [...this.#calls];
  }

  // ---- what the test drives ---------------------------------------------------------------

  /** Merges `state` into the current state; every state stream and signal follows. */
  setState(state: Partial<CallState>): void {
    const next = { ...this.#state.value, ...state };
    this.#stateSignal.set(next);
    this.#state.next(next);
  }

  /** Sets the phase (and nothing else). */
  setPhase(phase: CallPhase): void {
    this.setState({ phase });
  }

  /** Sets the devices `devices$` and `devices()` report. */
  setDevices(devices: DeviceList): void {
    this.#devicesSignal.set(devices);
    this.#devices.next(devices);
  }

  /**
   * Emits an event on `events$` and its own stream (`invited$`, `callEnd$`, …); `onInvited`
   * also feeds `incoming()`, `onError` sets `lastError()`, as the real service does.
   */
  emit(event: CallingEvent): void {
    if (event.type === 'onInvited') this.#invitation.set(event.payload);
    if (event.type === 'onError') {
      const { code, msg } = event.payload;
      this.#lastError.set(new CallingError(code, callingErrorReason(code), msg));
    }
    this.#events.next(event);
  }

  /**
   * `from` calls the app user: the phase becomes `ringing` with an incoming call, and
   * `onInvited` is emitted, so `incoming()` shows the invitation.
   */
  ring(from: string, options: { readonly callType?: 1 | 2; readonly inviteID?: string } = {}): void {
    const callType = options.callType ?? 2;
    const call = mockActiveCall({
      ...(options.inviteID ? { callID: options.inviteID } : {}),
      direction: 'incoming',
      inviter: from,
      callType,
      participants: [
        mockParticipant(from, { status: 'accepted', audioAvailable: false, videoAvailable: false }),
      ],
    });
    this.setState({ phase: 'ringing', call });
    this.emit({
      type: 'onInvited',
      payload: {
        sponsor: from,
        userIDList: [this.#state.value.userID ?? 'me'],
        isFromGroup: false,
        inviteData: { version: 4, callType, callEnd: 0, roomID: call.roomID },
        inviteID: call.callID,
        groupID: '',
      },
    });
  }

  /** Emits a device fallback on `deviceFallback$`. */
  emitDeviceFallback(fallback: DeviceFallback): void {
    this.#deviceFallback.next(fallback);
  }

  /** Emits a switch request on `switchRequested$`. */
  requestSwitch(request: SwitchRequest): void {
    this.#switchRequested.next(request);
  }

  /** Emits a missed call on `missedCall$`. */
  emitMissedCall(missed: MissedCall): void {
    this.#missedCall.next(missed);
  }

  /** Sets what `networkQuality$` and `networkQuality()` report. */
  setNetworkQuality(qualities: readonly ParticipantQuality[]): void {
    this.#media.quality.next(qualities);
  }

  /** Sets what `stats$` and `stats()` report. */
  setStats(stats: readonly MediaStats[]): void {
    this.#media.stats.next(stats);
  }

  /** Sets the remote users `remoteScreenShares$` and `remoteScreenShares()` report. */
  setRemoteScreenShares(userIDs: readonly string[]): void {
    this.#media.screenShares.next(userIDs);
  }

  /** Sets whether `screenSharing$` and `screenSharing()` report a local screen share. */
  setScreenSharing(sharing: boolean): void {
    this.#media.sharing.next(sharing);
  }

  /** Sets the media connection `mediaConnection$` and `mediaConnection()` report. */
  setMediaConnection(state: 'connected' | 'reconnecting'): void {
    this.#media.connection.next(state);
  }

  /** The device check last opened by `startDeviceCheck` (set its level with `setLevel`). */
  get deviceCheck(): MockDeviceCheck | undefined {
    return this.#deviceCheck;
  }

  /** Sets what `getPermissions` resolves with. */
  setPermissions(permissions: MediaPermissions): void {
    this.#permissions = permissions;
  }

  /** Sets `lastError()` as a failed method call would. */
  setLastError(error: CallingError | null): void {
    this.#lastError.set(error);
  }

  // ---- CallingService's streams -------------------------------------------------------------

  readonly state$: Observable<CallState> = this.#stateStream((s) => s);
  readonly events$: Observable<CallingEvent> = this.#events.asObservable();
  readonly phase$: Observable<CallPhase> = this.#stateStream((s) => s.phase);
  readonly call$: Observable<ActiveCall | null> = this.#stateStream((s) => s.call);
  readonly callRecords$: Observable<readonly CallRecord[]> = this.#stateStream((s) => s.records);
  readonly devices$: Observable<DeviceList> = this.#devicesStream();
  readonly deviceFallback$: Observable<DeviceFallback> = this.#deviceFallback.asObservable();
  readonly switchRequested$: Observable<SwitchRequest> = this.#switchRequested.asObservable();
  readonly missedCall$: Observable<MissedCall> = this.#missedCall.asObservable();
  readonly networkQuality$: Observable<readonly ParticipantQuality[]> = this.#media.quality$;
  readonly stats$: Observable<readonly MediaStats[]> = this.#media.stats$;
  readonly remoteScreenShares$: Observable<readonly string[]> = this.#media.screenShares$;
  readonly screenSharing$: Observable<boolean> = this.#media.sharing$;
  readonly mediaConnection$: Observable<'connected' | 'reconnecting'> = this.#media.connection$;
  readonly error$ = this.#on('onError');
  readonly sdkReady$ = this.#on('sdkReady');
  readonly invited$ = this.#on('onInvited');
  readonly userAccept$ = this.#on('onUserAccept');
  readonly userEnter$ = this.#on('onUserEnter');
  readonly userLeave$ = this.#on('onUserLeave');
  readonly reject$ = this.#on('onReject');
  readonly noResp$ = this.#on('onNoResp');
  readonly lineBusy$ = this.#on('onLineBusy');
  readonly callingCancel$ = this.#on('onCallingCancel');
  readonly callingTimeout$ = this.#on('onCallingTimeout');
  readonly callEnd$ = this.#on('onCallEnd');
  readonly kickedOut$ = this.#on('onKickedOut');
  readonly userVideoAvailable$ = this.#on('onUserVideoAvailable');
  readonly userAudioAvailable$ = this.#on('onUserAudioAvailable');
  readonly userVoiceVolume$ = this.#on('onUserVoiceVolume');
  readonly groupCallInviteeListUpdate$ = this.#on('onGroupCallInviteeListUpdate');

  // ---- CallingService's signals -------------------------------------------------------------

  readonly state: Signal<CallState> = this.#stateSignal.asReadonly();
  readonly devices: Signal<DeviceList> = this.#devicesSignal.asReadonly();
  readonly networkQuality: Signal<readonly ParticipantQuality[]> = this.#media.signal('quality');
  readonly stats: Signal<readonly MediaStats[]> = this.#media.signal('stats');
  readonly remoteScreenShares: Signal<readonly string[]> = this.#media.signal('screenShares');
  readonly screenSharing: Signal<boolean> = this.#media.signal('sharing');
  readonly mediaConnection: Signal<'connected' | 'reconnecting'> = this.#media.signal('connection');
  readonly phase: Signal<CallPhase> = computed(() => this.state().phase);
  readonly currentCall: Signal<ActiveCall | null> = computed(() => this.state().call);
  readonly participants: Signal<readonly Participant[]> = computed(
    () => this.currentCall()?.participants ?? NO_PARTICIPANTS,
  );
  readonly records: Signal<readonly CallRecord[]> = computed(() => this.state().records);
  readonly userID: Signal<string | null> = computed(() => this.state().userID);
  readonly micMuted: Signal<boolean> = computed(() => this.currentCall()?.micMuted ?? false);
  readonly cameraEnabled: Signal<boolean> = computed(() => {
    const call = this.currentCall();
    return !!call && call.callType === 2 && call.cameraEnabled;
  });
  /** As the real one: the invitation of the call ringing now. */
  readonly incoming: Signal<InvitedPayload | null> = computed(() => {
    const invitation = this.#invitation();
    const call = this.currentCall();
    return this.phase() === 'ringing' && invitation && call?.callID === invitation.inviteID
      ? invitation
      : null;
  });
  readonly lastError: Signal<CallingError | null> = this.#lastError.asReadonly();

  // ---- CallingService's methods: recorded, resolved at once -----------------------------------

  calling(): Promise<Calling> {
    this.#record('calling', []);
    return Promise.reject(
      new Error('MockCallingService has no Calling; use provideCallingTesting() for one'),
    );
  }
  clearError(): void {
    this.#record('clearError', []);
    this.#lastError.set(null);
  }
  on<K extends CallingEventName>(
    eventName: K,
    callback: (payload: CallingEventMap[K]) => void,
    context?: unknown,
  ) {
    return this.#resolve<void>('on', [eventName, callback, context], undefined);
  }
  off<K extends CallingEventName>(
    eventName: K,
    callback?: (payload: CallingEventMap[K]) => void,
    context?: unknown,
  ) {
    return this.#resolve<void>('off', [eventName, callback, context], undefined);
  }
  login(params: { userID: string; userSig: string }): Promise<void> {
    return this.#resolve<void>('login', [params], undefined);
  }
  logout(): Promise<void> {
    return this.#resolve<void>('logout', [], undefined);
  }
  call(params: CallParams): Promise<CallResult> {
    const result: CallResult = {
      code: 0,
      inviteID: `mock-invite-${++this.#invites}`,
      roomID: 12046907,
      userID: params.userID,
      callType: params.type,
    };
    return this.#resolve('call', [params], result);
  }
  groupCall(params: GroupCallParams): Promise<GroupCallResult> {
    const result: GroupCallResult = {
      code: 0,
      inviteIDs: params.userIDList.map(() => `mock-invite-${++this.#invites}`),
      roomID: 12046907,
      groupID: params.groupID ?? '',
      failed: [],
    };
    return this.#resolve('groupCall', [params], result);
  }
  accept(): Promise<AcceptResult> {
    const call = this.currentCall();
    const result: AcceptResult = {
      code: 0,
      inviteID: call?.callID ?? '',
      roomID: call?.roomID ?? 0,
      callType: call?.callType ?? 2,
    };
    return this.#resolve('accept', [], result);
  }
  join(params: JoinParams): Promise<void> {
    return this.#resolve<void>('join', [params], undefined);
  }
  reject(): Promise<{ code: 0; inviteID: string }> {
    return this.#resolve('reject', [], { code: 0, inviteID: this.currentCall()?.callID ?? '' });
  }
  hangup(): Promise<{ code: 0 }> {
    return this.#resolve('hangup', [], { code: 0 });
  }
  startLocalView(...args: Parameters<CallingService['startLocalView']>): Promise<void> {
    return this.#resolve<void>('startLocalView', args, undefined);
  }
  stopLocalView(...args: Parameters<CallingService['stopLocalView']>): Promise<void> {
    return this.#resolve<void>('stopLocalView', args, undefined);
  }
  startRemoteView(...args: Parameters<CallingService['startRemoteView']>): Promise<void> {
    return this.#resolve<void>('startRemoteView', args, undefined);
  }
  stopRemoteView(...args: Parameters<CallingService['stopRemoteView']>): Promise<void> {
    return this.#resolve<void>('stopRemoteView', args, undefined);
  }
  startScreenShare(): Promise<void> {
    this.#media.sharing.next(true);
    return this.#resolve<void>('startScreenShare', [], undefined);
  }
  stopScreenShare(): Promise<void> {
    this.#media.sharing.next(false);
    return this.#resolve<void>('stopScreenShare', [], undefined);
  }
  startRemoteScreenView(...args: Parameters<CallingService['startRemoteScreenView']>): Promise<void> {
    return this.#resolve<void>('startRemoteScreenView', args, undefined);
  }
  stopRemoteScreenView(...args: Parameters<CallingService['stopRemoteScreenView']>): Promise<void> {
    return this.#resolve<void>('stopRemoteScreenView', args, undefined);
  }
  openCamera(): Promise<void> {
    return this.#resolve<void>('openCamera', [], undefined);
  }
  closeCamera(): Promise<void> {
    return this.#resolve<void>('closeCamera', [], undefined);
  }
  setMicMute(isMute: boolean): Promise<void> {
    return this.#resolve<void>('setMicMute', [isMute], undefined);
  }
  setVideoQuality(profile: VideoProfileName | VideoProfile): Promise<void> {
    return this.#resolve<void>('setVideoQuality', [profile], undefined);
  }
  getVideoQuality(): Promise<VideoProfileName | VideoProfile> {
    return this.#resolve<VideoProfileName | VideoProfile>('getVideoQuality', [], '480p');
  }
  switchToAudioCall(): Promise<void> {
    return this.#resolve<void>('switchToAudioCall', [], undefined);
  }
  switchToVideoCall(): Promise<void> {
    return this.#resolve<void>('switchToVideoCall', [], undefined);
  }
  acceptSwitch(): Promise<void> {
    return this.#resolve<void>('acceptSwitch', [], undefined);
  }
  rejectSwitch(): Promise<void> {
    return this.#resolve<void>('rejectSwitch', [], undefined);
  }
  startDeviceCheck(...args: Parameters<CallingService['startDeviceCheck']>): Promise<DeviceCheck> {
    this.#deviceCheck = new MockDeviceCheck();
    return this.#resolve<DeviceCheck>('startDeviceCheck', args, this.#deviceCheck);
  }
  getPermissions(): Promise<MediaPermissions> {
    return this.#resolve('getPermissions', [], this.#permissions);
  }
  getCameras(): Promise<readonly DeviceInfo[]> {
    return this.#resolve('getCameras', [], mockDeviceInfos(this.#devices.value, 'cameras', 'videoinput'));
  }
  getMicrophones(): Promise<readonly DeviceInfo[]> {
    return this.#resolve(
      'getMicrophones',
      [],
      mockDeviceInfos(this.#devices.value, 'microphones', 'audioinput'),
    );
  }
  getSpeakers(): Promise<readonly DeviceInfo[]> {
    return this.#resolve('getSpeakers', [], mockDeviceInfos(this.#devices.value, 'speakers', 'audiooutput'));
  }
  switchDevice(...args: Parameters<CallingService['switchDevice']>): Promise<void> {
    return this.#resolve<void>('switchDevice', args, undefined);
  }

  // ---- internals ----------------------------------------------------------------------------

  #record(method: string, args: readonly unknown[]): void {
    this.#calls.push({ method, args });
  }

  #resolve<T>(method: string, args: readonly unknown[], result: T): Promise<T> {
    this.#record(method, args);
    return Promise.resolve(result);
  }

  #stateStream<T>(pick: (state: CallState) => T): Observable<T> {
    return this.#state.pipe(map(pick), distinctUntilChanged());
  }

  #devicesStream(): Observable<DeviceList> {
    return this.#devices.pipe(distinctUntilChanged());
  }

  #on<K extends CallingEventName>(type: K): Observable<CallingEventMap[K]> {
    return this.#events.pipe(
      filter((event): event is Extract<CallingEvent, { type: K }> => event.type === type),
      map((event) => event.payload as CallingEventMap[K]),
    );
  }
}

/**
 * Provides `MockCallingService` as `CallingService`, for component tests that only render:
 * no backend, no network, no virtual time. Drive it through `TestBed.inject(MockCallingService)`.
 *
 * @example
 * TestBed.configureTestingModule({ providers: [provideMockCalling({ state: { userID: 'alice' } })] });
 * const calling = TestBed.inject(MockCallingService);
 * const fixture = TestBed.createComponent(CallPanel);
 * calling.ring('bob');
 * await fixture.whenStable();
 * expect(fixture.nativeElement.textContent).toContain('bob is calling');
 */
export function provideMockCalling(options: MockCallingOptions = {}): EnvironmentProviders {
  return makeEnvironmentProviders([
    { provide: MOCK_CALLING_OPTIONS, useValue: options },
    MockCallingService,
    { provide: CallingService, useExisting: MockCallingService },
  ]);
}
