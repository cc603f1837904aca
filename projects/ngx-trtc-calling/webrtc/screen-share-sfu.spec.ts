import { Subject } from 'rxjs';
import { VIDEO_PROFILES, type MediaEvent } from 'ngx-trtc-calling/core';
import type { WireSfu } from 'ngx-trtc-calling/wire';
import { VirtualClock } from 'ngx-trtc-calling/testing';
import { MEDIA_ERROR } from './errors';
import {
  FakePeerConnectionBase,
  FakeRoomSignaling,
  FakeStream,
  FakeTrack,
  fakeEnvironment,
  fakeMediaDevices,
} from './fake-browser.test-util';
import { silentTransportLogger } from './logger';
import type { RoomMembership, RoomSfuEvent } from './room-signaling';
import type { SfuEngine } from './sfu-handoff';
import { webRtcMedia, type WebRtcMedia } from './web-rtc-media';

/*
 * Screen sharing is a mesh feature: in a room placed on an SFU it is refused with UNSUPPORTED
 * (60006), and a room that moves to the SFU while the screen is shared ends the share. Real
 * negotiation and frames: e2e/screen-share.spec.ts.
 */

const sfu: WireSfu = { url: 'ws://127.0.0.1:1', room: 3, token: 't', instance: 'j1' };

/** A peer connection that is created, gets transceivers and is closed; nothing is negotiated. */
class FakePeerConnection extends FakePeerConnectionBase {
  getSenders = () => [];
  async setLocalDescription(): Promise<void> {}
  async getStats(): Promise<Map<string, unknown>> {
    return new Map();
  }
  restartIce(): void {}
  close(): void {
    this.connectionState = 'closed';
  }
}

/** The room's answer carries `placed` when set; `sfu$` is the server's `room.sfu` push. */
class SfuSignaling extends FakeRoomSignaling {
  readonly sfu$ = new Subject<RoomSfuEvent>();
  placed: WireSfu | undefined;
  override async joinRoom(roomID: number): Promise<RoomMembership> {
    const membership = await super.joinRoom(roomID);
    return this.placed ? { ...membership, sfu: this.placed } : membership;
  }
}

const engine: SfuEngine = {
  peerConnections: [],
  join: async () => undefined,
  update: async () => undefined,
  leave: async () => undefined,
};

describe('WebRtcMedia: screen sharing and the SFU', () => {
  let clock: VirtualClock;
  let signaling: SfuSignaling;
  let media: WebRtcMedia;
  let events: MediaEvent[];
  let screen: FakeTrack;
  let getDisplayMedia: jest.Mock;

  beforeEach(() => {
    clock = new VirtualClock({ startTime: 0 });
    signaling = Object.assign(new SfuSignaling(), { peers: [{ userID: 'bob', peerID: 'bob-1' }] });
    screen = new FakeTrack('video', 'screen');
    getDisplayMedia = jest.fn(async () => new FakeStream([screen]));
    media = webRtcMedia({
      signaling,
      scheduler: clock.scheduler,
      connectTimeout: 60_000,
      serverIceServers: false,
      sfu: async () => ({ createSfuEngine: () => engine }),
      environment: fakeEnvironment(fakeMediaDevices(getDisplayMedia), FakePeerConnection),
      logger: silentTransportLogger,
    });
    events = [];
    media.events$.subscribe((e) => events.push(e));
  });

  afterEach(() => media.destroy());

  const join = () =>
    media.join({
      roomID: 9,
      userID: 'alice',
      userSig: '',
      video: true,
      profile: VIDEO_PROFILES['240p'],
      allowPeer: () => true,
    });

  it('in a room placed on the SFU, startScreenShare rejects with UNSUPPORTED (60006) and opens no picker', async () => {
    signaling.placed = sfu;
    await join();
    await expect(media.startScreenShare()).rejects.toMatchObject({ code: MEDIA_ERROR.UNSUPPORTED });
    expect(MEDIA_ERROR.UNSUPPORTED).toBe(60006);
    expect(getDisplayMedia).not.toHaveBeenCalled();
  });

  it('a room moving to the SFU while the screen is shared ends the share: track released, screenShareEnded', async () => {
    await join();
    await media.startScreenShare();
    expect(getDisplayMedia).toHaveBeenCalledTimes(1);
    expect(screen.stopped).toBe(false);

    signaling.sfu$.next({ roomID: 9, sfu });
    await clock.advance(0);
    expect(screen.stopped).toBe(true);
    expect(events.filter((e) => e.type === 'screenShareEnded')).toHaveLength(1);
    // On the SFU now: sharing again is refused, and stopping is a no-op that emits nothing more.
    await expect(media.startScreenShare()).rejects.toMatchObject({ code: MEDIA_ERROR.UNSUPPORTED });
    await media.stopScreenShare();
    expect(events.filter((e) => e.type === 'screenShareEnded')).toHaveLength(1);
  });

  it('a move without a share emits no screenShareEnded', async () => {
    await join();
    signaling.sfu$.next({ roomID: 9, sfu });
    await clock.advance(0);
    expect(events.some((e) => e.type === 'screenShareEnded')).toBe(false);
  });
});
