import { PLATFORM_ID } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { asyncScheduler, type Observable } from 'rxjs';
import {
  CALLING_ERROR_CODE,
  Calling,
  CallingError,
  type CallingEvent,
  type CallPhase,
  type CallState,
  type CallStore,
  type DeviceList,
  INITIAL_CALL_STATE,
  SILENT_LOGGER,
  type StoredCall,
} from 'ngx-trtc-calling/core';
import { VirtualClock, VirtualNetwork } from 'ngx-trtc-calling/testing';
import { DEV_SDK_APP_ID } from 'ngx-trtc-calling/wire';
import { CallingTestingController, provideCallingTesting } from 'ngx-trtc-calling/testing/angular';
import { CallingBackend, type CallingConnection } from './calling-backend';
import { CallingService } from './calling-service';
import { provideCalling, withCallingBackend, withCallingOptions } from './provide-calling';
import { withSelfHosted } from './with-self-hosted';
import { withTencentCloud } from 'ngx-trtc-calling/tencent/angular';

/** Every value `source` emits, and whether it completed. */
function collect<T>(source: Observable<T>) {
  const values: T[] = [];
  const result = { values, completed: false };
  const subscription = source.subscribe({
    next: (v) => values.push(v),
    complete: () => (result.completed = true),
  });
  return Object.assign(result, { unsubscribe: () => subscription.unsubscribe() });
}

function setUp(options: Parameters<typeof provideCallingTesting>[0] = {}) {
  TestBed.configureTestingModule({ providers: [provideCallingTesting(options)] });
  const calling = TestBed.inject(CallingService);
  const controller = TestBed.inject(CallingTestingController);
  const loginAlice = () => controller.flush(calling.login({ userID: 'alice', userSig: 'sig-alice' }));
  return { calling, controller, loginAlice };
}

/** A backend over a real-time virtual network that counts what happens to it. */
function countingBackend(network: VirtualNetwork) {
  const counts = { constructed: 0, created: 0 };
  const feature = withCallingBackend(() => {
    counts.constructed++;
    return {
      create: async (): Promise<CallingConnection> => {
        counts.created++;
        return { signaling: network.signaling(), media: network.media(), SDKAppID: DEV_SDK_APP_ID };
      },
    };
  });
  return { counts, feature };
}

