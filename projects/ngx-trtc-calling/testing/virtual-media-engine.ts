import { Subject, Subscription, type Observable, type SchedulerAction } from 'rxjs';
import {
  MediaEngine,
  isVideoProfile,
  type DeviceKind,
  type DeviceList,
  type JoinOptions,
  type MediaDevice,
  type MediaEvent,
  type MediaStats,
  type ParticipantQuality,
  type VideoProfile,
  type ViewTarget,
} from 'ngx-trtc-calling/core';
import type { RtcServer } from './rtc-server';
import { scheduleIn } from './schedule';
import { VirtualErrorCode, VirtualNetworkError } from './virtual-errors';
import {
  DEFAULT_VIRTUAL_DEVICES,
  pick,
  VIRTUAL_SPEAKING_VOLUME,
  VIRTUAL_VOLUME_INTERVAL,
  type VirtualAttachments,
  type VirtualMediaOptions,
  type VirtualRemoteUser,
  type VirtualTrack,
} from './virtual-media-options';

interface MutableDeviceList {
  cameras: MediaDevice[];
  microphones: MediaDevice[];
  speakers: MediaDevice[];
}

const LIST_OF: Record<DeviceKind, keyof MutableDeviceList> = {
  camera: 'cameras',
  microphone: 'microphones',
  speaker: 'speakers',
};

/**
 * A media engine on a `VirtualNetwork`, created by `network.media()`: behaves like TRTC for
 * the call logic (room membership, remote users, audio/video availability, volume, devices)
 * without any browser API. Peers learn about changes one network latency later.
 */
export class VirtualMediaEngine extends MediaEngine {
  /** Media events; hot, completes on `destroy()`. */
  readonly events$: Observable<MediaEvent>;

  private readonly eventSubject = new Subject<MediaEvent>();
  private readonly devices: MutableDeviceList;
  private readonly deniedAccess: boolean | 'camera' | 'microphone';
  private readonly joinDelay: number;
  private readonly eventDelay: number;
  private readonly screenDenied: boolean;
  private screen: VirtualTrack | undefined;
  private readonly remoteScreens = new Set<string>();
  private readonly screenViews = new Map<string, ViewTarget>();
  /** Rejects the `join` waiting out its `joinDelay`, if one is. */
  private abortJoin: (() => void) | undefined;
  private readonly preferred: Partial<Record<DeviceKind, string>> = {};
  private readonly remotes = new Map<string, VirtualRemoteUser>();
  private readonly remoteViews = new Map<string, ViewTarget>();
  private boundUser: string | undefined;
  private joined: { readonly roomID: number; readonly userID: string } | undefined;
  private videoProfile: VideoProfile | undefined;
  private audio: VirtualTrack | undefined;
  private video: VirtualTrack | undefined;
  private muted = false;
  private cameraOn = true;
  private videoWanted = false;
  private localView: ViewTarget | undefined;
  private timers = new Subscription();
  private roomTimers = new Subscription();
  private volumeTimer: Subscription | undefined;
  private destroyed = false;

  /** Created by `VirtualNetwork.media()`; not meant to be constructed directly. */
  constructor(
    private readonly server: RtcServer,
    options: VirtualMediaOptions = {},
  ) {
    super();
    this.events$ = this.eventSubject.asObservable();
    const devices = options.devices ?? {};
    this.devices = {
      cameras: [...(devices.cameras ?? DEFAULT_VIRTUAL_DEVICES.cameras)],
      microphones: [...(devices.microphones ?? DEFAULT_VIRTUAL_DEVICES.microphones)],
      speakers: [...(devices.speakers ?? DEFAULT_VIRTUAL_DEVICES.speakers)],
    };
    this.deniedAccess = options.deniedAccess ?? false;
    this.joinDelay = options.joinDelay ?? 0;
    this.eventDelay = options.eventDelay ?? 0;
    this.screenDenied = options.screenShareDenied ?? false;
    this.boundUser = options.userID;
    server.engines.add(this);
  }

  /** Users one room holds at most, this one included (`VirtualNetworkOptions.maxParticipants`). */
  override get maxParticipants(): number {
    return this.server.capacity;
  }

  /** The user of the last `join` (or `options.userID` before any). */
  get userID(): string | undefined {
    return this.boundUser;
  }

