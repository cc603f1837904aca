import { asyncScheduler, Observable, Subject, type SchedulerLike } from 'rxjs';
import {
  MediaEngine,
  type DeviceCheck,
  type DeviceCheckOptions,
  type DeviceKind,
  type DeviceList,
  type JoinOptions,
  type MediaPermissions,
  type PrepareOptions,
  type MediaEvent,
  type VideoProfile,
  type ViewTarget,
} from 'ngx-trtc-calling/core';
import { openDeviceCheck, queryMediaPermissions, type WebRtcDeviceCheck } from './device-check';
import { toDeviceList } from './device-choice';
import { watchDevices } from './device-watch';
import { CallingTransportError, MEDIA_ERROR } from './errors';
import { consoleTransportLogger, type TransportLogger } from './logger';
import { createMediaParts, type MediaParts } from './media-parts';
import { resolveMediaEnvironment, type MediaEnvironment } from './media-environment';
import { LOCAL, userKey } from './media-session';
import { RoomEntry } from './room-entry';
import { screenKey } from './screen-shares';
import type { WebRtcMediaOptions } from './web-rtc-media-options';

export type { WebRtcMediaOptions } from './web-rtc-media-options';

/** Peer sessions a mesh room holds by default: each sends its streams to every other one. */
const DEFAULT_MESH_SIZE = 6;

/**
 * The `MediaEngine` of the self-hosted backend: browser WebRTC, one `RTCPeerConnection` per
 * remote peer session of the room (a mesh), negotiated through the room messages of the
 * signaling socket with the perfect-negotiation pattern (see `PeerLink`). The joiner offers to
 * the peers already in the room; they answer. Audio/video availability travels as `media`
 * payloads; remote audio plays through hidden `<audio>` elements even when nothing is attached.
 *
 * The session between `join` and `leave` is `RoomEntry`'s; the local tracks and devices are
 * `LocalMedia`'s, the links `RoomMesh`'s, what the app sees of remote users `RoomUsers`' (all
 * built by `createMediaParts`).
 */
export class WebRtcMedia extends MediaEngine {
  /** Media events (hot; completes on `destroy`). */
  readonly events$: Observable<MediaEvent>;

