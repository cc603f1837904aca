import { callContract, connectCall } from './call-contract';
import { janusEnv, type JanusEnv } from './janus-env';

// Real sockets, real Janus and real peer connections (wrtc): a scenario takes a few seconds.
jest.setTimeout(60_000);

callContract('calling-server + Janus VideoRoom (webRtcMedia, janus entry, wrtc)', () => janusEnv());

/** That the scenarios above ran on Janus, not on the mesh. */
describe('janusEnv', () => {
  let env: JanusEnv;
  afterEach(() => env.teardown());

  it('a connected call has its media on Janus: one publisher and one subscription per side, no mesh link', async () => {
    env = await janusEnv();
    const alice = await env.client('alice');
    const bob = await env.client('bob');
    await connectCall(env, alice, bob);
    for (const user of ['alice', 'bob']) {
      const engine = env.engineOf(user)!;
      await env.until(
        () => engine.sfuPeerConnections.length === 2,
        `${user} publishes and subscribes on Janus`,
      );
      expect(engine.peerConnections.size).toBe(0);
    }
    expect(env.roomOf('alice')).toBe(env.roomOf('bob'));
  });
});