  /** The room this engine is in, if any. */
  get roomID(): number | undefined {
    return this.joined?.roomID;
  }

  /** Whether the local microphone is muted (only meaningful in a room). */
  get micMuted(): boolean {
    return this.muted;
  }

  /** Whether the local camera is on (`setCameraEnabled`). */
  get cameraEnabled(): boolean {
    return this.cameraOn;
  }

  /** Whether video is published (`join({video})`, `setVideoPublished`). */
  get videoPublished(): boolean {
    return this.videoWanted;
  }

  /** The live local tracks of this engine. */
  get tracks(): { readonly audio?: VirtualTrack; readonly video?: VirtualTrack } {
    return { ...(this.audio ? { audio: this.audio } : {}), ...(this.video ? { video: this.video } : {}) };
  }

  /** The remembered video profile (last `join` or `setVideoProfile`). */
  get profile(): VideoProfile | undefined {
    return this.videoProfile;
  }

  /** The remembered device choice per kind (`switchDevice`, `join`, fallbacks). */
  get selectedDevices(): Readonly<Partial<Record<DeviceKind, string>>> {
    return { ...this.preferred };
  }

  /** Remote users in the room as this engine knows them, in order of arrival. */
  get remoteUsers(): ReadonlyMap<string, VirtualRemoteUser> {
    return new Map(this.remotes);
  }

  /** Recorded `attachLocal`/`attachRemote` targets. */
  get attachments(): VirtualAttachments {
    return {
      ...(this.localView !== undefined ? { local: this.localView } : {}),
      remote: new Map(this.remoteViews),
      screens: new Map(this.screenViews),
    };
  }

  /** Whether the local screen is shared (`startScreenShare`). */
  get screenShared(): boolean {
    return this.screen !== undefined;
  }

  /** The remote users sharing their screen, as this engine has been told. */
  get remoteScreenShares(): readonly string[] {
    return [...this.remoteScreens];
  }

  /** Whether `destroy()` was called. */
  get isDestroyed(): boolean {
    return this.destroyed;
  }

  /** A copy of the devices present. */
  async getDevices(): Promise<DeviceList> {
    this.assertAlive('getDevices');
    return this.deviceSnapshot();
  }

  /**
   * Enters `roomID` as `userID`: waits out `joinDelay`, checks access, devices and the room's
   * capacity (60005, 60003, 60004, 4026, nothing acquired on failure), acquires the tracks,
   * then — one latency later — peers get `userEntered` + `audioAvailable`/`videoAvailable` for
   * the joiner, and the joiner gets the same for each member already there.
   */
  async join(options: JoinOptions): Promise<void> {
    this.assertAlive('join');
    if (this.joined || this.abortJoin) {
      throw new VirtualNetworkError(
        VirtualErrorCode.INVALID_PARAMETER,
        `join: already in room ${this.joined?.roomID ?? options.roomID}; leave first`,
      );
    }
    if (this.joinDelay > 0) await this.waitToJoin();
    const denied = this.deniedAccess;
    if (denied === true || denied === 'microphone') {
      throw new VirtualNetworkError(
        VirtualErrorCode.ACCESS_DENIED,
        `join: ${denied === true ? 'camera/microphone' : 'microphone'} access denied`,
        'microphone',
      );
    }
    const microphone = pick(this.devices.microphones, options.microphoneID, this.preferred.microphone);
    if (!microphone)
      throw new VirtualNetworkError(VirtualErrorCode.NO_MICROPHONE, 'join: no microphone', 'microphone');
    if (options.video && denied === 'camera') {
      throw new VirtualNetworkError(VirtualErrorCode.ACCESS_DENIED, 'join: camera access denied', 'camera');
    }
    const camera = options.video
      ? pick(this.devices.cameras, options.cameraID, this.preferred.camera)
      : undefined;
    if (options.video && !camera)
      throw new VirtualNetworkError(VirtualErrorCode.NO_CAMERA, 'join: no camera', 'camera');
    if (
      options.rejoin &&
      !this.server.members(options.roomID).some((m) => m.joined?.userID !== options.userID)
    ) {
      throw new VirtualNetworkError(
        VirtualErrorCode.ROOM_CALL_ENDED,
        `join: nobody is in room ${options.roomID} any more, the call is over`,
      );
    }
    if (!this.server.hasPlace(options.roomID, options.userID)) {
      throw new VirtualNetworkError(
        VirtualErrorCode.ROOM_FULL,
        `join: room ${options.roomID} already holds ${this.server.capacity} users`,
      );
    }

    const { roomID, userID } = options;
    this.boundUser = userID;
    this.joined = { roomID, userID };
    this.videoProfile = options.profile;
    this.muted = false;
    this.cameraOn = true;
    this.videoWanted = options.video;
    this.preferred.microphone = microphone.deviceID;
    this.audio = this.server.acquire('audio', microphone.deviceID);
    if (camera) {
      this.preferred.camera = camera.deviceID;
      this.video = this.server.acquire('video', camera.deviceID);
    }
    this.roomTimers = new Subscription();
    for (const other of this.server.enter(this, roomID, userID)) {
      other._deliver(this._arrivalEvents());
      this._deliver(other._arrivalEvents());
    }
  }

