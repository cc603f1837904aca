import type { SchedulerLike, Subscription } from 'rxjs';
import { MEDIA_ERROR } from './errors';
import type { TransportLogger } from './logger';
import { shouldIgnoreOffer } from './polite-peer';
import type { RtcPayload, WirePeer } from 'ngx-trtc-calling/wire';

/** The local tracks a link sends (`video` is null in an audio call or with the camera off). */
export interface LocalMedia {
  readonly audio: MediaStreamTrack | null;
  readonly video: MediaStreamTrack | null;
  /** The screen share, sent on a second video transceiver (added the first time it is needed). */
  readonly screen?: MediaStreamTrack | null;
}

/** What a `PeerLink` needs from the engine. */
export interface PeerLinkOptions {
  readonly RTCPeerConnection: typeof RTCPeerConnection;
  readonly MediaStream: typeof MediaStream;
  readonly iceServers: readonly RTCIceServer[];
  /** `'relay'`: TURN only (no host or server-reflexive candidates); default `'all'`. */
  readonly iceTransportPolicy?: RTCIceTransportPolicy;
  /** Fresh servers for an ICE restart (the TURN credentials may be why it failed). */
  readonly refreshIceServers?: () => Promise<readonly RTCIceServer[]>;
  /** How long connecting (first, or after an ICE restart) may take before it counts as failed, ms. */
  readonly connectTimeout: number;
  /** How long `disconnected` may last before ICE is restarted, ms. */
  readonly disconnectedTimeout: number;
  /** Scheduler of those two timers. */
  readonly scheduler: SchedulerLike;
  readonly remote: WirePeer;
  /** Decided once from the two peerIDs (`isPolitePeer`). */
  readonly polite: boolean;
  /** ICE restarts tried after the connection fails before `failed` is reported. */
  readonly maxIceRestarts: number;
  /** The local media to send; read at creation and whenever the remote offers. */
  readonly localMedia: () => LocalMedia;
  /** Relays a payload to the remote peer. */
  readonly send: (payload: RtcPayload) => Promise<void>;
  /** A remote track arrived (it is already in `remoteStream`). */
  readonly track: (track: MediaStreamTrack) => void;
  /** A negotiation round completed (a good moment to apply sender parameters). */
  readonly negotiated: () => void;
  /**
   * The connection failed and ICE restarts did not bring it back: `MEDIA_ERROR.TURN_FAILED` when
   * the last attempt gathered no candidate at all (with `'relay'`: no TURN allocation), else
   * `CONNECTION_FAILED`.
   */
  readonly failed: (reason: string, code: number) => void;
  /** A connection that was up is lost and being restarted (`reconnecting`), or is back (`connected`). */
  readonly connection?: (state: 'reconnecting' | 'connected') => void;
  readonly logger: TransportLogger;
}

const KINDS = ['audio', 'video'] as const;

/**
 * One `RTCPeerConnection` to one remote peer session, negotiated with the perfect-negotiation
 * pattern: either side may offer at any time (first connection, audio↔video switch, ICE
 * restart); on glare the impolite side ignores the incoming offer and the polite side rolls
 * its own back. Every negotiation step runs in one queue per link, so an incoming offer never
 * interleaves with our own offer being made.
 *
 * The m-line layout is fixed at creation: one audio and one video transceiver, both sendrecv.
 * Publishing or unpublishing video (audio↔video switch), muting and turning the camera off only
 * swap the sender's track, so they need no renegotiation and always recover in Chromium.
 */
export class PeerLink {
  /** The connection (exposed for stats and tests). */
  readonly pc: RTCPeerConnection;
  /** The remote peer's tracks, as one stream. */
  readonly remoteStream: MediaStream;
  #queue: Promise<void> = Promise.resolve();
  #makingOffer = false;
  #ignoreOffer = false;
  #settingRemoteAnswer = false;
  #iceRestarts = 0;
  #closed = false;
  /** Whether the connection was ever up, and whether it is down and being restarted since. */
  #wasConnected = false;
  #reconnecting = false;
  /** What the current ICE attempt gathered: local candidates, and the servers' refusals. */
  #candidates = 0;
  #candidateErrors: string[] = [];
  /** Whether the current attempt's gathering is over (the state may still be the last attempt's). */
  #gathered = false;
  /** The connect or disconnected timer of the current attempt. */
  #timer: Subscription | undefined;

