import { VIDEO_PROFILES, type JoinOptions } from 'ngx-trtc-calling/core';
import {
  FakePeerConnectionBase,
  FakeRoomSignaling,
  FakeStream,
  FakeTrack,
  fakeEnvironment,
} from './fake-browser.test-util';
import { silentTransportLogger } from './logger';
import { webRtcMedia, type WebRtcMedia } from './web-rtc-media';

/*
 * A video join with the camera off (`JoinOptions.cameraEnabled: false`): getUserMedia is asked
 * for the microphone only, the video transceiver is there without a track, and turning the
 * camera on later opens it and puts its track on that sender without a new offer.
 */

class Devices {
  readonly requests: MediaStreamConstraints[] = [];
  async getUserMedia(constraints: MediaStreamConstraints): Promise<FakeStream> {
    this.requests.push(constraints);
    const kinds = (['audio', 'video'] as const).filter((kind) => !!constraints[kind]);
    return new FakeStream(kinds.map((kind) => new FakeTrack(kind, `${kind}-1`)));
  }
  async enumerateDevices(): Promise<never[]> {
    return [];
  }
  addEventListener(): void {}
  removeEventListener(): void {}
}

class PeerConnection extends FakePeerConnectionBase {
  static readonly all: PeerConnection[] = [];
  descriptions = 0;
  constructor() {
    super();
    PeerConnection.all.push(this);
  }
  getSenders() {
    return this.transceivers.map((t) => ({
      ...t.sender,
      getParameters: () => ({ encodings: [{}] }),
      setParameters: async () => undefined,
    }));
  }
  async setLocalDescription(): Promise<void> {
    this.descriptions++;
    const type = this.signalingState === 'have-remote-offer' ? 'answer' : 'offer';
    this.localDescription = { type, sdp: `v=0 ${type}` };
    this.signalingState = type === 'offer' ? 'have-local-offer' : 'stable';
  }
  async setRemoteDescription(description: { type: string }): Promise<void> {
    this.signalingState = description.type === 'offer' ? 'have-remote-offer' : 'stable';
  }
  restartIce(): void {}
  close(): void {}
}

const tick = () => new Promise((r) => setTimeout(r, 0));

const joinOptions = (over: Partial<JoinOptions> = {}): JoinOptions => ({
  roomID: 7,
  userID: 'alice',
  userSig: '',
  video: true,
  profile: VIDEO_PROFILES['360p'],
  allowPeer: (id) => id === 'bob',
  ...over,
});

describe('WebRtcMedia: a video join with the camera off', () => {
  let devices: Devices;
  let signaling: FakeRoomSignaling;
  let media: WebRtcMedia;

  beforeEach(() => {
    PeerConnection.all.length = 0;
    devices = new Devices();
    signaling = new FakeRoomSignaling();
    signaling.peers = [{ userID: 'bob', peerID: 'bob-1' }];
    media = webRtcMedia({
      signaling,
      environment: fakeEnvironment(devices, PeerConnection),
      logger: silentTransportLogger,
    });
  });

  afterEach(() => media.destroy());

  const videoSender = () =>
    PeerConnection.all[0]?.transceivers.find((t) => t.receiver.track.kind === 'video')?.sender;
  const mediaStates = () =>
    signaling.sent.flatMap((s) =>
      s.payload.kind === 'media' ? [{ audio: s.payload.audio, video: s.payload.video }] : [],
    );

  it('asks for the microphone only, then opens the camera onto the ready sender without renegotiating', async () => {
    await media.join(joinOptions({ cameraEnabled: false }));
    await tick();
    expect(devices.requests).toHaveLength(1);
    expect(devices.requests[0]?.video).toBe(false);
    expect(videoSender()).toBeDefined();
    expect(videoSender()?.track).toBeNull();
    expect(mediaStates().at(-1)).toEqual({ audio: true, video: false });

    const pc = PeerConnection.all[0]!;
    const descriptions = pc.descriptions;
    await media.setCameraEnabled(true);
    await tick();
    expect(devices.requests.at(-1)?.video).toBeTruthy();
    expect(videoSender()?.track).toMatchObject({ kind: 'video', stopped: false });
    expect(pc.descriptions).toBe(descriptions);
    expect(mediaStates().at(-1)).toEqual({ audio: true, video: true });
  });

  it('opens the camera at the join when cameraEnabled is absent', async () => {
    await media.join(joinOptions());
    expect(devices.requests[0]?.video).toBeTruthy();
  });
});
