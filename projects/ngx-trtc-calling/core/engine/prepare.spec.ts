import { Subject } from 'rxjs';
import {
  type ContractClient,
  rejection,
  ringCall,
  virtualEnv,
  type VirtualEnv,
} from '@calling-internal/contract';
import { CALLING_ERROR_CODE } from '../errors';
import type { DeviceCheck, MediaEngine, PrepareOptions } from '../media/media-engine';

/*
 * Instant answer (the media engine prepares the room of a ringing invitation and leaves it
 * when the ringing ends without an accept) and the device check (delegated to the media
 * engine, stopped on logout and destroy), over the virtual network.
 */

interface Spied {
  readonly client: ContractClient;
  readonly media: MediaEngine;
  readonly log: string[];
  readonly prepared: PrepareOptions[];
}

describe('instant answer and device check in core', () => {
  let env: VirtualEnv;

  beforeEach(async () => {
    env = await virtualEnv();
  });

  afterEach(async () => {
    await env.teardown();
  });

  async function client(userID: string, instantAnswer?: boolean): Promise<Spied> {
    const media = env.network.media({ userID });
    const log: string[] = [];
    const prepared: PrepareOptions[] = [];
    const join = media.join.bind(media);
    const leave = media.leave.bind(media);
    media.prepare = async (options) => {
      log.push('prepare');
      prepared.push(options);
    };
    media.join = async (options) => {
      log.push('join');
      await join(options);
    };
    media.leave = async () => {
      log.push('leave');
      await leave();
    };
    const c = await env.clientWith(userID, {
      calling: { media, ...(instantAnswer === undefined ? {} : { instantAnswer }) },
    });
    return { client: c, media, log, prepared };
  }

  it('prepares the room of a ringing invitation with the call, then Accept joins it', async () => {
    const alice = await client('alice');
    const bob = await client('bob');
    await ringCall(env, alice.client, bob.client, 2);
    await env.until(() => bob.log.includes('prepare'), 'bob prepared');
    const options = bob.prepared[0];
    expect(options).toMatchObject({
      roomID: bob.client.calling.currentCall?.roomID,
      userID: 'bob',
      userSig: 'sig-bob',
    });
    // Only the call's users: the inviter, not a stranger.
    expect(options?.allowPeer?.('alice')).toBe(true);
    expect(options?.allowPeer?.('mallory')).toBe(false);
    // The caller prepares nothing: it joins while dialing.
    expect(alice.log).toEqual(['join']);
    await env.run(bob.client.calling.accept());
    await env.until(() => alice.client.calling.phase === 'connected', 'alice connected');
    expect(bob.log).toEqual(['prepare', 'join']);
  });

  it.each([
    ['rejected', (bob: ContractClient) => env.run(bob.calling.reject())],
    ['cancelled', (_bob: ContractClient, alice: ContractClient) => env.run(alice.calling.hangup())],
    ['unanswered', () => env.clock.advance((env.ringTimeout + 1) * 1000)],
  ])('leaves the prepared room when the invitation is %s', async (_how, end) => {
    const alice = await client('alice');
    const bob = await client('bob');
    await ringCall(env, alice.client, bob.client, 2);
    await env.until(() => bob.log.includes('prepare'), 'bob prepared');
    await end(bob.client, alice.client);
    await env.until(() => bob.client.calling.phase === 'idle', 'bob idle');
    await env.until(() => bob.log.includes('leave'), 'bob left');
    expect(bob.log).toEqual(['prepare', 'leave']);
  });

  it('prepares nothing with instantAnswer: false', async () => {
    const alice = await client('alice');
    const bob = await client('bob', false);
    await ringCall(env, alice.client, bob.client, 2);
    await env.run(bob.client.calling.accept());
    await env.until(() => bob.client.calling.phase === 'connected', 'bob connected');
    expect(bob.log).toEqual(['join']);
  });

  it('a failed prepare costs nothing: Accept joins as usual', async () => {
    const alice = await client('alice');
    const bob = await client('bob');
    bob.media.prepare = () => Promise.reject(Object.assign(new Error('room refused'), { code: 4030 }));
    await ringCall(env, alice.client, bob.client, 2);
    await env.run(bob.client.calling.accept());
    await env.until(() => alice.client.calling.phase === 'connected', 'alice connected');
    expect(bob.client.calling.phase).toBe('connected');
  });

  function fakeCheck(): DeviceCheck & { stops: number } {
    const level$ = new Subject<number>();
    const check = {
      stops: 0,
      level$,
      attachPreview: () => undefined,
      playTestTone: () => Promise.reject(Object.assign(new Error('blocked'), { code: 4952 })),
      stop: () => {
        check.stops++;
        level$.complete();
      },
    };
    return check;
  }

  it('the device check is the media engine’s, needs no login, and logout stops a check left open', async () => {
    const { media, client: alice } = await client('alice');
    const opened = fakeCheck();
    const asked: unknown[] = [];
    media.startDeviceCheck = async (options) => {
      asked.push(options);
      return opened;
    };
    const check = await alice.calling.startDeviceCheck({ video: false });
    expect(asked).toEqual([{ video: false }]);
    await expect(check.playTestTone()).rejects.toMatchObject({ code: 4952, reason: 'autoplayBlocked' });
    await env.run(alice.calling.logout());
    expect(opened.stops).toBe(1);
    // Stopped once: a later stop by the app reaches the engine's check, which is idempotent.
    const again = await alice.calling.startDeviceCheck();
    expect(asked).toEqual([{ video: false }, {}]);
    again.stop();
    await env.run(alice.calling.destroy());
    expect(opened.stops).toBe(2);
  });

  it('destroy stops an open check, and a destroyed Calling refuses both methods', async () => {
    const { media, client: alice } = await client('alice');
    const opened = fakeCheck();
    media.startDeviceCheck = async () => opened;
    await alice.calling.startDeviceCheck();
    await env.run(alice.calling.destroy());
    expect(opened.stops).toBe(1);
    expect(() => alice.calling.startDeviceCheck()).toThrow(
      expect.objectContaining({ code: CALLING_ERROR_CODE.DESTROYED }),
    );
    expect(() => alice.calling.getPermissions()).toThrow(
      expect.objectContaining({ code: CALLING_ERROR_CODE.DESTROYED }),
    );
  });

  it('a media failure rejects with its code and reason; an engine without a check rejects 60006', async () => {
    const { media, client: alice } = await client('alice');
    const denied = await rejection(alice.calling.startDeviceCheck());
    expect(denied).toMatchObject({ code: CALLING_ERROR_CODE.NOT_SUPPORT });
    media.startDeviceCheck = () =>
      Promise.reject(Object.assign(new Error('camera denied'), { code: 60005, device: 'camera' }));
    expect(await rejection(alice.calling.startDeviceCheck())).toMatchObject({
      code: 60005,
      reason: 'mediaAccessDenied',
    });
    await expect(alice.calling.getPermissions()).resolves.toEqual({
      camera: 'unknown',
      microphone: 'unknown',
    });
  });
});
