import { Subscription, type Observable, type SchedulerLike } from 'rxjs';
import type { JoinOptions, MediaEvent, PrepareOptions } from 'ngx-trtc-calling/core';
import type { WirePeer } from 'ngx-trtc-calling/wire';
import { CallingTransportError, MEDIA_ERROR } from './errors';
import type { TransportLogger } from './logger';
import type { MediaEnvironment } from './media-environment';
import type { MediaParts } from './media-parts';
import type { Session, SessionEnvironment } from './media-session';
import { volumeEvents } from './room-users';
import { statsEvents } from './stats-events';
import { VolumeMeter } from './volume-meter';
import type { WebRtcMediaOptions } from './web-rtc-media-options';

/** What a `RoomEntry` needs of the engine that holds it. */
export interface RoomEntryHost {
  readonly options: WebRtcMediaOptions;
  readonly parts: MediaParts;
  readonly environment: () => MediaEnvironment;
  readonly maxParticipants: () => number;
  /** Device changes, handled while local media is up. */
  readonly deviceWatch$: Observable<never>;
  readonly scheduler: SchedulerLike;
  readonly logger: TransportLogger;
  readonly emit: (event: MediaEvent) => void;
}

/**
 * Entering and leaving the room: the session between `join` (or `prepare`, the instant answer)
 * and `leave`, the order in which devices, ICE servers, membership and links are taken, and the
 * release of all of it when a join fails or is cancelled.
 */
export class RoomEntry {
  /** The session in the room (or prepared in it), if any. */
  session: Session | undefined;
  #joining = false;
  /** Bumped by `leave` so that a `join` in progress gives up and releases what it took. */
  #generation = 0;
  readonly #host: RoomEntryHost;
  readonly #parts: MediaParts;

  constructor(host: RoomEntryHost) {
    this.#host = host;
    this.#parts = host.parts;
  }

