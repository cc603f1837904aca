import { ringCall, virtualEnv, type ContractClient, type VirtualEnv } from '@calling-internal/contract';
import type { JoinOptions } from '../media/media-engine';

/*
 * Answering a video call with the camera turned off while ringing: the join publishes video
 * but never opens the camera, and `openCamera` opens it later, over the virtual network.
 */

type VirtualMediaEngine = ReturnType<VirtualEnv['network']['media']>;

describe('answering a video call with the camera off', () => {
  let env: VirtualEnv;

  beforeEach(async () => {
    env = await virtualEnv();
  });

  afterEach(async () => {
    await env.teardown();
  });

  async function client(
    userID: string,
    joinDelay = 0,
  ): Promise<{
    readonly client: ContractClient;
    readonly media: VirtualMediaEngine;
    readonly joins: JoinOptions[];
  }> {
    const media = env.network.media({ userID, joinDelay });
    const joins: JoinOptions[] = [];
    const join = media.join.bind(media);
    media.join = async (options) => {
      joins.push(options);
      await join(options);
    };
    return { client: await env.clientWith(userID, { calling: { media } }), media, joins };
  }

  function bobSeenByAlice(alice: ContractClient): { audio: boolean; video: boolean } | undefined {
    const bob = alice.calling.currentCall?.participants.find((p) => p.userID === 'bob');
    return bob && { audio: bob.audioAvailable, video: bob.videoAvailable };
  }

  it('joins with video published and no camera opened, then openCamera opens it for the peer', async () => {
    const alice = await client('alice');
    const bob = await client('bob');
    await ringCall(env, alice.client, bob.client, 2);
    await env.run(bob.client.calling.closeCamera());
    await env.run(bob.client.calling.accept());
    await env.until(() => alice.client.calling.phase === 'connected', 'alice connected');
    await env.until(() => bobSeenByAlice(alice.client)?.audio === true, 'alice hears bob');

    expect(bob.joins).toEqual([expect.objectContaining({ video: true, cameraEnabled: false })]);
    expect(bob.media.tracks.video).toBeUndefined();
    expect(bob.media.videoPublished).toBe(true);
    expect(bob.client.calling.currentCall?.cameraEnabled).toBe(false);
    expect(bobSeenByAlice(alice.client)).toEqual({ audio: true, video: false });

    await env.run(bob.client.calling.openCamera());
    await env.until(() => bobSeenByAlice(alice.client)?.video === true, 'alice sees bob');
    expect(bob.media.tracks.video).toBeDefined();
    expect(bob.client.calling.currentCall?.cameraEnabled).toBe(true);
  });

  it('follows a camera turned off while the join is under way', async () => {
    const alice = await client('alice');
    const bob = await client('bob', 10_000);
    await ringCall(env, alice.client, bob.client, 2);
    const accepted = bob.client.calling.accept();
    await env.until(() => bob.joins.length === 1, 'bob joining');
    await env.run(bob.client.calling.closeCamera());
    expect(bob.client.calling.phase).toBe('connecting');
    expect(bob.joins).toEqual([expect.objectContaining({ video: true })]);
    expect(bob.joins[0]?.cameraEnabled).toBeUndefined();
    await env.run(accepted);
    expect(bob.media.cameraEnabled).toBe(false);
    expect(bob.media.tracks.video).toBeUndefined();
  });

  it('opens the camera at the join when it was left on', async () => {
    const alice = await client('alice');
    const bob = await client('bob');
    await ringCall(env, alice.client, bob.client, 2);
    await env.run(bob.client.calling.accept());
    await env.until(() => bobSeenByAlice(alice.client)?.video === true, 'alice sees bob');
    expect(bob.joins[0]?.cameraEnabled).toBeUndefined();
    expect(bob.media.tracks.video).toBeDefined();
  });
});
