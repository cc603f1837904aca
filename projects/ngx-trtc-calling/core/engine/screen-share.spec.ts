import {
  connectCall,
  type ContractClient,
  rejection,
  virtualEnv,
  type VirtualEnv,
} from '@calling-internal/contract';
import type { VirtualMediaEngine, VirtualMediaOptions } from 'ngx-trtc-calling/testing';
import type { Observable } from 'rxjs';
import { Calling, SILENT_LOGGER } from '../calling';
import type { CallingEvent } from '../calling-events';
import { CALLING_ERROR_CODE, callingErrorReason } from '../errors';
import type { MediaStats } from '../media/media-engine';

/*
 * Network quality, statistics and screen shares over the VirtualNetwork in virtual time: what
 * the media engine reports reaches `Calling`, lasts as long as the call, and screen sharing
 * checks its state and reports a refused capture as a typed error.
 */

interface Client extends ContractClient {
  readonly media: VirtualMediaEngine;
}

/** The latest value of a state stream (they replay their current value). */
function latest<T>(source: Observable<T>): () => T {
  let value: T | undefined;
  source.subscribe((v) => (value = v));
  return () => value as T;
}

const BOB_STATS: MediaStats = {
  userID: 'bob',
  bitrateKbps: 900,
  packetLoss: 0.01,
  rttMs: 40,
  jitterMs: 3,
  width: 640,
  height: 480,
  frameRate: 30,
};

