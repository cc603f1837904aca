import { Subject, Subscription, type Observable } from 'rxjs';
import {
  MediaEngine,
  isVideoProfile,
  type DeviceKind,
  type DeviceList,
  type JoinOptions,
  type MediaDevice,
  type MediaEvent,
  type VideoProfile,
  type ViewTarget,
} from 'ngx-trtc-calling/core';
import type { RtcServer } from './rtc-server';
import { scheduleIn, waitIn } from './schedule';
import { VirtualDevices } from './virtual-devices';
import { VirtualErrorCode, VirtualNetworkError } from './virtual-errors';
import { cameraFor, joinDevices, screenShareRefused } from './virtual-media-checks';
import type {
  VirtualAttachments,
  VirtualMediaOptions,
  VirtualRemoteUser,
  VirtualTrack,
} from './virtual-media-options';
import { networkReports } from './virtual-media-reports';
import { VirtualRoomPeers } from './virtual-room-peers';

/**
 * A media engine on a `VirtualNetwork`, created by `network.media()`: behaves like TRTC for
 * the call logic (room membership, remote users, audio/video availability, volume, devices)
 * without any browser API. Peers learn about changes one network latency later.
 */
export class VirtualMediaEngine extends MediaEngine {
  /** Media events; hot, completes on `destroy()`. */
  readonly events$: Observable<MediaEvent>;

  private readonly eventSubject = new Subject<MediaEvent>();
  private readonly devices: VirtualDevices;
  private readonly deniedAccess: boolean | 'camera' | 'microphone';
  private readonly joinDelay: number;
  private readonly eventDelay: number;
  private readonly screenDenied: boolean;
  private screen: VirtualTrack | undefined;
  private readonly screenViews = new Map<string, ViewTarget>();
  /** Rejects the `join` waiting out its `joinDelay`, if one is. */
  private abortJoin: (() => void) | undefined;
  private readonly peers: VirtualRoomPeers;
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
  private destroyed = false;

  /** Created by `VirtualNetwork.media()`; not meant to be constructed directly. */
  constructor(
    private readonly server: RtcServer,
    options: VirtualMediaOptions = {},
  ) {
    super();
    this.events$ = this.eventSubject.asObservable();
    this.devices = new VirtualDevices(options.devices);
    this.peers = new VirtualRoomPeers({
      scheduler: server.scheduler,
      emit: (event) => this.eventSubject.next(event),
      self: () => this.joined && { userID: this.joined.userID, audioOn: this.audioOn() },
      roomTimers: () => this.roomTimers,
    });
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
    return { ...this.devices.preferred };
  }

  /** Remote users in the room as this engine knows them, in order of arrival. */
  get remoteUsers(): ReadonlyMap<string, VirtualRemoteUser> {
    return new Map(this.peers.users);
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
    return [...this.peers.screens];
  }

  /** Whether `destroy()` was called. */
  get isDestroyed(): boolean {
    return this.destroyed;
  }

