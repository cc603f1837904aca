import {
  asyncScheduler,
  concatMap,
  filter,
  from,
  ignoreElements,
  interval,
  merge,
  Observable,
  share,
  Subject,
  Subscription,
  type SchedulerLike,
} from 'rxjs';
import {
  MediaEngine,
  VIDEO_PROFILES,
  type DeviceKind,
  type DeviceList,
  type JoinOptions,
  type MediaEvent,
  type VideoProfile,
  type ViewTarget,
} from 'ngx-trtc-calling/core';
import { chooseFallbackDevice, devicesOfKind, isDevicePresent, toDeviceList } from './device-choice';
import { CallingTransportError, MEDIA_ERROR } from './errors';
import { consoleTransportLogger, type TransportLogger } from './logger';
import {
  audioConstraints,
  isAccessDeniedError,
  isMissingDeviceError,
  mediaError,
  videoConstraints,
} from './media-constraints';
import { resolveMediaEnvironment, type MediaEnvironment } from './media-environment';
import { MediaViews } from './media-views';
import { PeerLink } from './peer-link';
import { isPolitePeer } from './polite-peer';
import type { RoomPeerEvent, RoomRtcMessage, RoomSignaling, RoomStatusEvent } from './room-signaling';
import { VolumeMeter } from './volume-meter';
import type { RtcPayload, WirePeer } from 'ngx-trtc-calling/wire';

/** Options of `webRtcMedia`. */
export interface WebRtcMediaOptions {
  /** The room side of the signaling (a `WebSocketSignaling`, logged in before `join`). */
  readonly signaling: RoomSignaling;
  /** STUN/TURN servers; default none (host candidates only, enough on one machine or LAN). */
  readonly iceServers?: readonly RTCIceServer[];
  /** Peer sessions a room may hold, this one included (a mesh sends one stream per peer); default 6. */
  readonly maxParticipants?: number;
  /** Scheduler of the volume timer; default `asyncScheduler`. */
  readonly scheduler?: SchedulerLike;
  /** Interval of `volume` events, ms; default 1 000. */
  readonly volumeInterval?: number;
  /** ICE restarts tried on a failed connection before `failed` is emitted; default 2. */
  readonly maxIceRestarts?: number;
  /** Browser APIs to use instead of the globals (looked up only when a method needs them). */
  readonly environment?: Partial<MediaEnvironment>;
  /** Where recoveries and ignored input are reported; default the console. */
  readonly logger?: TransportLogger;
}

type TrackKind = 'audio' | 'video';

/** One remote peer session of the room. */
interface RemotePeer {
  readonly peer: WirePeer;
  link?: PeerLink;
  /** Its last `media` payload. */
  media?: { readonly audio: boolean; readonly video: boolean };
  /** A remote track arrived on its link. */
  hasTrack: boolean;
}

/** Everything that exists between `join` and `leave`. */
interface Session {
  readonly roomID: number;
  readonly userID: string;
  /** This session's peerID in the room (empty until the server answered the join). */
  peerID: string;
  /** Room pushes are buffered until the join answer gives our peerID. */
  ready: boolean;
  readonly buffered: (() => void)[];
  readonly env: Required<Pick<MediaEnvironment, 'mediaDevices' | 'RTCPeerConnection' | 'MediaStream'>> &
    MediaEnvironment;
  audio: MediaStreamTrack | null;
  video: MediaStreamTrack | null;
  readonly peers: Map<string, RemotePeer>;
  /** Users whose `userEntered` was emitted and not yet their `userLeft`. */
  readonly entered: Set<string>;
  /** The audio/video availability last emitted per user. */
  readonly announced: Map<string, { audio?: boolean; video?: boolean }>;
  readonly subscriptions: Subscription;
  readonly meter: VolumeMeter;
}

const LOCAL = 'local';
const userKey = (userID: string) => `user:${userID}`;