  constructor(private readonly options: PeerLinkOptions) {
    const { RTCPeerConnection: PC, MediaStream: Stream } = options;
    this.pc = new PC({
      iceServers: [...options.iceServers],
      ...(options.iceTransportPolicy ? { iceTransportPolicy: options.iceTransportPolicy } : {}),
    });
    this.remoteStream = new Stream();
    this.pc.addEventListener('negotiationneeded', () => void this.#enqueue('offer', () => this.#offer()));
    this.pc.addEventListener('icecandidate', (event) => this.#onIceCandidate(event));
    this.pc.addEventListener('track', (event) => this.#onTrack(event));
    this.pc.addEventListener('connectionstatechange', () => this.#onConnectionState());
    this.pc.addEventListener('icecandidateerror', (event) => this.#onCandidateError(event));
    this.pc.addEventListener('icegatheringstatechange', () => this.#onGatheringState());
    this.#arm(options.connectTimeout, `not connected within ${options.connectTimeout} ms`);
  }

  /** The remote peer. */
  get remote(): WirePeer {
    return this.options.remote;
  }

  /** Whether `close` was called. */
  get isClosed(): boolean {
    return this.#closed;
  }

  /**
   * Makes the transceivers carry the current local media (queued behind any negotiation step in
   * progress): creates them on the offering side and otherwise swaps the senders' tracks.
   */
  update(): Promise<void> {
    return this.#enqueue('update', () => this.#syncLocalMedia());
  }

  /** Fills the transceivers the remote's offer created on the answering side (inside the queue). */
  async #syncLocalMedia(): Promise<void> {
    if (this.#closed) return;
    const media = this.options.localMedia();
    for (const kind of KINDS) {
      const track = media[kind];
      // Always sendrecv: an audio call sends no video because its sender has no track. Flipping
      // the direction to recvonly and back (an earlier design) left the peer's receiver track
      // muted in about a third of the switches back to video in Chromium (e2e), while swapping
      // the track, as camera off/on does, always recovers.
      const direction: RTCRtpTransceiverDirection = 'sendrecv';
      let transceiver = this.#transceiverOf(kind);
      if (!transceiver) {
        transceiver = this.pc.addTransceiver(kind, { direction });
      } else if (transceiver.direction !== direction) {
        transceiver.direction = direction;
      }
      if (transceiver.sender.track !== track) await transceiver.sender.replaceTrack(track);
    }
    const screen = media.screen ?? null;
    let transceiver = this.#screenTransceiver();
    // Adding it renegotiates (`negotiationneeded`), and so does the first share on one the peer
    // added (the offer made it recvonly here); afterwards a share only swaps its track.
    if (!transceiver && screen) transceiver = this.pc.addTransceiver('video', { direction: 'sendrecv' });
    if (transceiver && screen && transceiver.direction !== 'sendrecv') transceiver.direction = 'sendrecv';
    if (transceiver && transceiver.sender.track !== screen) await transceiver.sender.replaceTrack(screen);
  }

  /** The mid of the transceiver our screen share is sent on (`null`: none, or not negotiated yet). */
  get screenMid(): string | null {
    const transceiver = this.#screenTransceiver();
    return transceiver?.sender.track ? transceiver.mid : null;
  }

  /** The mid of the camera's transceiver (the stats read its resolution). */
  get cameraMid(): string | null {
    return this.#transceiverOf('video')?.mid ?? null;
  }

  /** The track received on the transceiver `mid` (the peer's screen share is on the one it names). */
  receiverTrackOf(mid: string): MediaStreamTrack | undefined {
    return this.pc.getTransceivers().find((t) => t.mid === mid && t.currentDirection !== 'stopped')?.receiver
      .track;
  }

  /**
   * The video transceiver after the camera's: either side may have added it for its screen, and
   * both send theirs on it (sendrecv), so a share needs at most one renegotiation per link.
   */
  #screenTransceiver(): RTCRtpTransceiver | undefined {
    const camera = this.#transceiverOf('video');
    return this.pc
      .getTransceivers()
      .find((t) => t !== camera && t.receiver.track.kind === 'video' && t.currentDirection !== 'stopped');
  }

  /** Replaces the track of one kind on the sender, without renegotiation. */
  async replaceTrack(kind: 'audio' | 'video', track: MediaStreamTrack | null): Promise<void> {
    const transceiver = this.#transceiverOf(kind);
    if (!this.#closed && transceiver && transceiver.sender.track !== track)
      await transceiver.sender.replaceTrack(track);
  }

  /** The sender of one kind (for `setParameters`). */
  senderOf(kind: 'audio' | 'video'): RTCRtpSender | undefined {
    return this.#transceiverOf(kind)?.sender;
  }

  /** Handles a payload relayed from the remote peer (SDP or candidate; `media` is the engine's). */
  receive(payload: RtcPayload): void {
    if (payload.kind === 'offer' || payload.kind === 'answer') {
      void this.#enqueue(payload.kind, () => this.#onDescription({ type: payload.kind, sdp: payload.sdp }));
    } else if (payload.kind === 'candidate') {
      void this.#enqueue('candidate', () => this.#onCandidate(payload));
    }
  }

  /** Closes the connection; nothing is reported afterwards. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#timer?.unsubscribe();
    this.pc.close();
    for (const track of this.remoteStream.getTracks()) track.stop();
  }

  #transceiverOf(kind: 'audio' | 'video'): RTCRtpTransceiver | undefined {
    // The receiver's track kind is fixed for a transceiver's life, unlike the sender's track.
    return this.pc
      .getTransceivers()
      .find((t) => t.receiver.track.kind === kind && t.currentDirection !== 'stopped');
  }

  /** Runs `step` after every step queued before it; resolves when it is done (failures are logged). */
  #enqueue(what: string, step: () => Promise<void>): Promise<void> {
    const run = this.#queue
      .then(() => (this.#closed ? undefined : step()))
      .catch((error: unknown) => {
        if (!this.#closed)
          this.options.logger('warn', `negotiation (${what}) with ${this.remote.peerID} failed`, error);
      });
    this.#queue = run;
    return run;
  }

  async #offer(): Promise<void> {
    // `negotiationneeded` fires again once stable if the need is still there.
    if (this.pc.signalingState !== 'stable') return;
    this.#makingOffer = true;
    try {
      await this.pc.setLocalDescription();
      const sdp = this.pc.localDescription?.sdp;
      if (sdp && this.pc.localDescription?.type === 'offer') await this.options.send({ kind: 'offer', sdp });
    } finally {
      this.#makingOffer = false;
    }
  }

  async #onDescription(description: { type: 'offer' | 'answer'; sdp: string }): Promise<void> {
    const snapshot = {
      descriptionType: description.type,
      makingOffer: this.#makingOffer,
      signalingState: this.pc.signalingState,
      settingRemoteAnswer: this.#settingRemoteAnswer,
    };
    this.#ignoreOffer = shouldIgnoreOffer(snapshot, this.options.polite);
    if (this.#ignoreOffer) {
      this.options.logger('debug', `glare with ${this.remote.peerID}: ignoring its offer (we are impolite)`);
      return;
    }
    if (description.type === 'answer' && this.pc.signalingState !== 'have-local-offer') {
      this.options.logger(
        'debug',
        `ignoring an answer from ${this.remote.peerID} in state ${this.pc.signalingState}`,
      );
      return;
    }
    this.#settingRemoteAnswer = description.type === 'answer';
    try {
      // For an offer in `have-local-offer` (polite side of a glare) this rolls our offer back.
      await this.pc.setRemoteDescription(description);
    } finally {
      this.#settingRemoteAnswer = false;
    }
    if (description.type === 'offer') {
      await this.#syncLocalMedia();
      await this.pc.setLocalDescription();
      const sdp = this.pc.localDescription?.sdp;
      if (sdp) await this.options.send({ kind: 'answer', sdp });
    }
    this.options.negotiated();
  }

  async #onCandidate(payload: Extract<RtcPayload, { kind: 'candidate' }>): Promise<void> {
    try {
      await this.pc.addIceCandidate({
        candidate: payload.candidate,
        sdpMid: payload.sdpMid,
        sdpMLineIndex: payload.sdpMLineIndex,
      });
    } catch (error) {
      // Candidates of an offer we ignored fail to apply; that is expected.
      if (!this.#ignoreOffer) throw error;
    }
  }

  #onIceCandidate(event: RTCPeerConnectionIceEvent): void {
    const candidate = event.candidate;
    if (this.#closed || !candidate || !candidate.candidate) return;
    this.#candidates++;
    this.options
      .send({
        kind: 'candidate',
        candidate: candidate.candidate,
        sdpMid: candidate.sdpMid,
        sdpMLineIndex: candidate.sdpMLineIndex,
      })
      .catch((error: unknown) => this.options.logger('debug', 'could not relay an ICE candidate', error));
  }

  #onTrack(event: RTCTrackEvent): void {
    if (this.#closed) return;
    const track = event.track;
    // The camera and microphone form the peer's stream; a screen share has its own view.
    const main =
      !event.transceiver || event.transceiver === this.#transceiverOf(track.kind as 'audio' | 'video');
    if (main && !this.remoteStream.getTracks().includes(track)) this.remoteStream.addTrack(track);
    this.options.track(track);
  }

  #onConnectionState(): void {
    if (this.#closed) return;
    const state = this.pc.connectionState;
    if (state === 'connected') {
      this.options.logger('debug', `connected to ${this.remote.peerID}`);
      this.#timer?.unsubscribe();
      this.#wasConnected = true;
      // A connection that came back may fail again later in a long call: a fresh budget.
      this.#iceRestarts = 0;
      if (this.#reconnecting) {
        this.#reconnecting = false;
        this.options.connection?.('connected');
      }
      return;
    }
    if (state === 'disconnected') {
      // Often back within a second (a lost packet burst); if not, the path is gone (a TURN server
      // restarted, a network switch): ICE is restarted before the browser calls it failed (~30 s).
      this.#markReconnecting();
      this.#arm(this.options.disconnectedTimeout, `disconnected for ${this.options.disconnectedTimeout} ms`);
      return;
    }
    if (state === 'failed') this.#attemptFailed('failed');
  }

  #onCandidateError(event: Event): void {
    const { errorCode, errorText, url } = event as Partial<RTCPeerConnectionIceErrorEvent>;
    this.#candidateErrors.push(`${String(errorCode)} ${errorText ?? ''} (${url ?? '?'})`.trim());
  }

  /**
   * Gathering over without a single candidate: this attempt cannot connect (with `'relay'`, no
   * TURN server gave an allocation: wrong or expired credentials, or none reachable), so it fails
   * now instead of when the connect timer runs out.
   */
  #onGatheringState(): void {
    if (this.#closed) return;
    this.#gathered = this.pc.iceGatheringState === 'complete';
    if (!this.#gathered || this.#candidates > 0) return;
    this.#attemptFailed('no ICE candidate gathered');
  }

  #markReconnecting(): void {
    if (!this.#wasConnected || this.#reconnecting) return;
    this.#reconnecting = true;
    this.options.connection?.('reconnecting');
  }

  /** Fails the attempt after `ms` unless the connection is up by then. */
  #arm(ms: number, why: string): void {
    this.#timer?.unsubscribe();
    this.#timer = this.options.scheduler.schedule(() => {
      if (this.pc.connectionState !== 'connected') this.#attemptFailed(why);
    }, ms);
  }

  /** One ICE attempt failed: restart ICE with fresh servers while the budget lasts, else report. */
  #attemptFailed(why: string): void {
    if (this.#closed) return;
    this.#timer?.unsubscribe();
    // Gathering of this attempt over without a candidate (not merely unfinished).
    // Relay-only with no candidate by now: no TURN allocation, whether gathering gave up or not.
    const noCandidate =
      this.#candidates === 0 && (this.#gathered || this.options.iceTransportPolicy === 'relay');
    const refusals = this.#candidateErrors.splice(0);
    if (this.#iceRestarts < this.options.maxIceRestarts && typeof this.pc.restartIce === 'function') {
      this.#iceRestarts++;
      this.options.logger(
        'warn',
        `connection to ${this.remote.peerID}: ${why}; ICE restart ${this.#iceRestarts}`,
        refusals.length ? refusals : undefined,
      );
      this.#markReconnecting();
      this.#candidates = 0;
      this.#gathered = false;
      this.#arm(this.options.connectTimeout, `not connected within ${this.options.connectTimeout} ms`);
      void this.#restartIce();
      return;
    }
    const detail = refusals.length ? `; ICE server errors: ${refusals.join(', ')}` : '';
    this.options.failed(
      `connection to ${this.remote.peerID} failed after ${this.#iceRestarts} ICE restart(s): ${why}` +
        (noCandidate
          ? ` (no local candidate${this.options.iceTransportPolicy === 'relay' ? ': no TURN allocation' : ''})`
          : '') +
        detail,
      noCandidate ? MEDIA_ERROR.TURN_FAILED : MEDIA_ERROR.CONNECTION_FAILED,
    );
  }

  async #restartIce(): Promise<void> {
    const refresh = this.options.refreshIceServers;
    if (refresh && typeof this.pc.setConfiguration === 'function') {
      try {
        const iceServers = await refresh();
        if (this.#closed) return;
        this.pc.setConfiguration({ ...this.pc.getConfiguration(), iceServers: [...iceServers] });
      } catch (error) {
        this.options.logger('debug', 'could not renew the ICE servers before a restart', error);
      }
    }
    // Marks the next offer as an ICE restart and fires `negotiationneeded`.
    if (!this.#closed) this.pc.restartIce();
  }
}
