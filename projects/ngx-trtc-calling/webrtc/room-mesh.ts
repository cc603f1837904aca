import { asyncScheduler, filter, type Observable } from 'rxjs';
import type { MediaEvent } from 'ngx-trtc-calling/core';
import type { RtcPayload, WirePeer } from 'ngx-trtc-calling/wire';
import { MEDIA_ERROR } from './errors';
import type { LocalMedia } from './local-media';
import type { TransportLogger } from './logger';
import { openLinks, type RemotePeer, type Session } from './media-session';
import { PeerLink, type PeerLinkOptions } from './peer-link';
import { isPolitePeer } from './polite-peer';
import type { RoomPeerEvent, RoomRtcMessage, RoomSignaling, RoomStatusEvent } from './room-signaling';
import type { RoomUsers } from './room-users';
import type { ScreenShares } from './screen-shares';

/** What the mesh needs from the engine. */
export interface RoomMeshHost {
  readonly signaling: RoomSignaling;
  /** Read at each link's creation: the issued TURN credentials are renewed over time. */
  readonly iceServers: readonly RTCIceServer[];
  /** The rest of the links' ICE settings (policy, renewal before a restart, timeouts). */
  readonly ice: Pick<
    PeerLinkOptions,
    'iceTransportPolicy' | 'refreshIceServers' | 'connectTimeout' | 'disconnectedTimeout' | 'scheduler'
  >;
  readonly maxIceRestarts: number;
  /** How long a user whose link was up and failed stays entered, waiting to come back (ms). */
  readonly peerReturnWait: number;
  readonly logger: TransportLogger;
  readonly local: LocalMedia;
  readonly users: RoomUsers;
  readonly screens: ScreenShares;
  emit(event: MediaEvent): void;
  /** Whether `session` is still the engine's (a callback may have outlived it). */
  isCurrent(session: Session): boolean;
}

/**
 * The mesh of a room: one `PeerLink` per remote peer session, created when we join (we offer)
 * or when a later joiner's offer arrives (we answer), driven by the room pushes of the
 * signaling, and started over under a new peerID when a reconnect could not resume our session.
 */
export class RoomMesh {
  readonly #host: RoomMeshHost;
  /** Links whose connection is lost and being restarted: the engine reports `reconnecting` while any is. */
  readonly #reconnecting = new Set<PeerLink>();
  /** Peers whose link was up and failed, waiting for their user to come back (`peerReturnWait`). */
  readonly #awaited = new WeakSet<RemotePeer>();

  constructor(host: RoomMeshHost) {
    this.#host = host;
  }

  /** Subscribes to the room pushes (before the join request, so nothing right after it is missed). */
  listen(session: Session): void {
    const inRoom = <T extends { roomID: number }>(source: Observable<T>) =>
      source.pipe(filter((event) => event.roomID === session.roomID));
    const whenReady = (handle: () => void) => (session.ready ? handle() : session.buffered.push(handle));
    const { signaling } = this.#host;
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

  /** The room is joined: offer to every peer already there. */
  connectAll(session: Session, peers: readonly WirePeer[]): void {
    for (const peer of peers) {
      const remote = this.#remoteOf(session, peer);
      // The joiner offers: adding the transceivers fires `negotiationneeded`.
      if (remote) void this.#connect(session, remote, true);
    }
  }

  /**
   * A prepared peer joined for real (its user accepted): its user enters. Our media already
   * flows to it (it is the invitee's own device, which renders nothing of it before Accept).
   */
  #preparedJoined(session: Session, remote: RemotePeer): void {
    remote.prepared = false;
    this.#host.users.refresh(session, remote.peer.userID);
  }

  /** Our own prepared session was accepted: every user of the room enters (views, audio). */
  enterAll(session: Session): void {
    for (const userID of new Set([...session.peers.values()].map((p) => p.peer.userID))) {
      this.#host.users.refresh(session, userID);
      this.#host.screens.refresh(session, userID);
    }
  }

  /** Our tracks go onto every link (no renegotiation: the transceivers are there), and peers are told. */
  publish(session: Session): Promise<void> {
    const updates = openLinks(session).map((link) => link.update());
    this.broadcastMediaState(session);
    return Promise.all(updates).then(() => undefined);
  }

