import { VirtualAction, VirtualTimeScheduler } from 'rxjs';
import { silentTransportLogger, type SfuJoin, type SfuLocal } from 'ngx-trtc-calling/webrtc';
import { FakeJanus, settle, type JanusRequest } from './fake-janus.test-util';
import { JanusSfu } from './janus-sfu';

/** A track as the engine sees it. */
const track = (kind: 'audio' | 'video', id: string = kind) => ({ kind, id }) as unknown as MediaStreamTrack;

/**
 * Just enough of RTCPeerConnection: the publisher's two transceivers get mids 0 and 1 with the
 * local offer; a subscriber's offer `sub:<mid>,<mid>…` creates one receiving transceiver per mid.
 */
class FakePeerConnection {
  static readonly all: FakePeerConnection[] = [];
  readonly transceivers: {
    mid: string | null;
    sender: { track: MediaStreamTrack | null; replaceTrack(t: MediaStreamTrack | null): Promise<void> };
    receiver: { track: MediaStreamTrack };
  }[] = [];
  closed = false;

  constructor() {
    FakePeerConnection.all.push(this);
  }

  addTransceiver(trackOrKind: MediaStreamTrack | string) {
    const sender = {
      track: typeof trackOrKind === 'string' ? null : trackOrKind,
      async replaceTrack(t: MediaStreamTrack | null) {
        sender.track = t;
      },
    };
    const transceiver = { mid: null, sender, receiver: { track: track('audio', 'unused') } };
    this.transceivers.push(transceiver);
    return transceiver;
  }
  getTransceivers() {
    return this.transceivers;
  }
  connectionState = 'new';
  readonly listeners = new Map<string, () => void>();
  addEventListener(type: string, listener: () => void) {
    this.listeners.set(type, listener);
  }
  async createOffer() {
    return { type: 'offer', sdp: 'pub-offer' };
  }
  async createAnswer() {
    return { type: 'answer', sdp: 'sub-answer' };
  }
  async setLocalDescription(description: { type: string }) {
    if (description.type === 'offer') this.transceivers.forEach((t, i) => (t.mid = String(i)));
  }
  async setRemoteDescription(description: { type: string; sdp: string }) {
    if (description.type !== 'offer') return;
    for (const mid of description.sdp.replace('sub:', '').split(',')) {
      if (this.transceivers.some((t) => t.mid === mid)) continue;
      const kind = Number(mid) % 2 === 0 ? 'audio' : 'video';
      this.transceivers.push({
        mid,
        sender: { track: null, replaceTrack: async () => undefined },
        receiver: { track: track(kind, `remote-${mid}`) },
      });
    }
  }
  close() {
    this.closed = true;
  }
}

const feed = (id: number, display: string, video = 'on') => ({
  id,
  display,
  streams: [
    { type: 'audio', mid: '0', description: 'on' },
    { type: 'video', mid: '1', description: video },
  ],
});

