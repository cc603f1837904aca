import { VIDEO_PROFILES, type JoinOptions, type MediaDevice, type MediaEvent } from 'ngx-trtc-calling/core';
import { recordEvents } from './record';
import { virtualSetup } from './spec-helpers.test-util';
import { VirtualErrorCode } from './virtual-errors';
import { DEFAULT_VIRTUAL_DEVICES } from './virtual-media-options';

function joinOptions(userID: string, video = true, roomID = 42): JoinOptions {
  return { roomID, userID, userSig: 'sig', video, profile: VIDEO_PROFILES['480p'] };
}

/** A short letter per event kind, for marbles. */
function letter(event: MediaEvent): string {
  switch (event.type) {
    case 'userEntered':
      return 'E';
    case 'userLeft':
      return 'L';
    case 'audioAvailable':
      return event.available ? 'A' : 'a';
    case 'videoAvailable':
      return event.available ? 'V' : 'v';
    case 'volume':
      return 's';
    case 'devicesChanged':
      return 'D';
    case 'deviceFallback':
      return 'F';
    case 'failed':
      return 'X';
    case 'error':
      return 'x';
    case 'networkQuality':
      return 'q';
    case 'stats':
      return 't';
    case 'screenShareAvailable':
      return event.available ? 'S' : 'z';
    case 'screenShareEnded':
      return 'Z';
    case 'connectionState':
      return 'c';
  }
}

const camera2: MediaDevice = { deviceID: 'usb-camera', kind: 'camera', label: 'USB Camera' };
const mic2: MediaDevice = { deviceID: 'headset-mic', kind: 'microphone', label: 'Headset' };