describe('network quality, stats and screen sharing', () => {
  let env: VirtualEnv;

  async function client(userID: string, options: VirtualMediaOptions = {}): Promise<Client> {
    const media = env.network.media({ userID, ...options });
    const calling = new Calling({
      SDKAppID: 1,
      signaling: env.network.signaling(),
      media,
      scheduler: env.clock.scheduler,
      ringTimeout: env.ringTimeout,
      logger: SILENT_LOGGER,
    });
    const events: CallingEvent[] = [];
    calling.events$.subscribe((e) => events.push(e));
    const created = { userID, calling, events, media };
    env.clients.push(created);
    await env.run(calling.login({ userID, userSig: `sig-${userID}` }));
    return created;
  }

  beforeEach(async () => {
    env = await virtualEnv();
  });

  afterEach(async () => {
    await env.teardown();
  });

  describe('quality and stats', () => {
    it('reports what the engine measures during the call and nothing once it ended', async () => {
      const alice = await client('alice');
      const bob = await client('bob');
      const quality = latest(alice.calling.networkQuality$);
      const stats = latest(alice.calling.stats$);
      await connectCall(env, alice, bob);

      env.network.setQuality('alice', 1);
      env.network.setQuality('bob', 4);
      env.network.setStats(BOB_STATS);
      await env.wait(100);
      expect(quality()).toEqual([
        { userID: 'alice', quality: 1 },
        { userID: 'bob', quality: 4 },
      ]);
      expect(stats()).toEqual([BOB_STATS]);
      expect(latest(bob.calling.networkQuality$)()).toContainEqual({ userID: 'bob', quality: 4 });

      await env.run(alice.calling.hangup());
      expect(quality()).toEqual([]);
      expect(stats()).toEqual([]);
      await env.wait(1_000);
      await env.until(() => bob.calling.phase === 'idle', 'bob idle');
      expect(latest(bob.calling.networkQuality$)()).toEqual([]);
    });

    it('logging out during a call clears them too', async () => {
      const alice = await client('alice');
      const bob = await client('bob');
      const quality = latest(alice.calling.networkQuality$);
      await connectCall(env, alice, bob);
      env.network.setQuality('bob', 2);
      await env.wait(100);
      expect(quality()).toEqual([{ userID: 'bob', quality: 2 }]);
      await env.run(alice.calling.logout());
      expect(quality()).toEqual([]);
    });

    it('a report that arrives after the call ended is dropped', async () => {
      const alice = await client('alice');
      const bob = await client('bob');
      const stats = latest(bob.calling.stats$);
      await connectCall(env, alice, bob);
      // Delivered one latency later, after bob hung up and left the room.
      env.network.setStats(BOB_STATS);
      await env.run(bob.calling.hangup());
      await env.wait(1_000);
      expect(stats()).toEqual([]);
    });
  });

  describe('screen sharing', () => {
    /** Alice and bob in a video call, alice sharing her screen and bob told of it. */
    async function aliceSharingWithBob() {
      const alice = await client('alice');
      const bob = await client('bob');
      const sharing = latest(alice.calling.screenSharing$);
      const shares = latest(bob.calling.remoteScreenShares$);
      await connectCall(env, alice, bob);
      await env.run(alice.calling.startScreenShare());
      await env.until(() => shares().length === 1, 'bob told');
      return { alice, bob, sharing, shares };
    }

    it('alice shares, bob sees it and renders it, alice stops, bob is told', async () => {
      const alice = await client('alice');
      const bob = await client('bob');
      const sharing = latest(alice.calling.screenSharing$);
      const shares = latest(bob.calling.remoteScreenShares$);
      await connectCall(env, alice, bob);
      const tracks = env.network.liveTracks();

      await env.run(alice.calling.startScreenShare());
      expect(sharing()).toBe(true);
      expect(env.network.liveTracks()).toBe(tracks + 1);
      await env.until(() => shares().length > 0, 'bob told');
      expect(shares()).toEqual(['alice']);
      bob.calling.startRemoteScreenView({ userID: 'alice', view: 'screen-of-alice' });
      expect(bob.media.attachments.screens.get('alice')).toBe('screen-of-alice');
      bob.calling.stopRemoteScreenView({ userID: 'alice' });
      expect(bob.media.attachments.screens.has('alice')).toBe(false);

      await env.run(alice.calling.stopScreenShare());
      expect(sharing()).toBe(false);
      expect(env.network.liveTracks()).toBe(tracks);
      await env.until(() => shares().length === 0, 'bob told it stopped');
    });

    it('a peer who joins later learns of the share in progress', async () => {
      const alice = await client('alice');
      const bob = await client('bob');
      const shares = latest(bob.calling.remoteScreenShares$);
      await env.run(alice.calling.call({ userID: 'bob', type: 2 }));
      // Alice is in the room while it rings: she may share before bob is there.
      await env.run(alice.calling.startScreenShare());
      await env.until(() => bob.calling.phase === 'ringing', 'bob ringing');
      await env.run(bob.calling.accept());
      await env.until(() => shares().includes('alice'), 'bob learns of the share');
    });

    it("the browser's own Stop ends the share on both sides", async () => {
      const { sharing, shares } = await aliceSharingWithBob();

      expect(env.network.endScreenShare('alice')).toBe(1);
      await env.until(() => !sharing(), 'alice not sharing');
      await env.until(() => shares().length === 0, 'bob told it ended');
    });

    it('the call ending stops the share and clears the list on both sides', async () => {
      const { alice, bob, sharing, shares } = await aliceSharingWithBob();

      await env.run(bob.calling.hangup());
      expect(shares()).toEqual([]);
      await env.until(() => alice.calling.phase === 'idle', 'alice idle');
      expect(sharing()).toBe(false);
      expect(alice.media.screenShared).toBe(false);
      expect(env.network.liveTracks()).toBe(0);
    });

    it('the sharer leaving a group call takes their share out of the list', async () => {
      const alice = await client('alice');
      const bob = await client('bob');
      const carol = await client('carol');
      const shares = latest(bob.calling.remoteScreenShares$);
      await env.run(alice.calling.groupCall({ userIDList: ['bob', 'carol'], type: 2 }));
      await env.until(() => bob.calling.phase === 'ringing' && carol.calling.phase === 'ringing');
      await env.run(bob.calling.accept());
      await env.run(carol.calling.accept());
      await env.until(() => bob.calling.phase === 'connected' && carol.calling.phase === 'connected');
      await env.run(carol.calling.startScreenShare());
      await env.until(() => shares().includes('carol'), 'bob told');

      await env.run(carol.calling.hangup());
      await env.until(() => !shares().includes('carol'), 'carol out of the list');
      expect(bob.calling.phase).toBe('connected');
    });

    it('outside a call: WRONG_STATE, nothing shared', async () => {
      const alice = await client('alice');
      const error = await rejection(env.run(alice.calling.startScreenShare()));
      expect(error).toMatchObject({ code: CALLING_ERROR_CODE.WRONG_STATE, reason: 'wrongState' });
      expect(alice.media.screenShared).toBe(false);
      await env.run(alice.calling.stopScreenShare());
    });

    it('a refused capture: SCREEN_SHARE_DENIED (60030, screenShareDenied), the call and state unchanged', async () => {
      const alice = await client('alice', { screenShareDenied: true });
      const bob = await client('bob');
      const sharing = latest(alice.calling.screenSharing$);
      const shares = latest(bob.calling.remoteScreenShares$);
      await connectCall(env, alice, bob);

      const error = await rejection(env.run(alice.calling.startScreenShare()));
      expect(error).toMatchObject({ code: 60030, reason: 'screenShareDenied' });
      expect(callingErrorReason(60030)).toBe('screenShareDenied');
      expect(sharing()).toBe(false);
      expect(alice.calling.phase).toBe('connected');
      await env.wait(1_000);
      expect(shares()).toEqual([]);
      expect(env.network.liveTracks()).toBe(4);
    });

    it('a capture refused by the browser (NotAllowedError) is SCREEN_SHARE_DENIED too', async () => {
      const alice = await client('alice');
      const bob = await client('bob');
      await connectCall(env, alice, bob);
      const denied = Object.assign(new Error('Permission denied'), { name: 'NotAllowedError' });
      jest.spyOn(alice.media, 'startScreenShare').mockRejectedValueOnce(denied);
      const error = await rejection(env.run(alice.calling.startScreenShare()));
      expect(error).toMatchObject({ code: 60030, reason: 'screenShareDenied', cause: denied });
    });

    it('checks its arguments', async () => {
      const alice = await client('alice');
      expect(() => alice.calling.startRemoteScreenView({ userID: '', view: 'x' })).toThrow(
        expect.objectContaining({ code: CALLING_ERROR_CODE.INVALID_ARGUMENT }),
      );
      expect(() =>
        alice.calling.startRemoteScreenView({ userID: 'bob', view: '' as unknown as string }),
      ).toThrow(expect.objectContaining({ code: CALLING_ERROR_CODE.INVALID_ARGUMENT }));
      expect(() => alice.calling.stopRemoteScreenView({ userID: '' })).toThrow(
        expect.objectContaining({ code: CALLING_ERROR_CODE.INVALID_ARGUMENT }),
      );
    });
  });
});
