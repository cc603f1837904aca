import { type ContractClient, ringCall, virtualEnv, type VirtualEnv } from '@calling-internal/contract';
import type { MissedCall } from './missed';

/*
 * Missed calls over the virtual network in virtual time: an invitation that expired unanswered,
 * live or found in history at login, leaves a `missed` record and one `missedCall$` event.
 */
describe('missed calls', () => {
  let env: VirtualEnv;

  beforeEach(async () => {
    env = await virtualEnv({ ringTimeout: 30 });
  });

  afterEach(async () => {
    await env.teardown();
  });

  /** A client whose `missedCall$` is watched from before its login. */
  async function watched(userID: string): Promise<ContractClient & { missed: MissedCall[] }> {
    const missed: MissedCall[] = [];
    const client = await env.clientWith(userID, {
      beforeLogin: (calling) => calling.missedCall$.subscribe((m) => missed.push(m)),
    });
    return { ...client, missed };
  }

  it('records a call that rang out here as missed, once, and emits it', async () => {
    const alice = await env.client('alice');
    const bob = await watched('bob');
    await ringCall(env, alice, bob, 2);
    const callID = bob.calling.currentCall?.callID;
    await env.until(() => bob.calling.phase === 'idle', 'bob’s ring timeout', 40_000);
    expect(bob.calling.callRecords).toEqual([
      expect.objectContaining({ callID, endReason: 'timeout', missed: true }),
    ]);
    expect(bob.missed).toEqual([
      { callID, inviter: 'alice', callType: 2, groupID: '', isGroup: false, at: expect.any(Number) },
    ]);
    // The caller's own record of the same call is no missed call.
    await env.until(() => alice.calling.phase === 'idle');
    expect(alice.calling.callRecords[0]?.missed).toBeUndefined();
    // A reconnect reads the history again: the invitation is found expired, but recorded already.
    await env.disconnect('bob');
    await env.reconnect('bob');
    await env.wait(1_000);
    expect(bob.missed).toHaveLength(1);
    expect(bob.calling.callRecords).toHaveLength(1);
  });

  it('records a call its inviter cancelled before we answered as missed', async () => {
    const alice = await env.client('alice');
    const bob = await watched('bob');
    await ringCall(env, alice, bob, 1);
    await env.run(alice.calling.hangup());
    await env.until(() => bob.calling.phase === 'idle');
    expect(bob.calling.callRecords[0]).toMatchObject({ endReason: 'canceled', missed: true });
    expect(bob.missed).toEqual([expect.objectContaining({ inviter: 'alice', callType: 1 })]);
  });

  it('does not count a call this user rejected', async () => {
    const alice = await env.client('alice');
    const bob = await watched('bob');
    await ringCall(env, alice, bob, 2);
    await env.run(bob.calling.reject());
    expect(bob.calling.callRecords[0]?.missed).toBeUndefined();
    expect(bob.missed).toEqual([]);
  });

  it('finds an invitation that expired while this user was logged out in history at login', async () => {
    const alice = await env.client('alice');
    const { inviteID } = await env.run(alice.calling.call({ userID: 'bob', type: 2 }));
    await env.until(() => alice.calling.phase === 'idle', 'alice’s call to end', 60_000);
    await env.wait(60_000);
    const bob = await watched('bob');
    await env.until(() => bob.missed.length > 0, 'the missed call from history');
    expect(bob.missed).toEqual([
      {
        callID: inviteID,
        inviter: 'alice',
        callType: 2,
        groupID: '',
        isGroup: false,
        at: expect.any(Number),
      },
    ]);
    expect(bob.calling.phase).toBe('idle');
    expect(bob.calling.callRecords).toEqual([
      expect.objectContaining({ callID: inviteID, endReason: 'timeout', missed: true, duration: 0 }),
    ]);
    // It rang nowhere: no INVITED for an invitation that was over.
    expect(bob.events.some((e) => e.type === 'onInvited')).toBe(false);
  });

  it('does not count an invitation answered on another device of this user', async () => {
    const alice = await env.client('alice');
    const bobPhone = await env.client('bob');
    await ringCall(env, alice, bobPhone, 2);
    await env.run(bobPhone.calling.reject());
    await env.wait(60_000);
    const bobLaptop = await watched('bob');
    await env.wait(1_000);
    expect(bobLaptop.missed).toEqual([]);
    expect(bobLaptop.calling.callRecords).toEqual([]);
  });
});
