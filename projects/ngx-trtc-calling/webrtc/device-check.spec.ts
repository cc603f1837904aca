import { VirtualTimeScheduler, NEVER } from 'rxjs';
import { VIDEO_PROFILES } from 'ngx-trtc-calling/core';
import { openDeviceCheck, queryMediaPermissions, type DeviceCheckHost } from './device-check';
import { MEDIA_ERROR } from './errors';
import { domError, fakeCapture, fakeEnvironment, FakeStream, type FakeTrack } from './fake-browser.test-util';
import { silentTransportLogger } from './logger';
import type { MediaEnvironment } from './media-environment';
import type { RoomSignaling } from './room-signaling';
import { webRtcMedia } from './web-rtc-media';

/*
 * The device check over hand-written fakes of getUserMedia and Web Audio; the preview, the tone
 * and the permission states in a real browser are e2e/device-check.spec.ts.
 */

class FakeDevices {
  cameras = 1;
  microphones = 1;
  denied: 'camera' | 'microphone' | false = false;
  readonly requests: MediaStreamConstraints[] = [];
  readonly opened: FakeTrack[] = [];
  async getUserMedia(constraints: MediaStreamConstraints): Promise<FakeStream> {
    this.requests.push(constraints);
    if (constraints.video && this.denied === 'camera') throw domError('NotAllowedError');
    if (constraints.audio && this.denied === 'microphone') throw domError('NotAllowedError');
    if (constraints.video && this.cameras === 0) throw domError('NotFoundError');
    if (constraints.audio && this.microphones === 0) throw domError('NotFoundError');
    const tracks = fakeCapture(constraints);
    this.opened.push(...tracks);
    return new FakeStream(tracks);
  }
}

/** An AudioContext whose analysers read a loud square wave (level well above 0). */
class FakeAudioContext {
  static instances: FakeAudioContext[] = [];
  state: 'running' | 'closed' = 'running';
  constructor() {
    FakeAudioContext.instances.push(this);
  }
  createMediaStreamSource(): { connect(): void; disconnect(): void } {
    return { connect: () => undefined, disconnect: () => undefined };
  }
  createAnalyser(): { fftSize: number; getByteTimeDomainData(samples: Uint8Array): void } {
    return {
      fftSize: 32,
      getByteTimeDomainData: (samples) => samples.forEach((_, i) => (samples[i] = i % 2 ? 200 : 56)),
    };
  }
  async resume(): Promise<void> {}
  async close(): Promise<void> {
    this.state = 'closed';
  }
}

