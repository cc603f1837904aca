import { VIDEO_PROFILES, type JoinOptions } from 'ngx-trtc-calling/core';
import { MEDIA_ERROR } from './errors';
import { silentTransportLogger } from './logger';
import {
  FakeRoomSignaling,
  FakeTrack,
  fakeCapture,
  fakeEnvironment,
  NoPeerConnection,
  FakeStream,
} from './fake-browser.test-util';
import type { RoomMembership } from './room-signaling';
import { webRtcMedia, type WebRtcMedia } from './web-rtc-media';

/*
 * Instant answer's room side in Node: what `prepare` asks of the signaling and the devices, and
 * how `join` and `leave` complete or undo it. The links themselves need a real browser
 * (e2e/instant-answer.spec.ts).
 */

class FakeDevices {
  denied = false;
  readonly requests: MediaStreamConstraints[] = [];
  readonly opened: FakeTrack[] = [];
  async getUserMedia(constraints: MediaStreamConstraints): Promise<FakeStream> {
    this.requests.push(constraints);
    if (this.denied) throw Object.assign(new Error('denied'), { name: 'NotAllowedError' });
    const tracks = fakeCapture(constraints);
    this.opened.push(...tracks);
    return new FakeStream(tracks);
  }
  async enumerateDevices(): Promise<never[]> {
    return [];
  }
  addEventListener(): void {}
  removeEventListener(): void {}
}

/** Records how the room is entered and left, and places it on `sfu` when set. */
class FakeSignaling extends FakeRoomSignaling {
  readonly requests: string[] = [];
  sfu: RoomMembership['sfu'];
  override async joinRoom(
    roomID: number,
    options?: { readonly prepared?: boolean },
  ): Promise<RoomMembership> {
    this.requests.push(`join ${roomID}${options?.prepared ? ' prepared' : ''}`);
    return { peerID: 'me', peers: [], ...(this.sfu ? { sfu: this.sfu } : {}) };
  }
  override async leaveRoom(roomID: number): Promise<void> {
    this.requests.push(`leave ${roomID}`);
  }
}

const join = (over: Partial<JoinOptions> = {}): JoinOptions => ({
  roomID: 7,
  userID: 'bob',
  userSig: '',
  video: true,
  profile: VIDEO_PROFILES['360p'],
  ...over,
});

describe('WebRtcMedia.prepare (instant answer)', () => {
  let devices: FakeDevices;
  let signaling: FakeSignaling;
  let media: WebRtcMedia;

  beforeEach(() => {
    devices = new FakeDevices();
    signaling = new FakeSignaling();
    media = webRtcMedia({
      signaling,
      logger: silentTransportLogger,
      serverIceServers: false,
      environment: fakeEnvironment(devices, NoPeerConnection),
    });
  });

  afterEach(() => media.destroy());

  it('enters the room receive-only: no device opened', async () => {
    await media.prepare({ roomID: 7, userID: 'bob', userSig: '' });
    expect(signaling.requests).toEqual(['join 7 prepared']);
    expect(devices.requests).toEqual([]);
    expect(media.peerID).toBe('me');
  });

  it('join for the prepared room opens the devices and joins for real, without entering twice', async () => {
    await media.prepare({ roomID: 7, userID: 'bob', userSig: '' });
    await media.join(join());
    expect(devices.requests).toHaveLength(1);
    expect(signaling.requests).toEqual(['join 7 prepared', 'join 7']);
    await media.leave();
    expect(signaling.requests.at(-1)).toBe('leave 7');
    expect(devices.opened.every((t) => t.readyState === 'ended')).toBe(true);
  });

  it('leave undoes it (declined, cancelled, timed out)', async () => {
    await media.prepare({ roomID: 7, userID: 'bob', userSig: '' });
    await media.leave();
    expect(signaling.requests).toEqual(['join 7 prepared', 'leave 7']);
    // A later call joins from scratch.
    await media.join(join({ roomID: 8 }));
    expect(signaling.requests.at(-1)).toBe('join 8');
  });

  it('a refused device on Accept rejects as join does and leaves the prepared room', async () => {
    await media.prepare({ roomID: 7, userID: 'bob', userSig: '' });
    devices.denied = true;
    await expect(media.join(join())).rejects.toMatchObject({ code: MEDIA_ERROR.ACCESS_DENIED });
    expect(signaling.requests).toEqual(['join 7 prepared', 'leave 7']);
    expect(media.peerID).toBeUndefined();
  });

  it('a room on an SFU is not prepared: it is left again, and Accept joins as usual', async () => {
    signaling.sfu = { url: 'ws://127.0.0.1:1', room: 1, token: 't', instance: 'j1' };
    await media.prepare({ roomID: 7, userID: 'bob', userSig: '' });
    expect(signaling.requests).toEqual(['join 7 prepared', 'leave 7']);
    expect(media.peerID).toBeUndefined();
  });

  it('does nothing while already in a room', async () => {
    await media.join(join());
    await media.prepare({ roomID: 9, userID: 'bob', userSig: '' });
    expect(signaling.requests).toEqual(['join 7']);
  });
});