describe('CallingService', () => {
  describe('calls over a VirtualNetwork', () => {
    it('rings when a peer calls, connects on accept, ends on hangup; signals follow', async () => {
      const { calling, controller, loginAlice } = setUp();
      expect(calling.userID()).toBeNull();
      await loginAlice();
      expect(calling.userID()).toBe('alice');
      expect(calling.phase()).toBe('idle');

      const bob = await controller.createPeer('bob');
      await controller.flush(bob.call({ userID: 'alice', type: 2 }));
      expect(calling.phase()).toBe('ringing');
      expect(calling.incoming()).toEqual(
        expect.objectContaining({
          sponsor: 'bob',
          userIDList: ['alice'],
          isFromGroup: false,
          inviteData: expect.objectContaining({ callType: 2 }),
        }),
      );
      expect(calling.currentCall()?.inviter).toBe('bob');

      await controller.flush(calling.accept());
      expect(calling.incoming()).toBeNull();
      await controller.flush();
      expect(calling.phase()).toBe('connected');
      expect(bob.phase).toBe('connected');
      expect(calling.participants()).toEqual([
        expect.objectContaining({
          userID: 'bob',
          status: 'joined',
          audioAvailable: true,
          videoAvailable: true,
        }),
      ]);
      expect(calling.micMuted()).toBe(false);
      expect(calling.cameraEnabled()).toBe(true);

      await controller.flush(calling.hangup());
      await controller.flush();
      expect(calling.phase()).toBe('idle');
      expect(calling.currentCall()).toBeNull();
      expect(calling.participants()).toEqual([]);
      expect(bob.phase).toBe('idle');
      expect(calling.records()).toEqual([
        expect.objectContaining({ direction: 'incoming', inviter: 'bob', endReason: 'hangup' }),
      ]);
    });

    it('calls a peer who accepts, then hangs up; call$, callEnd$ and records follow', async () => {
      const { calling, controller, loginAlice } = setUp();
      await loginAlice();
      const bob = await controller.createPeer('bob');
      const ends = collect(calling.callEnd$);
      const calls = collect(calling.call$);

      const result = await controller.flush(calling.call({ userID: 'bob', type: 1 }));
      expect(result).toEqual(expect.objectContaining({ code: 0, userID: 'bob', callType: 1 }));
      expect(calling.phase()).toBe('dialing');
      expect(calling.cameraEnabled()).toBe(false); // an audio call sends no video
      expect(bob.phase).toBe('ringing');

      await controller.flush(bob.accept());
      await controller.flush();
      expect(calling.phase()).toBe('connected');

      await controller.flush(bob.hangup());
      await controller.flush();
      expect(calling.phase()).toBe('idle');
      expect(ends.values).toEqual([expect.objectContaining({ userID: 'bob', reason: 'remoteHangup' })]);
      expect(calls.values.at(0)).toBeNull();
      expect(calls.values.at(-1)).toBeNull();
      expect(calls.values.length).toBeGreaterThan(2);
      expect(calling.records().map((r) => r.endReason)).toEqual(['remoteHangup']);
    });

    it('clears incoming when the caller cancels, and when the invitation times out', async () => {
      const { calling, controller, loginAlice } = setUp({ ringTimeout: 5 });
      await loginAlice();
      const bob = await controller.createPeer('bob');

      await controller.flush(bob.call({ userID: 'alice', type: 2 }));
      expect(calling.incoming()?.sponsor).toBe('bob');
      await controller.flush(bob.hangup());
      await controller.flush();
      expect(calling.incoming()).toBeNull();
      expect(calling.records().at(-1)?.endReason).toBe('canceled');

      await controller.flush(bob.call({ userID: 'alice', type: 1 }));
      expect(calling.incoming()?.inviteData.callType).toBe(1);
      await controller.clock.advance(5_000);
      expect(calling.incoming()).toBeNull();
      expect(calling.phase()).toBe('idle');
      expect(calling.records().at(-1)?.endReason).toBe('timeout');
    });

    it('tracks mic and camera in the call', async () => {
      const { calling, controller, loginAlice } = setUp();
      await loginAlice();
      const bob = await controller.createPeer('bob');
      await controller.flush(calling.call({ userID: 'bob', type: 2 }));
      await controller.flush(bob.accept());

      await controller.flush(calling.setMicMute(true));
      await controller.flush(calling.closeCamera());
      expect(calling.micMuted()).toBe(true);
      expect(calling.cameraEnabled()).toBe(false);
      expect(controller.media?.micMuted).toBe(true);
      expect(controller.media?.cameraEnabled).toBe(false);

      await controller.flush(calling.setMicMute(false));
      await controller.flush(calling.openCamera());
      expect(calling.micMuted()).toBe(false);
      expect(calling.cameraEnabled()).toBe(true);
    });

    it('passes every other method through to the Calling', async () => {
      const { calling, controller, loginAlice } = setUp();
      await loginAlice();
      const bob = await controller.createPeer('bob');
      const carol = await controller.createPeer('carol');

      const cameras = await controller.flush(calling.getCameras());
      expect(cameras!.length).toBeGreaterThan(0);
      expect((await controller.flush(calling.getMicrophones()))!.length).toBeGreaterThan(0);
      expect((await controller.flush(calling.getSpeakers()))!.length).toBeGreaterThan(0);
      expect(calling.devices().cameras.map((c) => c.deviceID)).toEqual(cameras!.map((c) => c.deviceId));
      await controller.flush(
        calling.switchDevice({ deviceType: 'video', deviceID: cameras!.at(-1)!.deviceID }),
      );
      expect(controller.media?.selectedDevices.camera).toBe(cameras!.at(-1)!.deviceID);
      await controller.flush(calling.setVideoQuality('720p'));
      expect(await controller.flush(calling.getVideoQuality())).toBe('720p');

      const group = await controller.flush(calling.groupCall({ userIDList: ['bob', 'carol'], type: 1 }));
      expect(group).toEqual(expect.objectContaining({ code: 0, failed: [] }));
      expect(bob.phase).toBe('ringing');
      expect(carol.phase).toBe('ringing');
      await controller.flush(bob.accept());
      await controller.flush(carol.reject());
      await controller.flush();
      expect(calling.phase()).toBe('connected');
      expect(calling.participants().map((p) => [p.userID, p.status])).toEqual([
        ['bob', 'joined'],
        ['carol', 'rejected'],
      ]);
      await controller.flush(calling.hangup());

      // 1:1 switch audio → video, accepted by the peer; back to audio at the peer's request,
      // accepted here.
      await controller.flush(calling.call({ userID: 'bob', type: 1 }));
      await controller.flush(bob.accept());
      const bobAnswers = bob.switchRequested$.subscribe(() => void bob.acceptSwitch());
      await controller.flush(calling.switchToVideoCall());
      expect(calling.currentCall()?.callType).toBe(2);
      const weAnswer = calling.switchRequested$.subscribe(() => void calling.acceptSwitch());
      await controller.flush(bob.switchToAudioCall());
      expect(calling.currentCall()?.callType).toBe(1);
      bob.switchRequested$.subscribe(() => void bob.rejectSwitch());
      bobAnswers.unsubscribe();
      weAnswer.unsubscribe();
      await expect(controller.flush(calling.switchToVideoCall())).rejects.toMatchObject({
        reason: 'switchRefused',
      });
      expect(calling.currentCall()?.callType).toBe(1);
      await controller.flush(calling.hangup());

      await controller.flush(calling.call({ userID: 'bob', type: 2 }));
      expect(bob.phase).toBe('ringing');
      await controller.flush(bob.reject());
      expect(calling.phase()).toBe('idle');
      expect(calling.records().at(-1)?.endReason).toBe('rejected');

      await controller.flush(calling.logout());
      expect(calling.userID()).toBeNull();
    });

    it('shares the screen and shows the peer’s; the signals follow, and clear when the call ends', async () => {
      const { calling, controller, loginAlice } = setUp();
      await loginAlice();
      const bob = await controller.createPeer('bob');
      await expect(controller.flush(calling.startScreenShare())).rejects.toMatchObject({
        code: CALLING_ERROR_CODE.WRONG_STATE,
      });
      expect(calling.screenSharing()).toBe(false);

      await controller.flush(calling.call({ userID: 'bob', type: 2 }));
      await controller.flush(bob.accept());
      await controller.flush(calling.startScreenShare());
      expect(calling.screenSharing()).toBe(true);
      await controller.flush(bob.startScreenShare());
      await controller.flush();
      expect(calling.remoteScreenShares()).toEqual(['bob']);
      await controller.flush(calling.startRemoteScreenView({ userID: 'bob', view: 'screen-bob' }));
      expect(controller.media?.attachments.screens.get('bob')).toBe('screen-bob');
      await controller.flush(calling.stopRemoteScreenView({ userID: 'bob' }));
      expect(controller.media?.attachments.screens.size).toBe(0);

      await controller.flush(calling.hangup());
      expect(calling.screenSharing()).toBe(false);
      expect(calling.remoteScreenShares()).toEqual([]);
    });

    it('registers and removes TRTCCalling-style listeners with on/off', async () => {
      const { calling, controller, loginAlice } = setUp();
      await loginAlice();
      const bob = await controller.createPeer('bob');
      const invitations: string[] = [];
      const listener = (payload: { sponsor: string }) => invitations.push(payload.sponsor);

      await controller.flush(calling.on(Calling.EVENT.INVITED, listener));
      await controller.flush(bob.call({ userID: 'alice', type: 1 }));
      await controller.flush(calling.reject());
      await controller.flush(calling.off(Calling.EVENT.INVITED, listener));
      await controller.flush(bob.call({ userID: 'alice', type: 1 }));
      expect(invitations).toEqual(['bob']);
    });

    it('reports failures in lastError (method rejections and error$), until clearError()', async () => {
      const { calling, controller, loginAlice } = setUp();
      await loginAlice();

      const failure = await controller.flush(calling.accept()).catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(CallingError);
      expect(failure).toEqual(
        expect.objectContaining({ code: CALLING_ERROR_CODE.WRONG_STATE, reason: 'wrongState' }),
      );
      expect(calling.lastError()).toBe(failure);
      calling.clearError();
      expect(calling.lastError()).toBeNull();

      // A malformed signal is reported on error$ (code 60016) and lands in lastError.
      const mallory = controller.network.signaling();
      await controller.flush(mallory.login({ userID: 'mallory', userSig: 'sig' }));
      await controller.flush(
        mallory.send({ to: 'alice', conversationType: 'C2C', data: '{"businessID":1,"actionType":99}' }),
      );
      await controller.flush();
      expect(calling.lastError()).toEqual(
        expect.objectContaining({ code: CALLING_ERROR_CODE.INVALID_SIGNAL, reason: 'invalidSignal' }),
      );
    });
  });

  describe('lazy creation', () => {
    it('offers every observable before the Calling exists, and creates it only on first use', async () => {
      const { calling, controller, loginAlice } = setUp();
      const states = collect<CallState>(calling.state$);
      const phases = collect<CallPhase>(calling.phase$);
      const devices = collect<DeviceList>(calling.devices$);
      const records = collect(calling.callRecords$);
      const events = collect<CallingEvent>(calling.events$);
      const ready = collect(calling.sdkReady$);
      const invited = collect(calling.invited$);
      await controller.flush();

      expect(controller.media).toBeUndefined(); // no backend use yet
      expect(states.values).toEqual([INITIAL_CALL_STATE]);
      expect(phases.values).toEqual(['idle']);
      expect(devices.values).toEqual([{ cameras: [], microphones: [], speakers: [] }]);
      expect(records.values).toEqual([[]]);
      expect(events.values).toEqual([]);

      await loginAlice();
      expect(controller.media).toBeDefined();
      expect(phases.values).toEqual(['idle']); // the Calling's own initial phase is not repeated
      expect(states.values.at(-1)?.userID).toBe('alice');
      expect(devices.values.at(-1)?.cameras.length).toBeGreaterThan(0);
      expect(ready.values).toEqual([{ name: 'ts_im_ready' }]);
      expect(events.values.map((e) => e.type)).toContain('sdkReady');

      const bob = await controller.createPeer('bob');
      await controller.flush(bob.call({ userID: 'alice', type: 2 }));
      expect(invited.values.map((i) => i.sponsor)).toEqual(['bob']);
      expect(phases.values).toEqual(['idle', 'ringing']);
    });

    it('creates one Calling for concurrent first calls, and retries after the backend fails', async () => {
      const network = new VirtualNetwork();
      let failures = 1;
      let creations = 0;
      TestBed.configureTestingModule({
        providers: [
          provideCalling(
            withCallingBackend(() => ({
              create: async () => {
                creations++;
                if (failures-- > 0) throw new Error('backend down');
                return { signaling: network.signaling(), media: network.media(), SDKAppID: 1 };
              },
            })),
            withCallingOptions({ logger: SILENT_LOGGER }),
          ),
        ],
      });
      const calling = TestBed.inject(CallingService);
      await expect(calling.getCameras()).rejects.toEqual(
        expect.objectContaining({ name: 'CallingError', reason: 'mediaFailed', message: 'backend down' }),
      );
      const [a, b] = await Promise.all([calling.calling(), calling.calling()]);
      expect(a).toBe(b);
      expect(creations).toBe(2);
      TestBed.resetTestingModule();
      network.destroy();
    });

    it('applies withCallingOptions: ring timeout, video quality, scheduler, logger', async () => {
      const clock = new VirtualClock();
      const network = new VirtualNetwork({ scheduler: clock.scheduler });
      const { feature } = countingBackend(network);
      TestBed.configureTestingModule({
        providers: [
          provideCalling(
            feature,
            withCallingOptions({
              ringTimeout: 3,
              videoQuality: '720p',
              scheduler: clock.scheduler,
              logger: SILENT_LOGGER,
            }),
          ),
        ],
      });
      const calling = TestBed.inject(CallingService);
      const login = calling.login({ userID: 'alice', userSig: 'sig' });
      await clock.advance(10);
      await login;
      expect(await calling.getVideoQuality()).toBe('720p');

      const bob = new Calling({
        SDKAppID: 1,
        signaling: network.signaling(),
        media: network.media(),
        scheduler: clock.scheduler,
        logger: SILENT_LOGGER,
      });
      const bobLogin = bob.login({ userID: 'bob', userSig: 'sig' });
      await clock.advance(10);
      await bobLogin;
      const dial = calling.call({ userID: 'bob', type: 2 });
      await clock.advance(10);
      await dial;
      expect(calling.phase()).toBe('dialing');
      await clock.advance(3_000);
      expect(calling.phase()).toBe('idle');
      expect(calling.records().at(-1)?.endReason).toBe('timeout'); // bob's 3 s ring ran out

      TestBed.resetTestingModule();
      const bobDestroy = bob.destroy();
      await clock.advance(1_000);
      await bobDestroy;
      network.destroy();
    });
  });

  it('applies withCallingOptions: the call store and rejoin grace (a stored call that is over: 60019, forgotten)', async () => {
    const clock = new VirtualClock();
    const network = new VirtualNetwork({ scheduler: clock.scheduler });
    const { feature } = countingBackend(network);
    const stored: StoredCall = {
      userID: 'alice',
      callID: 'gone',
      direction: 'incoming',
      inviter: 'bob',
      callType: 1,
      roomID: 777,
      groupID: '',
      isGroup: false,
      inviteIDs: ['gone'],
      participants: ['bob'],
      startedAt: clock.now() - 90_000,
      connectedAt: null,
      savedAt: clock.now() - 50_000,
    };
    const records = new Map<string, StoredCall>([['alice', stored]]);
    const callStore: CallStore = {
      load: (userID) => records.get(userID) ?? null,
      save: (call) => void records.set(call.userID, call),
      clear: (userID) => void records.delete(userID),
    };
    TestBed.configureTestingModule({
      providers: [
        provideCalling(
          feature,
          withCallingOptions({
            scheduler: clock.scheduler,
            logger: SILENT_LOGGER,
            callStore,
            rejoinGrace: 60,
          }),
        ),
      ],
    });
    const calling = TestBed.inject(CallingService);
    const login = calling.login({ userID: 'alice', userSig: 'sig' });
    await clock.advance(100);
    await login;
    // 50 s old is within the 60 s grace: the rejoin is tried, and the room is empty.
    expect(calling.lastError()?.code).toBe(CALLING_ERROR_CODE.CALL_ENDED);
    expect(calling.phase()).toBe('idle');
    expect(records.size).toBe(0);
    TestBed.resetTestingModule();
    await clock.advance(1_000);
    network.destroy();
  });

  describe('teardown', () => {
    it('destroying the injector hangs up, logs out and releases everything', async () => {
      const clock = new VirtualClock();
      const network = new VirtualNetwork({ scheduler: clock.scheduler, latency: 20 });
      const { calling, controller, loginAlice } = setUp({ clock, network });
      await loginAlice();
      const bob = await controller.createPeer('bob');
      await controller.flush(calling.call({ userID: 'bob', type: 2 }));
      await clock.advance(100);
      await controller.flush(bob.accept());
      await clock.advance(100);
      await controller.flush(calling.setMicMute(true));
      expect(calling.phase()).toBe('connected');
      expect(network.liveTracks()).toBe(4);
      const phases = collect(calling.phase$);
      const events = collect(calling.events$);
      const media = controller.media!;

      TestBed.resetTestingModule();
      await clock.advance(1_000);

      expect(network.liveTracks()).toBe(0);
      expect(network.sessions('alice')).toEqual([]);
      expect(network.sessions('bob')).toEqual([]); // peers go with the injector too
      expect(network.rooms().size).toBe(0);
      expect(media.isDestroyed).toBe(true);
      expect(clock.pending()).toBe(0);
      expect(phases.completed).toBe(true);
      expect(events.completed).toBe(true);
      await expect(calling.login({ userID: 'alice', userSig: 'sig' })).rejects.toEqual(
        expect.objectContaining({ reason: 'destroyed' }),
      );
      network.destroy();
    });

    it('destroys a Calling whose backend resolves after the injector is gone', async () => {
      const network = new VirtualNetwork();
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      const signaling = network.signaling();
      const media = network.media();
      TestBed.configureTestingModule({
        providers: [
          provideCalling(
            withCallingBackend(() => ({
              create: async () => {
                await gate;
                return { signaling, media, SDKAppID: 1 };
              },
            })),
          ),
        ],
      });
      const calling = TestBed.inject(CallingService);
      const pending = calling.calling();
      TestBed.resetTestingModule();
      release();
      await expect(pending).rejects.toEqual(expect.objectContaining({ reason: 'destroyed' }));
      expect(media.isDestroyed).toBe(true);
      network.destroy();
    });
  });

  describe('configuration errors (dev mode)', () => {
    it('throws at provideCalling() when two backends are provided', () => {
      expect(() =>
        provideCalling(withSelfHosted({ url: 'ws://localhost:1' }), withTencentCloud({ SDKAppID: 1 })),
      ).toThrow(/withSelfHosted\(\) and withTencentCloud\(\).*exactly one/);
      expect(() =>
        provideCalling(
          withCallingBackend(() => ({ create: () => Promise.reject(new Error('unused')) })),
          withSelfHosted({ url: 'ws://localhost:1' }),
        ),
      ).toThrow(/withCallingBackend\(\) and withSelfHosted\(\)/);
    });

    it('throws at first injection when no backend is provided', () => {
      TestBed.configureTestingModule({ providers: [provideCalling(withCallingOptions({}))] });
      expect(() => TestBed.inject(CallingService)).toThrow(/no CallingBackend/);
    });

    it('lets provideCallingTesting() after the app’s provideCalling() win', async () => {
      TestBed.configureTestingModule({
        providers: [provideCalling(withSelfHosted({ url: 'ws://never.test/ws' })), provideCallingTesting()],
      });
      const calling = TestBed.inject(CallingService);
      const controller = TestBed.inject(CallingTestingController);
      await controller.flush(calling.login({ userID: 'alice', userSig: 'sig' }));
      expect(controller.network.sessions('alice')).toEqual([controller.signaling]);
    });

    it('accepts a CallingBackend provided without a feature', async () => {
      const network = new VirtualNetwork();
      const backend: CallingBackend = {
        create: async () => ({ signaling: network.signaling(), media: network.media(), SDKAppID: 1 }),
      };
      TestBed.configureTestingModule({
        providers: [
          provideCalling(withCallingOptions({ logger: SILENT_LOGGER })),
          { provide: CallingBackend, useValue: backend },
        ],
      });
      await expect(
        TestBed.inject(CallingService).login({ userID: 'alice', userSig: 's' }),
      ).resolves.toBeUndefined();
      TestBed.resetTestingModule();
      network.destroy();
    });
  });

  describe('server-side rendering', () => {
    it('never creates the backend; methods reject clearly; observables and signals stay idle', async () => {
      const network = new VirtualNetwork({ scheduler: asyncScheduler });
      const { counts, feature } = countingBackend(network);
      TestBed.configureTestingModule({
        providers: [provideCalling(feature), { provide: PLATFORM_ID, useValue: 'server' }],
      });
      const calling = TestBed.inject(CallingService);
      const phases = collect(calling.phase$);
      const events = collect(calling.events$);

      const failure = await calling.login({ userID: 'alice', userSig: 'sig' }).catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(CallingError);
      expect(failure).toEqual(
        expect.objectContaining({ code: CALLING_ERROR_CODE.NOT_SUPPORT, reason: 'notSupported' }),
      );
      expect((failure as Error).message).toMatch(/not available on the server/);
      await expect(calling.calling()).rejects.toBeInstanceOf(CallingError);
      await expect(calling.startLocalView({ userID: 'a', videoViewDomID: 'x' })).rejects.toBeInstanceOf(
        CallingError,
      );

      expect(counts).toEqual({ constructed: 0, created: 0 });
      expect(phases.values).toEqual(['idle']);
      expect(events.values).toEqual([]);
      expect(calling.phase()).toBe('idle');
      expect(calling.incoming()).toBeNull();
      expect(calling.devices()).toEqual({ cameras: [], microphones: [], speakers: [] });
      TestBed.resetTestingModule();
      expect(phases.completed).toBe(true);
      network.destroy();
    });
  });
});
