import type { Subscription } from 'rxjs';
import {
  CallingTransportError,
  CLIENT_ERROR,
  type SfuEngine,
  type SfuJoin,
  type SfuLocal,
} from 'ngx-trtc-calling/webrtc';
import {
  JanusClient,
  type JanusHandle,
  type JanusWebSocketConstructor,
  type Jsep,
  type PluginEvent,
} from './janus-client';
import { departedFeed, feedMedia, feedsOf, NOT_SENDING, SENDING, type Feed } from './janus-feeds';
import { JanusSubscription } from './janus-subscription';

/** Options of `createSfuEngine`. */
export interface JanusSfuOptions {
  /** The WebSocket constructor (default `globalThis.WebSocket`). */
  readonly WebSocket?: JanusWebSocketConstructor;
  /** How long a Janus request may wait for its answer, ms; default 20 000. */
  readonly requestTimeout?: number;
  /**
   * Interval of session keepalives, ms; default 15 000: half the `session_timeout` of the Janus
   * configuration calling-server ships (30 s; Janus's own default is 60 s), so that one late
   * keepalive on a busy page does not lose the session.
   */
  readonly keepalive?: number;
}

const VIDEOROOM = 'janus.plugin.videoroom';

interface Room {
  readonly options: SfuJoin;
  readonly client: JanusClient;
  readonly publisher: JanusHandle;
  readonly pc: RTCPeerConnection;
  readonly audio: RTCRtpTransceiver;
  readonly video: RTCRtpTransceiver;
  readonly feeds: Map<number, Feed>;
  readonly subscription: JanusSubscription;
  readonly subscriptions: Subscription[];
  /** What the streams' descriptions last said. */
  sending: SfuLocal['sending'];
  left: boolean;
}

/**
 * The media of a call placed on a Janus VideoRoom: publishes the local tracks the self-hosted
 * engine holds (one peer connection up, whatever the call's size) and receives everyone else
 * through one multi-stream subscription (one peer connection down). Who sends what travels as
 * the published streams' descriptions, which the plugin relays in its publisher lists.
 */
export class JanusSfu implements SfuEngine {
  readonly #options: JanusSfuOptions;
  #room: Room | undefined;
  /** Publisher updates (track swaps, descriptions) one after another. */
  #updates: Promise<unknown> = Promise.resolve();

  constructor(options: JanusSfuOptions = {}) {
    this.#options = options;
  }

  /** The publisher's and the subscription's peer connections (stats, tests). */
  get peerConnections(): readonly RTCPeerConnection[] {
    const room = this.#room;
    if (!room) return [];
    const down = room.subscription.pc;
    return down ? [room.pc, down] : [room.pc];
  }