function setup() {
  FakePeerConnection.all.length = 0;
  const fake = new FakeJanus();
  const scheduler = new VirtualTimeScheduler(VirtualAction, 1000);
  let local: SfuLocal = {
    audio: track('audio'),
    video: track('video'),
    sending: { audio: true, video: true },
  };
  const seen: string[] = [];
  const tracks = new Map<string, string[]>();
  fake.onMessage = (body: JanusRequest) => {
    switch (body['request']) {
      case 'join':
        return body['ptype'] === 'publisher'
          ? {
              data: {
                videoroom: 'joined',
                id: 1,
                private_id: 77,
                publishers: [feed(2, 'bob'), feed(3, 'mallory')],
              },
            }
          : {
              data: {
                videoroom: 'attached',
                streams: [
                  { mid: '0', type: 'audio', feed_id: 2, feed_display: 'bob' },
                  { mid: '1', type: 'video', feed_id: 2, feed_display: 'bob' },
                ],
              },
              jsep: { type: 'offer', sdp: 'sub:0,1' },
            };
      case 'publish':
        return {
          data: { videoroom: 'event', configured: 'ok' },
          jsep: { type: 'answer', sdp: 'pub-answer' },
        };
      case 'subscribe':
        return {
          data: {
            videoroom: 'updated',
            streams: [
              { mid: '0', type: 'audio', feed_id: 2, feed_display: 'bob' },
              { mid: '1', type: 'video', feed_id: 2, feed_display: 'bob' },
              { mid: '2', type: 'audio', feed_id: 4, feed_display: 'carol' },
              { mid: '3', type: 'video', feed_id: 4, feed_display: 'carol' },
            ],
          },
          jsep: { type: 'offer', sdp: 'sub:0,1,2,3' },
        };
      default:
        return { data: { videoroom: 'event', configured: 'ok' } };
    }
  };
  const options: SfuJoin = {
    sfu: { url: 'ws://janus.test', room: 1234, token: 'tok-alice', instance: 'janus-a' },
    roomID: 1234,
    userID: 'alice',
    allowUser: (userID) => userID !== 'mallory',
    RTCPeerConnection: FakePeerConnection as unknown as typeof RTCPeerConnection,
    iceServers: [],
    local: () => local,
    scheduler,
    logger: silentTransportLogger,
    remote: {
      tracks: (userID, list) =>
        tracks.set(
          userID,
          list.map((t) => t.id),
        ),
      media: (userID, media) => seen.push(`media ${userID} ${media.audio} ${media.video}`),
      left: (userID) => seen.push(`left ${userID}`),
      lost: (reason) => seen.push(`lost ${reason}`),
    },
  };
  const sfu = new JanusSfu({ WebSocket: fake.WebSocket });
  return { fake, sfu, options, seen, tracks, setLocal: (next: SfuLocal) => (local = next) };
}

