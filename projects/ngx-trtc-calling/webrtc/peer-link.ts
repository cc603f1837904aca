import type { TransportLogger } from './logger';
import { shouldIgnoreOffer } from './polite-peer';
import type { RtcPayload, WirePeer } from 'ngx-trtc-calling/wire';

/** The local tracks a link sends (`video` is null in an audio call or with the camera off). */
export interface LocalMedia {
  readonly audio: MediaStreamTrack | null;
  readonly video: MediaStreamTrack | null;
}

/** What a `PeerLink` needs from the engine. */
export interface PeerLinkOptions {
  readonly RTCPeerConnection: typeof RTCPeerConnection;
  readonly MediaStream: typeof MediaStream;
  readonly iceServers: readonly RTCIceServer[];
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
  /** The connection failed and ICE restarts did not bring it back. */
  readonly failed: (reason: string) => void;
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

  constructor(private readonly options: PeerLinkOptions) {
    const { RTCPeerConnection: PC, MediaStream: Stream } = options;
    this.pc = new PC({ iceServers: [...options.iceServers] });
    this.remoteStream = new Stream();
    this.pc.addEventListener('negotiationneeded', () => void this.#enqueue('offer', () => this.#offer()));
    this.pc.addEventListener('icecandidate', (event) => this.#onIceCandidate(event));
    this.pc.addEventListener('track', (event) => this.#onTrack(event));
    this.pc.addEventListener('connectionstatechange', () => this.#onConnectionState());
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
    if (!this.remoteStream.getTracks().includes(track)) this.remoteStream.addTrack(track);
    this.options.track(track);
  }

  #onConnectionState(): void {
    if (this.#closed) return;
    const state = this.pc.connectionState;
    if (state === 'connected') {
      this.options.logger('debug', `connected to ${this.remote.peerID}`);
      return;
    }
    if (state !== 'failed') return;
    if (this.#iceRestarts < this.options.maxIceRestarts && typeof this.pc.restartIce === 'function') {
      this.#iceRestarts++;
      this.options.logger(
        'warn',
        `connection to ${this.remote.peerID} failed; ICE restart ${this.#iceRestarts}`,
      );
      // Marks the next offer as an ICE restart and fires `negotiationneeded`.
      this.pc.restartIce();
      return;
    }
    this.options.failed(
      `connection to ${this.remote.peerID} failed after ${this.#iceRestarts} ICE restart(s)`,
    );
  }
}