describe('device check (webrtc)', () => {
  let devices: FakeDevices;
  let scheduler: VirtualTimeScheduler;
  let stopped: unknown[];

  const host = (): DeviceCheckHost => ({
    env: {
      mediaDevices: devices as unknown as MediaDevices,
      MediaStream: FakeStream as unknown as typeof MediaStream,
      AudioContext: FakeAudioContext as unknown as typeof AudioContext,
      document: undefined,
    } satisfies Partial<MediaEnvironment>,
    profile: VIDEO_PROFILES['360p'],
    scheduler,
    logger: silentTransportLogger,
    levelInterval: 200,
    toneMs: 1000,
    stopped: (check) => stopped.push(check),
  });

  beforeEach(() => {
    devices = new FakeDevices();
    scheduler = new VirtualTimeScheduler();
    stopped = [];
    FakeAudioContext.instances = [];
  });

  it('opens the chosen camera and microphone with the profile, and reports the level every interval', async () => {
    const check = await openDeviceCheck(host(), { cameraID: 'cam-2', microphoneID: 'mic-1' });
    expect(devices.requests[0]).toMatchObject({
      audio: { deviceId: { exact: 'mic-1' } },
      video: { deviceId: { exact: 'cam-2' }, width: { ideal: 640 } },
    });
    const levels: number[] = [];
    check.level$.subscribe((level) => levels.push(level));
    scheduler.maxFrames = 650;
    scheduler.flush();
    expect(levels).toHaveLength(3);
    expect(Math.min(...levels)).toBeGreaterThan(50);
    check.stop();
  });

  it('opens no camera when asked for audio only', async () => {
    const check = await openDeviceCheck(host(), { video: false });
    expect(devices.requests[0]?.video).toBe(false);
    expect(check.tracks.map((t) => t.kind)).toEqual(['audio']);
    check.stop();
  });

  it('stop ends every track, closes the meter, completes level$ and is idempotent', async () => {
    const check = await openDeviceCheck(host(), {});
    let completed = false;
    check.level$.subscribe({ complete: () => (completed = true) });
    check.stop();
    check.stop();
    expect(check.tracks.every((t) => t.readyState === 'ended')).toBe(true);
    expect(FakeAudioContext.instances.every((c) => c.state === 'closed')).toBe(true);
    expect(completed).toBe(true);
    expect(stopped).toEqual([check]);
    let lateCompleted = false;
    check.level$.subscribe({ complete: () => (lateCompleted = true) });
    expect(lateCompleted).toBe(true);
    await expect(check.playTestTone()).rejects.toMatchObject({ code: MEDIA_ERROR.JOIN_ABORTED });
  });

  it.each([
    ['a refused camera', { denied: 'camera' as const }, MEDIA_ERROR.ACCESS_DENIED, 'camera'],
    ['a refused microphone', { denied: 'microphone' as const }, MEDIA_ERROR.ACCESS_DENIED, 'microphone'],
    ['no camera', { cameras: 0 }, MEDIA_ERROR.NO_CAMERA, 'camera'],
    ['no microphone', { microphones: 0 }, MEDIA_ERROR.NO_MICROPHONE, 'microphone'],
  ])(
    '%s fails as join does, naming the device, and leaves nothing open',
    async (_what, setup, code, device) => {
      Object.assign(devices, setup);
      await expect(openDeviceCheck(host(), {})).rejects.toMatchObject({ code, device });
      expect(devices.opened.every((t) => t.readyState === 'ended')).toBe(true);
    },
  );
});

describe('permission states', () => {
  const permissions = (states: Record<string, PermissionState | Error>) =>
    ({
      query: async ({ name }: { name: string }) => {
        const state = states[name];
        if (state instanceof Error || state === undefined) throw state ?? new TypeError(`no ${name}`);
        return { state };
      },
    }) as unknown as Permissions;

  it('reads camera and microphone from the Permissions API', async () => {
    await expect(
      queryMediaPermissions(permissions({ camera: 'granted', microphone: 'prompt' })),
    ).resolves.toEqual({
      camera: 'granted',
      microphone: 'prompt',
    });
  });

  it('says unknown where the browser cannot tell (no API, or a name it does not know)', async () => {
    await expect(queryMediaPermissions(undefined)).resolves.toEqual({
      camera: 'unknown',
      microphone: 'unknown',
    });
    await expect(queryMediaPermissions(permissions({ microphone: 'denied' }))).resolves.toEqual({
      camera: 'unknown',
      microphone: 'denied',
    });
  });
});

describe('WebRtcMedia device check', () => {
  // No room is involved: the signaling's room streams stay silent.
  const signaling = { peerEvents$: NEVER, rtc$: NEVER, roomStatus$: NEVER } as unknown as RoomSignaling;

  it('opens the devices chosen for calls by default, and destroy stops a check left open', async () => {
    const devices = new FakeDevices();
    const media = webRtcMedia({
      signaling,
      logger: silentTransportLogger,
      environment: fakeEnvironment(devices),
    });
    await media.switchDevice('camera', 'cam-9');
    const check = await media.startDeviceCheck({});
    expect(devices.requests.at(-1)).toMatchObject({ video: { deviceId: { exact: 'cam-9' } } });
    media.destroy();
    expect(devices.opened.every((t) => t.readyState === 'ended')).toBe(true);
    check.stop();
    await expect(media.startDeviceCheck({})).rejects.toMatchObject({ code: MEDIA_ERROR.JOIN_ABORTED });
  });
});