  /**
   * Connects to `options.sfu`, joins its room as a publisher (display = our userID, with our
   * token), publishes the local tracks and subscribes to every allowed publisher already there.
   * Rejects (releasing what it opened) when Janus is unreachable or refuses the token.
   */
  async join(options: SfuJoin): Promise<void> {
    if (this.#room) await this.leave();
    const { sfu, logger, scheduler } = options;
    const WebSocket =
      this.#options.WebSocket ?? (globalThis as { WebSocket?: JanusWebSocketConstructor }).WebSocket;
    if (!WebSocket)
      throw new CallingTransportError(CLIENT_ERROR.CONNECTION_LOST, 'no WebSocket in this environment');
    const client = await JanusClient.connect(sfu.url, {
      WebSocket,
      scheduler,
      logger,
      timeout: this.#options.requestTimeout ?? 20_000,
      keepalive: this.#options.keepalive ?? 15_000,
    });
    let pc: RTCPeerConnection | undefined;
    try {
      const publisher = await client.attach(VIDEOROOM);
      const joined = await publisher.message({
        request: 'join',
        ptype: 'publisher',
        room: sfu.room,
        display: options.userID,
        token: sfu.token,
      });
      const privateID = joined.data['private_id'];
      pc = new options.RTCPeerConnection(rtcConfiguration(options));
      const local = options.local();
      const room: Room = {
        options,
        client,
        publisher,
        pc,
        audio: pc.addTransceiver(local.audio ?? 'audio', { direction: 'sendonly' }),
        video: pc.addTransceiver(local.video ?? 'video', { direction: 'sendonly' }),
        feeds: new Map(),
        subscription: new JanusSubscription({
          client,
          room: sfu.room,
          token: sfu.token,
          ...(typeof privateID === 'number' ? { privateID } : {}),
          RTCPeerConnection: options.RTCPeerConnection,
          configuration: () => rtcConfiguration(options),
          logger,
          tracks: (userID, tracks) => this.#room === room && options.remote.tracks(userID, tracks),
        }),
        subscriptions: [],
        sending: local.sending,
        left: false,
      };
      this.#room = room;
      trickle(pc, publisher);
      // ICE gave up on the way up (Janus lives, the path does not): as lost as a closed socket.
      const up = pc;
      up.addEventListener('connectionstatechange', () => {
        if (up.connectionState === 'failed') this.#lost(room, `the connection up to ${sfu.instance} failed`);
      });
      room.subscriptions.push(
        publisher.events$.subscribe((event) => {
          if (event.kind === 'event') this.#onPublisherEvent(room, event);
          else if (event.kind === 'hangup') this.#lost(room, 'Janus hung up the publisher');
        }),
        client.closed$.subscribe(() => this.#lost(room, `the Janus connection to ${sfu.instance} closed`)),
      );
      const offer = await pc.createOffer();
      await pc.setLocalDescription(offer);
      const published = await publisher.message(
        { request: 'publish', descriptions: this.#descriptions(room, local.sending) },
        { type: 'offer', sdp: offer.sdp ?? '' },
      );
      if (!published.jsep)
        throw new CallingTransportError(CLIENT_ERROR.BAD_REPLY, 'Janus sent no answer to publish');
      await pc.setRemoteDescription(published.jsep);
      this.#addFeeds(room, feedsOf(joined.data));
    } catch (error) {
      pc?.close();
      client.destroy();
      this.#room = undefined;
      throw error;
    }
  }

  /** Swaps the published tracks for the local ones and tells the room what is sent now. */
  update(): Promise<void> {
    const run = this.#updates.then(() => this.#update());
    this.#updates = run.catch(() => undefined);
    return run;
  }

  /** Leaves the room: both peer connections closed, the Janus session destroyed. Local tracks are not ours to stop. */
  async leave(): Promise<void> {
    const room = this.#room;
    this.#room = undefined;
    if (!room) return;
    room.left = true;
    for (const subscription of room.subscriptions) subscription.unsubscribe();
    room.subscription.close();
    room.pc.close();
    await room.publisher.message({ request: 'leave' }).catch(() => undefined);
    room.client.destroy();
  }

  async #update(): Promise<void> {
    const room = this.#room;
    if (!room) return;
    const local = room.options.local();
    for (const [transceiver, track] of [
      [room.audio, local.audio],
      [room.video, local.video],
    ] as const) {
      if (transceiver.sender.track !== track) await transceiver.sender.replaceTrack(track);
    }
    if (local.sending.audio === room.sending.audio && local.sending.video === room.sending.video) return;
    room.sending = local.sending;
    await room.publisher.message({
      request: 'configure',
      descriptions: this.#descriptions(room, local.sending),
    });
  }

  #descriptions(room: Room, sending: SfuLocal['sending']): { mid: string; description: string }[] {
    const of = (transceiver: RTCRtpTransceiver, on: boolean) =>
      transceiver.mid === null ? [] : [{ mid: transceiver.mid, description: on ? SENDING : NOT_SENDING }];
    return [...of(room.audio, sending.audio), ...of(room.video, sending.video)];
  }

  #onPublisherEvent(room: Room, event: PluginEvent): void {
    if (room.left) return;
    const feeds = feedsOf(event.data);
    if (feeds.length) this.#addFeeds(room, feeds);
    const departed = departedFeed(event.data);
    if (departed !== undefined) {
      const feed = room.feeds.get(departed);
      room.feeds.delete(departed);
      if (feed && ![...room.feeds.values()].some((f) => f.display === feed.display)) {
        room.options.remote.left(feed.display);
      }
      room.subscription.drop(departed);
    }
  }

  /** New publishers (or new streams of known ones): subscribe, and report what each sends. */
  #addFeeds(room: Room, feeds: readonly Feed[]): void {
    const { options } = room;
    const added: Feed[] = [];
    for (const feed of feeds) {
      if (feed.display === options.userID) continue;
      if (!options.allowUser(feed.display)) {
        options.logger('warn', `Janus feed ${feed.id}: ${feed.display} is not a user of the call`);
        continue;
      }
      if (!room.feeds.has(feed.id)) added.push(feed);
      room.feeds.set(feed.id, feed);
      options.remote.media(feed.display, feedMedia(feed));
    }
    if (added.length) room.subscription.add(added);
  }

  #lost(room: Room, reason: string): void {
    if (room.left || this.#room !== room) return;
    room.options.logger('warn', reason);
    room.options.remote.lost(reason);
  }
}

/**
 * A peer connection's configuration: the self-hosted engine's ICE servers as they are now (its
 * issued TURN credentials are renewed, so each connection reads them when it is created) and
 * its transport policy, as for the mesh.
 */
export function rtcConfiguration(options: SfuJoin): RTCConfiguration {
  return {
    iceServers: [...options.iceServers],
    ...(options.iceTransportPolicy ? { iceTransportPolicy: options.iceTransportPolicy } : {}),
  };
}

/** Sends the peer connection's candidates to Janus as they are gathered. */
export function trickle(pc: RTCPeerConnection, handle: JanusHandle): void {
  pc.addEventListener('icecandidate', (event: RTCPeerConnectionIceEvent) => {
    handle.trickle(event.candidate ? event.candidate.toJSON() : null).catch(() => undefined);
  });
}

export type { Jsep };
