/**
 * The adapters against the REAL tim-js-sdk 2.27.6 and trtc-js-sdk 4.15.22 modules, loaded under
 * the network stubs: nothing may leave the process (the real TIM opens a WebSocket and fetches
 * an error table as soon as it is created; both must be caught by the stubs).
 *
 * Without a server the real TIM cannot log in, so this checks the wiring: `TIM.create`, `on/off`
 * with the real event names, the `createCustomMessage` arguments built from the real constants,
 * and the real SDK's own answer (2024, not logged in) coming back as a rejection.
 */
import type TIMType from 'tim-js-sdk';
import type TRTCType from 'trtc-js-sdk';
import { VIDEO_PROFILES } from 'ngx-trtc-calling/core';
import {
  expectNothingEscaped,
  installNoNetwork,
  type NoNetworkGuard,
} from './testing-doubles/no-network.test-util';
import type { TimInstance, TimModule } from './tim-like';
import { timSignaling } from './tim-signaling';
import type { TrtcModule } from './trtc-like';
import { trtcMedia } from './trtc-media';
import { TrtcNetwork, fakeDevice } from './testing-doubles/trtc-double.test-util';

// Compile-time proof that the real typings satisfy the structural types the adapters accept.
type Assignable<T, U extends T> = U;
export type RealTimIsTimModule = Assignable<TimModule, typeof TIMType>;
export type RealTrtcIsTrtcModule = Assignable<TrtcModule, typeof TRTCType>;

let guard: NoNetworkGuard;
let TIM: typeof TIMType;
let TRTC: typeof TRTCType;

beforeAll(async () => {
  guard = installNoNetwork();
  const timNs = (await import('tim-js-sdk')) as unknown as { default: typeof TIMType };
  const trtcNs = (await import('trtc-js-sdk')) as unknown as { default: typeof TRTCType };
  TIM = timNs.default;
  TRTC = trtcNs.default;
});

afterAll(() => {
  expectNothingEscaped(guard);
  guard.uninstall({ keepBrowserStubs: true });
});

afterEach(() => jest.restoreAllMocks());

describe('with the real tim-js-sdk', () => {
  it('is the version the protocol was taken from', () => {
    expect((TIM as unknown as { VERSION: string }).VERSION).toBe('2.27.6');
    expect(TRTC.VERSION).toBe('4.15.22');
  });

  it('creates TIM, registers and removes its listeners, and builds messages from the real constants', async () => {
    const instances: TimInstance[] = [];
    const create = jest.spyOn(TIM, 'create').mockImplementation(function (this: unknown, options) {
      create.mockRestore();
      const tim = TIM.create(options);
      tim.setLogLevel(4);
      jest.spyOn(tim, 'on');
      jest.spyOn(tim, 'off');
      jest.spyOn(tim, 'createCustomMessage');
      jest.spyOn(tim, 'destroy');
      instances.push(tim as unknown as TimInstance);
      return tim;
    });
    const channel = timSignaling({ SDKAppID: 1400000002, TIM });
    const sending = channel.send({ to: 'bob', conversationType: 'C2C', data: '{"businessID":1}' });
    // The real SDK refuses to build a message before login: its own code comes back.
    await expect(sending).rejects.toMatchObject({ name: 'TencentError', code: 2024 });
    expect(instances).toHaveLength(1);
    const tim = instances[0] as unknown as jest.Mocked<TimInstance>;
    const registered = tim.on.mock.calls.map(([name]) => name).sort();
    expect(registered).toEqual(
      [
        TIM.EVENT.SDK_READY,
        TIM.EVENT.SDK_NOT_READY,
        TIM.EVENT.KICKED_OUT,
        TIM.EVENT.NET_STATE_CHANGE,
        TIM.EVENT.MESSAGE_RECEIVED,
      ].sort(),
    );
    expect(registered).toEqual([
      'kickedOut',
      'netStateChange',
      'onMessageReceived',
      'sdkStateNotReady',
      'sdkStateReady',
    ]);
    expect(tim.createCustomMessage).toHaveBeenCalledWith({
      to: 'bob',
      conversationType: TIM.TYPES.CONV_C2C,
      priority: TIM.TYPES.MSG_PRIORITY_HIGH,
      payload: { data: '{"businessID":1}', description: '', extension: '' },
    });
    expect(TIM.TYPES.CONV_C2C).toBe('C2C');
    expect(TIM.TYPES.MSG_PRIORITY_HIGH).toBe('High');

    channel.destroy();
    await new Promise((r) => setTimeout(r, 0));
    // every handler given to on() was given back to off()
    const added = tim.on.mock.calls.map(([name, handler]) => [name, handler]);
    const removed = tim.off.mock.calls.map(([name, handler]) => [name, handler]);
    expect(removed).toHaveLength(added.length);
    for (const pair of added) expect(removed).toContainEqual(pair);
    expect(tim.destroy).toHaveBeenCalledTimes(1); // we created it; its 2024 rejection is swallowed
  });

  it('loads tim-js-sdk by itself when no module is given', async () => {
    const before = guard.blocked.length;
    const channel = timSignaling({ SDKAppID: 1400000003, logLevel: 4 });
    const tim = await channel.timInstance();
    expect(typeof tim.createCustomMessage).toBe('function');
    // The real TIM reached for its WebSocket at create; the stub caught it.
    expect(
      guard.blocked.slice(before).some((a) => a.api === 'WebSocket' && a.target.includes('qcloud.com')),
    ).toBe(true);
    channel.destroy();
  });

  it('blocked every attempt of the real SDK to reach out, and none escaped', () => {
    expect(guard.blocked.length).toBeGreaterThan(0);
    expect(guard.escaped).toEqual([]);
  });
});