  /** Leaves the room: tracks released, remote views dropped, peers get `userLeft` one latency later. */
  async leave(): Promise<void> {
    this.leaveNow();
  }

  /** Mutes/unmutes; peers get `audioAvailable`. Ignored outside a room. */
  async setMicMuted(muted: boolean): Promise<void> {
    this.assertAlive('setMicMuted');
    if (!this.joined || muted === this.muted) return;
    const before = this.audioOn();
    this.muted = muted;
    if (this.audioOn() !== before) this.announceAudio();
  }

  /** Camera off releases the video track (peers: `videoAvailable` false); on reacquires it. Ignored outside a room. */
  async setCameraEnabled(enabled: boolean): Promise<void> {
    this.assertAlive('setCameraEnabled');
    if (!this.joined || enabled === this.cameraOn) return;
    if (enabled && this.videoWanted) this.acquireCamera('setCameraEnabled');
    this.cameraOn = enabled;
    if (!enabled && this.video) {
      this.video = this.server.release(this.video);
      this.announceVideo();
    }
  }

  /** Adds/removes the video track (audio↔video switch); peers get `videoAvailable`. Ignored outside a room. */
  async setVideoPublished(published: boolean): Promise<void> {
    this.assertAlive('setVideoPublished');
    if (!this.joined || published === this.videoWanted) return;
    if (published && this.cameraOn) this.acquireCamera('setVideoPublished');
    this.videoWanted = published;
    if (!published && this.video) {
      this.video = this.server.release(this.video);
      this.announceVideo();
    }
  }

  /** Switches to an existing device (rejects with 90001 otherwise) and remembers it. */
  async switchDevice(kind: DeviceKind, deviceID: string): Promise<void> {
    this.assertAlive('switchDevice');
    const list = this.devices[LIST_OF[kind]];
    if (!list || !list.some((device) => device.deviceID === deviceID)) {
      throw new VirtualNetworkError(
        VirtualErrorCode.DEVICE_NOT_FOUND,
        `switchDevice: no ${kind} ${deviceID}`,
      );
    }
    this.preferred[kind] = deviceID;
    if (kind === 'camera' && this.video && this.video.deviceID !== deviceID) {
      this.server.release(this.video);
      this.video = this.server.acquire('video', deviceID);
    }
    if (kind === 'microphone' && this.audio && this.audio.deviceID !== deviceID) {
      this.server.release(this.audio);
      this.audio = this.server.acquire('audio', deviceID);
    }
  }

  /** Remembers a valid profile (rejects with 6017 otherwise). */
  async setVideoProfile(profile: VideoProfile): Promise<void> {
    this.assertAlive('setVideoProfile');
    if (!isVideoProfile(profile)) {
      throw new VirtualNetworkError(VirtualErrorCode.INVALID_PARAMETER, 'setVideoProfile: invalid profile');
    }
    this.videoProfile = profile;
  }

  /** Records the local view target. */
  attachLocal(target: ViewTarget): void {
    if (!this.destroyed) this.localView = target;
  }

  /** Forgets the local view target. */
  detachLocal(): void {
    this.localView = undefined;
  }

  /** Records a remote view target. */
  attachRemote(userID: string, target: ViewTarget): void {
    if (!this.destroyed) this.remoteViews.set(userID, target);
  }

