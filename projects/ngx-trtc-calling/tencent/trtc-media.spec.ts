import { VIDEO_PROFILES, type JoinOptions } from 'ngx-trtc-calling/core';
import { DEV_SDK_APP_ID as SDK_APP_ID } from 'ngx-trtc-calling/wire';
import { forbidNetwork, trtcBench } from './trtc-bench.test-util';
import {
  FakeRtcError,
  TRTC_CODE,
  TrtcNetwork,
  fakeDevice,
  type FakeLocalStream,
  type FakeRemoteStream,
  type FakeTrack,
} from './testing-doubles/trtc-double.test-util';
import { TENCENT_ERROR, TencentError } from './tencent-error';
import { trtcMedia } from './trtc-media';
const ROOM = 4242;

forbidNetwork();

function joinOptions(userID: string, overrides: Partial<JoinOptions> = {}): JoinOptions {
  return {
    roomID: ROOM,
    userID,
    userSig: `sig-${userID}`,
    video: true,
    profile: VIDEO_PROFILES['480p'],
    ...overrides,
  };
}

describe('trtcMedia', () => {
  const bench = trtcBench(
    () =>
      new TrtcNetwork({
        cameras: [fakeDevice('videoinput', 'cam-1'), fakeDevice('videoinput', 'cam-2')],
        microphones: [fakeDevice('audioinput', 'mic-1'), fakeDevice('audioinput', 'mic-2')],
        speakers: [fakeDevice('audiooutput', 'spk-1'), fakeDevice('audiooutput', 'spk-2')],
      }),
  );
  const engine = () => bench.engine();
  const { clientOf } = bench;
  const localOf = (userID: string): FakeLocalStream =>
    bench.net.localStreams.filter((s) => s.getUserId() === userID && s.config.audio).at(-1)!;
  const remoteAt = (receiver: string, publisher: string): FakeRemoteStream =>
    clientOf(receiver).remoteStreams.get(publisher)!;

  async function pair(video = true) {
    const a = engine();
    const b = engine();
    await a.media.join(joinOptions('alice', { video }));
    await b.media.join(joinOptions('bob', { video }));
    await bench.net.settle();
    return { a, b };
  }

  describe('join', () => {
    it('follows the reference sequence of SDK calls', async () => {
      const { media } = engine();
      await media.join(joinOptions('alice', { microphoneID: 'mic-2', cameraID: 'cam-2' }));
      const calls = bench.net.calls
        .filter((c) => c.method !== 'getSpeakers')
        .map((c) => [c.target, c.method, ...c.args]);
      const stream = localOf('alice');
      expect(calls).toEqual([
        ['TRTC', 'checkSystemRequirements'],
        ['TRTC', 'getCameras'],
        ['TRTC', 'getMicrophones'],
        [
          'TRTC',
          'createClient',
          { mode: 'rtc', sdkAppId: SDK_APP_ID, userId: 'alice', userSig: 'sig-alice' },
        ],
        ['client:alice', 'join', { roomId: ROOM }],
        [
          'TRTC',
          'createStream',
          { audio: true, video: true, userId: 'alice', microphoneId: 'mic-2', cameraId: 'cam-2' },
        ],
        ['local:alice', 'setVideoProfile', { width: 640, height: 480, frameRate: 15, bitrate: 900 }],
        ['local:alice', 'initialize'],
        ['client:alice', 'publish', stream],
        ['client:alice', 'enableAudioVolumeEvaluation', 1000],
      ]);
      expect(media.joined).toBe(true);
      expect(stream.audioTrack?.deviceId).toBe('mic-2');
      expect(stream.videoTrack?.deviceId).toBe('cam-2');
    });

    it('publishes audio only for an audio call (no cameraId)', async () => {
      const { media } = engine();
      await media.join(joinOptions('alice', { video: false }));
      const create = bench.net.calls.find((c) => c.method === 'createStream')!;
      expect(create.args[0]).toEqual({ audio: true, video: false, userId: 'alice', microphoneId: 'mic-1' });
      expect(localOf('alice').hasVideo()).toBe(false);
    });

    it('falls back to the first device when the preferred one is absent, and remembers switchDevice', async () => {
      const { media } = engine();
      await media.switchDevice('microphone', 'mic-2');
      await media.join(joinOptions('alice', { cameraID: 'gone' }));
      expect(bench.net.calls.find((c) => c.method === 'createStream')!.args[0]).toMatchObject({
        microphoneId: 'mic-2',
        cameraId: 'cam-1',
      });
    });

    it('rejects 60006 when checkSystemRequirements says unsupported, acquiring nothing', async () => {
      bench.net.supported = false;
      const { media } = engine();
      await expect(media.join(joinOptions('alice'))).rejects.toMatchObject({
        name: 'TencentError',
        code: 60006,
      });
      expect(bench.net.clients).toHaveLength(0);
      expect(media.joined).toBe(false);
    });

    it('rejects 60003 without a microphone and 60004 for video without a camera', async () => {
      bench.net.devices.microphones = [];
      const { media } = engine();
      await expect(media.join(joinOptions('alice', { video: false }))).rejects.toMatchObject({ code: 60003 });
      bench.net.devices.microphones = [fakeDevice('audioinput', 'mic-1')];
      bench.net.devices.cameras = [];
      await expect(media.join(joinOptions('alice'))).rejects.toMatchObject({ code: 60004 });
      expect(bench.net.clients).toHaveLength(0);
      await expect(media.join(joinOptions('alice', { video: false }))).resolves.toBeUndefined();
    });

    it('rejects 60005 when access is denied, leaving the room and releasing the client', async () => {
      bench.net.permission.microphone = 'denied';
      const { media } = engine();
      const error = await media.join(joinOptions('alice')).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TencentError);
      expect(error).toMatchObject({ code: 60005 });
      expect((error as TencentError).cause).toMatchObject({ name: 'NotAllowedError' });
      const client = clientOf('alice');
      expect(client.isJoined).toBe(false);
      expect(client.listenerCount()).toBe(0);
      expect(client.isDestroyed).toBe(true);
      expect(bench.net.members(ROOM)).toHaveLength(0);
    });

    it("reports TRTC's room size: 50 users who publish", () => {
      expect(engine().media.maxParticipants).toBe(50);
    });

    it('names the refused device: the camera when the microphone alone is granted', async () => {
      bench.net.permission.camera = 'denied';
      const { media } = engine();
      await expect(media.join(joinOptions('alice'))).rejects.toMatchObject({ code: 60005, device: 'camera' });
      expect(bench.net.members(ROOM)).toHaveLength(0);
      bench.net.permission.microphone = 'denied';
      await expect(media.join(joinOptions('alice'))).rejects.toMatchObject({
        code: 60005,
        device: 'microphone',
      });
      await expect(media.join(joinOptions('alice', { video: false }))).rejects.toMatchObject({
        device: 'microphone',
      });
    });

    it('maps a busy device to 60005 and a vanished preferred device to 60003', async () => {
      bench.net.busy.add('mic-1');
      const { media } = engine();
      await expect(media.join(joinOptions('alice', { video: false }))).rejects.toMatchObject({ code: 60005 });
      bench.net.busy.clear();
      bench.net.failNext.initialize = new FakeRtcError(TRTC_CODE.INITIALIZE_FAILED, 'gone', 'NotFoundError');
      await expect(media.join(joinOptions('alice', { video: false }))).rejects.toMatchObject({ code: 60003 });
    });

    it('rejects with the TRTC code when join fails, and removes its listeners', async () => {
      bench.net.failNext.join = new FakeRtcError(TRTC_CODE.JOIN_ROOM_FAILED, 'join failed');
      const { media } = engine();
      await expect(media.join(joinOptions('alice'))).rejects.toMatchObject({
        code: TRTC_CODE.JOIN_ROOM_FAILED,
      });
      expect(clientOf('alice').listenerCount()).toBe(0);
      expect(bench.net.localStreams).toHaveLength(0);
    });

    it('reports a failed publish as an error event and stays in the room (as the reference)', async () => {
      bench.net.failNext.publish = new FakeRtcError(0x4005, 'publish failed');
      const { media, events } = engine();
      await media.join(joinOptions('alice'));
      expect(events).toContainEqual({ type: 'error', code: 0x4005, message: 'publish failed' });
      expect(media.joined).toBe(true);
    });

    it('refuses a second join and an invalid room', async () => {
      const { media } = engine();
      await expect(media.join(joinOptions('alice', { roomID: 0 }))).rejects.toMatchObject({ code: 0x1000 });
      await media.join(joinOptions('alice'));
      await expect(media.join(joinOptions('alice'))).rejects.toMatchObject({ code: 0x1001 });
    });

    it('is aborted by leave() while joining and releases everything', async () => {
      const { media } = engine();
      const joining = media.join(joinOptions('alice'));
      const leaving = media.leave();
      await expect(joining).rejects.toMatchObject({ code: TENCENT_ERROR.JOIN_ABORTED });
      await leaving;
      expect(bench.net.members(ROOM)).toHaveLength(0);
      expect(media.joined).toBe(false);
      for (const s of bench.net.localStreams) expect(s.isClosed || !s.isInitialized).toBe(true);
    });
  });

  describe('remote users', () => {
    it('subscribes on stream-added and reports userEntered on stream-subscribed, both sides', async () => {
      const { a, b } = await pair();
      expect(a.events).toContainEqual({ type: 'userEntered', userID: 'bob' });
      expect(b.events).toContainEqual({ type: 'userEntered', userID: 'alice' });
      const subscribers = bench.net.calls.filter((c) => c.method === 'subscribe').map((c) => c.target);
      expect(subscribers.sort()).toEqual(['client:alice', 'client:bob']);
      expect(a.events.filter((e) => e.type === 'userEntered')).toHaveLength(1);
    });

    it('maps the initial and later mute/unmute events to availability', async () => {
      const { a, b } = await pair();
      expect(a.events).toContainEqual({ type: 'audioAvailable', userID: 'bob', available: true });
      expect(a.events).toContainEqual({ type: 'videoAvailable', userID: 'bob', available: true });
      await b.media.setMicMuted(true);
      await b.media.setCameraEnabled(false);
      await bench.net.settle();
      expect(localOf('bob').audioTrack!.enabled).toBe(false);
      expect(a.events.slice(-2)).toEqual([
        { type: 'audioAvailable', userID: 'bob', available: false },
        { type: 'videoAvailable', userID: 'bob', available: false },
      ]);
      await b.media.setMicMuted(false);
      await bench.net.settle();
      expect(a.events.at(-1)).toEqual({ type: 'audioAvailable', userID: 'bob', available: true });
    });

    it('maps audio-volume to volume with userID/volume pairs', async () => {
      const { a } = await pair();
      bench.net.setVolume('alice', 12);
      bench.net.setVolume('bob', 70);
      bench.net.emitVolumes();
      expect(a.events.at(-1)).toEqual({
        type: 'volume',
        volumes: [
          { userID: 'alice', volume: 12 },
          { userID: 'bob', volume: 70 },
        ],
      });
    });

    it('plays remote audio in a hidden element without the app, and moves it on attach/detach', async () => {
      const { a } = await pair();
      const bobAtAlice = remoteAt('alice', 'bob');
      const hidden = bobAtAlice.playingIn!;
      expect(hidden.closest('[data-trtc-calling-audio]')).not.toBeNull();
      expect((hidden.parentElement as HTMLElement).style.display).toBe('none');
      const view = document.createElement('div');
      view.id = 'bob-view';
      document.body.appendChild(view);
      a.media.attachRemote('bob', 'bob-view');
      expect(bench.net.calls.at(-1)).toMatchObject({
        target: 'remote:bob@alice',
        method: 'play',
        args: ['bob-view'],
      });
      expect(bobAtAlice.playingIn).toBe(view);
      expect(hidden.isConnected).toBe(false);
      a.media.detachRemote('bob');
      expect(bobAtAlice.playingIn).not.toBe(view);
      expect(bobAtAlice.playingIn!.closest('[data-trtc-calling-audio]')).not.toBeNull();
    });

    it('plays into a target attached before the user entered', async () => {
      const a = engine();
      const view = document.createElement('div');
      document.body.appendChild(view);
      a.media.attachRemote('bob', view);
      await a.media.join(joinOptions('alice'));
      const b = engine();
      await b.media.join(joinOptions('bob'));
      await bench.net.settle();
      expect(remoteAt('alice', 'bob').playingIn).toBe(view);
    });

    it('reports userLeft on stream-removed and releases the stream and its element', async () => {
      const { a, b } = await pair(false);
      const bobAtAlice = remoteAt('alice', 'bob');
      const hidden = bobAtAlice.playingIn!;
      await b.media.leave();
      await bench.net.settle();
      expect(a.events).toContainEqual({ type: 'userLeft', userID: 'bob' });
      expect(a.events.filter((e) => e.type === 'userLeft')).toHaveLength(1);
      expect(bobAtAlice.isClosed).toBe(true);
      expect(bobAtAlice.stopCount).toBeGreaterThan(0);
      expect(hidden.isConnected).toBe(false);
      expect(document.querySelector('[data-trtc-calling-audio]')).toBeNull();
    });

    it('reports userLeft on peer-leave when a peer vanishes', async () => {
      const { a } = await pair();
      bench.net.drop(clientOf('bob'));
      await bench.net.settle();
      expect(a.events.filter((e) => e.type === 'userLeft')).toEqual([{ type: 'userLeft', userID: 'bob' }]);
    });

    it('maps error to error and client-banned to failed', async () => {
      const { a } = await pair();
      bench.net.raiseError(clientOf('alice'), 0x4006, 'signal reconnection failed');
      expect(a.events.at(-1)).toEqual({ type: 'error', code: 0x4006, message: 'signal reconnection failed' });
      // the same userId entering the room elsewhere bans the earlier client
      const intruder = engine();
      await intruder.media.join(joinOptions('alice'));
      await bench.net.settle();
      expect(a.events).toContainEqual(
        expect.objectContaining({ type: 'failed', code: TRTC_CODE.CLIENT_BANNED }),
      );
    });

    it('reports blocked autoplay once and resumes on the next user gesture', async () => {
      bench.net.autoplayBlocked = true;
      const { a } = await pair();
      const blocked = a.events.filter((e) => e.type === 'error');
      expect(blocked).toEqual([expect.objectContaining({ type: 'error', code: 0x4043 })]);
      const bobAtAlice = remoteAt('alice', 'bob');
      expect(bobAtAlice.resumeCount).toBe(0);
      document.body.dispatchEvent(new MouseEvent('click', { bubbles: true }));
      await bench.net.settle();
      expect(bobAtAlice.resumeCount).toBe(1);
      document.body.dispatchEvent(new MouseEvent('click', { bubbles: true }));
      expect(bobAtAlice.resumeCount).toBe(1); // listener gone after one gesture
    });
  });

  describe('local controls', () => {
    it('attaches the local stream (also when attached before join) and detaches it', async () => {
      const { media } = engine();
      const view = document.createElement('div');
      view.id = 'me';
      document.body.appendChild(view);
      media.attachLocal('me');
      await media.join(joinOptions('alice'));
      const stream = localOf('alice');
      expect(stream.playingIn).toBe(view);
      media.detachLocal();
      expect(stream.playingIn).toBeUndefined();
    });

    it('re-enables the camera track for real (fixes the reference §8.11)', async () => {
      const { a, b } = await pair();
      const track = localOf('bob').videoTrack!;
      await b.media.setCameraEnabled(false);
      expect(track.enabled).toBe(false);
      // An SDK whose unmuteVideo leaves the track disabled (what the reference ends up with).
      const stream = localOf('bob');
      const unmute = jest.spyOn(stream, 'unmuteVideo').mockReturnValue(true);
      await b.media.setCameraEnabled(true);
      expect(unmute).toHaveBeenCalled();
      expect(track.enabled).toBe(true);
      unmute.mockRestore();
      await b.media.setCameraEnabled(false);
      await b.media.setCameraEnabled(true);
      await bench.net.settle();
      expect(track.enabled).toBe(true);
      expect(a.events.at(-1)).toEqual({ type: 'videoAvailable', userID: 'bob', available: true });
    });

    it('captures a camera track with a video-only stream when there is none', async () => {
      const { a, b } = await pair(false);
      await b.media.switchDevice('camera', 'cam-2');
      await b.media.setCameraEnabled(true);
      await bench.net.settle();
      const capture = bench.net.localStreams.find((s) => s.getUserId() === 'bob' && !s.config.audio)!;
      expect(capture.config).toEqual({ audio: false, video: true, userId: 'bob', cameraId: 'cam-2' });
      const track = localOf('bob').videoTrack!;
      expect(track.deviceId).toBe('cam-2');
      expect(track.enabled).toBe(true);
      expect(a.events.at(-1)).toEqual({ type: 'videoAvailable', userID: 'bob', available: true });
    });

    it('rejects 60004/60005 when the camera cannot be captured', async () => {
      const { b } = await pair(false);
      bench.net.devices.cameras = [];
      await expect(b.media.setCameraEnabled(true)).rejects.toMatchObject({ code: 60004 });
      bench.net.devices.cameras = [fakeDevice('videoinput', 'cam-1')];
      bench.net.permission.camera = 'denied';
      await expect(b.media.setVideoPublished(true)).rejects.toMatchObject({ code: 60005 });
    });

    it('removes and stops the video track for audio, adds a new one for video', async () => {
      const { a, b } = await pair();
      const stream = localOf('bob');
      const track = stream.videoTrack!;
      await b.media.setVideoPublished(false);
      await bench.net.settle();
      expect(stream.videoTrack).toBeUndefined();
      expect(track.readyState).toBe('ended');
      expect(a.events.at(-1)).toEqual({ type: 'videoAvailable', userID: 'bob', available: false });
      await b.media.setVideoPublished(true);
      await bench.net.settle();
      expect(stream.videoTrack).toBeDefined();
      expect(stream.videoTrack).not.toBe(track);
      expect(a.events.at(-1)).toEqual({ type: 'videoAvailable', userID: 'bob', available: true });
    });

    it('switches microphone and camera on the local stream and the speaker on remote streams', async () => {
      const { a } = await pair();
      await a.media.switchDevice('microphone', 'mic-2');
      await a.media.switchDevice('camera', 'cam-2');
      await a.media.switchDevice('speaker', 'spk-2');
      const local = bench.net.calls.filter((c) => c.method === 'switchDevice').map((c) => c.args);
      expect(local).toEqual([
        ['audio', 'mic-2'],
        ['video', 'cam-2'],
      ]);
      expect(localOf('alice').audioTrack!.deviceId).toBe('mic-2');
      expect(remoteAt('alice', 'bob').audioOutput).toBe('spk-2');
      await expect(a.media.switchDevice('camera', 'nope')).rejects.toMatchObject({ code: 60004 });
      // a remote user entering later gets the chosen speaker too
      const c = engine();
      await c.media.join(joinOptions('carol'));
      await bench.net.settle();
      expect(remoteAt('alice', 'carol').audioOutput).toBe('spk-2');
    });

    it("uses the join's profile, then applies later profiles to the running stream and recaptures", async () => {
      const { media } = engine();
      await media.setVideoProfile(VIDEO_PROFILES['720p']);
      await media.join(joinOptions('alice'));
      await media.setVideoProfile(VIDEO_PROFILES['240p']);
      expect(localOf('alice').videoProfiles).toEqual([VIDEO_PROFILES['480p'], VIDEO_PROFILES['240p']]);
      await media.setVideoPublished(false);
      await media.setVideoPublished(true);
      const capture = bench.net.localStreams.find((s) => s.getUserId() === 'alice' && !s.config.audio)!;
      expect(capture.videoProfiles).toEqual([VIDEO_PROFILES['240p']]);
    });

    it('applies mute and camera-off requested while joining before publishing', async () => {
      const { media } = engine();
      const joining = media.join(joinOptions('alice'));
      await media.setMicMuted(true);
      await media.setCameraEnabled(false);
      await joining;
      const stream = localOf('alice');
      const publishAt = bench.net.calls.findIndex((c) => c.method === 'publish');
      const mutedAt = bench.net.calls.findIndex((c) => c.method === 'muteAudio');
      expect(mutedAt).toBeGreaterThan(-1);
      expect(mutedAt).toBeLessThan(publishAt);
      expect(stream.audioTrack!.enabled).toBe(false);
      expect(stream.videoTrack!.enabled).toBe(false);
    });

    it('ignores local controls outside a room', async () => {
      const { media } = engine();
      await expect(media.setMicMuted(true)).resolves.toBeUndefined();
      await expect(media.setCameraEnabled(false)).resolves.toBeUndefined();
      await expect(media.setVideoPublished(true)).resolves.toBeUndefined();
      expect(() => media.attachRemote('bob', 'x')).not.toThrow();
      expect(() => media.detachLocal()).not.toThrow();
    });
  });

  describe('devices', () => {
    it('lists devices through TRTC.getCameras/getMicrophones/getSpeakers', async () => {
      const { media } = engine();
      const devices = await media.getDevices();
      expect(devices.cameras).toEqual([
        { deviceID: 'cam-1', kind: 'camera', label: 'cam-1', groupID: 'group-cam-1' },
        { deviceID: 'cam-2', kind: 'camera', label: 'cam-2', groupID: 'group-cam-2' },
      ]);
      expect(devices.microphones.map((d) => d.deviceID)).toEqual(['mic-1', 'mic-2']);
      expect(devices.speakers.map((d) => d.kind)).toEqual(['speaker', 'speaker']);
    });

    it('reports devicechange as devicesChanged and falls back when the device in use is unplugged', async () => {
      const { media, events } = engine();
      await media.join(joinOptions('alice'));
      bench.net.setDevices({ microphones: [fakeDevice('audioinput', 'mic-2')] });
      await bench.net.settle();
      expect(events).toContainEqual(
        expect.objectContaining({
          type: 'devicesChanged',
          devices: expect.objectContaining({ microphones: [expect.objectContaining({ deviceID: 'mic-2' })] }),
        }),
      );
      expect(events).toContainEqual({
        type: 'deviceFallback',
        kind: 'microphone',
        from: 'mic-1',
        to: 'mic-2',
      });
      expect(localOf('alice').audioTrack!.deviceId).toBe('mic-2');
      bench.net.setDevices({ cameras: [] });
      await bench.net.settle();
      expect(events.at(-1)).toEqual({ type: 'deviceFallback', kind: 'camera', from: 'cam-1' });
    });

    it('does not touch navigator.mediaDevices when told not to, and stops listening on destroy', () => {
      const quiet = trtcMedia({ SDKAppID: SDK_APP_ID, TRTC: bench.net.TRTC, mediaDevices: null });
      expect(bench.net.deviceChangeListenerCount()).toBe(0);
      quiet.destroy();
      const { media } = engine();
      expect(bench.net.deviceChangeListenerCount()).toBe(1);
      media.destroy();
      expect(bench.net.deviceChangeListenerCount()).toBe(0);
    });
  });

  describe('leave and destroy', () => {
    it('leave unpublishes, leaves, closes every stream and turns volume evaluation off', async () => {
      const { a, b } = await pair();
      const client = clientOf('alice');
      const stream = localOf('alice');
      const bobAtAlice = remoteAt('alice', 'bob');
      const tracks = [stream.audioTrack!, stream.videoTrack!] as FakeTrack[];
      bench.net.calls.length = 0;
      await a.media.leave();
      await bench.net.settle();
      expect(
        bench.net.calls.filter((c) => c.target === 'client:alice').map((c) => [c.method, ...c.args]),
      ).toEqual([['unpublish', stream], ['leave'], ['enableAudioVolumeEvaluation', -1], ['destroy']]);
      expect(stream.isClosed).toBe(true);
      for (const t of tracks) expect(t.readyState).toBe('ended');
      expect(bobAtAlice.isClosed).toBe(true);
      expect(client.listenerCount()).toBe(0);
      expect(client.volumeInterval).toBeUndefined();
      expect(a.events.at(-1)).toEqual({ type: 'userLeft', userID: 'bob' });
      expect(b.events.at(-1)).toEqual({ type: 'userLeft', userID: 'alice' });
      expect(document.querySelector('[data-trtc-calling-audio]')).toBeNull();
      expect(a.media.joined).toBe(false);
      // safe to repeat, and the engine can join again
      await a.media.leave();
      await a.media.join(joinOptions('alice'));
      await bench.net.settle();
      expect(a.events.at(-1)).toEqual(expect.objectContaining({ userID: 'bob' }));
    });

    it('releases the camera track added during the call on leave', async () => {
      const { b } = await pair(false);
      await b.media.setCameraEnabled(true);
      const added = localOf('bob').videoTrack!;
      await b.media.leave();
      expect(added.readyState).toBe('ended');
    });

    it('destroy leaves the room, completes events$ and refuses further use', async () => {
      const { a } = await pair();
      let completed = false;
      a.media.events$.subscribe({ complete: () => (completed = true) });
      a.media.destroy();
      await bench.net.settle();
      expect(completed).toBe(true);
      expect(bench.net.members(ROOM).map((c) => c.userId)).toEqual(['bob']);
      await expect(a.media.join(joinOptions('alice'))).rejects.toMatchObject({
        code: TENCENT_ERROR.DESTROYED,
      });
      await expect(a.media.getDevices()).rejects.toMatchObject({ code: TENCENT_ERROR.DESTROYED });
    });
  });
});
