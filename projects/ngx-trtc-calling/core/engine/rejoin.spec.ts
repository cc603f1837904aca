import { type ContractClient, rejection, virtualEnv, type VirtualEnv } from '@calling-internal/contract';
import { DEV_SDK_APP_ID } from 'ngx-trtc-calling/wire';
import { Calling } from '../calling';
import { CALLING_ERROR_CODE } from '../errors';
import { type CallStore, isStoredCall, type StoredCall } from './call-store';

/** A call store in memory, as `sessionStorage` would keep it across a reload. */
class MemoryStore implements CallStore {
  readonly calls = new Map<string, StoredCall>();
  load(userID: string): StoredCall | null {
    return this.calls.get(userID) ?? null;
  }
  save(call: StoredCall): void {
    this.calls.set(call.userID, call);
  }
  clear(userID: string): void {
    this.calls.delete(userID);
  }
}

/*
 * Back into a call in progress over the virtual network in virtual time: after a reload (the
 * call store), and by `join()`.
 */
describe('rejoin and join()', () => {
  let env: VirtualEnv;

  beforeEach(async () => {
    env = await virtualEnv({ ringTimeout: 30 });
  });

  afterEach(async () => {
    await env.teardown();
  });

  const client = (userID: string, callStore: CallStore | null = null): Promise<ContractClient> =>
    env.clientWith(userID, { calling: { callStore } });

  /** Alice's group call with bob and carol, both in it. */
  async function groupCall(bob: ContractClient, carol: ContractClient) {
    const alice = await client('alice');
    const result = await env.run(
      alice.calling.groupCall({ userIDList: [bob.userID, carol.userID], type: 1 }),
    );
    await env.until(() => bob.calling.phase === 'ringing' && carol.calling.phase === 'ringing');
    await env.run(bob.calling.accept());
    await env.run(carol.calling.accept());
    await env.until(() => [alice, bob, carol].every((c) => c.calling.phase === 'connected'));
    return { alice, roomID: result.roomID };
  }

  const errors = (c: ContractClient) =>
    c.events.flatMap((e) => (e.type === 'onError' ? [e.payload.code] : []));

  it('keeps a connected call in the store while it lasts, and forgets it when it ends', async () => {
    const store = new MemoryStore();
    const bob = await client('bob', store);
    const carol = await client('carol');
    const { alice, roomID } = await groupCall(bob, carol);
    const stored = store.load('bob');
    expect(isStoredCall(stored)).toBe(true);
    expect(stored).toMatchObject({
      userID: 'bob',
      roomID,
      inviter: 'alice',
      callType: 1,
      isGroup: true,
      callID: bob.calling.currentCall?.callID,
    });
    expect([...(stored?.participants ?? [])].sort()).toEqual(['alice', 'carol']);
    await env.run(bob.calling.hangup());
    expect(store.load('bob')).toBeNull();
    await env.run(alice.calling.hangup());
  });

  it('after a reload, login brings the user back into the call in progress', async () => {
    const carol = await client('carol');
    const store = new MemoryStore();
    const bobBefore = await client('bob', store);
    const { alice } = await groupCall(bobBefore, carol);
    const record = store.load('bob');
    // The page goes away without a word (no hang-up): its media and signaling just stop.
    env.network.failMedia('bob');
    await env.until(() => bobBefore.calling.phase === 'idle');
    await env.run(bobBefore.calling.destroy());
    store.save(record as StoredCall);

    const bob = await client('bob', store);
    await env.until(() => bob.calling.phase === 'connected', 'bob back in the call');
    expect(bob.calling.currentCall).toMatchObject({
      callID: record?.callID,
      roomID: record?.roomID,
      inviter: 'alice',
      joinedInProgress: 'reload',
      connectedAt: record?.connectedAt,
    });
    await env.until(() =>
      ['alice', 'carol'].every((u) =>
        bob.calling.currentCall?.participants.some((p) => p.userID === u && p.status === 'joined'),
      ),
    );
    expect(alice.calling.phase).toBe('connected');
    expect(carol.calling.phase).toBe('connected');
    expect(errors(bob)).toEqual([]);
    // Hanging up the rejoined call ends it as any other, and forgets it.
    await env.run(bob.calling.hangup());
    expect(bob.calling.callRecords.at(-1)).toMatchObject({ endReason: 'hangup' });
    expect(store.load('bob')).toBeNull();
    await env.run(alice.calling.hangup());
  });

  it('a stored call that is over gives 60019, ends as remoteHangup and is forgotten', async () => {
    const store = new MemoryStore();
    const record = storedCall({ roomID: 4242, savedAt: env.clock.now() - 1_000 });
    store.save(record);
    const bob = await client('bob', store);
    await env.until(() => errors(bob).length > 0, 'the error');
    expect(errors(bob)).toEqual([CALLING_ERROR_CODE.CALL_ENDED]);
    expect(bob.calling.phase).toBe('idle');
    expect(bob.calling.callRecords).toEqual([
      expect.objectContaining({
        callID: 'stored-call',
        endReason: 'remoteHangup',
        connectedAt: record.connectedAt,
      }),
    ]);
    expect(store.load('bob')).toBeNull();
    expect(env.network.rooms().get(4242)).toBeUndefined();
  });

  it('ignores (and forgets) a stored call older than the rejoin grace', async () => {
    const carol = await client('carol');
    const dave = await client('dave');
    const { alice, roomID } = await groupCall(carol, dave);
    const store = new MemoryStore();
    store.save(storedCall({ roomID, savedAt: env.clock.now() - 31_000 }));
    const bob = await client('bob', store);
    await env.wait(1_000);
    expect(bob.calling.phase).toBe('idle');
    expect(store.load('bob')).toBeNull();
    expect(bob.events.filter((e) => e.type === 'onError')).toEqual([]);
    await env.run(alice.calling.hangup());
  });

  it('join() enters a group call in progress; it is refused when over, busy, or malformed', async () => {
    const bob = await client('bob');
    const carol = await client('carol');
    const { alice, roomID } = await groupCall(bob, carol);
    await env.run(bob.calling.hangup());
    expect(bob.calling.phase).toBe('idle');

    await env.run(bob.calling.join({ roomID, type: 2, groupID: '' }));
    await env.until(() => bob.calling.phase === 'connected');
    expect(bob.calling.currentCall).toMatchObject({
      roomID,
      callType: 2,
      isGroup: true,
      joinedInProgress: 'join',
    });
    await env.until(() => bob.calling.currentCall?.participants.length === 2);
    expect(await rejection(bob.calling.join({ roomID }))).toMatchObject({
      code: CALLING_ERROR_CODE.WRONG_STATE,
    });
    await env.run(bob.calling.hangup());

    await expect(bob.calling.join({ roomID: 0 })).rejects.toMatchObject({
      code: CALLING_ERROR_CODE.INVALID_ARGUMENT,
    });
    await expect(bob.calling.join({ roomID, callType: 3 as 1 })).rejects.toMatchObject({
      code: CALLING_ERROR_CODE.INVALID_ARGUMENT,
    });
    await env.run(alice.calling.hangup());
    await env.run(carol.calling.hangup());
    const over = await rejection(env.run(bob.calling.join({ roomID })));
    expect(over).toMatchObject({ code: CALLING_ERROR_CODE.CALL_ENDED, reason: 'wrongState' });
    expect(bob.calling.phase).toBe('idle');
  });

  it('refuses a rejoin grace that is not a positive number of seconds', () => {
    const make = (rejoinGrace: number) =>
      new Calling({
        SDKAppID: DEV_SDK_APP_ID,
        signaling: env.network.signaling(),
        media: env.network.media({ userID: 'x' }),
        rejoinGrace,
      });
    expect(() => make(0)).toThrow(expect.objectContaining({ code: CALLING_ERROR_CODE.INVALID_ARGUMENT }));
    expect(() => make(Number.NaN)).toThrow(/rejoinGrace/);
  });
});

function storedCall(o: { roomID: number; savedAt: number }): StoredCall {
  return {
    userID: 'bob',
    callID: 'stored-call',
    direction: 'incoming',
    inviter: 'alice',
    callType: 1,
    roomID: o.roomID,
    groupID: '',
    isGroup: true,
    inviteIDs: ['stored-call'],
    participants: ['alice'],
    startedAt: o.savedAt - 60_000,
    connectedAt: o.savedAt - 50_000,
    savedAt: o.savedAt,
  };
}
