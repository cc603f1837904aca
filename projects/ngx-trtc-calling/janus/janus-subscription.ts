import type { Subscription } from 'rxjs';
import type { TransportLogger } from 'ngx-trtc-calling/webrtc';
import type { JanusClient, JanusHandle, PluginEvent } from './janus-client';
import { subscribedStreams, type Feed, type SubscribedStream } from './janus-feeds';

/** What the subscription needs from the room. */
export interface JanusSubscriptionOptions {
  readonly client: JanusClient;
  readonly room: number;
  readonly token: string;
  /** The publisher's `private_id`, which ties the subscription to it in the room. */
  readonly privateID?: number;
  readonly RTCPeerConnection: typeof RTCPeerConnection;
  /** The peer connection's configuration (ICE servers, transport policy), read when it is created. */
  readonly configuration: () => RTCConfiguration;
  readonly logger: TransportLogger;
  /** A user's received tracks changed (empty: none left). */
  readonly tracks: (userID: string, tracks: readonly MediaStreamTrack[]) => void;
}

/**
 * One multi-stream subscription (VideoRoom ≥ 1.1) to every other publisher of the room: one
 * handle and one peer connection whatever the number of feeds. Joining, `subscribe` for new
 * feeds and Janus's own updates (a feed left) each bring a new offer, answered in turn.
 */
export class JanusSubscription {
  readonly #options: JanusSubscriptionOptions;
  #handle: JanusHandle | undefined;
  #pc: RTCPeerConnection | undefined;
  #events: Subscription | undefined;
  /** The streams Janus last said it sends us, by mid. */
  #streams: readonly SubscribedStream[] = [];
  /** The users whose tracks were last reported. */
  readonly #reported = new Set<string>();
  /** Joins, subscribes and answers, one after another (each is an offer/answer round). */
  #queue: Promise<unknown> = Promise.resolve();
  #closed = false;

  constructor(options: JanusSubscriptionOptions) {
    this.#options = options;
  }

  /** The subscription's peer connection, once there is one. */
  get pc(): RTCPeerConnection | undefined {
    return this.#pc;
  }

  /** Subscribes to every stream of `feeds` (joining on the first call). */
  add(feeds: readonly Feed[]): void {
    const streams = feeds.map((feed) => ({ feed: feed.id }));
    this.#enqueue(async () => {
      if (this.#handle) {
        await this.#answer(await this.#handle.message({ request: 'subscribe', streams }));
        return;
      }
      const handle = await this.#options.client.attach('janus.plugin.videoroom');
      if (this.#closed) {
        await handle.detach().catch(() => undefined);
        return;
      }
      this.#handle = handle;
      this.#events = handle.events$.subscribe((event) => {
        if (event.kind === 'event') this.#enqueue(() => this.#answer(event));
      });
      const { room, token, privateID } = this.#options;
      await this.#answer(
        await handle.message({
          request: 'join',
          ptype: 'subscriber',
          room,
          token,
          streams,
          ...(privateID === undefined ? {} : { private_id: privateID }),
        }),
      );
    });
  }

  /** A feed left: Janus drops its streams and sends a new offer on its own; report the rest now. */
  drop(feedID: number): void {
    this.#streams = this.#streams.filter((s) => s.feed_id !== feedID);
    this.#report();
  }

  /** Closes the peer connection and forgets the handle (the session's end detaches it). */
  close(): void {
    this.#closed = true;
    this.#events?.unsubscribe();
    this.#pc?.close();
    this.#pc = undefined;
  }

  #enqueue(step: () => Promise<void>): void {
    const run = this.#queue.then(step);
    this.#queue = run.catch((error: unknown) => {
      if (!this.#closed) this.#options.logger('warn', 'Janus subscription update failed', error);
    });
  }

  /** Applies an `attached`/`updated` event: its stream list, and its offer answered with `start`. */
  async #answer(event: PluginEvent): Promise<void> {
    if (this.#closed) return;
    const streams = subscribedStreams(event.data);
    if (streams) this.#streams = streams;
    const offer = event.jsep;
    if (offer?.type === 'offer' && this.#handle) {
      const pc = this.#peerConnection();
      await pc.setRemoteDescription(offer);
      const answer = await pc.createAnswer();
      await pc.setLocalDescription(answer);
      if (this.#closed) return;
      await this.#handle.message({ request: 'start' }, { type: 'answer', sdp: answer.sdp ?? '' });
    }
    this.#report();
  }

  #peerConnection(): RTCPeerConnection {
    if (this.#pc) return this.#pc;
    const { RTCPeerConnection: PC, configuration } = this.#options;
    const pc = new PC(configuration());
    const handle = this.#handle;
    pc.addEventListener('icecandidate', (event: RTCPeerConnectionIceEvent) => {
      handle?.trickle(event.candidate ? event.candidate.toJSON() : null).catch(() => undefined);
    });
    this.#pc = pc;
    return pc;
  }

  /** Reports each user's received tracks, and an empty list for users no longer received. */
  #report(): void {
    const pc = this.#pc;
    if (!pc || this.#closed) return;
    const byUser = new Map<string, MediaStreamTrack[]>();
    const transceivers = pc.getTransceivers();
    for (const stream of this.#streams) {
      const userID = stream.feed_display;
      if (userID === undefined || stream.active === false) continue;
      const track = transceivers.find((t) => t.mid === stream.mid)?.receiver.track;
      if (!track) continue;
      byUser.set(userID, [...(byUser.get(userID) ?? []), track]);
    }
    for (const userID of this.#reported) if (!byUser.has(userID)) this.#options.tracks(userID, []);
    this.#reported.clear();
    for (const [userID, tracks] of byUser) {
      this.#reported.add(userID);
      this.#options.tracks(userID, tracks);
    }
  }
}
