import {
  asyncScheduler,
  concatMap,
  from,
  ignoreElements,
  merge,
  Observable,
  share,
  Subject,
  Subscription,
  type SchedulerLike,
} from 'rxjs';
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
import type { WirePeer } from 'ngx-trtc-calling/wire';
import { openDeviceCheck, queryMediaPermissions, type WebRtcDeviceCheck } from './device-check';
import { toDeviceList } from './device-choice';
import { CallingTransportError, MEDIA_ERROR } from './errors';
import { IceServers } from './ice-servers';
import { LocalMedia } from './local-media';
import { consoleTransportLogger, type TransportLogger } from './logger';
import { resolveMediaEnvironment, type MediaEnvironment } from './media-environment';
import { LOCAL, userKey, type Session, type SessionEnvironment } from './media-session';
import { MediaViews } from './media-views';
import { RoomMesh } from './room-mesh';
import type { RoomSignaling } from './room-signaling';
import { RoomUsers, volumeEvents } from './room-users';
import { ScreenShares, screenKey } from './screen-shares';
import { statsEvents } from './stats-events';
import { SfuHandoff, type SfuLoader } from './sfu-handoff';
import { VolumeMeter } from './volume-meter';

/** Options of `webRtcMedia`. */
export interface WebRtcMediaOptions {
  /** The room side of the signaling (a `WebSocketSignaling`, logged in before `join`). */
  readonly signaling: RoomSignaling;
  /**
   * The app's own STUN/TURN servers, used beside those the signaling server issues (its
   * `ice.servers`: STUN, and TURN with time-limited credentials, renewed before they expire).
   * Default none: with a server that issues none, host candidates only (one machine or a LAN).
   */
  readonly iceServers?: readonly RTCIceServer[];
  /** `'relay'`: connect through TURN only (hides the users' addresses from each other); default `'all'`. */
  readonly iceTransportPolicy?: RTCIceTransportPolicy;
  /** Ask the signaling server for ICE servers (`ice.servers`) before connecting; default true. */
  readonly serverIceServers?: boolean;
  /**
   * How long a peer connection (or an ICE restart) may take to connect before it counts as
   * failed, ms; default 15 000. A connection that gathers no candidate at all fails at once.
   */
  readonly connectTimeout?: number;
  /** Peer sessions a room may hold, this one included (a mesh sends one stream per peer); default 6. */
  readonly maxParticipants?: number;
  /** Scheduler of the volume timer; default `asyncScheduler`. */
  readonly scheduler?: SchedulerLike;
  /** Interval of `volume` events, ms; default 1 000. */
  readonly volumeInterval?: number;
  /** Interval of `stats` and `networkQuality` events (one `getStats` per peer), ms; default 2 000. */
  readonly statsInterval?: number;
  /** ICE restarts tried on a failed connection before `failed` is emitted; default 2. */
  readonly maxIceRestarts?: number;
  /**
   * How long a user whose connection was up and then failed for good stays in the call, waiting
   * for them to come back (a reload: the self-hosted server holds their place for its rejoin
   * grace and says they left only after it), ms; default 30 000; 0 fails at once as before.
   */
  readonly peerReturnWait?: number;
  /** Browser APIs to use instead of the globals (looked up only when a method needs them). */
  readonly environment?: Partial<MediaEnvironment>;
  /** Where recoveries and ignored input are reported; default the console. */
  readonly logger?: TransportLogger;
  /**
   * Loads the SFU engine for rooms the server places on a media server (`room.join` answered
   * with `sfu`, or a `room.sfu` push), e.g. `() => import('ngx-trtc-calling/janus')`; loaded only
   * then. Without it such a room fails with `SFU_FAILED`.
   */
  readonly sfu?: SfuLoader;
  /** How long users may be away while the room's media moves (mesh → SFU, or a dead SFU instance), ms; default 20 000. */
  readonly moveGrace?: number;
  /** Interval of a device check's `level$`, ms; default 200. */
  readonly levelInterval?: number;
  /** Length of a device check's test tone, ms; default 1 000. */
  readonly toneMs?: number;
}

/** Peer sessions a mesh room holds by default: each sends its streams to every other one. */
const DEFAULT_MESH_SIZE = 6;