/**
 * The `MediaEngine` of the self-hosted backend: browser WebRTC, one `RTCPeerConnection` per
 * remote peer session of the room (a mesh), negotiated through the room messages of the
 * signaling socket with the perfect-negotiation pattern (see `PeerLink`). The joiner offers to
 * the peers already in the room; they answer. Audio/video availability travels as `media`
 * payloads; remote audio plays through hidden `<audio>` elements even when nothing is attached.
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
  #session?: Session;
  #joining = false;
  /** Bumped by `leave`/`destroy` so that a `join` in progress gives up and releases what it took. */
  #generation = 0;
  #destroyed = false;
  /** Local media operations (device switches, camera on/off, fallbacks) run one after another. */
  #operations: Promise<unknown> = Promise.resolve();
  #profile: VideoProfile = VIDEO_PROFILES['480p'];
  #cameraID?: string;
  #microphoneID?: string;
  #speakerID?: string;
  #micMuted = false;
  #cameraEnabled = true;
  #videoPublished = false;
  readonly #onLocalTrackEnded = () => this.#deviceCheck.next();

  constructor(private readonly options: WebRtcMediaOptions) {
    super();
    this.#logger = options.logger ?? consoleTransportLogger;
    this.#scheduler = options.scheduler ?? asyncScheduler;
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
    if (this.#session || this.#joining) {
      throw new CallingTransportError(MEDIA_ERROR.ALREADY_JOINED, 'join: already in a room; leave first');
    }
    const env = this.#environment();
    if (!env.mediaDevices?.getUserMedia || !env.RTCPeerConnection || !env.MediaStream) {
      throw new CallingTransportError(MEDIA_ERROR.UNSUPPORTED, 'WebRTC is not available in this environment');
    }
    const generation = ++this.#generation;
    this.#joining = true;
    this.#profile = options.profile;
    if (options.cameraID) this.#cameraID = options.cameraID;
    if (options.microphoneID) this.#microphoneID = options.microphoneID;
    this.#micMuted = false;
    this.#cameraEnabled = true;
    this.#videoPublished = options.video;

    const session: Session = {
      roomID: options.roomID,
      userID: options.userID,
      peerID: '',
      ready: false,
      buffered: [],
      env: env as Session['env'],
      audio: null,
      video: null,
      peers: new Map(),
      entered: new Set(),
      announced: new Map(),
      subscriptions: new Subscription(),
      meter: new VolumeMeter(env.AudioContext, env.MediaStream, this.#logger),
    };
    const aborted = () => generation !== this.#generation;
    try {
      const tracks = await this.#openMedia(env as Session['env'], options.video);
      session.audio = tracks.audio;
      session.video = tracks.video;
      if (aborted()) throw joinAborted();
      this.#listen(session);
      const membership = await this.options.signaling.joinRoom(options.roomID);
      if (aborted()) {
        void this.options.signaling.leaveRoom(options.roomID).catch(() => undefined);
        throw joinAborted();
      }
      const max = this.options.maxParticipants ?? 6;
      if (membership.peers.length + 1 > max) {
        await this.options.signaling.leaveRoom(options.roomID).catch(() => undefined);
        throw new CallingTransportError(
          MEDIA_ERROR.ROOM_FULL,
          `room ${options.roomID} already holds ${membership.peers.length} peer(s); at most ${max} in a mesh`,
        );
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

  /** Leaves the room: closes every connection, stops every track, removes the created elements. */
  async leave(): Promise<void> {
    this.#generation++;
    this.#joining = false;
    const session = this.#session;
    this.#session = undefined;
    if (!session) return;
    this.#release(session);
    this.#views.clear();
    try {
      await this.options.signaling.leaveRoom(session.roomID);
    } catch (error) {
      this.#logger('debug', `leaving room ${session.roomID} failed (the session may be gone)`, error);
    }
  }

  /** Mutes (`track.enabled = false`) or unmutes the microphone; peers see audio (un)available. */
  async setMicMuted(muted: boolean): Promise<void> {
    const session = this.#session;
    if (!session) return;
    this.#micMuted = muted;
    if (session.audio) session.audio.enabled = !muted;
    this.#broadcastMediaState(session);
  }

  /**
   * Turns the camera off (stops the track, so the camera light goes off; the senders send
   * nothing) or on (opens it again and swaps the new track in). No renegotiation either way.
   */
  setCameraEnabled(enabled: boolean): Promise<void> {
    return this.#serially(async () => {
      const session = this.#session;
      if (!session) return;
      this.#cameraEnabled = enabled;
      if (this.#videoPublished) {
        if (!enabled) {
          await this.#useTrack(session, 'video', null);
        } else if (!session.video || session.video.readyState === 'ended') {
          const track = await this.#openTrack(session.env, 'video', true);
          if (this.#session !== session) {
            track.stop();
            return;
          }
          await this.#useTrack(session, 'video', track);
        }
      }
      this.#broadcastMediaState(session);
    });
  }

  /** Adds (opening the camera) or removes the video for an audio↔video switch, by swapping the senders' track. */
  setVideoPublished(published: boolean): Promise<void> {
    return this.#serially(async () => {
      const session = this.#session;
      if (!session || published === this.#videoPublished) return;
      if (published) {
        const track =
          session.video && session.video.readyState === 'live'
            ? session.video
            : await this.#openTrack(session.env, 'video', true);
        if (this.#session !== session) {
          track.stop();
          return;
        }
        this.#videoPublished = true;
        this.#cameraEnabled = true;
        this.#setLocalTrack(session, 'video', track);
      } else {
        this.#videoPublished = false;
        this.#setLocalTrack(session, 'video', null);
      }
      await Promise.all(this.#links(session).map((link) => link.update()));
      this.#broadcastMediaState(session);
    });
  }

  /**
   * Uses another device from now on (remembered for the next join). Camera and microphone are
   * reopened with exactly that device and swapped in without renegotiation; the speaker is set
   * with `setSinkId` on the remote-audio elements where the browser supports it.
   */
  switchDevice(kind: DeviceKind, deviceID: string): Promise<void> {
    return this.#serially(async () => {
      if (kind === 'speaker') {
        this.#speakerID = deviceID;
        if (!this.#views.canSetSink()) {
          this.#logger('warn', 'this browser cannot choose the speaker (no setSinkId)');
        }
        await this.#views.setSinkID(deviceID);
        return;
      }
      const trackKind: TrackKind = kind === 'camera' ? 'video' : 'audio';
      if (kind === 'camera') this.#cameraID = deviceID;
      else this.#microphoneID = deviceID;
      const session = this.#session;
      if (!session || !session[trackKind]) return;
      const track = await this.#openTrack(session.env, trackKind, false);
      if (this.#session !== session) {
        track.stop();
        return;
      }
      await this.#useTrack(session, trackKind, track);
    });
  }

  /** Applies a profile: `applyConstraints` on the camera track and `maxBitrate` on every video sender. */
  async setVideoProfile(profile: VideoProfile): Promise<void> {
    this.#profile = profile;
    const session = this.#session;
    if (!session) return;
    if (session.video) {
      const { deviceId: _ignored, ...constraints } = videoConstraints(profile);
      await session.video.applyConstraints(constraints).catch((error: unknown) => {
        this.#logger('warn', 'the camera refused the new profile', error);
      });
    }
    await Promise.all(this.#links(session).map((link) => this.#applyBitrate(link)));
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

  /** Leaves and completes `events$`; the engine cannot be used afterwards. */
  destroy(): void {
    if (this.#destroyed) return;
    void this.leave();
    this.#destroyed = true;
    this.#views.clear();
    this.#eventSubject.complete();
    this.#deviceCheck.complete();
  }

  // ---- join / leave ----------------------------------------------------------------------

  #environment(): MediaEnvironment {
    return resolveMediaEnvironment(this.options.environment);
  }

  /** Subscribes to the room pushes (before the join request, so nothing right after it is missed). */
  #listen(session: Session): void {
    const inRoom = <T extends { roomID: number }>(source: Observable<T>) =>
      source.pipe(filter((event) => event.roomID === session.roomID));
    const whenReady = (handle: () => void) => (session.ready ? handle() : session.buffered.push(handle));
    const { signaling } = this.options;
    session.subscriptions.add(
      inRoom(signaling.rtc$).subscribe((message) => whenReady(() => this.#onRtc(session, message))),
    );
    session.subscriptions.add(
      inRoom(signaling.peerEvents$).subscribe((event) => whenReady(() => this.#onPeerEvent(session, event))),
    );
    session.subscriptions.add(
      inRoom(signaling.roomStatus$).subscribe((event) => whenReady(() => this.#onRoomStatus(session, event))),
    );
  }

  /** The room is joined: show and measure local media, connect to the peers, replay what was buffered. */
  #start(session: Session, peers: readonly WirePeer[]): void {
    this.#watchTrack(session.audio);
    this.#watchTrack(session.video);
    this.#refreshLocalView(session);
    session.meter.set(LOCAL, session.audio);
    session.subscriptions.add(this.#deviceWatch$.subscribe());
    const period = this.options.volumeInterval ?? 1000;
    session.subscriptions.add(
      interval(period, this.#scheduler).subscribe(() => {
        const volumes = session.meter.read().map((v) => ({
          userID: v.userID === LOCAL ? session.userID : v.userID.slice(5),
          volume: v.volume,
        }));
        if (volumes.length > 0) this.#emit({ type: 'volume', volumes });
      }),
    );
    if (this.#speakerID) void this.#views.setSinkID(this.#speakerID);
    for (const peer of peers) {
      const remote = this.#remoteOf(session, peer);
      // The joiner offers: adding the transceivers fires `negotiationneeded`.
      if (remote) void this.#connect(session, remote, true);
    }
    session.ready = true;
    for (const handle of session.buffered.splice(0)) handle();
  }

  /** Releases what a session holds (connections, tracks, subscriptions, meters). Idempotent. */
  #release(session: Session): void {
    session.subscriptions.unsubscribe();
    for (const remote of session.peers.values()) remote.link?.close();
    session.peers.clear();
    for (const track of [session.audio, session.video]) {
      if (!track) continue;
      track.removeEventListener('ended', this.#onLocalTrackEnded);
      track.stop();
    }
    session.audio = null;
    session.video = null;
    session.meter.close();
  }

  // ---- peers -----------------------------------------------------------------------------

  /** The record of a remote peer session, created on first sight; `undefined` for our own user's other sessions. */
  #remoteOf(session: Session, peer: WirePeer): RemotePeer | undefined {
    if (peer.userID === session.userID || peer.peerID === session.peerID) {
      this.#logger('debug', `ignoring peer ${peer.peerID}: a session of this user (${peer.userID})`);
      return undefined;
    }
    let remote = session.peers.get(peer.peerID);
    if (!remote) {
      remote = { peer, hasTrack: false };
      session.peers.set(peer.peerID, remote);
    }
    return remote;
  }

  async #connect(session: Session, remote: RemotePeer, initiate: boolean): Promise<void> {
    const { env } = session;
    const peerID = remote.peer.peerID;
    const link: PeerLink = new PeerLink({
      RTCPeerConnection: env.RTCPeerConnection,
      MediaStream: env.MediaStream,
      iceServers: this.options.iceServers ?? [],
      remote: remote.peer,
      polite: isPolitePeer(session.peerID, peerID),
      maxIceRestarts: this.options.maxIceRestarts ?? 2,
      localMedia: () => ({ audio: session.audio, video: session.video }),
      send: (payload) => this.options.signaling.sendRtc(session.roomID, peerID, payload),
      track: () => this.#onRemoteTrack(session, remote),
      negotiated: () => void this.#applyBitrate(link),
      failed: (reason) => this.#onLinkFailed(session, remote, reason),
      logger: this.#logger,
    });
    remote.link = link;
    this.#sendMediaState(session, peerID);
    if (initiate) await link.update();
  }

  #onRtc(session: Session, message: RoomRtcMessage): void {
    const remote = this.#remoteOf(session, message.from);
    if (!remote) return;
    const payload: RtcPayload = message.payload;
    if (payload.kind === 'media') {
      remote.media = { audio: payload.audio === true, video: payload.video === true };
      this.#announce(session, remote.peer.userID);
      return;
    }
    if (!remote.link || remote.link.isClosed) {
      if (payload.kind !== 'offer') {
        this.#logger(
          'debug',
          `dropping ${payload.kind} from ${message.from.peerID}: no connection to it yet`,
        );
        return;
      }
      // A peer that joined after us offers; we answer (the offer creates our transceivers).
      void this.#connect(session, remote, false);
    }
    remote.link?.receive(payload);
  }

  #onPeerEvent(session: Session, event: RoomPeerEvent): void {
    if (event.event === 'joined') {
      // Nothing to do until its offer arrives: the joiner offers.
      this.#remoteOf(session, event.peer);
      return;
    }
    this.#removePeer(session, event.peer.peerID);
  }

  #onRoomStatus(session: Session, event: RoomStatusEvent): void {
    if (event.type === 'lost') {
      this.#emit({
        type: 'failed',
        code: (event.error as { code?: number }).code ?? MEDIA_ERROR.CONNECTION_FAILED,
        message: `lost room ${session.roomID} after a reconnect: ${event.error.message}`,
      });
      return;
    }
    // The server gave us a new session: the peers saw our old one leave, so start over with
    // the new peerID (we are the joiner again), keeping users who are still there "entered".
    session.peerID = event.peerID;
    for (const remote of session.peers.values()) remote.link?.close();
    session.peers.clear();
    const present = new Set(event.peers.map((p) => p.userID));
    for (const userID of [...session.entered]) if (!present.has(userID)) this.#refreshUser(session, userID);
    for (const peer of event.peers) {
      const remote = this.#remoteOf(session, peer);
      if (remote) void this.#connect(session, remote, true);
    }
  }

  #removePeer(session: Session, peerID: string): void {
    const remote = session.peers.get(peerID);
    if (!remote) return;
    session.peers.delete(peerID);
    remote.link?.close();
    this.#refreshUser(session, remote.peer.userID);
  }

  #onLinkFailed(session: Session, remote: RemotePeer, reason: string): void {
    if (this.#session !== session) return;
    this.#emit({ type: 'failed', code: MEDIA_ERROR.CONNECTION_FAILED, message: reason });
    this.#removePeer(session, remote.peer.peerID);
  }

  #onRemoteTrack(session: Session, remote: RemotePeer): void {
    if (this.#session !== session) return;
    remote.hasTrack = true;
    this.#refreshUser(session, remote.peer.userID);
  }

  /**
   * Brings what the app sees of a user in line with its peer sessions: `userEntered` with the
   * first remote track, views and audio on the newest session's stream, `userLeft` when none is left.
   */
  #refreshUser(session: Session, userID: string): void {
    const live = [...session.peers.values()].filter(
      (p) => p.peer.userID === userID && p.hasTrack && p.link && !p.link.isClosed,
    );
    const newest = live[live.length - 1];
    if (!newest?.link) {
      session.meter.remove(userKey(userID));
      this.#views.removeAudio(userID);
      this.#views.setStream(userKey(userID), undefined);
      session.announced.delete(userID);
      if (session.entered.delete(userID)) this.#emit({ type: 'userLeft', userID });
      return;
    }
    const tracks = newest.link.remoteStream.getTracks();
    const Stream = session.env.MediaStream;
    // A fresh stream object whenever the track set changes: media elements re-read srcObject.
    this.#views.setStream(userKey(userID), new Stream(tracks));
    const audio = tracks.filter((t) => t.kind === 'audio');
    if (audio.length > 0) this.#views.playAudio(userID, new Stream(audio));
    session.meter.set(userKey(userID), audio[0] ?? null);
    if (!session.entered.has(userID)) {
      session.entered.add(userID);
      this.#emit({ type: 'userEntered', userID });
    }
    this.#announce(session, userID);
  }

  /** Emits `audioAvailable`/`videoAvailable` for an entered user when its sessions' state changed. */
  #announce(session: Session, userID: string): void {
    if (!session.entered.has(userID)) return;
    const states = [...session.peers.values()].filter((p) => p.peer.userID === userID && p.media);
    if (states.length === 0) return;
    const audio = states.some((p) => p.media?.audio);
    const video = states.some((p) => p.media?.video);
    const last = session.announced.get(userID) ?? {};
    if (last.audio !== audio) this.#emit({ type: 'audioAvailable', userID, available: audio });
    if (last.video !== video) this.#emit({ type: 'videoAvailable', userID, available: video });
    session.announced.set(userID, { audio, video });
  }

  #links(session: Session): PeerLink[] {
    return [...session.peers.values()].flatMap((p) => (p.link && !p.link.isClosed ? [p.link] : []));
  }

  // ---- local media -----------------------------------------------------------------------

  /** What peers are told about our media. */
  #mediaState(session: Session): { audio: boolean; video: boolean } {
    const live = (t: MediaStreamTrack | null) => !!t && t.readyState === 'live';
    return {
      audio: live(session.audio) && !this.#micMuted,
      video: live(session.video) && this.#videoPublished && this.#cameraEnabled,
    };
  }

  #sendMediaState(session: Session, peerID: string): void {
    const payload: RtcPayload = { kind: 'media', ...this.#mediaState(session) };
    this.options.signaling.sendRtc(session.roomID, peerID, payload).catch((error: unknown) => {
      this.#logger('debug', `could not send media state to ${peerID}`, error);
    });
  }

  #broadcastMediaState(session: Session): void {
    for (const remote of session.peers.values())
      if (remote.link) this.#sendMediaState(session, remote.peer.peerID);
  }

  /**
   * Opens the microphone (and camera) for a join in one `getUserMedia` call; when that fails for
   * any reason but a denial, opens them one by one so that the error names the missing device
   * and a chosen device that is gone falls back to any other.
   */
  async #openMedia(
    env: Session['env'],
    video: boolean,
  ): Promise<{ audio: MediaStreamTrack; video: MediaStreamTrack | null }> {
    try {
      const stream = await env.mediaDevices.getUserMedia({
        audio: audioConstraints(this.#microphoneID),
        video: video ? videoConstraints(this.#profile, this.#cameraID) : false,
      });
      const audioTrack = stream.getAudioTracks()[0];
      const videoTrack = stream.getVideoTracks()[0] ?? null;
      if (audioTrack && (!video || videoTrack)) return { audio: audioTrack, video: videoTrack };
      for (const track of stream.getTracks()) track.stop();
    } catch (error) {
      if (isAccessDeniedError(error)) throw mediaError(error, video ? 'video' : 'audio');
      this.#logger('debug', 'getUserMedia failed; opening devices one by one', error);
    }
    const audioTrack = await this.#openTrack(env, 'audio', true);
    if (!video) return { audio: audioTrack, video: null };
    try {
      return { audio: audioTrack, video: await this.#openTrack(env, 'video', true) };
    } catch (error) {
      audioTrack.stop();
      throw error;
    }
  }

  /** Opens one device: the chosen one, or (with `fallback`) any other when the chosen one is gone. */
  async #openTrack(env: Session['env'], kind: TrackKind, fallback: boolean): Promise<MediaStreamTrack> {
    const chosen = kind === 'audio' ? this.#microphoneID : this.#cameraID;
    const constraints = (deviceID?: string): MediaStreamConstraints =>
      kind === 'audio'
        ? { audio: audioConstraints(deviceID) }
        : { video: videoConstraints(this.#profile, deviceID) };
    const first = async (deviceID?: string) => {
      const stream = await env.mediaDevices.getUserMedia(constraints(deviceID));
      const track = kind === 'audio' ? stream.getAudioTracks()[0] : stream.getVideoTracks()[0];
      if (!track)
        throw Object.assign(new Error(`getUserMedia returned no ${kind} track`), { name: 'NotFoundError' });
      return track;
    };
    try {
      return await first(chosen);
    } catch (error) {
      if (!fallback || !chosen || !isMissingDeviceError(error)) throw mediaError(error, kind);
      this.#logger('warn', `the chosen ${kind} device ${chosen} is gone; using another`, error);
    }
    let track: MediaStreamTrack;
    try {
      track = await first(undefined);
    } catch (error) {
      throw mediaError(error, kind);
    }
    this.#emit({
      type: 'deviceFallback',
      kind: kind === 'audio' ? 'microphone' : 'camera',
      from: chosen,
      ...(track.getSettings().deviceId ? { to: track.getSettings().deviceId } : {}),
    });
    return track;
  }

  /** Puts `track` in place of the local track of `kind` everywhere (senders without renegotiation, views, meter). */
  async #useTrack(session: Session, kind: TrackKind, track: MediaStreamTrack | null): Promise<void> {
    this.#setLocalTrack(session, kind, track);
    await Promise.all(this.#links(session).map((link) => link.replaceTrack(kind, track)));
  }

  /** Swaps the session's local track of `kind` (stopping the old one), updates view and meter. */
  #setLocalTrack(session: Session, kind: TrackKind, track: MediaStreamTrack | null): void {
    const old = session[kind];
    if (old === track) return;
    if (kind === 'audio' && track) track.enabled = !this.#micMuted;
    session[kind] = track;
    this.#watchTrack(track);
    if (old) {
      old.removeEventListener('ended', this.#onLocalTrackEnded);
      old.stop();
    }
    if (kind === 'audio') session.meter.set(LOCAL, track);
    else this.#refreshLocalView(session);
  }

  #watchTrack(track: MediaStreamTrack | null): void {
    // A device unplugged mid-call ends its track, sometimes before `devicechange` fires.
    track?.addEventListener('ended', this.#onLocalTrackEnded);
  }

  #refreshLocalView(session: Session): void {
    const video = session.video;
    this.#views.setStream(LOCAL, video ? new session.env.MediaStream([video]) : undefined);
  }

  async #applyBitrate(link: PeerLink): Promise<void> {
    const sender = link.senderOf('video');
    if (!sender || typeof sender.getParameters !== 'function') return;
    const parameters = sender.getParameters();
    // Before the first negotiation completes there are no encodings to limit.
    if (!parameters.encodings || parameters.encodings.length === 0) return;
    const maxBitrate = this.#profile.bitrate * 1000;
    if (parameters.encodings.every((e) => e.maxBitrate === maxBitrate)) return;
    for (const encoding of parameters.encodings) encoding.maxBitrate = maxBitrate;
    try {
      await sender.setParameters(parameters);
    } catch (error) {
      this.#logger('debug', 'could not set the video bitrate', error);
    }
  }

  // ---- devices ---------------------------------------------------------------------------

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
    await this.#serially(() => this.#fallBackFromLostDevices(devices));
  }

  async #fallBackFromLostDevices(devices: DeviceList): Promise<void> {
    const session = this.#session;
    if (!session?.ready) return;
    for (const kind of ['audio', 'video'] as const) {
      const track = session[kind];
      if (!track) continue;
      const deviceKind: DeviceKind = kind === 'audio' ? 'microphone' : 'camera';
      const inUse =
        track.getSettings().deviceId ?? (kind === 'audio' ? this.#microphoneID : this.#cameraID) ?? '';
      const present = inUse !== '' && isDevicePresent(devices, deviceKind, inUse);
      if (track.readyState === 'live' && (present || inUse === '')) continue;
      // Gone, or its track ended: the same device again if it is still listed, else another.
      const chosen = kind === 'audio' ? this.#microphoneID : this.#cameraID;
      const next = present
        ? inUse
        : chooseFallbackDevice(devicesOfKind(devices, deviceKind), inUse, chosen)?.deviceID;
      let replacement: MediaStreamTrack | null = null;
      if (next !== undefined) {
        try {
          const stream = await session.env.mediaDevices.getUserMedia(
            kind === 'audio'
              ? { audio: audioConstraints(next) }
              : { video: videoConstraints(this.#profile, next) },
          );
          replacement = (kind === 'audio' ? stream.getAudioTracks() : stream.getVideoTracks())[0] ?? null;
        } catch (error) {
          this.#logger('warn', `could not open ${deviceKind} ${next}`, error);
        }
      }
      if (this.#session !== session) {
        replacement?.stop();
        return;
      }
      await this.#useTrack(session, kind, replacement);
      this.#broadcastMediaState(session);
      const to = replacement?.getSettings().deviceId ?? next;
      if (!replacement || to !== inUse) {
        this.#emit({
          type: 'deviceFallback',
          kind: deviceKind,
          from: inUse,
          ...(replacement && to ? { to } : {}),
        });
      }
    }
    const speaker = this.#speakerID;
    if (speaker && !isDevicePresent(devices, 'speaker', speaker)) {
      this.#speakerID = undefined;
      await this.#views.setSinkID('');
      const to = chooseFallbackDevice(devices.speakers, speaker)?.deviceID;
      this.#emit({ type: 'deviceFallback', kind: 'speaker', from: speaker, ...(to ? { to } : {}) });
    }
  }

  // ---- plumbing --------------------------------------------------------------------------

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