describe('with the real trtc-js-sdk', () => {
  it('rejects join with 60006 where WebRTC is missing (jsdom), creating no client', async () => {
    const createClient = jest.spyOn(TRTC, 'createClient');
    const media = trtcMedia({ SDKAppID: 1400000002, TRTC, mediaDevices: null });
    await expect(
      media.join({
        roomID: 1234,
        userID: 'alice',
        userSig: 'sig',
        video: true,
        profile: VIDEO_PROFILES['480p'],
      }),
    ).rejects.toMatchObject({ name: 'TencentError', code: 60006 });
    expect(createClient).not.toHaveBeenCalled();
    media.destroy();
  });

  it('loads trtc-js-sdk by itself when no module is given', async () => {
    const media = trtcMedia({ SDKAppID: 1400000002, mediaDevices: null });
    await expect(
      media.join({ roomID: 1, userID: 'a', userSig: 's', video: false, profile: VIDEO_PROFILES['240p'] }),
    ).rejects.toMatchObject({ code: 60006 });
    media.destroy();
  });

  it('lists devices through the real module: none in jsdom, the fake ones once mediaDevices exists', async () => {
    const media = trtcMedia({ SDKAppID: 1400000002, TRTC, mediaDevices: null });
    // jsdom has no navigator.mediaDevices: the real TRTC logs an error and answers empty lists
    expect(await media.getDevices()).toEqual({ cameras: [], microphones: [], speakers: [] });
    const net = new TrtcNetwork({
      cameras: [fakeDevice('videoinput', 'cam-1', 'Cam')],
      microphones: [fakeDevice('audioinput', 'mic-1', 'Mic'), fakeDevice('audioinput', 'mic-2', 'Mic 2')],
    });
    const uninstall = net.installMediaDevices();
    try {
      const devices = await media.getDevices();
      expect(devices.cameras.map((d) => [d.kind, d.deviceID, d.label])).toEqual([['camera', 'cam-1', 'Cam']]);
      expect(devices.microphones.map((d) => d.deviceID)).toEqual(['mic-1', 'mic-2']);
    } finally {
      uninstall();
      media.destroy();
    }
  });
});
