import { VIDEO_PROFILES, type MediaEvent } from 'ngx-trtc-calling/core';
import { VirtualClock } from 'ngx-trtc-calling/testing';
import { silentTransportLogger } from './logger';
import { fakeEnvironment, FakeRoomSignaling, FakeTrack, fakeMediaDevices } from './fake-browser.test-util';
import { webRtcMedia, type WebRtcMedia } from './web-rtc-media';

/*
 * The engine's stats timer and screen capture in Node, over small fakes of the browser APIs:
 * the timer belongs to the room session (it stops on leave and destroy), and a refused or
 * impossible capture is a typed error. Real negotiation and frames: e2e/screen-share.spec.ts.
 */

/** Enough of an RTCPeerConnection to be created, get transceivers, and count `getStats` calls. */
class FakePeerConnection {
  static statsCalls = 0;
  readonly transceivers: unknown[] = [];
  connectionState = 'connected';
  signalingState = 'stable';
  iceGatheringState = 'new';
  localDescription = null;
  addEventListener(): void {}
  addTransceiver(kind: 'audio' | 'video') {
    const transceiver = {
      mid: String(this.transceivers.length),
      receiver: { track: new FakeTrack(kind) },
      sender: {
        track: null as unknown,
        replaceTrack: async (t: unknown) => void (transceiver.sender.track = t),
      },
      direction: 'sendrecv',
      currentDirection: null,
    };
    this.transceivers.push(transceiver);
    return transceiver;
  }
  getTransceivers = () => this.transceivers;
  getSenders = () => [];
  async setLocalDescription(): Promise<void> {}
  async getStats(): Promise<Map<string, unknown>> {
    FakePeerConnection.statsCalls++;
    return new Map([
      [
        'P',
        { type: 'candidate-pair', id: 'P', nominated: true, state: 'succeeded', currentRoundTripTime: 0.01 },
      ],
    ]);
  }
  restartIce(): void {}
  close(): void {
    this.connectionState = 'closed';
  }
}

describe('WebRtcMedia: the stats timer and the screen capture', () => {
  let clock: VirtualClock;
  let media: WebRtcMedia;
  let events: MediaEvent[];
  let getDisplayMedia: jest.Mock;

  beforeEach(async () => {
    clock = new VirtualClock({ startTime: 0 });
    FakePeerConnection.statsCalls = 0;
    getDisplayMedia = jest.fn();
    media = webRtcMedia({
      signaling: Object.assign(new FakeRoomSignaling(), { peers: [{ userID: 'bob', peerID: 'bob-1' }] }),
      scheduler: clock.scheduler,
      connectTimeout: 60_000,
      environment: fakeEnvironment(fakeMediaDevices(getDisplayMedia), FakePeerConnection),
      logger: silentTransportLogger,
    });
    events = [];
    media.events$.subscribe((e) => events.push(e));
    await media.join({
      roomID: 9,
      userID: 'alice',
      userSig: '',
      video: true,
      profile: VIDEO_PROFILES['240p'],
      allowPeer: () => true,
    });
  });

  afterEach(() => media.destroy());

  it('reads getStats every 2 s while in the room, and never after leave', async () => {
    await clock.advance(6_000);
    expect(FakePeerConnection.statsCalls).toBe(3);
    expect(events.filter((e) => e.type === 'networkQuality')).toHaveLength(3);
    await media.leave();
    await clock.advance(10_000);
    expect(FakePeerConnection.statsCalls).toBe(3);
  });

  it('never after destroy', async () => {
    await clock.advance(2_000);
    media.destroy();
    await clock.advance(10_000);
    expect(FakePeerConnection.statsCalls).toBe(1);
  });

  it('a refused capture is SCREEN_SHARE_DENIED (60030); nothing is sent', async () => {
    getDisplayMedia.mockRejectedValue(
      Object.assign(new Error('Permission denied'), { name: 'NotAllowedError' }),
    );
    await expect(media.startScreenShare()).rejects.toMatchObject({ code: 60030 });
    getDisplayMedia.mockRejectedValue(
      Object.assign(new Error('Could not start'), { name: 'NotReadableError' }),
    );
    await expect(media.startScreenShare()).rejects.toMatchObject({ code: 4955 });
    const [pc] = media.peerConnections.values();
    expect((pc as unknown as FakePeerConnection).transceivers).toHaveLength(2);
  });

  it('outside a room: rejects, asks nothing of the browser', async () => {
    await media.leave();
    await expect(media.startScreenShare()).rejects.toMatchObject({ code: 4955 });
    expect(getDisplayMedia).not.toHaveBeenCalled();
  });
});
