import { filter, type Observable, type SchedulerLike, type Subscription } from 'rxjs';
import type { MediaEvent } from 'ngx-trtc-calling/core';
import type { WireSfu } from 'ngx-trtc-calling/wire';
import { MEDIA_ERROR } from './errors';
import type { TransportLogger } from './logger';
import { userKey, type Session } from './media-session';
import type { MediaViews } from './media-views';
import type { RoomSignaling } from './room-signaling';

/** The local media an SFU engine publishes: the self-hosted engine's tracks and what they send. */
export interface SfuLocal {
  /** The microphone track (`null`: none open). */
  readonly audio: MediaStreamTrack | null;
  /** The camera track (`null`: camera off, or an audio call). */
  readonly video: MediaStreamTrack | null;
  /** Whether audio / video is sent now (unmuted; camera on and published). */
  readonly sending: { readonly audio: boolean; readonly video: boolean };
}

/** Where an SFU engine reports the remote users. */
export interface SfuRemote {
  /** The tracks received from a user now (empty: none at the moment). */
  tracks(userID: string, tracks: readonly MediaStreamTrack[]): void;
  /** What a user sends. */
  media(userID: string, media: { readonly audio: boolean; readonly video: boolean }): void;
  /** A user stopped publishing (left the room). */
  left(userID: string): void;
  /** The connection to the SFU is gone (its instance died): the server places the room elsewhere. */
  lost(reason: string): void;
}

/** What an SFU engine needs to join a placed room. */
export interface SfuJoin {
  /** Where the server placed the room, with this user's token. */
  readonly sfu: WireSfu;
  /** The call's room (the signaling's; the SFU's own number is `sfu.room`). */
  readonly roomID: number;
  /** This user (the publisher's display name on the SFU). */
  readonly userID: string;
  /** Whether a publisher's user belongs to the call (others are not subscribed to). */
  readonly allowUser: (userID: string) => boolean;
  /** The peer connection class of the engine's environment. */
  readonly RTCPeerConnection: typeof RTCPeerConnection;
  /**
   * The ICE servers a peer connection created now gets: the self-hosted engine's, so the app's
   * own and the TURN credentials the server issued (read anew for each connection).
   */
  readonly iceServers: readonly RTCIceServer[];
  /** The app's `iceTransportPolicy` (`'relay'`: through TURN only); absent: the browser's default. */
  readonly iceTransportPolicy?: RTCIceTransportPolicy;
  /** The local tracks and what they send now. */
  readonly local: () => SfuLocal;
  /** Where the remote users are reported. */
  readonly remote: SfuRemote;
  /** Timers (keepalives, request timeouts). */
  readonly scheduler: SchedulerLike;
  /** Where recoveries and ignored input are reported. */
  readonly logger: TransportLogger;
}

/** A media server path for placed rooms (`ngx-trtc-calling/janus`): publish the local tracks, receive the others. */
export interface SfuEngine {
  /** Its peer connections (stats, tests). */
  readonly peerConnections: readonly RTCPeerConnection[];
  /** Joins the placed room: publishes the local tracks and receives the other users of the call. */
  join(options: SfuJoin): Promise<void>;
  /** The local tracks or what they send changed. */
  update(): Promise<void>;
  /** Leaves the room; stops no local track (they are the self-hosted engine's). */
  leave(): Promise<void>;
}

/** How long a lost SFU connection waits for the server's new placement before joining the same one again, ms. */
const REJOIN_DELAY = 3000;

/** What loads the SFU engine lazily, e.g. `() => import('ngx-trtc-calling/janus')`. */
export type SfuLoader = () => Promise<{ readonly createSfuEngine: () => SfuEngine }>;

/** What the hand-off needs from the self-hosted engine. */
export interface SfuHandoffHost {
  readonly loader: SfuLoader | undefined;
  readonly signaling: RoomSignaling;
  readonly views: MediaViews;
  /** The ICE servers a peer connection created now gets (those the mesh uses, issued TURN included). */
  readonly iceServers: readonly RTCIceServer[];
  readonly iceTransportPolicy?: RTCIceTransportPolicy;
  /** Renews the issued ICE servers when they near their expiry; awaited before each SFU join. */
  readonly renewIceServers?: () => Promise<unknown>;
  readonly scheduler: SchedulerLike;
  readonly logger: TransportLogger;
  /** How long users of the call may be away across a move before they count as gone, ms. */
  readonly moveGrace: number;
  emit(event: MediaEvent): void;
  isCurrent(session: Session): boolean;
  local(session: Session): SfuLocal;
  /** Closes the mesh links of the session without telling the app (its users move with us). */
  closeMesh(session: Session): void;
}