describe('VirtualMediaEngine (VirtualNetwork.media)', () => {
  describe('join', () => {
    it('announces the joiner to members and the members to the joiner, one latency later', async () => {
      const { clock, network } = virtualSetup({ latency: 30 });
      const alice = network.media();
      const bob = network.media();
      const aliceEvents = recordEvents(alice.events$, clock);
      const bobEvents = recordEvents(bob.events$, clock);

      await alice.join(joinOptions('alice', true));
      await clock.advance(100);
      await bob.join(joinOptions('bob', false));
      expect(bobEvents.values).toEqual([]);
      await clock.advance(29);
      expect(bobEvents.values).toEqual([]);
      await clock.advance(1);

      expect(aliceEvents.values).toEqual([
        { type: 'userEntered', userID: 'bob' },
        { type: 'audioAvailable', userID: 'bob', available: true },
      ]);
      expect(bobEvents.values).toEqual([
        { type: 'userEntered', userID: 'alice' },
        { type: 'audioAvailable', userID: 'alice', available: true },
        { type: 'videoAvailable', userID: 'alice', available: true },
      ]);
      expect(aliceEvents.marbles(letter)).toBe('130ms (EA)');
      expect(network.rooms()).toEqual(new Map([[42, ['alice', 'bob']]]));
      expect(bob.remoteUsers).toEqual(new Map([['alice', { audio: true, video: true }]]));
      expect([alice.roomID, alice.userID]).toEqual([42, 'alice']);
    });

    it('fails with 60003 without a microphone, 60004 without a camera for video, 60005 when denied — acquiring nothing', async () => {
      const { network } = virtualSetup();
      const noMic = network.media({ devices: { microphones: [] } });
      const noCamera = network.media({ devices: { cameras: [] } });
      const denied = network.media({ deniedAccess: true });
      await expect(noMic.join(joinOptions('a'))).rejects.toMatchObject({ code: 60003 });
      await expect(noCamera.join(joinOptions('b', true))).rejects.toMatchObject({ code: 60004 });
      await expect(denied.join(joinOptions('c'))).rejects.toMatchObject({ code: 60005 });
      expect(network.liveTracks()).toBe(0);
      expect(network.rooms().size).toBe(0);
      await expect(noCamera.join(joinOptions('b', false))).resolves.toBeUndefined();
      expect(network.liveTracks()).toBe(1);
    });

    it('refuses a second join without leaving', async () => {
      const { network } = virtualSetup();
      const alice = network.media();
      await alice.join(joinOptions('alice'));
      await expect(alice.join(joinOptions('alice', true, 7))).rejects.toMatchObject({
        code: VirtualErrorCode.INVALID_PARAMETER,
      });
      expect(network.rooms()).toEqual(new Map([[42, ['alice']]]));
    });

    it('drops the older engine when the same user joins the same room again', async () => {
      const { clock, network } = virtualSetup({ latency: 10 });
      const phone = network.media();
      const laptop = network.media();
      const bob = network.media();
      await phone.join(joinOptions('alice', true));
      await bob.join(joinOptions('bob', false));
      await clock.advance(10);
      const phoneEvents = recordEvents(phone.events$, clock);
      const bobEvents = recordEvents(bob.events$, clock);
      expect(network.liveTracks()).toBe(3);

      await laptop.join(joinOptions('alice', false));
      expect(network.rooms()).toEqual(new Map([[42, ['bob', 'alice']]]));
      expect(phone.roomID).toBeUndefined();
      expect(phone.tracks).toEqual({});
      expect(network.liveTracks()).toBe(2);
      await clock.advance(10);
      expect(phoneEvents.values).toEqual([
        { type: 'failed', code: VirtualErrorCode.SUPERSEDED, message: expect.stringContaining('room 42') },
      ]);
      expect(bobEvents.values).toEqual([
        { type: 'userLeft', userID: 'alice' },
        { type: 'userEntered', userID: 'alice' },
        { type: 'audioAvailable', userID: 'alice', available: true },
      ]);
    });
  });

  describe('knobs for what goes wrong on real devices', () => {
    it('maxParticipants: every engine reports it and a join into a full room fails with 4026, holding nothing', async () => {
      const { clock, network } = virtualSetup({ maxParticipants: 2 });
      const [a, b, c] = [network.media(), network.media(), network.media()];
      expect([a.maxParticipants, network.media().maxParticipants]).toEqual([2, 2]);
      expect(virtualSetup().network.media().maxParticipants).toBe(Number.POSITIVE_INFINITY);
      await a.join(joinOptions('a'));
      await b.join(joinOptions('b'));
      const tracks = network.liveTracks();
      await expect(c.join(joinOptions('c'))).rejects.toMatchObject({ code: VirtualErrorCode.ROOM_FULL });
      expect(network.liveTracks()).toBe(tracks);
      expect(network.rooms().get(42)).toEqual(['a', 'b']);
      await b.leave();
      await clock.advance(0);
      await expect(c.join(joinOptions('c'))).resolves.toBeUndefined();
      expect(() => virtualSetup({ maxParticipants: 0 })).toThrow(/maxParticipants/);
    });

    it('joinDelay: the join enters the room only after the delay; a leave meanwhile rejects it with 90006', async () => {
      const { clock, network } = virtualSetup();
      const slow = network.media({ joinDelay: 2_000 });
      let joined = false;
      const join = slow.join(joinOptions('slow')).then(() => (joined = true));
      await clock.advance(1_999);
      expect([joined, network.rooms().size, network.liveTracks()]).toEqual([false, 0, 0]);
      await expect(slow.join(joinOptions('slow'))).rejects.toMatchObject({ code: 6017 });
      await clock.advance(1);
      await join;
      expect(network.rooms().get(42)).toEqual(['slow']);

      await slow.leave();
      const cut = slow.join(joinOptions('slow'));
      await clock.advance(500);
      await slow.leave();
      await expect(cut).rejects.toMatchObject({ code: VirtualErrorCode.JOIN_ABORTED });
      const destroyed = slow.join(joinOptions('slow'));
      slow.destroy();
      await expect(destroyed).rejects.toMatchObject({ code: VirtualErrorCode.JOIN_ABORTED });
      expect([network.rooms().size, network.liveTracks(), clock.pending()]).toEqual([0, 0, 0]);
    });

    it('eventDelay: that engine learns of the room later than the latency; the others do not', async () => {
      const { clock, network } = virtualSetup({ latency: 10 });
      const late = network.media({ eventDelay: 500 });
      const prompt = network.media();
      const lateEvents = recordEvents(late.events$, clock);
      const promptEvents = recordEvents(prompt.events$, clock);
      await late.join(joinOptions('late', false));
      await prompt.join(joinOptions('prompt', false));
      await clock.advance(1_000);
      expect(promptEvents.marbles(letter)).toBe('10ms (EA)');
      expect(lateEvents.marbles(letter)).toBe('510ms (EA)');
    });

    it("deniedAccess 'camera': video joins and turning video on fail with 60005 naming the camera; audio works", async () => {
      const { network } = virtualSetup();
      const media = network.media({ deniedAccess: 'camera' });
      await expect(media.join(joinOptions('a', true))).rejects.toMatchObject({
        code: 60005,
        device: 'camera',
      });
      expect(network.liveTracks()).toBe(0);
      await media.join(joinOptions('a', false));
      await expect(media.setVideoPublished(true)).rejects.toMatchObject({ code: 60005, device: 'camera' });
      expect(media.tracks.video).toBeUndefined();
    });

    it("deniedAccess 'microphone' (and true) fail every join with 60005 naming the microphone; missing devices name theirs", async () => {
      const { network } = virtualSetup();
      await expect(
        network.media({ deniedAccess: 'microphone' }).join(joinOptions('a', false)),
      ).rejects.toMatchObject({ code: 60005, device: 'microphone' });
      await expect(network.media({ deniedAccess: true }).join(joinOptions('b', false))).rejects.toMatchObject(
        {
          code: 60005,
        },
      );
      await expect(
        network.media({ devices: { microphones: [] } }).join(joinOptions('c', false)),
      ).rejects.toMatchObject({ code: 60003, device: 'microphone' });
      await expect(
        network.media({ devices: { cameras: [] } }).join(joinOptions('d', true)),
      ).rejects.toMatchObject({
        code: 60004,
        device: 'camera',
      });
      expect(network.liveTracks()).toBe(0);
    });
  });

  describe('tracks', () => {
    it('counts acquired tracks (audio; audio + video) and releases them all on leave and destroy', async () => {
      const { network } = virtualSetup();
      const alice = network.media();
      const bob = network.media();
      await alice.join(joinOptions('alice', false));
      expect(network.liveTracks()).toBe(1);
      await bob.join(joinOptions('bob', true));
      expect(network.liveTracks()).toBe(3);
      expect(bob.tracks).toEqual({
        audio: expect.objectContaining({ kind: 'audio', deviceID: 'virtual-microphone' }),
        video: expect.objectContaining({ kind: 'video', deviceID: 'virtual-camera' }),
      });
      await alice.leave();
      expect(network.liveTracks()).toBe(2);
      await alice.leave();
      expect(network.liveTracks()).toBe(2);
      bob.destroy();
      expect(network.liveTracks()).toBe(0);
      expect(network.rooms().size).toBe(0);
    });
  });

  describe('leave', () => {
    it('tells the others userLeft, drops remote views, and keeps the engine usable', async () => {
      const { clock, network } = virtualSetup({ latency: 5 });
      const alice = network.media();
      const bob = network.media();
      await alice.join(joinOptions('alice'));
      await bob.join(joinOptions('bob'));
      await clock.advance(5);
      alice.attachRemote('bob', 'bob-view');
      const aliceEvents = recordEvents(alice.events$, clock);
      await bob.leave();
      expect(network.rooms()).toEqual(new Map([[42, ['alice']]]));
      await clock.advance(5);
      expect(aliceEvents.values).toEqual([{ type: 'userLeft', userID: 'bob' }]);
      expect(alice.remoteUsers.size).toBe(0);
      await alice.leave();
      expect(alice.attachments.remote.size).toBe(0);
      await bob.join(joinOptions('bob', false, 43));
      expect(network.rooms()).toEqual(new Map([[43, ['bob']]]));
    });
  });

  describe('setters', () => {
    it('setMicMuted: peers see audio unavailable / available; ignored outside a room', async () => {
      const { clock, network } = virtualSetup({ latency: 10 });
      const alice = network.media();
      const bob = network.media();
      await alice.setMicMuted(true);
      expect(alice.micMuted).toBe(false);
      await alice.join(joinOptions('alice', false));
      await bob.join(joinOptions('bob', false));
      await clock.advance(10);
      const bobEvents = recordEvents(bob.events$, clock);
      await alice.setMicMuted(true);
      await alice.setMicMuted(true);
      await clock.advance(100);
      await alice.setMicMuted(false);
      await clock.advance(10);
      expect(bobEvents.marbles(letter)).toBe('10ms a 99ms A');
      expect(alice.micMuted).toBe(false);
    });

    it('setCameraEnabled(false) releases the video track (peers: video unavailable); true reacquires it', async () => {
      const { clock, network } = virtualSetup();
      const alice = network.media();
      const bob = network.media();
      await alice.join(joinOptions('alice', true));
      await bob.join(joinOptions('bob', false));
      await clock.settle();
      const bobEvents = recordEvents(bob.events$, clock);
      await alice.setCameraEnabled(false);
      expect(network.liveTracks()).toBe(2);
      expect(alice.tracks.video).toBeUndefined();
      await clock.settle();
      await alice.setCameraEnabled(true);
      expect(network.liveTracks()).toBe(3);
      await clock.settle();
      expect(bobEvents.values).toEqual([
        { type: 'videoAvailable', userID: 'alice', available: false },
        { type: 'videoAvailable', userID: 'alice', available: true },
      ]);
    });

    it('setCameraEnabled(true) rejects 60004 when no camera is left; without published video it only flips the flag', async () => {
      const { clock, network } = virtualSetup();
      const alice = network.media();
      await alice.join(joinOptions('alice', true));
      await alice.setCameraEnabled(false);
      network.removeDevice('alice', 'virtual-camera');
      await clock.settle();
      await expect(alice.setCameraEnabled(true)).rejects.toMatchObject({ code: 60004 });
      expect(alice.cameraEnabled).toBe(false);
      await alice.setVideoPublished(false);
      await alice.setCameraEnabled(true);
      expect(alice.cameraEnabled).toBe(true);
      expect(alice.tracks.video).toBeUndefined();
    });

    it('setVideoPublished adds and removes the video track for an audio↔video switch', async () => {
      const { clock, network } = virtualSetup();
      const alice = network.media();
      const bob = network.media();
      await alice.join(joinOptions('alice', false));
      await bob.join(joinOptions('bob', false));
      await clock.settle();
      const bobEvents = recordEvents(bob.events$, clock);
      await alice.setVideoPublished(true);
      expect([alice.videoPublished, network.liveTracks()]).toEqual([true, 3]);
      await alice.setVideoPublished(false);
      expect([alice.videoPublished, network.liveTracks()]).toEqual([false, 2]);
      await clock.settle();
      expect(bobEvents.values.map(letter)).toEqual(['V', 'v']);
      await alice.leave();
      await alice.setVideoPublished(true);
      expect(alice.videoPublished).toBe(false);
    });

    it('switchDevice checks the device exists, moves the track, and is remembered for the next join', async () => {
      const { network } = virtualSetup();
      const alice = network.media({ devices: { cameras: [...DEFAULT_VIRTUAL_DEVICES.cameras, camera2] } });
      await expect(alice.switchDevice('camera', 'nope')).rejects.toMatchObject({
        code: VirtualErrorCode.DEVICE_NOT_FOUND,
      });
      await expect(alice.switchDevice('microphone', 'usb-camera')).rejects.toMatchObject({
        code: VirtualErrorCode.DEVICE_NOT_FOUND,
      });
      await alice.switchDevice('camera', 'usb-camera');
      await alice.switchDevice('speaker', 'virtual-speaker');
      expect(alice.selectedDevices).toEqual({ camera: 'usb-camera', speaker: 'virtual-speaker' });
      await alice.join(joinOptions('alice', true));
      expect(alice.tracks.video?.deviceID).toBe('usb-camera');
      await alice.switchDevice('camera', 'virtual-camera');
      expect(alice.tracks.video?.deviceID).toBe('virtual-camera');
      expect(network.liveTracks()).toBe(2);
    });

    it('join prefers the devices it is given, else the remembered ones, else the first', async () => {
      const { network } = virtualSetup();
      const alice = network.media({
        devices: { microphones: [...DEFAULT_VIRTUAL_DEVICES.microphones, mic2] },
      });
      await alice.join({ ...joinOptions('alice', false), microphoneID: 'headset-mic' });
      expect(alice.tracks.audio?.deviceID).toBe('headset-mic');
      await alice.leave();
      await alice.join({ ...joinOptions('alice', false), microphoneID: 'gone' });
      expect(alice.tracks.audio?.deviceID).toBe('headset-mic');
    });

    it('setVideoProfile is remembered and validated', async () => {
      const { network } = virtualSetup();
      const alice = network.media();
      await alice.setVideoProfile(VIDEO_PROFILES['720p']);
      expect(alice.profile).toEqual(VIDEO_PROFILES['720p']);
      await expect(
        alice.setVideoProfile({ width: 0, height: 1, frameRate: 1, bitrate: 1 }),
      ).rejects.toMatchObject({
        code: VirtualErrorCode.INVALID_PARAMETER,
      });
      await alice.join(joinOptions('alice'));
      expect(alice.profile).toEqual(VIDEO_PROFILES['480p']);
    });

    it('attachLocal/attachRemote are recorded (never rendered) and detach forgets them', () => {
      const { network } = virtualSetup();
      const alice = network.media();
      alice.attachLocal('local-view');
      alice.attachRemote('bob', 'bob-view');
      alice.attachRemote('carol', 'carol-view');
      expect(alice.attachments).toEqual({
        local: 'local-view',
        remote: new Map([
          ['bob', 'bob-view'],
          ['carol', 'carol-view'],
        ]),
        screens: new Map(),
      });
      alice.detachLocal();
      alice.detachRemote('bob');
      expect(alice.attachments).toEqual({ remote: new Map([['carol', 'carol-view']]), screens: new Map() });
    });
  });

  describe('volume', () => {
    it('reports every 1000 ms while someone else is in the room (0 when muted, 50 otherwise) and stops on leave', async () => {
      const { clock, network } = virtualSetup({ latency: 100 });
      const alice = network.media();
      const bob = network.media();
      const volumes = recordEvents(alice.events$, clock);
      await alice.join(joinOptions('alice', false));
      await clock.advance(5000);
      expect(volumes.values).toEqual([]);
      expect(clock.pending()).toBe(0);

      await bob.join(joinOptions('bob', false));
      await clock.advance(100); // alice learns about bob at 5100
      await bob.setMicMuted(true); // alice learns at 5200
      await clock.advance(2000);
      const levels = volumes.values.filter((e) => e.type === 'volume');
      expect(levels).toEqual([
        {
          type: 'volume',
          volumes: [
            { userID: 'alice', volume: 50 },
            { userID: 'bob', volume: 0 },
          ],
        },
        {
          type: 'volume',
          volumes: [
            { userID: 'alice', volume: 50 },
            { userID: 'bob', volume: 0 },
          ],
        },
      ]);
      expect(volumes.marbles(letter)).toBe('5100ms (EA) 96ms a 899ms s 999ms s');

      expect(clock.pending()).toBe(2); // alice's and bob's volume timers
      await alice.leave();
      await bob.leave();
      expect(clock.pending()).toBe(0);
      await clock.advance(5000);
      expect(volumes.values.filter((e) => e.type === 'volume')).toHaveLength(2);
    });

    it('stops when the last peer leaves', async () => {
      const { clock, network } = virtualSetup();
      const alice = network.media();
      const bob = network.media();
      await alice.join(joinOptions('alice', false));
      await bob.join(joinOptions('bob', false));
      await clock.advance(1000);
      expect(clock.pending()).toBe(2);
      await bob.leave();
      await clock.settle();
      expect(clock.pending()).toBe(0);
    });
  });

  describe('devices', () => {
    it('has one camera, microphone and speaker by default, with stable IDs and labels', async () => {
      const { network } = virtualSetup();
      await expect(network.media().getDevices()).resolves.toEqual({
        cameras: [
          { deviceID: 'virtual-camera', kind: 'camera', label: 'Virtual Camera', groupID: 'virtual' },
        ],
        microphones: [
          {
            deviceID: 'virtual-microphone',
            kind: 'microphone',
            label: 'Virtual Microphone',
            groupID: 'virtual',
          },
        ],
        speakers: [
          { deviceID: 'virtual-speaker', kind: 'speaker', label: 'Virtual Speaker', groupID: 'virtual' },
        ],
      });
      await expect(network.media({ devices: { speakers: [] } }).getDevices()).resolves.toMatchObject({
        speakers: [],
        cameras: [expect.objectContaining({ deviceID: 'virtual-camera' })],
      });
    });

    it('removeDevice in use: devicesChanged, then deviceFallback to another device of the kind', async () => {
      const { clock, network } = virtualSetup();
      const alice = network.media({ devices: { cameras: [...DEFAULT_VIRTUAL_DEVICES.cameras, camera2] } });
      const bob = network.media();
      await alice.join(joinOptions('alice', true));
      await bob.join(joinOptions('bob', false));
      await clock.settle();
      const events = recordEvents(alice.events$, clock);
      const bobEvents = recordEvents(bob.events$, clock);
      expect(network.removeDevice('alice', 'virtual-camera')).toBe(1);
      await clock.settle();
      expect(events.values).toEqual([
        {
          type: 'devicesChanged',
          devices: { ...DEFAULT_VIRTUAL_DEVICES, cameras: [camera2] },
        },
        { type: 'deviceFallback', kind: 'camera', from: 'virtual-camera', to: 'usb-camera' },
      ]);
      expect(alice.tracks.video?.deviceID).toBe('usb-camera');
      expect(network.liveTracks()).toBe(3);
      expect(bobEvents.values).toEqual([]);
    });

    it('removeDevice in use with none left: fallback to nothing, track dropped, peers see it unavailable', async () => {
      const { clock, network } = virtualSetup();
      const alice = network.media();
      const bob = network.media();
      await alice.join(joinOptions('alice', true));
      await bob.join(joinOptions('bob', false));
      await clock.settle();
      const events = recordEvents(alice.events$, clock);
      const bobEvents = recordEvents(bob.events$, clock);
      network.removeDevice('alice', 'virtual-microphone');
      network.removeDevice('alice', 'virtual-speaker');
      await clock.settle();
      expect(events.values.filter((e) => e.type === 'deviceFallback')).toEqual([
        { type: 'deviceFallback', kind: 'microphone', from: 'virtual-microphone' },
        { type: 'deviceFallback', kind: 'speaker', from: 'virtual-speaker' },
      ]);
      expect(alice.tracks.audio).toBeUndefined();
      expect(network.liveTracks()).toBe(2);
      expect(bobEvents.values).toEqual([{ type: 'audioAvailable', userID: 'alice', available: false }]);
    });

    it('removeDevice not in use, and addDevice: devicesChanged only; other users untouched', async () => {
      const { clock, network } = virtualSetup();
      const alice = network.media({ userID: 'alice' });
      const bob = network.media({ userID: 'bob' });
      const [events, bobEvents] = [recordEvents(alice.events$, clock), recordEvents(bob.events$, clock)];
      expect(network.addDevice('alice', mic2)).toBe(1);
      expect(network.addDevice('alice', mic2)).toBe(0);
      expect(network.removeDevice('alice', 'virtual-camera')).toBe(1);
      expect(network.removeDevice('alice', 'not-there')).toBe(0);
      await clock.settle();
      expect(events.values.map(letter)).toEqual(['D', 'D']);
      await expect(alice.getDevices()).resolves.toMatchObject({
        cameras: [],
        microphones: [expect.objectContaining({ deviceID: 'virtual-microphone' }), mic2],
      });
      expect(bobEvents.values).toEqual([]);
      await expect(alice.join(joinOptions('alice', true))).rejects.toMatchObject({ code: 60004 });
    });
  });

  describe('failMedia', () => {
    it('emits failed on that user’s engines only', async () => {
      const { clock, network } = virtualSetup();
      const alice = network.media();
      const bob = network.media();
      await alice.join(joinOptions('alice'));
      await bob.join(joinOptions('bob'));
      await clock.settle();
      const [events, bobEvents] = [recordEvents(alice.events$, clock), recordEvents(bob.events$, clock)];
      expect(network.failMedia('alice')).toBe(1);
      expect(network.failMedia('bob', 4242, 'ICE failed')).toBe(1);
      await clock.settle();
      expect(events.values).toEqual([
        { type: 'failed', code: VirtualErrorCode.MEDIA_FAILED, message: 'virtual media failure' },
      ]);
      expect(bobEvents.values).toEqual([{ type: 'failed', code: 4242, message: 'ICE failed' }]);
    });
  });

  describe('destroy', () => {
    it('leaves, completes events$, cancels every timer, and refuses later use', async () => {
      const { clock, network } = virtualSetup({ latency: 10 });
      const alice = network.media();
      const bob = network.media();
      await alice.join(joinOptions('alice'));
      await bob.join(joinOptions('bob'));
      await clock.advance(1500);
      network.failMedia('alice');
      const events = recordEvents(alice.events$, clock);
      expect(clock.pending()).toBeGreaterThan(0);
      alice.destroy();
      bob.destroy();
      expect(clock.pending()).toBe(0);
      expect(events.completed).toBe(true);
      expect(events.values).toEqual([]);
      expect(network.liveTracks()).toBe(0);
      expect(alice.isDestroyed).toBe(true);
      await expect(alice.join(joinOptions('alice'))).rejects.toMatchObject({
        code: VirtualErrorCode.DESTROYED,
      });
      await expect(alice.getDevices()).rejects.toMatchObject({ code: VirtualErrorCode.DESTROYED });
      alice.attachLocal('x');
      expect(alice.attachments.local).toBeUndefined();
      expect(() => alice.destroy()).not.toThrow();
    });
  });
});
