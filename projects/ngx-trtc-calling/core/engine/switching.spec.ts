import {
  connectCall,
  type ContractClient,
  names,
  payloads,
  rejection,
  virtualEnv,
  type VirtualEnv,
} from '@calling-internal/contract';
import type { VirtualMediaOptions } from 'ngx-trtc-calling/testing';
import { CALLING_ERROR_CODE } from '../errors';
import { decodeSignal } from '../protocol/codec';
import type { SwitchRequest } from '../state/call-state';

/*
 * The audio↔video switch as a question to the other user (issue 13): asked, answered, refused,
 * unanswered, and lost on the way — both sides always end in the same call type.
 */

function isSwitchReply(data: string): boolean {
  const result = decodeSignal(data);
  return result.ok && result.signal.action === 'accept' && result.signal.switchTo !== undefined;
}

function isSwitchRequest(data: string): boolean {
  const result = decodeSignal(data);
  return result.ok && result.signal.action === 'invite' && result.signal.content.kind === 'switch';
}

describe('audio ↔ video switch, asked and answered', () => {
  let env: VirtualEnv;

  beforeEach(async () => {
    env = await virtualEnv();
  });

  afterEach(async () => {
    await env.teardown();
  });

  const client = (
    userID: string,
    options: { media?: VirtualMediaOptions; autoAcceptSwitch?: boolean } = {},
  ): Promise<ContractClient> =>
    env.clientWith(userID, {
      ...(options.media ? { media: options.media } : {}),
      calling: options.autoAcceptSwitch === undefined ? {} : { autoAcceptSwitch: options.autoAcceptSwitch },
    });

  const connect = (alice: ContractClient, bob: ContractClient, type: 1 | 2) =>
    connectCall(env, alice, bob, type);

  const typeOf = (c: ContractClient) => c.calling.currentCall?.callType;

  it('a request that fails its own checks rejects with 60001/60002 and emits ERROR', async () => {
    const alice = await client('alice');
    const idle = await rejection(alice.calling.switchToVideoCall());
    expect(idle.code).toBe(CALLING_ERROR_CODE.FAILURE_SWITCH_TO_VIDEO);
    const bob = await client('bob');
    await connect(alice, bob, 1);
    const already = await rejection(alice.calling.switchToAudioCall());
    expect(already.code).toBe(CALLING_ERROR_CODE.FAILURE_SWITCH_TO_AUDIO);
    expect(payloads(alice, 'onError').map((e) => e.code)).toEqual([
      CALLING_ERROR_CODE.FAILURE_SWITCH_TO_VIDEO,
      CALLING_ERROR_CODE.FAILURE_SWITCH_TO_AUDIO,
    ]);
    await env.run(alice.calling.hangup());
  });

  it('asks the other user: nothing switches until they accept, then both do', async () => {
    const alice = await client('alice');
    const bob = await client('bob');
    await connect(alice, bob, 1);
    const asked: SwitchRequest[] = [];
    bob.calling.switchRequested$.subscribe((r) => asked.push(r));
    const switching = alice.calling.switchToVideoCall();
    await env.wait(1_000);
    expect(asked).toEqual([{ inviteID: expect.any(String), from: 'alice', to: 'video' }]);
    expect(bob.calling.currentCall?.switchRequest).toEqual(asked[0]);
    expect([typeOf(alice), typeOf(bob)]).toEqual([1, 1]);
    await env.run(bob.calling.acceptSwitch());
    await env.run(switching);
    expect([typeOf(alice), typeOf(bob)]).toEqual([2, 2]);
    expect(bob.calling.currentCall?.switchRequest).toBeNull();
    await env.run(alice.calling.hangup());
  });

  it('refused: both stay, the requester gets 60002 switchRefused and ERROR', async () => {
    const alice = await client('alice');
    const bob = await client('bob');
    await connect(alice, bob, 1);
    const switching = rejection(alice.calling.switchToVideoCall());
    await env.until(() => !!bob.calling.currentCall?.switchRequest);
    await env.run(bob.calling.rejectSwitch());
    const error = await env.run(switching);
    expect(error).toMatchObject({
      code: CALLING_ERROR_CODE.FAILURE_SWITCH_TO_VIDEO,
      reason: 'switchRefused',
    });
    expect(payloads(alice, 'onError').map((e) => e.code)).toEqual([
      CALLING_ERROR_CODE.FAILURE_SWITCH_TO_VIDEO,
    ]);
    await env.wait(40_000);
    expect([typeOf(alice), typeOf(bob)]).toEqual([1, 1]);
    expect([alice.calling.phase, bob.calling.phase]).toEqual(['connected', 'connected']);
    await env.run(alice.calling.hangup());
  });

  it('unanswered: refused when the ring time is over, both stay, the call goes on', async () => {
    const alice = await client('alice');
    const bob = await client('bob');
    await connect(alice, bob, 1);
    const switching = rejection(alice.calling.switchToVideoCall());
    const error = await env.run(switching);
    expect(error.reason).toBe('switchRefused');
    expect(bob.calling.currentCall?.switchRequest).toBeNull();
    expect([typeOf(alice), typeOf(bob)]).toEqual([1, 1]);
    expect([alice.calling.phase, bob.calling.phase]).toEqual(['connected', 'connected']);
    await env.run(alice.calling.hangup());
  });

  it('the answering side without a camera refuses switch-to-video before accepting', async () => {
    const alice = await client('alice');
    const bob = await client('bob', { media: { devices: { cameras: [] } } });
    await connect(alice, bob, 1);
    const switching = rejection(alice.calling.switchToVideoCall());
    await env.until(() => !!bob.calling.currentCall?.switchRequest);
    const accepting = await rejection(env.run(bob.calling.acceptSwitch()));
    expect(accepting.code).toBe(CALLING_ERROR_CODE.FAILURE_SWITCH_TO_VIDEO);
    const error = await env.run(switching);
    expect(error.reason).toBe('switchRefused');
    expect(error.message).toMatch(/noCamera/);
    expect([typeOf(alice), typeOf(bob)]).toEqual([1, 1]);
    await env.run(alice.calling.hangup());
  });

  it('a requester without a camera is refused up front with ERROR, nothing sent', async () => {
    const alice = await client('alice', { media: { devices: { cameras: [] } } });
    const bob = await client('bob');
    await connect(alice, bob, 1);
    const sent = env.network.sent.length;
    const error = await rejection(env.run(alice.calling.switchToVideoCall()));
    expect(error.code).toBe(CALLING_ERROR_CODE.FAILURE_SWITCH_TO_VIDEO);
    expect(names(alice, ['onError'])).toEqual(['onError']);
    expect(env.network.sent.length).toBe(sent);
    await env.run(alice.calling.hangup());
  });

  it('autoAcceptSwitch: the request is accepted without asking', async () => {
    const alice = await client('alice');
    const bob = await client('bob', { autoAcceptSwitch: true });
    await connect(alice, bob, 2);
    const asked: SwitchRequest[] = [];
    bob.calling.switchRequested$.subscribe((r) => asked.push(r));
    await env.run(alice.calling.switchToAudioCall());
    expect([typeOf(alice), typeOf(bob)]).toEqual([1, 1]);
    expect(asked).toEqual([]);
    await env.run(alice.calling.hangup());
  });

  describe('lost on the way: both sides end in the same call type', () => {
    it('the ACCEPT is lost: the requester asks again and the peer, switched already, accepts at once', async () => {
      const alice = await client('alice');
      const bob = await client('bob');
      await connect(alice, bob, 1);
      env.network.dropNext((m) => m.from === 'bob' && isSwitchReply(m.data));
      const switching = alice.calling.switchToVideoCall();
      await env.until(() => !!bob.calling.currentCall?.switchRequest);
      await env.run(bob.calling.acceptSwitch());
      expect(typeOf(bob)).toBe(2);
      await env.run(switching);
      expect([typeOf(alice), typeOf(bob)]).toEqual([2, 2]);
      expect(payloads(alice, 'onError')).toEqual([]);
      await env.run(alice.calling.hangup());
    });

    it('the request is lost: asked again, the peer is asked then, and both switch on its answer', async () => {
      const alice = await client('alice');
      const bob = await client('bob');
      await connect(alice, bob, 2);
      env.network.dropNext((m) => m.from === 'alice' && isSwitchRequest(m.data));
      const switching = alice.calling.switchToAudioCall();
      await env.until(() => !!bob.calling.currentCall?.switchRequest, 'bob asked', 60_000);
      await env.run(bob.calling.acceptSwitch());
      await env.run(switching);
      expect([typeOf(alice), typeOf(bob)]).toEqual([1, 1]);
      await env.run(alice.calling.hangup());
    });

    it('every request lost: the requester gives up, nobody switched', async () => {
      const alice = await client('alice');
      const bob = await client('bob');
      await connect(alice, bob, 2);
      env.network.dropNext((m) => m.from === 'alice' && isSwitchRequest(m.data));
      env.network.dropNext((m) => m.from === 'alice' && isSwitchRequest(m.data));
      const error = await rejection(env.run(alice.calling.switchToAudioCall()));
      expect(error.reason).toBe('switchTimeout');
      expect([typeOf(alice), typeOf(bob)]).toEqual([2, 2]);
      await env.run(alice.calling.hangup());
    });
  });
});