describe('JanusSfu', () => {
  it('joins as a publisher with our userID and token, publishes both tracks with their descriptions', async () => {
    const { fake, sfu, options } = setup();
    await sfu.join(options);
    expect(fake.requests('join')[0]?.['body']).toEqual({
      request: 'join',
      ptype: 'publisher',
      room: 1234,
      display: 'alice',
      token: 'tok-alice',
    });
    const publish = fake.requests('publish')[0];
    expect(publish?.['body']).toEqual({
      request: 'publish',
      descriptions: [
        { mid: '0', description: 'on' },
        { mid: '1', description: 'on' },
      ],
    });
    expect(publish?.['jsep']).toEqual({ type: 'offer', sdp: 'pub-offer' });
    const publisher = FakePeerConnection.all[0]!;
    expect(publisher.transceivers.map((t) => t.sender.track)).toEqual([
      options.local().audio,
      options.local().video,
    ]);
    await sfu.leave();
  });

  it('subscribes once to every allowed publisher, answers the offer, and reports their tracks and media', async () => {
    const { fake, sfu, options, seen, tracks } = setup();
    await sfu.join(options);
    await settle(60);
    const subscribe = fake.requests('join').find((m) => m['body']['ptype'] === 'subscriber');
    expect(subscribe?.['body']).toEqual({
      request: 'join',
      ptype: 'subscriber',
      room: 1234,
      token: 'tok-alice',
      streams: [{ feed: 2 }],
      private_id: 77,
    });
    expect(fake.requests('start')[0]?.['jsep']).toEqual({ type: 'answer', sdp: 'sub-answer' });
    expect(tracks.get('bob')).toEqual(['remote-0', 'remote-1']);
    expect(tracks.has('mallory')).toBe(false);
    expect(seen).toEqual(['media bob true true']);
    expect(sfu.peerConnections).toHaveLength(2);
    await sfu.leave();
  });

  it('adds a later publisher to the same subscription (one subscriber handle)', async () => {
    const { fake, sfu, options, tracks } = setup();
    await sfu.join(options);
    await settle(60);
    const publisherHandle = fake.requests('publish')[0]!['handle_id'];
    fake.sockets[0]!.push({
      janus: 'event',
      sender: publisherHandle,
      plugindata: { data: { videoroom: 'event', publishers: [feed(4, 'carol', 'off')] } },
    });
    await settle(80);
    expect(fake.requests('subscribe')[0]?.['body']).toEqual({ request: 'subscribe', streams: [{ feed: 4 }] });
    expect(fake.requests('attach')).toHaveLength(2);
    expect(tracks.get('carol')).toEqual(['remote-2', 'remote-3']);
    await sfu.leave();
  });

  it('reports a publisher that leaves, and what a publisher sends when its descriptions change', async () => {
    const { fake, sfu, options, seen } = setup();
    await sfu.join(options);
    await settle(60);
    const sender = fake.requests('publish')[0]!['handle_id'];
    const socket = fake.sockets[0]!;
    socket.push({
      janus: 'event',
      sender,
      plugindata: { data: { videoroom: 'event', publishers: [feed(2, 'bob', 'off')] } },
    });
    socket.push({ janus: 'event', sender, plugindata: { data: { videoroom: 'event', leaving: 2 } } });
    await settle(40);
    expect(seen).toEqual(['media bob true true', 'media bob true false', 'left bob']);
    await sfu.leave();
  });

  it('update swaps the published tracks and says what is sent with configure', async () => {
    const { fake, sfu, options, setLocal } = setup();
    await sfu.join(options);
    const camera2 = track('video', 'camera-2');
    setLocal({ audio: options.local().audio, video: camera2, sending: { audio: false, video: true } });
    await sfu.update();
    expect(FakePeerConnection.all[0]!.transceivers[1]!.sender.track).toBe(camera2);
    expect(fake.requests('configure')[0]?.['body']).toEqual({
      request: 'configure',
      descriptions: [
        { mid: '0', description: 'off' },
        { mid: '1', description: 'on' },
      ],
    });
    await sfu.update();
    expect(fake.requests('configure')).toHaveLength(1);
    await sfu.leave();
  });

  it('reports the connection lost when the Janus socket closes, not after leave', async () => {
    const { fake, sfu, options, seen } = setup();
    await sfu.join(options);
    fake.sockets[0]!.close(1006);
    await settle();
    expect(seen.filter((s) => s.startsWith('lost'))).toEqual(['lost the Janus connection to janus-a closed']);

    const second = setup();
    await second.sfu.join(second.options);
    await second.sfu.leave();
    await settle();
    expect(second.seen.filter((s) => s.startsWith('lost'))).toEqual([]);
  });

  it('reports the connection lost when ICE up to Janus fails', async () => {
    const { sfu, options, seen } = setup();
    await sfu.join(options);
    const publisher = FakePeerConnection.all[0]!;
    publisher.connectionState = 'failed';
    publisher.listeners.get('connectionstatechange')?.();
    expect(seen.filter((s) => s.startsWith('lost'))).toEqual(['lost the connection up to janus-a failed']);
    await sfu.leave();
  });

  it('leave closes both peer connections, leaves the room and destroys the session', async () => {
    const { fake, sfu, options } = setup();
    await sfu.join(options);
    await settle(60);
    await sfu.leave();
    expect(FakePeerConnection.all.every((pc) => pc.closed)).toBe(true);
    expect(fake.requests('leave')).toHaveLength(1);
    expect(fake.requests('destroy')).toHaveLength(1);
    expect(fake.sockets[0]!.readyState).toBe(3);
    expect(sfu.peerConnections).toEqual([]);
  });

  it('a refused token rejects join and releases the connection', async () => {
    const { fake, sfu, options } = setup();
    fake.onMessage = () => ({ data: { videoroom: 'event', error_code: 433, error: 'Unauthorized' } });
    await expect(sfu.join(options)).rejects.toMatchObject({ code: 433 });
    expect(fake.sockets[0]!.readyState).toBe(3);
    expect(sfu.peerConnections).toEqual([]);
  });
});