  /**
   * Opens the microphone (and camera when `video`), joins the room, and offers to every peer
   * already there. Rejects with 60003/60004/60005 for device failures, `ROOM_FULL` when the
   * room already holds `maxParticipants`, and releases everything it took when it fails.
   */
  async join(options: JoinOptions): Promise<void> {
    const prepared = this.session;
    if (prepared?.prepared && prepared.roomID === options.roomID && !this.#joining)
      return this.#completePrepared(prepared, options);
    if (this.session || this.#joining) {
      throw new CallingTransportError(MEDIA_ERROR.ALREADY_JOINED, 'join: already in a room; leave first');
    }
    const env = this.#host.environment();
    if (!env.mediaDevices?.getUserMedia || !env.RTCPeerConnection || !env.MediaStream) {
      throw new CallingTransportError(MEDIA_ERROR.UNSUPPORTED, 'WebRTC is not available in this environment');
    }
    const sessionEnv = env as SessionEnvironment;
    const generation = ++this.#generation;
    this.#joining = true;
    this.#parts.local.prepare(options);

    const session = this.#newSession(options, sessionEnv);
    const aborted = () => generation !== this.#generation;
    const { signaling } = this.#host.options;
    this.#parts.iceServers.forUser(options.userID);
    // Asked while the devices open; never rejects (without them the app's own servers are used).
    const iceReady = this.#parts.iceServers.current();
    try {
      const tracks = await this.#parts.local.open(sessionEnv, this.#parts.local.opensCamera(options));
      await iceReady;
      session.audio = tracks.audio;
      session.video = tracks.video;
      if (aborted()) throw joinAborted();
      this.#parts.mesh.listen(session);
      const placements = this.#parts.handoff.watch(session);
      if (placements) session.subscriptions.add(placements);
      const membership = await (options.rejoin
        ? signaling.joinRoom(options.roomID, { rejoin: true })
        : signaling.joinRoom(options.roomID));
      if (aborted()) {
        void signaling.leaveRoom(options.roomID).catch(() => undefined);
        throw joinAborted();
      }
      const max = this.#host.maxParticipants();
      if (!membership.sfu && membership.peers.length + 1 > max) {
        await signaling.leaveRoom(options.roomID).catch(() => undefined);
        throw new CallingTransportError(
          MEDIA_ERROR.ROOM_FULL,
          `room ${options.roomID} already holds ${membership.peers.length} peer(s); at most ${max} in a mesh`,
        );
      }
      session.peerID = membership.peerID;
      this.session = session;
      this.#joining = false;
      // A room on an SFU has no mesh: its peers are for presence only.
      this.#start(session, membership.sfu ? [] : membership.peers);
      if (membership.sfu) await this.#parts.handoff.place(session, membership.sfu);
    } catch (error) {
      this.#release(session);
      if (this.session === session) this.session = undefined;
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
  async prepare(options: PrepareOptions): Promise<void> {
    if (this.session || this.#joining) return;
    const env = this.#host.environment();
    if (!env.mediaDevices || !env.RTCPeerConnection || !env.MediaStream) return;
    const generation = ++this.#generation;
    this.#joining = true;
    const session = this.#newSession(options, env as SessionEnvironment);
    session.prepared = true;
    const aborted = () => generation !== this.#generation;
    const { signaling } = this.#host.options;
    try {
      this.#parts.iceServers.forUser(options.userID);
      await this.#parts.iceServers.current();
      if (aborted()) throw joinAborted();
      this.#parts.mesh.listen(session);
      const membership = await signaling.joinRoom(options.roomID, { prepared: true });
      if (aborted() || membership.sfu || membership.peers.length + 1 > this.#host.maxParticipants()) {
        await signaling.leaveRoom(options.roomID).catch(() => undefined);
        if (aborted()) throw joinAborted();
        this.#release(session);
        this.#joining = false;
        this.#host.logger(
          'debug',
          `room ${options.roomID} not prepared (${membership.sfu ? 'on an SFU' : 'full'})`,
        );
        return;
      }
      session.peerID = membership.peerID;
      this.session = session;
      this.#joining = false;
      this.#start(session, membership.peers);
    } catch (error) {
      this.#release(session);
      if (this.session === session) this.session = undefined;
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
    this.#parts.local.prepare(options);
    session.prepared = false;
    this.#parts.mesh.enterAll(session);
    try {
      const tracks = await this.#parts.local.open(session.env, this.#parts.local.opensCamera(options));
      if (generation !== this.#generation) {
        for (const track of [tracks.audio, tracks.video]) if (track) track.stop();
        throw joinAborted();
      }
      session.audio = tracks.audio;
      session.video = tracks.video;
      const published = this.#parts.mesh.publish(session);
      const joined = this.#host.options.signaling.joinRoom(session.roomID);
      this.#startLocal(session);
      await Promise.all([published, joined]);
      this.#joining = false;
    } catch (error) {
      if (generation === this.#generation) {
        this.#joining = false;
        // The app attached the peers' views when they entered above; core may join again at
        // once (audio-only without a camera), so those views stay where they are.
        await this.leave(true);
      }
      throw error;
    }
  }

  /**
   * Leaves the room: closes every connection, stops every track, removes the created elements
   * (`keepViews`: releases them but keeps where the app attached each view).
   */
  async leave(keepViews: boolean): Promise<void> {
    this.#generation++;
    this.#joining = false;
    const session = this.session;
    this.session = undefined;
    if (!session) return;
    this.#release(session);
    if (keepViews) this.#parts.views.releaseAll();
    else this.#parts.views.clear();
    try {
      await this.#host.options.signaling.leaveRoom(session.roomID);
    } catch (error) {
      this.#host.logger('debug', `leaving room ${session.roomID} failed (the session may be gone)`, error);
    }
  }

  /** The room is joined: show and measure local media, connect to the peers, replay what was buffered. */
  #start(session: Session, peers: readonly WirePeer[]): void {
    // A prepared session has no local media yet: `#completePrepared` starts it after Accept.
    if (!session.prepared) this.#startLocal(session);
    this.#parts.mesh.connectAll(session, peers);
    session.ready = true;
    for (const handle of session.buffered.splice(0)) handle();
  }

  #startLocal(session: Session): void {
    this.#parts.local.start(session);
    session.subscriptions.add(this.#host.deviceWatch$.subscribe());
    const period = this.#host.options.volumeInterval ?? 1000;
    session.subscriptions.add(
      volumeEvents(session, period, this.#host.scheduler).subscribe((e) => this.#host.emit(e)),
    );
    const statsPeriod = this.#host.options.statsInterval ?? 2000;
    session.subscriptions.add(
      statsEvents(session, statsPeriod, this.#host.scheduler, this.#host.logger).subscribe((e) =>
        this.#host.emit(e),
      ),
    );
    this.#parts.local.restoreSpeaker();
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
      meter: new VolumeMeter(env.AudioContext, env.MediaStream, this.#host.logger),
    };
  }

  /** Releases what a session holds (connections, tracks, subscriptions, meters). Idempotent. */
  #release(session: Session): void {
    session.subscriptions.unsubscribe();
    this.#parts.handoff.release(session);
    this.#parts.screens.release(session);
    this.#parts.mesh.close(session);
    for (const track of [session.audio, session.video]) if (track) this.#parts.local.stop(track);
    session.audio = null;
    session.video = null;
    session.meter.close();
  }
}

function joinAborted(): CallingTransportError {
  return new CallingTransportError(MEDIA_ERROR.JOIN_ABORTED, 'join: cancelled by leave() or destroy()');
}
