import { CALLING_ERROR_CODE, type MediaEvent } from 'ngx-trtc-calling/core';
import { CallingTransportError, MEDIA_ERROR } from './errors';
import type { TransportLogger } from './logger';
import type { RemotePeer, Session } from './media-session';
import type { MediaViews } from './media-views';
import type { RoomSignaling } from './room-signaling';

/** The key of a remote user's screen-share view (apart from their camera's). */
export const screenKey = (userID: string): string => `screen:${userID}`;

/** What the screen shares need from the engine. */
export interface ScreenSharesHost {
  readonly views: MediaViews;
  readonly signaling: RoomSignaling;
  readonly logger: TransportLogger;
  emit(event: MediaEvent): void;
  /** Makes every link of the session carry the current local media (screen included). */
  updateLinks(session: Session): void;
}

/**
 * Screen sharing on the mesh. The screen is a second video source: each link gets a video
 * transceiver besides the camera's (added once, by renegotiation; afterwards starting and
 * stopping only swap its track). Which transceiver carries it is told to the peer by its `mid`,
 * which both sides of a link share, in a `screen` room message after each negotiation (`null`
 * when nothing is shared). A peer that does not know the message ignores it, as an old server
 * refuses to relay it: the share then stays unseen, nothing breaks.
 */
export class ScreenShares {
  readonly #host: ScreenSharesHost;
  /** The local capture, per session (a session has at most one). */
  readonly #local = new WeakMap<Session, MediaStreamTrack>();
  /** The mid each remote peer session said its screen is on. */
  readonly #remoteMids = new WeakMap<RemotePeer, string | null>();
  /** The mid we last told each remote peer session. */
  readonly #told = new WeakMap<RemotePeer, string | null>();
  /** The users whose `screenShareAvailable: true` was emitted, per session. */
  readonly #shown = new WeakMap<Session, Set<string>>();

  constructor(host: ScreenSharesHost) {
    this.#host = host;
  }

  /** The screen track this session sends, if it shares. */
  trackOf(session: Session): MediaStreamTrack | null {
    return this.#local.get(session) ?? null;
  }

  /**
   * Captures a screen (`getDisplayMedia`, the browser's picker) and sends it on every link.
   * A refusal rejects with `SCREEN_SHARE_DENIED`; the browser's own "Stop sharing" ends the
   * share as `stop` does and emits `screenShareEnded`.
   */
  async start(session: Session, isCurrent: () => boolean): Promise<void> {
    if (this.#local.has(session)) return;
    const mediaDevices = session.env.mediaDevices;
    if (typeof mediaDevices.getDisplayMedia !== 'function')
      throw new CallingTransportError(MEDIA_ERROR.UNSUPPORTED, 'this browser cannot capture the screen');
    let stream: MediaStream;
    try {
      stream = await mediaDevices.getDisplayMedia({ video: true, audio: false });
    } catch (error) {
      const name = (error as { name?: unknown })?.name;
      if (name === 'NotAllowedError')
        throw new CallingTransportError(
          CALLING_ERROR_CODE.SCREEN_SHARE_DENIED,
          `screen capture refused: ${(error as Error).message}`,
          { cause: error },
        );
      throw new CallingTransportError(
        MEDIA_ERROR.OPERATION_FAILED,
        `screen capture failed: ${String(error)}`,
        {
          cause: error,
        },
      );
    }
    const track = stream.getVideoTracks()[0];
    for (const other of stream.getTracks()) if (other !== track) other.stop();
    if (!track) throw new CallingTransportError(MEDIA_ERROR.OPERATION_FAILED, 'screen capture gave no video');
    // The user may have left the call while the picker was open.
    if (!isCurrent() || this.#local.has(session)) {
      track.stop();
      throw new CallingTransportError(
        MEDIA_ERROR.JOIN_ABORTED,
        'left the room while the screen was being chosen',
      );
    }
    track.addEventListener('ended', () => {
      if (this.#local.get(session) !== track) return;
      this.stop(session);
      this.#host.emit({ type: 'screenShareEnded' });
    });
    this.#local.set(session, track);
    this.#host.updateLinks(session);
  }

  /** Stops the local share: the track ends, the links send nothing on it, peers are told. */
  stop(session: Session): void {
    const track = this.#local.get(session);
    if (!track) return;
    this.#local.delete(session);
    track.stop();
    this.#host.updateLinks(session);
  }

  /** After a negotiation or a track swap: tells the peer where our screen is, if that changed. */
  announce(session: Session, remote: RemotePeer): void {
    const link = remote.link;
    if (!link || link.isClosed) return;
    const mid = this.#local.has(session) ? link.screenMid : null;
    if ((this.#told.get(remote) ?? null) === mid) return;
    this.#told.set(remote, mid);
    this.#host.signaling
      .sendRtc(session.roomID, remote.peer.peerID, { kind: 'screen', mid })
      .catch((error: unknown) =>
        this.#host.logger('debug', `no screen state to ${remote.peer.peerID}`, error),
      );
  }

  /** A peer session said where its screen is (`null`: it stopped). */
  receive(session: Session, remote: RemotePeer, mid: string | null): void {
    this.#remoteMids.set(remote, mid);
    this.refresh(session, remote.peer.userID);
  }

  /**
   * Brings what the app sees of a user's screen in line with their peer sessions: the newest
   * open link with a screen gives the stream of the user's screen view, and the change is told
   * with `screenShareAvailable`.
   */
  refresh(session: Session, userID: string): void {
    let track: MediaStreamTrack | undefined;
    // While our session is only prepared (the call rings), nothing of the peers is shown yet.
    if (!session.prepared)
      for (const remote of session.peers.values()) {
        const mid = this.#remoteMids.get(remote);
        if (remote.peer.userID !== userID || !mid || !remote.link || remote.link.isClosed) continue;
        track = remote.link.receiverTrackOf(mid) ?? track;
      }
    const shown = this.#shownIn(session);
    this.#host.views.setStream(screenKey(userID), track ? new session.env.MediaStream([track]) : undefined);
    if (!!track === shown.has(userID)) return;
    if (track) shown.add(userID);
    else shown.delete(userID);
    this.#host.emit({ type: 'screenShareAvailable', userID, available: !!track });
  }

  /** The session ends: the local capture stops; remote shares are reported gone. */
  release(session: Session): void {
    this.#local.get(session)?.stop();
    this.#local.delete(session);
    for (const userID of this.#shownIn(session)) {
      this.#host.views.setStream(screenKey(userID), undefined);
      this.#host.emit({ type: 'screenShareAvailable', userID, available: false });
    }
    this.#shown.delete(session);
  }

  /**
   * The room moved to an SFU, which carries no screen: the local capture stops and ends with
   * `screenShareEnded` (as the browser's "Stop sharing" does), remote shares are reported gone.
   */
  moveToSfu(session: Session): void {
    const sharing = this.#local.has(session);
    this.release(session);
    if (sharing) this.#host.emit({ type: 'screenShareEnded' });
  }

  #shownIn(session: Session): Set<string> {
    let shown = this.#shown.get(session);
    if (!shown) this.#shown.set(session, (shown = new Set()));
    return shown;
  }
}
