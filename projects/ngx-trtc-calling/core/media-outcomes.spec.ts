import {
  CALL_FLOW,
  type ContractClient,
  names,
  payloads,
  rejection,
  virtualEnv,
  type VirtualEnv,
} from '@calling-internal/contract';
import type { VirtualMediaOptions, VirtualNetworkOptions } from 'ngx-trtc-calling/testing';
import { Calling, SILENT_LOGGER } from './calling';
import type { CallingEvent } from './calling-events';
import { CALLING_ERROR_CODE } from './errors';
import { decodeSignal } from './protocol/codec';

/*
 * What media decides about a call, over the VirtualNetwork in virtual time: media starts before
 * any invitation leaves, a missing camera turns the call into audio for that user, the media
 * engine's capacity bounds a call up front, and a call that ends on media says why.
 */

/** The actions of everything `from` sent (INVITE, CANCEL, …). */
function sentBy(env: VirtualEnv, from: string): string[] {
  return env.network.sent
    .filter((m) => m.from === from)
    .map((m) => {
      const decoded = decodeSignal(m.data);
      return decoded.ok ? decoded.signal.action : 'undecodable';
    });
}

function errors(client: ContractClient): number[] {
  return payloads(client, 'onError').map((e) => e.code);
}

describe('media outcomes', () => {
  let env: VirtualEnv;

  async function start(network: VirtualNetworkOptions = {}): Promise<void> {
    env = await virtualEnv({ network });
  }

  /** A logged-in client whose browser has `media` (devices, denials, delays). */
  async function clientWith(userID: string, media: VirtualMediaOptions): Promise<ContractClient> {
    const calling = new Calling({
      SDKAppID: 1,
      signaling: env.network.signaling(),
      media: env.network.media({ userID, ...media }),
      scheduler: env.clock.scheduler,
      ringTimeout: env.ringTimeout,
      logger: SILENT_LOGGER,
    });
    const events: CallingEvent[] = [];
    calling.events$.subscribe((e) => events.push(e));
    const client = { userID, calling, events };
    env.clients.push(client);
    await env.run(calling.login({ userID, userSig: `sig-${userID}` }));
    return client;
  }

  afterEach(async () => {
    await env.teardown();
  });

  describe('media starts before any invitation leaves', () => {
    it('no microphone: call() rejects with 60003, nothing is sent, the callee never rings', async () => {
      await start();
      const alice = await clientWith('alice', { devices: { microphones: [] } });
      const bob = await env.client('bob');
      const error = await rejection(env.run(alice.calling.call({ userID: 'bob', type: 1 })));
      expect(error.code).toBe(CALLING_ERROR_CODE.NOT_MICROPHONE_LIST);
      await env.wait(1_000);
      expect(sentBy(env, 'alice')).toEqual([]);
      expect(names(bob, CALL_FLOW)).toEqual([]);
      expect(alice.calling.phase).toBe('idle');
      expect(alice.calling.callRecords.at(-1)).toMatchObject({
        endReason: 'mediaFailed',
        cause: 'noMicrophone',
      });
      expect(errors(alice)).toEqual([60003]);
    });

    it('microphone denied: 60005, the record says microphoneDenied, nothing is sent', async () => {
      await start();
      const alice = await clientWith('alice', { deniedAccess: 'microphone' });
      await env.client('bob');
      const error = await rejection(env.run(alice.calling.call({ userID: 'bob', type: 2 })));
      expect(error.code).toBe(CALLING_ERROR_CODE.NOT_MEDIA_ACCESS);
      expect(sentBy(env, 'alice')).toEqual([]);
      expect(alice.calling.callRecords.at(-1)).toMatchObject({
        endReason: 'mediaFailed',
        cause: 'microphoneDenied',
      });
    });

    it('a slow media start holds the INVITE back until our media is up', async () => {
      await start();
      const alice = await clientWith('alice', { joinDelay: 2_000 });
      const bob = await env.client('bob');
      const dialed = alice.calling.call({ userID: 'bob', type: 1 });
      await env.wait(1_900);
      expect(alice.calling.phase).toBe('dialing');
      expect(sentBy(env, 'alice')).toEqual([]);
      await env.run(dialed);
      expect(sentBy(env, 'alice')).toEqual(['invite']);
      await env.until(() => bob.calling.phase === 'ringing');
    });

    it('hanging up while our media still starts sends nothing: no phantom ring, no stray CANCEL', async () => {
      await start();
      const alice = await clientWith('alice', { joinDelay: 2_000 });
      const bob = await env.client('bob');
      const dialed = rejection(alice.calling.call({ userID: 'bob', type: 1 }));
      await env.wait(500);
      await env.run(alice.calling.hangup());
      expect((await env.run(dialed)).code).toBe(CALLING_ERROR_CODE.WRONG_STATE);
      await env.wait(3_000);
      expect(sentBy(env, 'alice')).toEqual([]);
      expect(names(bob, CALL_FLOW)).toEqual([]);
      expect(env.roomOf('alice')).toBeNull();
    });
  });

  describe('no camera: the video call goes on as audio for that user, with 60004', () => {
    it('a caller without a camera dials a video call: ERROR 60004, audio only, the call connects', async () => {
      await start();
      const alice = await clientWith('alice', { devices: { cameras: [] } });
      const bob = await env.client('bob');
      const result = await env.run(alice.calling.call({ userID: 'bob', type: 2 }));
      expect(result.callType).toBe(2);
      expect(errors(alice)).toEqual([60004]);
      expect(alice.calling.currentCall?.cameraEnabled).toBe(false);
      await env.until(() => bob.calling.phase === 'ringing');
      await env.run(bob.calling.accept());
      await env.until(() => alice.calling.phase === 'connected' && bob.calling.phase === 'connected');
      await env.wait(100);
      const seenByBob = bob.calling.currentCall?.participants.find((p) => p.userID === 'alice');
      expect(seenByBob).toMatchObject({ audioAvailable: true, videoAvailable: false });
      const seenByAlice = alice.calling.currentCall?.participants.find((p) => p.userID === 'bob');
      expect(seenByAlice).toMatchObject({ audioAvailable: true, videoAvailable: true });
    });

    it('a callee without a camera accepts a video call: accept resolves, ERROR 60004, both connected', async () => {
      await start();
      const alice = await env.client('alice');
      const bob = await clientWith('bob', { devices: { cameras: [] } });
      await env.run(alice.calling.call({ userID: 'bob', type: 2 }));
      await env.until(() => bob.calling.phase === 'ringing');
      await expect(env.run(bob.calling.accept())).resolves.toMatchObject({ code: 0, callType: 2 });
      expect(errors(bob)).toEqual([60004]);
      await env.until(() => alice.calling.phase === 'connected' && bob.calling.phase === 'connected');
      expect(payloads(alice, 'onReject')).toEqual([]);
    });
  });

  describe('capacity: the media engine says how many one room holds', () => {
    it('groupCall refuses up front what the room cannot hold, sending nothing', async () => {
      await start({ maxParticipants: 3 });
      const alice = await env.client('alice');
      const error = await rejection(
        env.run(alice.calling.groupCall({ userIDList: ['b', 'c', 'd'], type: 1 })),
      );
      expect(error).toMatchObject({ code: CALLING_ERROR_CODE.ROOM_FULL, reason: 'roomFull' });
      expect(alice.calling.phase).toBe('idle');
      expect(alice.calling.callRecords).toEqual([]);
      expect(sentBy(env, 'alice')).toEqual([]);
    });

    it('inviting more into a running call counts those still ringing or in it', async () => {
      await start({ maxParticipants: 3 });
      const alice = await env.client('alice');
      await env.client('b');
      await env.run(alice.calling.groupCall({ userIDList: ['b', 'c'], type: 1 }));
      const error = await rejection(env.run(alice.calling.groupCall({ userIDList: ['d'], type: 1 })));
      expect(error.reason).toBe('roomFull');
      expect(alice.calling.currentCall?.participants.map((p) => p.userID)).toEqual(['b', 'c']);
      expect(sentBy(env, 'alice')).toEqual(['invite', 'invite']);
    });

    it('call() with a room of one refuses too', async () => {
      await start({ maxParticipants: 1 });
      const alice = await env.client('alice');
      const error = await rejection(env.run(alice.calling.call({ userID: 'bob', type: 1 })));
      expect(error.code).toBe(CALLING_ERROR_CODE.ROOM_FULL);
    });
  });

  describe('the cause of a media failure', () => {
    it('a callee whose camera is denied: accept rejects 60005, the record says cameraDenied', async () => {
      await start();
      const alice = await env.client('alice');
      const bob = await clientWith('bob', { deniedAccess: 'camera' });
      await env.run(alice.calling.call({ userID: 'bob', type: 2 }));
      await env.until(() => bob.calling.phase === 'ringing');
      const error = await rejection(env.run(bob.calling.accept()));
      expect(error.code).toBe(CALLING_ERROR_CODE.NOT_MEDIA_ACCESS);
      expect(bob.calling.callRecords.at(-1)).toMatchObject({
        endReason: 'mediaFailed',
        cause: 'cameraDenied',
      });
      await env.until(() => alice.calling.phase === 'idle');
      // The caller hears why: not a decline.
      expect(alice.calling.callRecords.at(-1)?.participants).toEqual([
        expect.objectContaining({ userID: 'bob', end: { reason: 'mediaFailed', cause: 'cameraDenied' } }),
      ]);
    });

    it('a joiner who finds the room full: the record says roomFull', async () => {
      await start({ maxParticipants: 2 });
      const alice = await env.client('alice');
      const bob = await env.client('bob');
      await env.run(alice.calling.call({ userID: 'bob', type: 1 }));
      await env.until(() => bob.calling.phase === 'ringing');
      // Someone else takes the second place of the room before bob enters it.
      const intruder = env.network.media({ userID: 'intruder' });
      await intruder.join({
        roomID: alice.calling.currentCall?.roomID ?? 0,
        userID: 'intruder',
        userSig: 'sig',
        video: false,
        profile: { width: 1, height: 1, frameRate: 1, bitrate: 1 },
      });
      const error = await rejection(env.run(bob.calling.accept()));
      expect(error.reason).toBe('roomFull');
      expect(bob.calling.callRecords.at(-1)).toMatchObject({ endReason: 'mediaFailed', cause: 'roomFull' });
      intruder.destroy();
    });

    it('media failing mid-call: CALL_END and the record carry the cause the engine reported', async () => {
      await start();
      const alice = await env.client('alice');
      const bob = await env.client('bob');
      await env.run(alice.calling.call({ userID: 'bob', type: 1 }));
      await env.until(() => bob.calling.phase === 'ringing');
      await env.run(bob.calling.accept());
      await env.until(() => alice.calling.phase === 'connected');
      env.network.failMedia('bob', 4953, 'the peer connection failed');
      await env.until(() => bob.calling.phase === 'idle');
      expect(payloads(bob, 'onCallEnd').at(-1)).toMatchObject({
        reason: 'mediaFailed',
        cause: 'connectionFailed',
      });
      expect(bob.calling.callRecords.at(-1)?.cause).toBe('connectionFailed');
    });
  });
  describe('the shapes of the API doc', () => {
    it('getCameras/getMicrophones/getSpeakers give the browser device fields, ours kept beside them', async () => {
      await start();
      const alice = await env.client('alice');
      expect(await env.run(alice.calling.getCameras())).toEqual([
        {
          deviceId: 'virtual-camera',
          groupId: 'virtual',
          kind: 'videoinput',
          label: 'Virtual Camera',
          deviceID: 'virtual-camera',
          groupID: 'virtual',
          deviceKind: 'camera',
        },
      ]);
      expect((await env.run(alice.calling.getMicrophones())).map((d) => d.kind)).toEqual(['audioinput']);
      expect((await env.run(alice.calling.getSpeakers())).map((d) => [d.kind, d.deviceKind])).toEqual([
        ['audiooutput', 'speaker'],
      ]);
    });

    it('switchDevice takes the positional form of the doc sample as well as the object', async () => {
      await start();
      const media = env.network.media({ userID: 'alice' });
      const calling = new Calling({
        SDKAppID: 1,
        signaling: env.network.signaling(),
        media,
        scheduler: env.clock.scheduler,
        logger: SILENT_LOGGER,
      });
      env.clients.push({ userID: 'alice', calling, events: [] });
      await env.run(calling.login({ userID: 'alice', userSig: 'sig' }));
      env.network.addDevice('alice', { deviceID: 'usb-camera', kind: 'camera', label: 'USB' });
      env.network.addDevice('alice', { deviceID: 'headset', kind: 'microphone', label: 'Headset' });
      await env.run(calling.switchDevice('video', 'usb-camera'));
      await env.run(calling.switchDevice({ deviceType: 'audio', deviceId: 'headset' }));
      expect(media.selectedDevices).toMatchObject({ camera: 'usb-camera', microphone: 'headset' });
      await expect(env.run(calling.switchDevice('video', ''))).rejects.toMatchObject({
        reason: 'invalidArgument',
      });
      await expect(env.run(calling.switchDevice('screen' as 'video', 'x'))).rejects.toMatchObject({
        reason: 'invalidArgument',
      });
    });
  });
});