/**
 * The `MediaEngine` of the self-hosted backend: browser WebRTC, one `RTCPeerConnection` per
 * remote peer session of the room (a mesh), negotiated through the room messages of the
 * signaling socket with the perfect-negotiation pattern (see `PeerLink`). The joiner offers to
 * the peers already in the room; they answer. Audio/video availability travels as `media`
 * payloads; remote audio plays through hidden `<audio>` elements even when nothing is attached.
 *
 * This class holds the session between `join` and `leave`; the local tracks and devices are
 * `LocalMedia`'s, the links `RoomMesh`'s, what the app sees of remote users `RoomUsers`'.
 */
export class WebRtcMedia extends MediaEngine {
  /** Media events (hot; completes on `destroy`). */
  readonly events$: Observable<MediaEvent>;

  readonly #eventSubject = new Subject<MediaEvent>();
  readonly #deviceCheck = new Subject<void>();
  readonly #deviceWatch$: Observable<never>;
  readonly #views: MediaViews;
  readonly #logger: TransportLogger;
  readonly #scheduler: SchedulerLike;
  readonly #local: LocalMedia;
  readonly #mesh: RoomMesh;
  readonly #screens: ScreenShares;
  readonly #handoff: SfuHandoff;
  readonly #iceServers: IceServers;
  /** Forgets the issued ICE servers on logout (until `destroy`). */
  readonly #loginWatch: Subscription | undefined;
  #session: Session | undefined;
  #joining = false;
  /** Bumped by `leave`/`destroy` so that a `join` in progress gives up and releases what it took. */
  #generation = 0;
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
    const isCurrent = (session: Session) => this.#session === session;
    this.#views = new MediaViews({
      document: () => this.#environment().document,
      autoplayBlocked: (what, error) =>
        this.#emit({
          type: 'error',
          code: MEDIA_ERROR.AUTOPLAY_BLOCKED,
          message: `the browser blocked playback of ${what} until the user interacts with the page (${String(error)})`,
        }),
      gesture: () => this.#session?.meter.resume(),
      logger: this.#logger,
    });
    this.#local = new LocalMedia({
      views: this.#views,
      logger: this.#logger,
      emit,
      isCurrent,
      changed: (session) => {
        this.#mesh.broadcastMediaState(session);
        this.#handoff.changed(session);
      },
      trackEnded: () => this.#deviceCheck.next(),
    });
    const { signaling } = options;
    const iceServers = new IceServers({
      own: options.iceServers ?? [],
      ...(signaling.iceServers && options.serverIceServers !== false
        ? { fetch: () => signaling.iceServers?.() ?? Promise.reject(new Error('no ice.servers')) }
        : {}),
      now: () => this.#scheduler.now(),
      logger: this.#logger,
    });
    this.#iceServers = iceServers;
    // TURN credentials are issued to the logged-in user: none outlive the login.
    this.#loginWatch = signaling.state$?.subscribe((state) => {
      if (state.status === 'loggedOut' || state.status === 'kickedOut') iceServers.clear();
    });
    this.#handoff = new SfuHandoff({
      loader: options.sfu,
      signaling: options.signaling,
      views: this.#views,
      get iceServers() {
        return iceServers.latest;
      },
      ...(options.iceTransportPolicy ? { iceTransportPolicy: options.iceTransportPolicy } : {}),
      renewIceServers: () => iceServers.current(),
      scheduler: this.#scheduler,
      logger: this.#logger,
      moveGrace: options.moveGrace ?? 20_000,
      emit,
      isCurrent,
      local: (session) => ({
        audio: session.audio,
        video: session.video,
        sending: this.#local.state(session),
      }),
      closeMesh: (session) => this.#mesh.close(session),
    });
    this.#screens = new ScreenShares({
      views: this.#views,
      signaling,
      logger: this.#logger,
      emit,
      updateLinks: (session) => this.#mesh.updateScreens(session),
    });
    this.#mesh = new RoomMesh({
      signaling: this.#handoff.meshSignaling(signaling),
      get iceServers() {
        return iceServers.latest;
      },
      ice: {
        ...(options.iceTransportPolicy ? { iceTransportPolicy: options.iceTransportPolicy } : {}),
        refreshIceServers: () => iceServers.refresh(),
        connectTimeout: options.connectTimeout ?? 15_000,
        disconnectedTimeout: 3_000,
        scheduler: this.#scheduler,
      },
      maxIceRestarts: options.maxIceRestarts ?? 2,
      peerReturnWait: options.peerReturnWait ?? 30_000,
      logger: this.#logger,
      local: this.#local,
      users: new RoomUsers(this.#views, emit),
      screens: this.#screens,
      emit,
      isCurrent,
    });
    // One `devicechange` listener however many subscribers, added only while someone listens.
    this.#deviceWatch$ = merge(
      new Observable<void>((subscriber) => {
        const mediaDevices = this.#environment().mediaDevices;
        if (!mediaDevices?.addEventListener) return undefined;
        const listener = () => subscriber.next();
        mediaDevices.addEventListener('devicechange', listener);
        return () => mediaDevices.removeEventListener('devicechange', listener);
      }),
      this.#deviceCheck,
    ).pipe(
      concatMap(() => from(this.#onDevicesChanged()).pipe(ignoreElements())),
      share(),
    );
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
    return this.#session?.ready === true;
  }

  /** This session's peerID in the room (for tests and diagnostics). */
  get peerID(): string | undefined {
    return this.#session?.peerID || undefined;
  }

  /** The `RTCPeerConnection` to each remote peer session, by peerID (for stats and tests). */
  get peerConnections(): ReadonlyMap<string, RTCPeerConnection> {
    const out = new Map<string, RTCPeerConnection>();
    for (const [peerID, remote] of this.#session?.peers ?? [])
      if (remote.link) out.set(peerID, remote.link.pc);
    return out;
  }

  /** The SFU engine's peer connections while the room's media runs on an SFU (for stats and tests). */
  get sfuPeerConnections(): readonly RTCPeerConnection[] {
    return this.#handoff.peerConnections;
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
    const prepared = this.#session;
    if (prepared?.prepared && prepared.roomID === options.roomID && !this.#joining)
      return this.#completePrepared(prepared, options);
    if (this.#session || this.#joining) {
      throw new CallingTransportError(MEDIA_ERROR.ALREADY_JOINED, 'join: already in a room; leave first');
    }
    const env = this.#environment();
    if (!env.mediaDevices?.getUserMedia || !env.RTCPeerConnection || !env.MediaStream) {
      throw new CallingTransportError(MEDIA_ERROR.UNSUPPORTED, 'WebRTC is not available in this environment');
    }
    const sessionEnv = env as SessionEnvironment;
    const generation = ++this.#generation;
    this.#joining = true;
    this.#local.prepare(options);

    const session = this.#newSession(options, sessionEnv);
    const aborted = () => generation !== this.#generation;
    const { signaling } = this.options;
    this.#iceServers.forUser(options.userID);
    // Asked while the devices open; never rejects (without them the app's own servers are used).
    const iceReady = this.#iceServers.current();
    try {
      const tracks = await this.#local.open(sessionEnv, options.video);
      await iceReady;
      session.audio = tracks.audio;
      session.video = tracks.video;
      if (aborted()) throw joinAborted();
      this.#mesh.listen(session);
      const placements = this.#handoff.watch(session);
      if (placements) session.subscriptions.add(placements);
      const membership = await (options.rejoin
        ? signaling.joinRoom(options.roomID, { rejoin: true })
        : signaling.joinRoom(options.roomID));
      if (aborted()) {
        void signaling.leaveRoom(options.roomID).catch(() => undefined);
        throw joinAborted();
      }
      const max = this.maxParticipants;
      if (!membership.sfu && membership.peers.length + 1 > max) {
        await signaling.leaveRoom(options.roomID).catch(() => undefined);
        throw new CallingTransportError(
          MEDIA_ERROR.ROOM_FULL,
          `room ${options.roomID} already holds ${membership.peers.length} peer(s); at most ${max} in a mesh`,
        );
      }
      session.peerID = membership.peerID;
      this.#session = session;
      this.#joining = false;
      // A room on an SFU has no mesh: its peers are for presence only.
      this.#start(session, membership.sfu ? [] : membership.peers);
      if (membership.sfu) await this.#handoff.place(session, membership.sfu);
    } catch (error) {
      this.#release(session);
      if (this.#session === session) this.#session = undefined;
      if (!aborted()) this.#joining = false;
      throw error;
    }
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
    if (this.#destroyed || this.#session || this.#joining) return;
    const env = this.#environment();
    if (!env.mediaDevices || !env.RTCPeerConnection || !env.MediaStream) return;
    const generation = ++this.#generation;
    this.#joining = true;
    const session = this.#newSession(options, env as SessionEnvironment);
    session.prepared = true;
    const aborted = () => generation !== this.#generation;
    const { signaling } = this.options;
    try {
      this.#iceServers.forUser(options.userID);
      await this.#iceServers.current();
      if (aborted()) throw joinAborted();
      this.#mesh.listen(session);
      const membership = await signaling.joinRoom(options.roomID, { prepared: true });
      if (aborted() || membership.sfu || membership.peers.length + 1 > this.maxParticipants) {
        await signaling.leaveRoom(options.roomID).catch(() => undefined);
        if (aborted()) throw joinAborted();
        this.#release(session);
        this.#joining = false;
        this.#logger(
          'debug',
          `room ${options.roomID} not prepared (${membership.sfu ? 'on an SFU' : 'full'})`,
        );
        return;
      }
      session.peerID = membership.peerID;
      this.#session = session;
      this.#joining = false;
      this.#start(session, membership.peers);
    } catch (error) {
      this.#release(session);
      if (this.#session === session) this.#session = undefined;
      if (!aborted()) this.#joining = false;
      throw error;
    }
  }

  /**
   * Accept on a prepared room: the peers' media, which already arrives, is rendered at once;
   * then the devices open, the tracks go onto the links that are up, and the room is joined for
   * real (the peers are told `joined`: we enter for them). A device failure leaves the room, as
   * a failed `join` does.
   */
  async #completePrepared(session: Session, options: JoinOptions): Promise<void> {
    const generation = this.#generation;
    this.#joining = true;
    this.#local.prepare(options);
    session.prepared = false;
    this.#mesh.enterAll(session);
    try {
      const tracks = await this.#local.open(session.env, options.video);
      if (generation !== this.#generation) {
        for (const track of [tracks.audio, tracks.video]) if (track) track.stop();
        throw joinAborted();
      }
      session.audio = tracks.audio;
      session.video = tracks.video;
      const published = this.#mesh.publish(session);
      const joined = this.options.signaling.joinRoom(session.roomID);
      this.#startLocal(session);
      await Promise.all([published, joined]);
      this.#joining = false;
    } catch (error) {
      if (generation === this.#generation) {
        this.#joining = false;
        // The app attached the peers' views when they entered above; core may join again at
        // once (audio-only without a camera), so those views stay where they are.
        await this.#leave(true);
      }
      throw error;
    }
  }

  /** Leaves the room: closes every connection, stops every track, removes the created elements. */
  async leave(): Promise<void> {
    await this.#leave(false);
  }

  async #leave(keepViews: boolean): Promise<void> {
    this.#generation++;
    this.#joining = false;
    const session = this.#session;
    this.#session = undefined;
    if (!session) return;
    this.#release(session);
    if (keepViews) this.#views.releaseAll();
    else this.#views.clear();
    try {
      await this.options.signaling.leaveRoom(session.roomID);
    } catch (error) {
      this.#logger('debug', `leaving room ${session.roomID} failed (the session may be gone)`, error);
    }
  }

  /** Mutes (`track.enabled = false`) or unmutes the microphone; peers see audio (un)available. */
  async setMicMuted(muted: boolean): Promise<void> {
    const session = this.#session;
    if (session) this.#local.setMicMuted(session, muted);
  }

  /**
   * Turns the camera off (stops the track, so the camera light goes off; the senders send
   * nothing) or on (opens it again and swaps the new track in). No renegotiation either way.
   */
  setCameraEnabled(enabled: boolean): Promise<void> {
    return this.#serially(async () => {
      const session = this.#session;
      if (session) await this.#local.setCameraEnabled(session, enabled);
    });
  }

  /** Adds (opening the camera) or removes the video for an audio↔video switch, by swapping the senders' track. */
  setVideoPublished(published: boolean): Promise<void> {
    return this.#serially(async () => {
      const session = this.#session;
      if (session) await this.#local.setVideoPublished(session, published);
    });
  }

  /**
   * Uses another device from now on (remembered for the next join). Camera and microphone are
   * reopened with exactly that device and swapped in without renegotiation; the speaker is set
   * with `setSinkId` on the remote-audio elements where the browser supports it.
   */
  switchDevice(kind: DeviceKind, deviceID: string): Promise<void> {
    return this.#serially(() => this.#local.switchDevice(this.#session, kind, deviceID));
  }

  /** Applies a profile: `applyConstraints` on the camera track and `maxBitrate` on every video sender. */
  async setVideoProfile(profile: VideoProfile): Promise<void> {
    await this.#local.setProfile(this.#session, profile);
  }

  /** Renders the local camera into `target` (a `<video>`, or an element to create one in). */
  attachLocal(target: ViewTarget): void {
    this.#views.attach(LOCAL, target);
  }

  /** Stops rendering the local camera. */
  detachLocal(): void {
    this.#views.detach(LOCAL);
  }

  /** Renders a remote user's video into `target` (now, or as soon as the user's stream arrives). */
  attachRemote(userID: string, target: ViewTarget): void {
    this.#views.attach(userKey(userID), target);
  }

  /** Stops rendering a remote user's video (its audio goes on playing). */
  detachRemote(userID: string): void {
    this.#views.detach(userKey(userID));
  }

  /**
   * Shares the screen (`getDisplayMedia`) as a second video source to every peer; rejects with
   * `SCREEN_SHARE_DENIED` (60030) when the user or the browser refuses, and outside a room.
   */
  override async startScreenShare(): Promise<void> {
    const session = this.#session;
    if (!session?.ready || session.prepared)
      throw new CallingTransportError(MEDIA_ERROR.OPERATION_FAILED, 'startScreenShare: not in a room');
    // The SFU publishes one camera and one microphone per user; a screen is the mesh's only.
    if (this.#handoff.isPlaced(session))
      throw new CallingTransportError(
        MEDIA_ERROR.UNSUPPORTED,
        'screen sharing is not available in an SFU room',
      );
    await this.#screens.start(session, () => this.#session === session);
  }

  /** Stops the screen share; safe when not sharing. */
  override async stopScreenShare(): Promise<void> {
    if (this.#session) this.#screens.stop(this.#session);
  }

  /** Renders a remote user's screen share into `target` (now, or as soon as it arrives). */
  override attachRemoteScreen(userID: string, target: ViewTarget): void {
    this.#views.attach(screenKey(userID), target);
  }

  /** Stops rendering a remote user's screen share. */
  override detachRemoteScreen(userID: string): void {
    this.#views.detach(screenKey(userID));
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
        profile: this.#local.profile,
        scheduler: this.#scheduler,
        logger: this.#logger,
        levelInterval: this.options.levelInterval ?? 200,
        toneMs: this.options.toneMs ?? 1000,
        stopped: (done) => this.#checks.delete(done),
      },
      { ...this.#local.chosen, ...options },
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
    this.#loginWatch?.unsubscribe();
    this.#iceServers.clear();
    this.#views.clear();
    this.#eventSubject.complete();
    this.#deviceCheck.complete();
  }

  #environment(): MediaEnvironment {
    return resolveMediaEnvironment(this.options.environment);
  }

  /** The room is joined: show and measure local media, connect to the peers, replay what was buffered. */
  #start(session: Session, peers: readonly WirePeer[]): void {
    // A prepared session has no local media yet: `#completePrepared` starts it after Accept.
    if (!session.prepared) this.#startLocal(session);
    this.#mesh.connectAll(session, peers);
    session.ready = true;
    for (const handle of session.buffered.splice(0)) handle();
  }

  #startLocal(session: Session): void {
    this.#local.start(session);
    session.subscriptions.add(this.#deviceWatch$.subscribe());
    const period = this.options.volumeInterval ?? 1000;
    session.subscriptions.add(volumeEvents(session, period, this.#scheduler).subscribe((e) => this.#emit(e)));
    const statsPeriod = this.options.statsInterval ?? 2000;
    session.subscriptions.add(
      statsEvents(session, statsPeriod, this.#scheduler, this.#logger).subscribe((e) => this.#emit(e)),
    );
    this.#local.restoreSpeaker();
  }

  #newSession(options: PrepareOptions, env: SessionEnvironment): Session {
    return {
      roomID: options.roomID,
      userID: options.userID,
      allowPeer: options.allowPeer ?? (() => true),
      peerID: '',
      ready: false,
      buffered: [],
      env,
      audio: null,
      video: null,
      peers: new Map(),
      entered: new Set(),
      announced: new Map(),
      subscriptions: new Subscription(),
      meter: new VolumeMeter(env.AudioContext, env.MediaStream, this.#logger),
    };
  }

  /** Releases what a session holds (connections, tracks, subscriptions, meters). Idempotent. */
  #release(session: Session): void {
    session.subscriptions.unsubscribe();
    this.#handoff.release(session);
    this.#screens.release(session);
    this.#mesh.close(session);
    for (const track of [session.audio, session.video]) if (track) this.#local.stop(track);
    session.audio = null;
    session.video = null;
    session.meter.close();
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
    await this.#serially(() => this.#local.fallBackFromLostDevices(this.#session, devices));
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

function joinAborted(): CallingTransportError {
  return new CallingTransportError(MEDIA_ERROR.JOIN_ABORTED, 'join: cancelled by leave() or destroy()');
}