  /** Closes every connection of the session. */
  close(session: Session): void {
    for (const remote of session.peers.values()) if (remote.link) this.#closeLink(remote.link);
    session.peers.clear();
  }

  /** Puts the local screen share on (or off) every link, then tells each peer where it is. */
  updateScreens(session: Session): void {
    for (const remote of session.peers.values()) {
      const link = remote.link;
      if (link && !link.isClosed) void link.update().then(() => this.#host.screens.announce(session, remote));
    }
  }

  /** Tells every connected peer what we send (after mute, camera off, a switch or a fallback). */
  broadcastMediaState(session: Session): void {
    for (const remote of session.peers.values())
      if (remote.link) this.#sendMediaState(session, remote.peer.peerID);
  }

  #sendMediaState(session: Session, peerID: string): void {
    const payload: RtcPayload = { kind: 'media', ...this.#host.local.state(session) };
    this.#host.signaling.sendRtc(session.roomID, peerID, payload).catch((error: unknown) => {
      this.#host.logger('debug', `no media state to ${peerID}`, error);
    });
  }

  /**
   * The record of a remote peer session, created on first sight; `undefined` for our own user's
   * other sessions and for users who do not belong to the call (nothing is offered to them, and
   * their offers are not answered: a stranger in the room never gets our tracks).
   */
  #remoteOf(session: Session, peer: WirePeer): RemotePeer | undefined {
    if (peer.userID === session.userID || peer.peerID === session.peerID) {
      this.#host.logger('debug', `${peer.peerID}: our own user`);
      return undefined;
    }
    if (!session.peers.has(peer.peerID) && !session.allowPeer(peer.userID)) {
      this.#host.logger('warn', `${peer.peerID}: ${peer.userID} is not a user of the call`);
      return undefined;
    }
    let remote = session.peers.get(peer.peerID);
    if (!remote) {
      remote = { peer, hasTrack: false, ...(peer.prepared ? { prepared: true } : {}) };
      session.peers.set(peer.peerID, remote);
    }
    return remote;
  }

  async #connect(session: Session, remote: RemotePeer, initiate: boolean): Promise<void> {
    const host = this.#host;
    const { env } = session;
    const peerID = remote.peer.peerID;
    const link: PeerLink = new PeerLink({
      RTCPeerConnection: env.RTCPeerConnection,
      MediaStream: env.MediaStream,
      iceServers: host.iceServers,
      ...host.ice,
      remote: remote.peer,
      polite: isPolitePeer(session.peerID, peerID),
      maxIceRestarts: host.maxIceRestarts,
      // A prepared peer's user has not accepted: it gets nothing of ours until it does.
      localMedia: () => ({
        audio: session.audio,
        video: session.video,
        screen: host.screens.trackOf(session),
      }),
      send: (payload) => host.signaling.sendRtc(session.roomID, peerID, payload),
      track: () => this.#onRemoteTrack(session, remote),
      negotiated: () => {
        void host.local.applyBitrate(link);
        host.screens.announce(session, remote);
      },
      failed: (reason, code) => this.#onLinkFailed(session, remote, reason, code),
      connection: (state) => this.#onLinkConnection(link, state),
      logger: host.logger,
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
      this.#host.users.announce(session, remote.peer.userID);
      return;
    }
    if (payload.kind === 'screen') {
      this.#host.screens.receive(session, remote, payload.mid);
      return;
    }
    if (!remote.link || remote.link.isClosed) {
      if (payload.kind !== 'offer') {
        this.#host.logger('debug', `no link to ${message.from.peerID}`);
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
      const remote = this.#remoteOf(session, event.peer);
      if (remote?.prepared && !event.peer.prepared) this.#preparedJoined(session, remote);
      // The same user back in a new session (a reload took over their place): their old link is
      // dead or dying; it goes quietly once the new one carries tracks, or when it fails.
      if (remote && !event.peer.prepared)
        for (const other of session.peers.values())
          if (other !== remote && other.peer.userID === remote.peer.userID) other.stale = true;
      return;
    }
    this.#removePeer(session, event.peer.peerID);
  }

  /**
   * A reconnect could not resume our server session (the server restarted, or kept it too
   * short). The peer-to-peer connections need no server while they last, so a call whose media
   * flows is not ended for it: the old links stay (stale) while new ones are made under the new
   * peerID — we offer to whoever is back in the room, and answer whoever comes back later — and
   * each stale link goes once its user's new link carries tracks, or quietly when it fails.
   */
  #onRoomStatus(session: Session, event: RoomStatusEvent): void {
    for (const remote of session.peers.values()) remote.stale = true;
    if (event.type === 'lost') {
      // While media flows the call goes on without the room; it fails once nothing does.
      if (!session.entered.size)
        this.#host.emit({
          type: 'failed',
          code: (event.error as { code?: number }).code ?? MEDIA_ERROR.CONNECTION_FAILED,
          message: `room ${session.roomID} lost: ${event.error.message}`,
        });
      return;
    }
    session.peerID = event.peerID;
    // A peer that kept its session (same peerID) saw our old one leave and dropped its link.
    for (const peer of event.peers) this.#drop(session, peer.peerID);
    // Users stay entered: their stale links, or the new ones about to form, carry them.
    this.connectAll(session, event.peers);
  }

  /** Closes and forgets a peer session's link, telling nobody. */
  #drop(session: Session, peerID: string): RemotePeer | undefined {
    const remote = session.peers.get(peerID);
    session.peers.delete(peerID);
    if (remote?.link) this.#closeLink(remote.link);
    return remote;
  }

  #removePeer(session: Session, peerID: string): void {
    const remote = this.#drop(session, peerID);
    // The user's newer session is still connecting (back after a reload): they stay entered,
    // and its first track brings their views over; should it fail, they leave then.
    const newer =
      remote &&
      [...session.peers.values()].some(
        (p) => p.peer.userID === remote.peer.userID && !p.stale && !p.hasTrack && p.link && !p.link.isClosed,
      );
    if (remote && !newer) this.#host.users.refresh(session, remote.peer.userID);
    if (remote) this.#host.screens.refresh(session, remote.peer.userID);
  }

  #onLinkFailed(session: Session, remote: RemotePeer, reason: string, code: number): void {
    if (!this.#host.isCurrent(session) || this.#awaited.has(remote)) return;
    // A stale link ends as its user's media does: they left, or their new link took over.
    if (remote.stale) return this.#removePeer(session, remote.peer.peerID);
    const fail = (): void => {
      this.#host.emit({ type: 'failed', code, message: reason });
      this.#removePeer(session, remote.peer.peerID);
    };
    const wait = this.#host.peerReturnWait;
    // Only a link that was up restarts as `reconnecting`; one that never connected fails at once.
    const wasUp = !!remote.link && this.#reconnecting.has(remote.link);
    if (!wasUp || wait <= 0) return fail();
    // A link that was up died: its peer may be away for a moment only (a reload; the server
    // holds its place and says `left` only if it does not come back). The user stays entered,
    // `reconnecting`, until the server says `left`, their new session takes over, or the wait ends.
    remote.stale = true;
    this.#awaited.add(remote);
    if (remote.link) this.#onLinkConnection(remote.link, 'reconnecting');
    const scheduler = this.#host.ice.scheduler ?? asyncScheduler;
    session.subscriptions.add(
      scheduler.schedule(() => {
        if (this.#host.isCurrent(session) && session.peers.get(remote.peer.peerID) === remote) fail();
      }, wait),
    );
  }

  #closeLink(link: PeerLink): void {
    link.close();
    this.#onLinkConnection(link, 'connected');
  }

  /** `reconnecting` while any link restarts, `connected` once none does (or the last one went). */
  #onLinkConnection(link: PeerLink, state: 'reconnecting' | 'connected'): void {
    const before = this.#reconnecting.size > 0;
    if (state === 'reconnecting') this.#reconnecting.add(link);
    else this.#reconnecting.delete(link);
    const now = this.#reconnecting.size > 0;
    if (before !== now)
      this.#host.emit({ type: 'connectionState', state: now ? 'reconnecting' : 'connected' });
  }

  #onRemoteTrack(session: Session, remote: RemotePeer): void {
    if (!this.#host.isCurrent(session)) return;
    remote.hasTrack = true;
    if (!remote.stale)
      for (const [peerID, other] of session.peers)
        if (other.stale && other.peer.userID === remote.peer.userID) this.#drop(session, peerID);
    this.#host.users.refresh(session, remote.peer.userID);
    // A `screen` message may have come before the transceiver it names.
    this.#host.screens.refresh(session, remote.peer.userID);
  }
}
