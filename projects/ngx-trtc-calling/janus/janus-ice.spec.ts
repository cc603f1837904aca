import { VirtualAction, VirtualTimeScheduler } from 'rxjs';
import { silentTransportLogger, type SfuJoin } from 'ngx-trtc-calling/webrtc';
import { FakeJanus, settle, type JanusRequest } from './fake-janus.test-util';
import { JanusSfu } from './janus-sfu';

/*
 * The SFU's peer connections connect as the mesh's do: with the self-hosted engine's ICE
 * servers (the issued TURN credentials, read when each connection is created, so a renewal
 * reaches the subscription opened later) and its transport policy. Real Janus: e2e/janus-group.spec.ts.
 */

const track = (kind: 'audio' | 'video') => ({ kind, id: kind }) as unknown as MediaStreamTrack;

/** Records its configuration; just enough of the publish and subscribe rounds. */
class ConfiguredPeerConnection {
  static readonly all: ConfiguredPeerConnection[] = [];
  readonly transceivers: { mid: string | null; receiver: { track: MediaStreamTrack } }[] = [];

  constructor(readonly configuration: RTCConfiguration) {
    ConfiguredPeerConnection.all.push(this);
  }
  addTransceiver() {
    const transceiver = { mid: null, sender: { track: null }, receiver: { track: track('audio') } };
    this.transceivers.push(transceiver);
    return transceiver;
  }
  getTransceivers() {
    return this.transceivers;
  }
  addEventListener() {}
  async createOffer() {
    return { type: 'offer', sdp: 'pub-offer' };
  }
  async createAnswer() {
    return { type: 'answer', sdp: 'sub-answer' };
  }
  async setLocalDescription(description: { type: string }) {
    if (description.type === 'offer') this.transceivers.forEach((t, i) => (t.mid = String(i)));
  }
  async setRemoteDescription(description: { type: string }) {
    if (description.type === 'offer')
      this.transceivers.push({ mid: '0', receiver: { track: track('audio') } });
  }
  close() {}
}

const turn = (user: string): RTCIceServer => ({
  urls: ['turn:127.0.0.1:3478?transport=udp'],
  username: `1000:${user}`,
  credential: 'c',
});

function setup(iceTransportPolicy?: RTCIceTransportPolicy) {
  ConfiguredPeerConnection.all.length = 0;
  const fake = new FakeJanus();
  fake.onMessage = (body: JanusRequest) => {
    switch (body['request']) {
      case 'join':
        return body['ptype'] === 'publisher'
          ? { data: { videoroom: 'joined', id: 1, private_id: 7, publishers: [] } }
          : {
              data: {
                videoroom: 'attached',
                streams: [{ mid: '0', type: 'audio', feed_id: 2, feed_display: 'bob' }],
              },
              jsep: { type: 'offer', sdp: 'sub:0' },
            };
      case 'publish':
        return {
          data: { videoroom: 'event', configured: 'ok' },
          jsep: { type: 'answer', sdp: 'pub-answer' },
        };
      default:
        return { data: { videoroom: 'event' } };
    }
  };
  let servers: readonly RTCIceServer[] = [{ urls: 'stun:stun.app.example:3478' }, turn('alice')];
  const options: SfuJoin = {
    sfu: { url: 'ws://janus.test', room: 1234, token: 'tok', instance: 'janus-a' },
    roomID: 1234,
    userID: 'alice',
    allowUser: () => true,
    RTCPeerConnection: ConfiguredPeerConnection as unknown as typeof RTCPeerConnection,
    get iceServers() {
      return servers;
    },
    ...(iceTransportPolicy ? { iceTransportPolicy } : {}),
    local: () => ({ audio: track('audio'), video: track('video'), sending: { audio: true, video: true } }),
    scheduler: new VirtualTimeScheduler(VirtualAction, 1000),
    logger: silentTransportLogger,
    remote: { tracks: () => undefined, media: () => undefined, left: () => undefined, lost: () => undefined },
  };
  const sfu = new JanusSfu({ WebSocket: fake.WebSocket });
  /** A publisher appears: the subscription's peer connection is created now. */
  const publisherArrives = () =>
    fake.sockets[0]!.push({
      janus: 'event',
      sender: fake.requests('publish')[0]!['handle_id'],
      plugindata: {
        data: {
          videoroom: 'event',
          publishers: [{ id: 2, display: 'bob', streams: [{ type: 'audio', mid: '0', description: 'on' }] }],
        },
      },
    });
  return { sfu, options, publisherArrives, renew: (next: readonly RTCIceServer[]) => (servers = next) };
}

describe('JanusSfu (ICE servers and transport policy)', () => {
  it('publishes and subscribes under the transport policy, each connection with the servers held when it is created', async () => {
    const { sfu, options, publisherArrives, renew } = setup('relay');
    await sfu.join(options);
    expect(ConfiguredPeerConnection.all.map((pc) => pc.configuration)).toEqual([
      { iceServers: [{ urls: 'stun:stun.app.example:3478' }, turn('alice')], iceTransportPolicy: 'relay' },
    ]);
    // Renewed credentials (the engine asked the server again) reach the subscription opened later.
    renew([turn('alice-renewed')]);
    publisherArrives();
    await settle(60);
    expect(sfu.peerConnections).toHaveLength(2);
    expect(ConfiguredPeerConnection.all[1]?.configuration).toEqual({
      iceServers: [turn('alice-renewed')],
      iceTransportPolicy: 'relay',
    });
    await sfu.leave();
  });

  it('without a policy the browser’s default applies (none is set)', async () => {
    const { sfu, options } = setup();
    await sfu.join(options);
    expect(ConfiguredPeerConnection.all[0]?.configuration).toEqual({
      iceServers: [{ urls: 'stun:stun.app.example:3478' }, turn('alice')],
    });
    await sfu.leave();
  });
});
