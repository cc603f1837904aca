import { virtualEnv, type VirtualEnv } from '@calling-internal/contract';
import { Calling, SILENT_LOGGER } from './calling';

/*
 * The API doc also shows the pre-v1 forms of some calls: `call({userID, type, timeout})`,
 * `accept({inviteID, roomID, callType})`, `reject({inviteID, isBusy, callType})` and
 * `stop*View({userID, videoViewDomID})`. v1 ignores those parameters; apps written against
 * the doc must still compile and work.
 */
describe('Calling: the API doc’s pre-v1 parameter forms', () => {
  let env: VirtualEnv;

  beforeEach(async () => {
    env = await virtualEnv();
  });

  afterEach(async () => {
    await env.teardown();
  });

  it('call with timeout, accept with the invitation, stop views with their element', async () => {
    const media = env.network.media({ userID: 'alice' });
    const alice = new Calling({
      SDKAppID: 1,
      signaling: env.network.signaling(),
      media,
      scheduler: env.clock.scheduler,
      logger: SILENT_LOGGER,
    });
    env.clients.push({ userID: 'alice', calling: alice, events: [] });
    await env.run(alice.login({ userID: 'alice', userSig: 'sig' }));
    const bob = await env.client('bob');
    await env.run(alice.call({ userID: 'bob', type: 2, timeout: 0 }));
    await env.until(() => bob.calling.phase === 'ringing');
    const ringing = bob.calling.currentCall;
    if (!ringing) throw new Error('nothing rings');
    await env.run(bob.calling.accept({ inviteID: ringing.callID, roomID: ringing.roomID, callType: 2 }));
    await env.until(() => alice.phase === 'connected');
    alice.startLocalView({ userID: 'alice', videoViewDomID: 'local' });
    alice.startRemoteView({ userID: 'bob', videoViewDomID: 'remote-bob' });
    alice.stopRemoteView({ userID: 'bob', videoViewDomID: 'remote-bob' });
    alice.stopLocalView({ userID: 'alice', videoViewDomID: 'local' });
    expect(media.attachments.local).toBeUndefined();
    expect(media.attachments.remote.has('bob')).toBe(false);
    await env.run(alice.hangup());
  });

  it('reject with the invitation', async () => {
    const alice = await env.client('alice');
    const bob = await env.client('bob');
    await env.run(alice.calling.call({ userID: 'bob', type: 1 }));
    await env.until(() => bob.calling.phase === 'ringing');
    const inviteID = bob.calling.currentCall?.callID ?? '';
    const result = await env.run(bob.calling.reject({ inviteID, isBusy: false, callType: 1 }));
    expect(result).toEqual({ code: 0, inviteID });
    await env.until(() => alice.calling.phase === 'idle');
  });
});