  /** Forgets a remote view target. */
  detachRemote(userID: string): void {
    this.remoteViews.delete(userID);
  }

  /**
   * Shares the screen (a virtual video track counted by `liveTracks()`); peers get
   * `screenShareAvailable` one latency later. Rejects with a `NotAllowedError` (90007) when the
   * user refuses (`screenShareDenied`) and with 6017 outside a room.
   */
  override async startScreenShare(): Promise<void> {
    this.assertAlive('startScreenShare');
    if (!this.joined)
      throw new VirtualNetworkError(VirtualErrorCode.INVALID_PARAMETER, 'startScreenShare: not in a room');
    if (this.screenDenied) {
      const denied = new VirtualNetworkError(
        VirtualErrorCode.SCREEN_SHARE_DENIED,
        'startScreenShare: capture refused',
      );
      denied.name = 'NotAllowedError';
      throw denied;
    }
    if (this.screen) return;
    this.screen = this.server.acquire('video', 'virtual-screen');
    this.announceScreen();
  }

  /** Stops the screen share (peers: `screenShareAvailable` false); safe when not sharing. */
  override async stopScreenShare(): Promise<void> {
    if (!this.screen) return;
    this.screen = this.server.release(this.screen);
    this.announceScreen();
  }

  /** Records a remote screen's view target. */
  override attachRemoteScreen(userID: string, target: ViewTarget): void {
    if (!this.destroyed) this.screenViews.set(userID, target);
  }

  /** Forgets a remote screen's view target. */
  override detachRemoteScreen(userID: string): void {
    this.screenViews.delete(userID);
  }

  /** Leaves, cancels every timer and completes `events$`. */
  destroy(): void {
    if (this.destroyed) return;
    this.leaveNow();
    this.destroyed = true;
    this.localView = undefined;
    this.timers.unsubscribe();
    this.server.engines.delete(this);
    this.eventSubject.complete();
  }

  /** @internal Schedules remote-user events for this engine, one latency (+ `eventDelay`) from now, while in this room. */
  _deliver(events: readonly MediaEvent[]): void {
    scheduleIn(this.roomTimers, this.server.scheduler, this.server.latency + this.eventDelay, () => {
      for (const event of events) this.applyRemote(event);
    });
  }

  /** @internal What a joiner learns about this member. */
  _arrivalEvents(): MediaEvent[] {
    const userID = this.joined?.userID as string;
    const events: MediaEvent[] = [{ type: 'userEntered', userID }];
    if (this.audioOn()) events.push({ type: 'audioAvailable', userID, available: true });
    if (this.video) events.push({ type: 'videoAvailable', userID, available: true });
    if (this.screen) events.push({ type: 'screenShareAvailable', userID, available: true });
    return events;
  }

  /** @internal The same user joined the same room from another engine: this one is dropped. */
  _supersede(): void {
    const roomID = this.joined?.roomID;
    this.leaveNow();
    this.emitSoon([
      {
        type: 'failed',
        code: VirtualErrorCode.SUPERSEDED,
        message: `dropped from room ${roomID}: the same user joined it from another engine`,
      },
    ]);
  }

  /** @internal `VirtualNetwork.removeDevice`; returns whether this engine had the device. */
  _removeDevice(deviceID: string): boolean {
    const kind = (Object.keys(LIST_OF) as DeviceKind[]).find((k) =>
      this.devices[LIST_OF[k]].some((device) => device.deviceID === deviceID),
    );
    if (!kind) return false;
    const speakerInUse =
      kind === 'speaker' && this.joined !== undefined && this.currentSpeaker() === deviceID;
    const list = this.devices[LIST_OF[kind]];
    list.splice(
      list.findIndex((device) => device.deviceID === deviceID),
      1,
    );
    const events: MediaEvent[] = [{ type: 'devicesChanged', devices: this.deviceSnapshot() }];
    const fallback = list[0]?.deviceID;
    const fellBack = () => {
      if (fallback === undefined) delete this.preferred[kind];
      else this.preferred[kind] = fallback;
      events.push({ type: 'deviceFallback', kind, from: deviceID, ...(fallback ? { to: fallback } : {}) });
    };
    if (kind === 'camera' && this.video?.deviceID === deviceID) {
      this.video = this.server.release(this.video);
      if (fallback) this.video = this.server.acquire('video', fallback);
      else this.announceVideo();
      fellBack();
    } else if (kind === 'microphone' && this.audio?.deviceID === deviceID) {
      const before = this.audioOn();
      this.audio = this.server.release(this.audio);
      if (fallback) this.audio = this.server.acquire('audio', fallback);
      else if (before) this.announceAudio();
      fellBack();
    } else if (speakerInUse) {
      fellBack();
    }
    this.emitSoon(events);
    return true;
  }