/**
 * Moves a room's media from the mesh to an SFU when the server places it there (in the
 * `room.join` answer, or later by a `room.sfu` push: the call grew, or its instance died), and
 * from one SFU instance to another. The local tracks stay the self-hosted engine's; the users
 * who are in the call before and after a move are neither left nor entered again for it, and
 * those who do not come back within `moveGrace` leave.
 */
export class SfuHandoff {
  readonly #host: SfuHandoffHost;
  #engine: SfuEngine | undefined;
  #placed: Session | undefined;
  /** Users of the call waiting to be received again after a move, with their deadline. */
  readonly #away = new Map<string, Subscription>();
  /** What each user sends, as the SFU last said. */
  readonly #media = new Map<string, { readonly audio: boolean; readonly video: boolean }>();
  /** Ends the call when no new placement follows a lost SFU connection. */
  #lostTimer: Subscription | undefined;
  /** Bumped on each move, so that an older one's late result is ignored. */
  #moves = 0;

  constructor(host: SfuHandoffHost) {
    this.#host = host;
  }

  /** The SFU engine's peer connections while the room is placed. */
  get peerConnections(): readonly RTCPeerConnection[] {
    return this.#placed ? (this.#engine?.peerConnections ?? []) : [];
  }

  /**
   * The room side of the signaling as the mesh sees it: nothing of a room while it is placed on
   * an SFU. Peer sessions there come and go for presence only (a reconnect's new peer session,
   * its rejoin), and the SFU says who sends media; the mesh would otherwise link to them again,
   * or let a user leave whose old peer session ended.
   */
  meshSignaling(signaling: RoomSignaling): RoomSignaling {
    const onMesh = <T extends { readonly roomID: number }>(source: Observable<T>) =>
      source.pipe(filter((event) => this.#placed?.roomID !== event.roomID));
    const filtered: Partial<RoomSignaling> = {
      peerEvents$: onMesh(signaling.peerEvents$),
      rtc$: onMesh(signaling.rtc$),
      roomStatus$: onMesh(signaling.roomStatus$),
    };
    // Everything else is the signaling's own (bound: its members may be #private).
    return new Proxy(signaling, {
      get(target, key) {
        if (key in filtered) return filtered[key as keyof RoomSignaling];
        const value: unknown = Reflect.get(target, key);
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
  }

  /** Whether the session's media runs on an SFU. */
  isPlaced(session: Session): boolean {
    return this.#placed === session;
  }

  /** Follows the `room.sfu` pushes of the session's room. */
  watch(session: Session): Subscription | undefined {
    return this.#host.signaling.sfu$
      ?.pipe(filter((event) => event.roomID === session.roomID))
      .subscribe((event) => {
        const move = () => void this.place(session, event.sfu);
        if (session.ready) move();
        else session.buffered.push(move);
      });
  }

  /**
   * Puts the session's media on `sfu` (leaving the mesh, or the previous SFU instance). `retry`:
   * joining a lost placement again, whose failure leaves the call waiting instead of failing it.
   */
  async place(session: Session, sfu: WireSfu, retry = false): Promise<void> {
    const host = this.#host;
    const move = ++this.#moves;
    const moving = session.entered.size > 0;
    if (moving) host.emit({ type: 'connectionState', state: 'reconnecting' });
    for (const userID of session.entered) this.#expectBack(session, userID);
    host.closeMesh(session);
    this.#placed = session;
    try {
      if (!host.loader) throw new Error('no SFU engine configured (webRtcMedia `sfu` option)');
      const engine = (this.#engine ??= (await host.loader()).createSfuEngine());
      await engine.leave();
      if (host.renewIceServers) await host.renewIceServers();
      if (move !== this.#moves || !host.isCurrent(session)) return;
      await engine.join(this.#joinOptions(session, sfu));
      if (move !== this.#moves || !host.isCurrent(session)) return;
      this.#lostTimer?.unsubscribe();
      host.logger('debug', `room ${session.roomID} media on ${sfu.instance} (room ${sfu.room})`);
      if (moving) host.emit({ type: 'connectionState', state: 'connected' });
    } catch (error) {
      if (move !== this.#moves || !host.isCurrent(session)) return;
      // A rejoin of a lost placement may fail while the server moves the room: the grace decides.
      if (retry)
        return host.logger('warn', `room ${session.roomID}: rejoining ${sfu.instance} failed`, error);
      host.emit({
        type: 'failed',
        code: MEDIA_ERROR.SFU_FAILED,
        message: `room ${session.roomID}: cannot use the SFU ${sfu.instance}: ${String(error)}`,
      });
    }
  }

  /** The local tracks or mute state changed: the SFU engine publishes the new ones. */
  changed(session: Session): void {
    if (this.#placed !== session) return;
    this.#engine?.update().catch((error: unknown) => {
      this.#host.logger('warn', 'the SFU did not take the local media change', error);
    });
  }

  /** The session ends: leave the SFU and forget its users. */
  release(session: Session): void {
    if (this.#placed !== session) return;
    this.#placed = undefined;
    this.#moves++;
    for (const timer of this.#away.values()) timer.unsubscribe();
    this.#away.clear();
    this.#media.clear();
    this.#lostTimer?.unsubscribe();
    void this.#engine?.leave();
  }

  #joinOptions(session: Session, sfu: WireSfu): SfuJoin {
    const host = this.#host;
    const current = () => host.isCurrent(session) && this.#placed === session;
    return {
      sfu,
      roomID: session.roomID,
      userID: session.userID,
      allowUser: session.allowPeer,
      RTCPeerConnection: session.env.RTCPeerConnection,
      get iceServers() {
        return host.iceServers;
      },
      ...(host.iceTransportPolicy ? { iceTransportPolicy: host.iceTransportPolicy } : {}),
      local: () => host.local(session),
      scheduler: host.scheduler,
      logger: host.logger,
      remote: {
        tracks: (userID, tracks) => current() && this.#tracks(session, userID, tracks),
        media: (userID, media) => {
          if (!current()) return;
          this.#media.set(userID, media);
          this.#announce(session, userID);
        },
        left: (userID) => current() && this.#left(session, userID),
        lost: (reason) => current() && this.#lost(session, reason, sfu),
      },
    };
  }

  #tracks(session: Session, userID: string, tracks: readonly MediaStreamTrack[]): void {
    const { views } = this.#host;
    const Stream = session.env.MediaStream;
    if (tracks.length === 0) {
      views.setStream(userKey(userID), undefined);
      views.removeAudio(userID);
      session.meter.remove(userKey(userID));
      return;
    }
    this.#away.get(userID)?.unsubscribe();
    this.#away.delete(userID);
    views.setStream(userKey(userID), new Stream([...tracks]));
    const audio = tracks.filter((t) => t.kind === 'audio');
    if (audio.length > 0) views.playAudio(userID, new Stream(audio));
    session.meter.set(userKey(userID), audio[0] ?? null);
    if (!session.entered.has(userID)) {
      session.entered.add(userID);
      this.#host.emit({ type: 'userEntered', userID });
    }
    this.#announce(session, userID);
  }

  #announce(session: Session, userID: string): void {
    const media = this.#media.get(userID);
    if (!media || !session.entered.has(userID)) return;
    const last = session.announced.get(userID) ?? {};
    const { emit } = this.#host;
    if (last.audio !== media.audio) emit({ type: 'audioAvailable', userID, available: media.audio });
    if (last.video !== media.video) emit({ type: 'videoAvailable', userID, available: media.video });
    session.announced.set(userID, { ...media });
  }

  #left(session: Session, userID: string): void {
    this.#away.get(userID)?.unsubscribe();
    this.#away.delete(userID);
    this.#tracks(session, userID, []);
    this.#media.delete(userID);
    session.announced.delete(userID);
    if (session.entered.delete(userID)) this.#host.emit({ type: 'userLeft', userID });
  }

  /** A user of the call is expected on the new SFU; gone if not received within `moveGrace`. */
  #expectBack(session: Session, userID: string): void {
    this.#away.get(userID)?.unsubscribe();
    this.#away.set(
      userID,
      this.#host.scheduler.schedule(() => {
        this.#away.delete(userID);
        if (this.#host.isCurrent(session)) this.#left(session, userID);
      }, this.#host.moveGrace),
    );
  }

  /**
   * The SFU connection broke: the server places the room anew when its instance died (a
   * `room.sfu` push); when none comes soon (the instance lives: the session expired, or the
   * socket dropped), join the same placement again. `failed` when nothing works within `moveGrace`.
   */
  #lost(session: Session, reason: string, sfu: WireSfu): void {
    const host = this.#host;
    const move = this.#moves;
    host.scheduler.schedule(() => {
      if (move === this.#moves && this.#placed === session && host.isCurrent(session))
        void this.place(session, sfu, true);
    }, REJOIN_DELAY);
    host.emit({ type: 'connectionState', state: 'reconnecting' });
    for (const userID of session.entered) this.#expectBack(session, userID);
    this.#lostTimer?.unsubscribe();
    this.#lostTimer = host.scheduler.schedule(() => {
      if (host.isCurrent(session) && this.#placed === session)
        host.emit({
          type: 'failed',
          code: MEDIA_ERROR.SFU_FAILED,
          message: `${reason}; no new placement came`,
        });
    }, host.moveGrace);
  }
}
