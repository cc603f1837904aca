import { TENCENT_ERROR } from './tencent-error';
import { TrtcNetwork, fakeDevice, type FakeLocalStream } from './testing-doubles/trtc-double.test-util';
import type { TrtcMediaEngine } from './trtc-media';
import { forbidNetwork, trtcBench } from './trtc-bench.test-util';

/*
 * The Tencent engine's device check over the TRTC double: the SDK's local stream outside any
 * room (no client), its audio level polled, its player for the preview, the SDK's device errors.
 */

forbidNetwork();

describe('trtcMedia device check', () => {
  const bench = trtcBench(
    () =>
      new TrtcNetwork({
        cameras: [fakeDevice('videoinput', 'cam-1'), fakeDevice('videoinput', 'cam-2')],
        microphones: [fakeDevice('audioinput', 'mic-1')],
        speakers: [],
      }),
  );
  let media: TrtcMediaEngine;

  beforeEach(() => {
    media = bench.engine().media;
  });

  const stream = (): FakeLocalStream => bench.net.localStreams.at(-1)!;

  it('opens the chosen devices with the SDK stream outside any room, plays the preview, polls the level', async () => {
    const check = await media.startDeviceCheck({ cameraID: 'cam-2' });
    expect(bench.net.calls.find((c) => c.method === 'createStream')?.args[0]).toMatchObject({
      audio: true,
      video: true,
      cameraId: 'cam-2',
    });
    expect(bench.net.clients).toHaveLength(0);
    const target = document.createElement('div');
    document.body.append(target);
    check.attachPreview(target);
    expect(stream().playingIn).toBe(target);
    bench.net.setVolume('', 60);
    const levels: number[] = [];
    const sub = check.level$.subscribe((l) => levels.push(l));
    // Real time (the SDK's level is polled every 200 ms): wait for two readings, however slow the machine.
    for (let waited = 0; levels.length < 2 && waited < 5000; waited += 50)
      await new Promise((resolve) => setTimeout(resolve, 50));
    sub.unsubscribe();
    expect(levels.length).toBeGreaterThanOrEqual(2);
    expect(levels.every((l) => l === 60)).toBe(true);
    check.stop();
    expect(stream().isClosed).toBe(true);
    expect([stream().audioTrack?.readyState, stream().videoTrack?.readyState]).toEqual(['ended', 'ended']);
  });

  it('a refused camera fails with 60005 naming it, as a join does', async () => {
    bench.net.permission.camera = 'denied';
    await expect(media.startDeviceCheck({})).rejects.toMatchObject({
      code: TENCENT_ERROR.NO_MEDIA_ACCESS,
      device: 'camera',
    });
    expect(stream().isClosed).toBe(true);
  });

  it('an audio-only check opens no camera; destroy stops a check left open', async () => {
    const check = await media.startDeviceCheck({ video: false });
    expect(stream().videoTrack).toBeUndefined();
    let completed = false;
    check.level$.subscribe({ complete: () => (completed = true) });
    media.destroy();
    expect(completed).toBe(true);
    expect(stream().audioTrack?.readyState).toBe('ended');
    await expect(check.playTestTone()).rejects.toMatchObject({ code: TENCENT_ERROR.JOIN_ABORTED });
    await expect(media.startDeviceCheck({})).rejects.toMatchObject({ code: TENCENT_ERROR.DESTROYED });
  });

  it('prepare (instant answer) stays a no-op: no client, no stream', async () => {
    await media.prepare({ roomID: 1, userID: 'bob', userSig: 'sig' });
    expect(bench.net.clients).toHaveLength(0);
    expect(bench.net.localStreams).toHaveLength(0);
  });
});