  readonly #eventSubject = new Subject<MediaEvent>();
  readonly #deviceCheck = new Subject<void>();
  readonly #deviceWatch$: Observable<never>;
  readonly #logger: TransportLogger;
  readonly #scheduler: SchedulerLike;
  readonly #parts: MediaParts;
  readonly #entry: RoomEntry;
  #destroyed = false;
  /** Device checks open now (stopped on `destroy`). */
  readonly #checks = new Set<WebRtcDeviceCheck>();
  /** Local media operations (device switches, camera on/off, fallbacks) run one after another. */
  #operations: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: WebRtcMediaOptions) {
    super();
    this.#logger = options.logger ?? consoleTransportLogger;
    this.#scheduler = options.scheduler ?? asyncScheduler;
    const emit = (event: MediaEvent) => this.#emit(event);
    const environment = () => this.#environment();
    this.#parts = createMediaParts(options, {
      logger: this.#logger,
      scheduler: this.#scheduler,
      environment,
      session: () => this.#entry.session,
      emit,
      trackEnded: () => this.#deviceCheck.next(),
    });
    this.#deviceWatch$ = watchDevices(environment, this.#deviceCheck, () => this.#onDevicesChanged());
    this.#entry = new RoomEntry({
      options,
      parts: this.#parts,
      environment,
      maxParticipants: () => this.maxParticipants,
      deviceWatch$: this.#deviceWatch$,
      scheduler: this.#scheduler,
      logger: this.#logger,
      emit,
    });
    this.events$ = new Observable<MediaEvent>((subscriber) => {
      const subscription = this.#eventSubject.subscribe(subscriber);
      if (!this.#destroyed) subscription.add(this.#deviceWatch$.subscribe());
      return subscription;
    });
  }

  /**
   * Peer sessions a room holds, this one included (`maxParticipants` option; default 6 in a mesh,
   * no limit with an `sfu` loader: the server places larger rooms on the SFU).
   */
  override get maxParticipants(): number {
    return this.options.maxParticipants ?? (this.options.sfu ? Number.POSITIVE_INFINITY : DEFAULT_MESH_SIZE);
  }

  /** Whether the engine is in a room. */
  get joined(): boolean {
    return this.#entry.session?.ready === true;
  }

  /** This session's peerID in the room (for tests and diagnostics). */
  get peerID(): string | undefined {
    return this.#entry.session?.peerID || undefined;
  }

  /** The `RTCPeerConnection` to each remote peer session, by peerID (for stats and tests). */
  get peerConnections(): ReadonlyMap<string, RTCPeerConnection> {
    const out = new Map<string, RTCPeerConnection>();
    for (const [peerID, remote] of this.#entry.session?.peers ?? [])
      if (remote.link) out.set(peerID, remote.link.pc);
    return out;
  }

  /** The SFU engine's peer connections while the room's media runs on an SFU (for stats and tests). */
  get sfuPeerConnections(): readonly RTCPeerConnection[] {
    return this.#parts.handoff.peerConnections;
  }

  /** Lists the devices present (labels are empty until a permission was granted). */
  async getDevices(): Promise<DeviceList> {
    const mediaDevices = this.#environment().mediaDevices;
    if (!mediaDevices?.enumerateDevices) return { cameras: [], microphones: [], speakers: [] };
    return toDeviceList(await mediaDevices.enumerateDevices());
  }

  /**
   * Opens the microphone (and camera when `video`), joins the room, and offers to every peer
   * already there. Rejects with 60003/60004/60005 for device failures, `ROOM_FULL` when the
   * room already holds `maxParticipants`, and releases everything it took when it fails.
   */
  async join(options: JoinOptions): Promise<void> {
    if (this.#destroyed) throw new CallingTransportError(MEDIA_ERROR.JOIN_ABORTED, 'media engine destroyed');
    return this.#entry.join(options);
  }

  /**
   * Instant answer: enters the room receive-only while the invitation rings. No getUserMedia,
   * nothing sent: the links to the call's peers are negotiated (ICE and DTLS) with empty
   * senders, and the peers see this session as `prepared` (not entered). Their media arrives
   * (the caller's: the invitee's device is one the caller chose to reach) but nothing of it is
   * rendered or played here before Accept. `join` for the same room after Accept only opens the
   * devices and swaps the tracks in (no renegotiation); `leave` undoes it. A room on an SFU, or
   * one that is full, is left again: Accept then joins as usual.
   */
  override async prepare(options: PrepareOptions): Promise<void> {
    if (this.#destroyed) return;
    return this.#entry.prepare(options);
  }

  /** Leaves the room: closes every connection, stops every track, removes the created elements. */
  async leave(): Promise<void> {
    await this.#entry.leave(false);
  }

  /** Mutes (`track.enabled = false`) or unmutes the microphone; peers see audio (un)available. */
  async setMicMuted(muted: boolean): Promise<void> {
    const session = this.#entry.session;
    if (session) this.#parts.local.setMicMuted(session, muted);
  }

  /**
   * Turns the camera off (stops the track, so the camera light goes off; the senders send
   * nothing) or on (opens it again and swaps the new track in). No renegotiation either way.
   */
  setCameraEnabled(enabled: boolean): Promise<void> {
    return this.#serially(async () => {
      const session = this.#entry.session;
      if (session) await this.#parts.local.setCameraEnabled(session, enabled);
    });
  }

  /** Adds (opening the camera) or removes the video for an audio↔video switch, by swapping the senders' track. */
  setVideoPublished(published: boolean): Promise<void> {
    return this.#serially(async () => {
      const session = this.#entry.session;
      if (session) await this.#parts.local.setVideoPublished(session, published);
    });
  }

  /**
   * Uses another device from now on (remembered for the next join). Camera and microphone are
   * reopened with exactly that device and swapped in without renegotiation; the speaker is set
   * with `setSinkId` on the remote-audio elements where the browser supports it.
   */
  switchDevice(kind: DeviceKind, deviceID: string): Promise<void> {
    return this.#serially(() => this.#parts.local.switchDevice(this.#entry.session, kind, deviceID));
  }

  /** Applies a profile: `applyConstraints` on the camera track and `maxBitrate` on every video sender. */
  async setVideoProfile(profile: VideoProfile): Promise<void> {
    await this.#parts.local.setProfile(this.#entry.session, profile);
  }

  /** Renders the local camera into `target` (a `<video>`, or an element to create one in). */
  attachLocal(target: ViewTarget): void {
    this.#parts.views.attach(LOCAL, target);
  }

  /** Stops rendering the local camera. */
  detachLocal(): void {
    this.#parts.views.detach(LOCAL);
  }

  /** Renders a remote user's video into `target` (now, or as soon as the user's stream arrives). */
  attachRemote(userID: string, target: ViewTarget): void {
    this.#parts.views.attach(userKey(userID), target);
  }

  /** Stops rendering a remote user's video (its audio goes on playing). */
  detachRemote(userID: string): void {
    this.#parts.views.detach(userKey(userID));
  }

  /**
   * Shares the screen (`getDisplayMedia`) as a second video source to every peer; rejects with
   * `SCREEN_SHARE_DENIED` (60030) when the user or the browser refuses, and outside a room.
   */
  override async startScreenShare(): Promise<void> {
    const session = this.#entry.session;
    if (!session?.ready || session.prepared)
      throw new CallingTransportError(MEDIA_ERROR.OPERATION_FAILED, 'startScreenShare: not in a room');
    // The SFU publishes one camera and one microphone per user; a screen is the mesh's only.
    if (this.#parts.handoff.isPlaced(session))
      throw new CallingTransportError(
        MEDIA_ERROR.UNSUPPORTED,
        'screen sharing is not available in an SFU room',
      );
    await this.#parts.screens.start(session, () => this.#entry.session === session);
  }

  /** Stops the screen share; safe when not sharing. */
  override async stopScreenShare(): Promise<void> {
    if (this.#entry.session) this.#parts.screens.stop(this.#entry.session);
  }

  /** Renders a remote user's screen share into `target` (now, or as soon as it arrives). */
  override attachRemoteScreen(userID: string, target: ViewTarget): void {
    this.#parts.views.attach(screenKey(userID), target);
  }

  /** Stops rendering a remote user's screen share. */
  override detachRemoteScreen(userID: string): void {
    this.#parts.views.detach(screenKey(userID));
  }

  /**
   * Opens the camera and microphone for a check outside any room (nothing is sent). Allowed while
   * in a call: the check opens tracks of its own, so the call's are neither replaced nor stopped.
   */
  override async startDeviceCheck(options: DeviceCheckOptions): Promise<DeviceCheck> {
    if (this.#destroyed) throw new CallingTransportError(MEDIA_ERROR.JOIN_ABORTED, 'media engine destroyed');
    const check = await openDeviceCheck(
      {
        env: this.#environment(),
        profile: this.#parts.local.profile,
        scheduler: this.#scheduler,
        logger: this.#logger,
        levelInterval: this.options.levelInterval ?? 200,
        toneMs: this.options.toneMs ?? 1000,
        stopped: (done) => this.#checks.delete(done),
      },
      { ...this.#parts.local.chosen, ...options },
    );
    if (this.#destroyed) {
      check.stop();
      throw new CallingTransportError(MEDIA_ERROR.JOIN_ABORTED, 'media engine destroyed');
    }
    this.#checks.add(check);
    return check;
  }

  /** The camera and microphone permission states (Permissions API), `unknown` where it cannot tell. */
  override getPermissions(): Promise<MediaPermissions> {
    const g = globalThis as { navigator?: { permissions?: Permissions } };
    return queryMediaPermissions(g.navigator?.permissions);
  }

  /** Leaves and completes `events$`; the engine cannot be used afterwards. */
  destroy(): void {
    if (this.#destroyed) return;
    for (const check of [...this.#checks]) check.stop();
    void this.leave();
    this.#destroyed = true;
    this.#parts.loginWatch?.unsubscribe();
    this.#parts.iceServers.clear();
    this.#parts.views.clear();
    this.#eventSubject.complete();
    this.#deviceCheck.complete();
  }

  #environment(): MediaEnvironment {
    return resolveMediaEnvironment(this.options.environment);
  }

  /** `devicechange` (or a local track ended): report the new lists, then fall back where needed. */
  async #onDevicesChanged(): Promise<void> {
    let devices: DeviceList;
    try {
      devices = await this.getDevices();
    } catch (error) {
      this.#logger('debug', 'enumerateDevices failed', error);
      return;
    }
    this.#emit({ type: 'devicesChanged', devices });
    await this.#serially(() => this.#parts.local.fallBackFromLostDevices(this.#entry.session, devices));
  }

  #serially<T>(operation: () => Promise<T>): Promise<T> {
    const run = this.#operations.then(operation, operation);
    this.#operations = run.catch(() => undefined);
    return run;
  }

  #emit(event: MediaEvent): void {
    if (!this.#destroyed) this.#eventSubject.next(event);
  }
}

/**
 * Creates the `MediaEngine` of the self-hosted backend (browser WebRTC mesh).
 *
 * @example
 * const signaling = webSocketSignaling({ url, SDKAppID });
 * const media = webRtcMedia({ signaling, iceServers: [{ urls: 'stun:stun.example.com' }] });
 */
export function webRtcMedia(options: WebRtcMediaOptions): WebRtcMedia {
  return new WebRtcMedia(options);
}