  /** A copy of the devices present. */
  async getDevices(): Promise<DeviceList> {
    this.assertAlive('getDevices');
    return this.devices.snapshot();
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
    const { microphone, camera } = joinDevices(options, this.devices, this.deniedAccess, this.server);

    const { roomID, userID } = options;
    this.boundUser = userID;
    this.joined = { roomID, userID };
    this.videoProfile = options.profile;
    this.muted = false;
    this.cameraOn = options.cameraEnabled !== false;
    this.videoWanted = options.video;
    this.devices.preferred.microphone = microphone.deviceID;
    this.audio = this.server.acquire('audio', microphone.deviceID);
    if (camera) {
      this.devices.preferred.camera = camera.deviceID;
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
    if (this.audioOn() !== before) this.announce('audioAvailable');
  }

  /** Camera off releases the video track (peers: `videoAvailable` false); on reacquires it. Ignored outside a room. */
  async setCameraEnabled(enabled: boolean): Promise<void> {
    this.assertAlive('setCameraEnabled');
    if (!this.joined || enabled === this.cameraOn) return;
    if (enabled && this.videoWanted) this.acquireCamera('setCameraEnabled');
    this.cameraOn = enabled;
    if (!enabled && this.video) {
      this.video = this.server.release(this.video);
      this.announce('videoAvailable');
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
      this.announce('videoAvailable');
    }
  }

  /** Switches to an existing device (rejects with 90001 otherwise) and remembers it. */
  async switchDevice(kind: DeviceKind, deviceID: string): Promise<void> {
    this.assertAlive('switchDevice');
    if (!this.devices.has(kind, deviceID)) {
      throw new VirtualNetworkError(
        VirtualErrorCode.DEVICE_NOT_FOUND,
        `switchDevice: no ${kind} ${deviceID}`,
      );
    }
    this.devices.preferred[kind] = deviceID;
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
    if (this.screenDenied) throw screenShareRefused();
    if (this.screen) return;
    this.screen = this.server.acquire('video', 'virtual-screen');
    this.announce('screenShareAvailable');
  }

  /** Stops the screen share (peers: `screenShareAvailable` false); safe when not sharing. */
  override async stopScreenShare(): Promise<void> {
    if (!this.screen) return;
    this.screen = this.server.release(this.screen);
    this.announce('screenShareAvailable');
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
      for (const event of events) this.peers.apply(event);
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
    const kind = this.devices.kindOf(deviceID);
    if (!kind) return false;
    const speaker = this.devices.pick('speaker', this.devices.preferred.speaker)?.deviceID;
    const speakerInUse = kind === 'speaker' && this.joined !== undefined && speaker === deviceID;
    const fallback = this.devices.remove(kind, deviceID);
    const events: MediaEvent[] = [{ type: 'devicesChanged', devices: this.devices.snapshot() }];
    const fellBack = () => {
      if (fallback === undefined) delete this.devices.preferred[kind];
      else this.devices.preferred[kind] = fallback;
      events.push({ type: 'deviceFallback', kind, from: deviceID, ...(fallback ? { to: fallback } : {}) });
    };
    if (kind === 'camera' && this.video?.deviceID === deviceID) {
      this.video = this.server.release(this.video);
      if (fallback) this.video = this.server.acquire('video', fallback);
      else this.announce('videoAvailable');
      fellBack();
    } else if (kind === 'microphone' && this.audio?.deviceID === deviceID) {
      const before = this.audioOn();
      this.audio = this.server.release(this.audio);
      if (fallback) this.audio = this.server.acquire('audio', fallback);
      else if (before) this.announce('audioAvailable');
      fellBack();
    } else if (speakerInUse) {
      fellBack();
    }
    this.emitSoon(events);
    return true;
  }

  /** @internal `VirtualNetwork.addDevice`; returns whether the device was new to this engine. */
  _addDevice(device: MediaDevice): boolean {
    if (!this.devices.add(device)) return false;
    this.emitSoon([{ type: 'devicesChanged', devices: this.devices.snapshot() }]);
    return true;
  }

  /** @internal `VirtualNetwork.endScreenShare`: the browser's own "Stop sharing". */
  _endScreenShare(): boolean {
    if (!this.screen) return false;
    this.screen = this.server.release(this.screen);
    this.announce('screenShareAvailable');
    this.emitSoon([{ type: 'screenShareEnded' }]);
    return true;
  }

  /**
   * @internal `VirtualNetwork.setQuality`/`setStats`: reports, one latency later, what the
   * network holds for this engine's user and the users in its room.
   */
  _report(): void {
    if (!this.joined) return;
    this._deliver(networkReports(this.server, [this.joined.userID, ...this.peers.users.keys()]));
  }

  /** @internal `VirtualNetwork.failMedia`. */
  _fail(code: number, message: string): void {
    this.emitSoon([{ type: 'failed', code, message }]);
  }

  /** Waits `joinDelay` virtual ms; rejects with 90006 if `leave` or `destroy` comes first. */
  private waitToJoin(): Promise<void> {
    const wait = waitIn(
      this.timers,
      this.server.scheduler,
      this.joinDelay,
      () => (this.abortJoin = undefined),
    );
    this.abortJoin = () =>
      wait.abort(
        new VirtualNetworkError(VirtualErrorCode.JOIN_ABORTED, 'join: cancelled by leave() or destroy()'),
      );
    return wait.done;
  }

  private leaveNow(): void {
    this.abortJoin?.();
    const joined = this.joined;
    if (!joined) return;
    this.joined = undefined;
    this.roomTimers.unsubscribe();
    this.peers.clear();
    this.remoteViews.clear();
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

  private audioOn(): boolean {
    return this.audio !== undefined && !this.muted;
  }

  /** Tells the others in the room, one latency later, whether this user's audio, video or screen is on. */
  private announce(type: 'audioAvailable' | 'videoAvailable' | 'screenShareAvailable'): void {
    if (!this.joined) return;
    const track = type === 'videoAvailable' ? this.video : this.screen;
    const available = type === 'audioAvailable' ? this.audioOn() : !!track;
    const event: MediaEvent = { type, userID: this.joined.userID, available };
    for (const member of this.server.members(this.joined.roomID)) {
      if (member !== this) member._deliver([event]);
    }
  }

  private acquireCamera(operation: string): void {
    if (this.video) return;
    const camera = cameraFor(operation, this.devices, this.deniedAccess);
    this.devices.preferred.camera = camera.deviceID;
    this.video = this.server.acquire('video', camera.deviceID);
    this.announce('videoAvailable');
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