  /** @internal `VirtualNetwork.addDevice`; returns whether the device was new to this engine. */
  _addDevice(device: MediaDevice): boolean {
    const list = this.devices[LIST_OF[device.kind]];
    if (!list || list.some((d) => d.deviceID === device.deviceID)) return false;
    list.push(Object.freeze({ ...device }));
    this.emitSoon([{ type: 'devicesChanged', devices: this.deviceSnapshot() }]);
    return true;
  }

  /** @internal `VirtualNetwork.endScreenShare`: the browser's own "Stop sharing". */
  _endScreenShare(): boolean {
    if (!this.screen) return false;
    this.screen = this.server.release(this.screen);
    this.announceScreen();
    this.emitSoon([{ type: 'screenShareEnded' }]);
    return true;
  }

  /**
   * @internal `VirtualNetwork.setQuality`/`setStats`: reports, one latency later, what the
   * network holds for this engine's user and the users in its room.
   */
  _report(): void {
    if (!this.joined) return;
    const users = [this.joined.userID, ...this.remotes.keys()];
    const qualities: ParticipantQuality[] = users.flatMap((userID) => {
      const quality = this.server.qualities.get(userID);
      return quality === undefined ? [] : [{ userID, quality }];
    });
    const stats: MediaStats[] = users.flatMap((userID) => {
      const entry = this.server.stats.get(userID);
      return entry ? [{ ...entry, userID }] : [];
    });
    const events: MediaEvent[] = [];
    if (qualities.length) events.push({ type: 'networkQuality', qualities });
    if (stats.length) events.push({ type: 'stats', stats });
    this._deliver(events);
  }

  /** @internal `VirtualNetwork.failMedia`. */
  _fail(code: number, message: string): void {
    this.emitSoon([{ type: 'failed', code, message }]);
  }

