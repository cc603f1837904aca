import { VIDEO_PROFILES, type JoinOptions } from 'ngx-trtc-calling/core';
import { forbidNetwork, trtcBench } from './trtc-bench.test-util';
import { TrtcNetwork, fakeDevice } from './testing-doubles/trtc-double.test-util';

/*
 * A video join with the camera off (`JoinOptions.cameraEnabled: false`) on the TRTC double: the
 * local stream is created without video, so the camera is never captured, and turning the
 * camera on later captures it and adds its track to the published stream.
 */

forbidNetwork();

const joinOptions = (userID: string, overrides: Partial<JoinOptions> = {}): JoinOptions => ({
  roomID: 4242,
  userID,
  userSig: `sig-${userID}`,
  video: true,
  profile: VIDEO_PROFILES['480p'],
  ...overrides,
});

describe('trtcMedia: a video join with the camera off', () => {
  const bench = trtcBench(
    () =>
      new TrtcNetwork({
        cameras: [fakeDevice('videoinput', 'cam-1')],
        microphones: [fakeDevice('audioinput', 'mic-1')],
        speakers: [fakeDevice('audiooutput', 'spk-1')],
      }),
  );
  const streamsOf = (userID: string) => bench.net.localStreams.filter((s) => s.getUserId() === userID);
  const videoOf = (events: readonly { type: string; userID?: string; available?: boolean }[]) =>
    events.filter((e) => e.type === 'videoAvailable' && e.userID === 'bob').map((e) => e.available);

  it('creates the local stream without video, then captures the camera when it is turned on', async () => {
    const a = bench.engine();
    const b = bench.engine();
    await a.media.join(joinOptions('alice'));
    await b.media.join(joinOptions('bob', { cameraEnabled: false }));
    await bench.net.settle();

    expect(streamsOf('bob').map((s) => s.config)).toEqual([
      { audio: true, video: false, userId: 'bob', microphoneId: 'mic-1' },
    ]);
    expect(streamsOf('bob')[0]?.hasVideo()).toBe(false);
    expect(a.events).toContainEqual({ type: 'userEntered', userID: 'bob' });
    expect(videoOf(a.events)).not.toContain(true);

    await b.media.setCameraEnabled(true);
    await bench.net.settle();
    const capture = streamsOf('bob').find((s) => !s.config.audio);
    // No device was chosen: the SDK opens its default camera.
    expect(capture?.config).toEqual({ audio: false, video: true, userId: 'bob' });
    expect(streamsOf('bob')[0]?.videoTrack?.enabled).toBe(true);
    expect(videoOf(a.events).at(-1)).toBe(true);
  });

  it('needs no camera to join with it off', async () => {
    bench.net.devices.cameras = [];
    const b = bench.engine();
    await expect(b.media.join(joinOptions('bob', { cameraEnabled: false }))).resolves.toBeUndefined();
    await expect(b.media.setCameraEnabled(true)).rejects.toMatchObject({ code: 60004 });
  });
});