  /** Waits `joinDelay` virtual ms; rejects with 90006 if `leave` or `destroy` comes first. */
  private waitToJoin(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const wait = new Subscription();
      this.timers.add(wait);
      this.abortJoin = () => {
        this.abortJoin = undefined;
        this.timers.remove(wait);
        wait.unsubscribe();
        reject(
          new VirtualNetworkError(VirtualErrorCode.JOIN_ABORTED, 'join: cancelled by leave() or destroy()'),
        );
      };
      scheduleIn(wait, this.server.scheduler, this.joinDelay, () => {
        this.abortJoin = undefined;
        this.timers.remove(wait);
        resolve();
      });
    });
  }

  private leaveNow(): void {
    this.abortJoin?.();
    const joined = this.joined;
    if (!joined) return;
    this.joined = undefined;
    this.roomTimers.unsubscribe();
    this.volumeTimer = undefined;
    this.remotes.clear();
    this.remoteViews.clear();
    this.remoteScreens.clear();
    this.screenViews.clear();
    this.screen = this.server.release(this.screen);
    this.audio = this.server.release(this.audio);
    this.video = this.server.release(this.video);
    this.muted = false;
    this.cameraOn = true;
    this.videoWanted = false;
    for (const member of this.server.exit(this, joined.roomID, joined.userID)) {
      member._deliver([{ type: 'userLeft', userID: joined.userID }]);
    }
  }

  private applyRemote(event: MediaEvent): void {
    switch (event.type) {
      case 'userEntered':
        this.remotes.set(event.userID, { audio: false, video: false });
        this.eventSubject.next(event);
        this.startVolume();
        return;
      case 'userLeft':
        if (!this.remotes.delete(event.userID)) return;
        this.remoteScreens.delete(event.userID);
        this.eventSubject.next(event);
        if (this.remotes.size === 0) this.stopVolume();
        return;
      case 'audioAvailable':
      case 'videoAvailable': {
        const remote = this.remotes.get(event.userID);
        if (!remote) return;
        const key = event.type === 'audioAvailable' ? 'audio' : 'video';
        this.remotes.set(event.userID, { ...remote, [key]: event.available });
        this.eventSubject.next(event);
        return;
      }
      case 'screenShareAvailable':
        if (!this.remotes.has(event.userID)) return;
        if (event.available) this.remoteScreens.add(event.userID);
        else this.remoteScreens.delete(event.userID);
        this.eventSubject.next(event);
        return;
      case 'volume':
      case 'devicesChanged':
      case 'deviceFallback':
      case 'failed':
      case 'error':
      case 'networkQuality':
      case 'stats':
      case 'screenShareEnded':
      case 'connectionState':
        this.eventSubject.next(event);
    }
  }

  private startVolume(): void {
    if (this.volumeTimer || !this.joined) return;
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the scheduled work's `this` is the action.
    const engine = this;
    this.volumeTimer = this.server.scheduler.schedule(function (this: SchedulerAction<unknown>) {
      engine.emitVolume();
      this.schedule(undefined, VIRTUAL_VOLUME_INTERVAL);
    }, VIRTUAL_VOLUME_INTERVAL);
    this.roomTimers.add(this.volumeTimer);
  }

  private stopVolume(): void {
    if (!this.volumeTimer) return;
    this.roomTimers.remove(this.volumeTimer);
    this.volumeTimer.unsubscribe();
    this.volumeTimer = undefined;
  }

  private emitVolume(): void {
    const self = this.joined?.userID as string;
    const level = (on: boolean) => (on ? VIRTUAL_SPEAKING_VOLUME : 0);
    this.eventSubject.next({
      type: 'volume',
      volumes: [
        { userID: self, volume: level(this.audioOn()) },
        ...[...this.remotes].map(([userID, remote]) => ({ userID, volume: level(remote.audio) })),
      ],
    });
  }

  private audioOn(): boolean {
    return this.audio !== undefined && !this.muted;
  }

  private announceAudio(): void {
    this.announce({
      type: 'audioAvailable',
      userID: this.joined?.userID as string,
      available: this.audioOn(),
    });
  }

  private announceVideo(): void {
    this.announce({ type: 'videoAvailable', userID: this.joined?.userID as string, available: !!this.video });
  }

  private announceScreen(): void {
    this.announce({
      type: 'screenShareAvailable',
      userID: this.joined?.userID as string,
      available: !!this.screen,
    });
  }

  private announce(event: MediaEvent): void {
    if (!this.joined) return;
    for (const member of this.server.members(this.joined.roomID)) {
      if (member !== this) member._deliver([event]);
    }
  }

  private acquireCamera(operation: string): void {
    if (this.video) return;
    if (this.deniedAccess === 'camera' || this.deniedAccess === true) {
      throw new VirtualNetworkError(
        VirtualErrorCode.ACCESS_DENIED,
        `${operation}: camera access denied`,
        'camera',
      );
    }
    const camera = pick(this.devices.cameras, this.preferred.camera);
    if (!camera)
      throw new VirtualNetworkError(VirtualErrorCode.NO_CAMERA, `${operation}: no camera`, 'camera');
    this.preferred.camera = camera.deviceID;
    this.video = this.server.acquire('video', camera.deviceID);
    this.announceVideo();
  }

  private currentSpeaker(): string | undefined {
    return pick(this.devices.speakers, this.preferred.speaker)?.deviceID;
  }

  private deviceSnapshot(): DeviceList {
    return {
      cameras: [...this.devices.cameras],
      microphones: [...this.devices.microphones],
      speakers: [...this.devices.speakers],
    };
  }

  /** Local events (devices, failures) come asynchronously, like browser device events. */
  private emitSoon(events: readonly MediaEvent[]): void {
    scheduleIn(this.timers, this.server.scheduler, 0, () => {
      for (const event of events) this.eventSubject.next(event);
    });
  }

  private assertAlive(operation: string): void {
    if (this.destroyed) {
      throw new VirtualNetworkError(VirtualErrorCode.DESTROYED, `${operation}: the engine is destroyed`);
    }
  }
}
