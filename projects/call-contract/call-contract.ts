/**
 * The contract suite: call scenarios that must hold on every backend. It runs unchanged over
 * the `VirtualNetwork` (virtual time) and over the self-hosted server (real sockets, real
 * time), and over the Tencent adapters on the simulated SDKs.
 *
 * A backend supplies a `ContractEnv`; the suite only talks to `Calling` and the env.
 */
import type {
  Calling,
  CallingError,
  CallingEvent,
  CallingEventName,
  CallPhase,
  EndReason,
} from 'ngx-trtc-calling/core';
import type { Until } from './until';

/** One simulated client: a logged-in `Calling` and everything it emitted. */
export interface ContractClient {
  readonly userID: string;
  readonly calling: Calling;
  readonly events: CallingEvent[];
}

/** What a backend provides to the suite. */
export interface ContractEnv {
  /** Ring timeout (seconds) the clients use; real-time backends keep it short. */
  readonly ringTimeout: number;
  /** A new logged-in client (a second one for the same userID is another device). */
  client(userID: string): Promise<ContractClient>;
  /** Lets `ms` of (virtual or real) time pass. */
  wait(ms: number): Promise<void>;
  /** Waits until `predicate` holds; fails after `timeoutMs` of (virtual or real) time. */
  readonly until: Until;
  /** Runs `promise` to completion while time passes. */
  run<T>(promise: Promise<T>): Promise<T>;
  /** Creates an IM group with these members. */
  createGroup(groupID: string, members: readonly string[]): Promise<void>;
  /** Cuts every session of `userID` off the network, then restores them. */
  disconnect(userID: string): Promise<void>;
  reconnect(userID: string): Promise<void>;
  /** Users currently in each media room. */
  roomOf(userID: string): number | null;
  /** The backend tells a sender when a C2C recipient is not logged in (the self-hosted server does, Tencent IM does not). */
  readonly knowsPresence?: boolean;
  /** Logs everybody out and checks nothing is left running. */
  teardown(): Promise<void>;
}

/** Names of the events a client emitted, in order. */
export function names(client: ContractClient, only?: readonly CallingEventName[]): CallingEventName[] {
  return client.events.map((e) => e.type).filter((t) => !only || only.includes(t));
}

/** Payloads of one event type. */
export function payloads<K extends CallingEventName>(client: ContractClient, type: K) {
  return client.events.filter((e) => e.type === type).map((e) => e.payload) as Extract<
    CallingEvent,
    { type: K }
  >['payload'][];
}

/** The call-flow events (our `Calling` and the reference use the same event strings). */
export const CALL_FLOW: readonly CallingEventName[] = [
  'onInvited',
  'onUserAccept',
  'onUserEnter',
  'onUserLeave',
  'onReject',
  'onNoResp',
  'onLineBusy',
  'onCallingCancel',
  'onCallingTimeout',
  'onCallEnd',
];

/** `from` calls `to` 1:1; resolves once `to` rings. */
export async function ringCall(
  env: Pick<ContractEnv, 'run' | 'until'>,
  from: ContractClient,
  to: ContractClient,
  type: 1 | 2 = 2,
  timeoutMs?: number,
): Promise<void> {
  await env.run(from.calling.call({ userID: to.userID, type }));
  await env.until(() => to.calling.phase === 'ringing', `${to.userID} ringing`, timeoutMs);
}

/** `from` calls `to` 1:1 and `to` accepts; resolves once both are connected. */
export async function connectCall(
  env: Pick<ContractEnv, 'run' | 'until'>,
  from: ContractClient,
  to: ContractClient,
  type: 1 | 2 = 2,
  timeoutMs?: number,
): Promise<void> {
  await ringCall(env, from, to, type, timeoutMs);
  await env.run(to.calling.accept());
  await env.until(
    () => from.calling.phase === 'connected' && to.calling.phase === 'connected',
    'both connected',
    timeoutMs,
  );
}

/** The `CallingError` that `promise` rejects with; fails the test if it resolves. */
export function rejection(promise: Promise<unknown>): Promise<CallingError> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error as CallingError,
  );
}

function phaseIs(client: ContractClient, phase: CallPhase) {
  return () => client.calling.phase === phase;
}

function lastReason(client: ContractClient): EndReason | undefined {
  return client.calling.callRecords.at(-1)?.endReason;
}

/** Registers the contract scenarios with jest for one backend. */
export function callContract(backend: string, makeEnv: () => Promise<ContractEnv>): void {
  describe(`call contract over ${backend}`, () => {
    let env: ContractEnv;

    beforeEach(async () => {
      env = await makeEnv();
    });

    afterEach(async () => {
      await env.teardown();
    });

    const ring = (from: ContractClient, to: ContractClient, type: 1 | 2 = 2) =>
      ringCall(env, from, to, type, 5000);
    const connect = (from: ContractClient, to: ContractClient, type: 1 | 2 = 2) =>
      connectCall(env, from, to, type, 5000);

    it('1:1 accepted: both sides connect and see each other', async () => {
      const alice = await env.client('alice');
      const bob = await env.client('bob');
      await connect(alice, bob);
      expect(payloads(bob, 'onInvited')).toEqual([
        expect.objectContaining({ sponsor: 'alice', userIDList: ['bob'], isFromGroup: false, groupID: '' }),
      ]);
      expect(payloads(alice, 'onUserAccept')).toEqual([{ userID: 'bob' }]);
      expect(payloads(alice, 'onUserEnter')).toEqual([{ userID: 'bob' }]);
      expect(payloads(bob, 'onUserEnter')).toEqual([{ userID: 'alice' }]);
      expect(env.roomOf('alice')).toBe(env.roomOf('bob'));
      expect(alice.calling.currentCall?.participants).toEqual([
        expect.objectContaining({ userID: 'bob', status: 'joined' }),
      ]);
    });

    it('1:1 hang-up by the callee ends the call on both sides with one CALL_END each', async () => {
      const alice = await env.client('alice');
      const bob = await env.client('bob');
      await connect(alice, bob);
      await env.wait(3000);
      await env.run(bob.calling.hangup());
      await env.until(phaseIs(alice, 'idle'), 'alice idle', 5000);
      await env.wait(500);
      expect(bob.calling.phase).toBe('idle');
      expect(payloads(bob, 'onCallEnd')).toEqual([
        { userID: 'bob', callEnd: expect.any(Number), reason: 'hangup' },
      ]);
      expect(payloads(alice, 'onCallEnd')).toEqual([
        { userID: 'bob', callEnd: expect.any(Number), reason: 'remoteHangup' },
      ]);
      expect(payloads(bob, 'onCallEnd')[0]?.callEnd).toBeGreaterThanOrEqual(2);
      expect(lastReason(alice)).toBe('remoteHangup');
      expect(lastReason(bob)).toBe('hangup');
      expect(env.roomOf('alice')).toBeNull();
      expect(env.roomOf('bob')).toBeNull();
    });

    it('1:1 hang-up by the caller ends the call on both sides', async () => {
      const alice = await env.client('alice');
      const bob = await env.client('bob');
      await connect(alice, bob);
      await env.run(alice.calling.hangup());
      await env.until(phaseIs(bob, 'idle'), 'bob idle', 5000);
      expect(lastReason(bob)).toBe('remoteHangup');
      expect(payloads(bob, 'onCallEnd')).toHaveLength(1);
      expect(payloads(alice, 'onCallEnd')).toHaveLength(1);
    });

    it('offline callee: shown offline where the backend knows it; logging in within the ring time, they ring and answer', async () => {
      const alice = await env.client('alice');
      await env.run(alice.calling.call({ userID: 'bob', type: 1 }));
      await env.until(
        () =>
          alice.calling.currentCall?.participants[0]?.status === (env.knowsPresence ? 'offline' : 'ringing'),
        'bob offline (or ringing where the backend cannot know)',
        2000,
      );
      const bob = await env.client('bob');
      await env.until(phaseIs(bob, 'ringing'), 'bob ringing at login', 5000);
      await env.run(bob.calling.accept());
      await env.until(() => alice.calling.phase === 'connected', 'connected', 5000);
      await env.run(alice.calling.hangup());
      await env.until(phaseIs(bob, 'idle'), 'bob idle', 5000);
    });

    it('1:1 rejected: the caller gets REJECT and both are idle, without CALL_END', async () => {
      const alice = await env.client('alice');
      const bob = await env.client('bob');
      await ring(alice, bob);
      await env.run(bob.calling.reject());
      await env.until(phaseIs(alice, 'idle'), 'alice idle', 5000);
      expect(payloads(alice, 'onReject')).toEqual([{ userID: 'bob' }]);
      expect(names(alice, CALL_FLOW)).toEqual(['onReject']);
      expect(names(bob, CALL_FLOW)).toEqual(['onInvited']);
      expect(lastReason(alice)).toBe('rejected');
      expect(lastReason(bob)).toBe('rejected');
      expect(env.roomOf('alice')).toBeNull();
    });

    it('busy: a third caller gets LINE_BUSY and the running call is untouched', async () => {
      const alice = await env.client('alice');
      const bob = await env.client('bob');
      const carol = await env.client('carol');
      await connect(alice, bob);
      await env.run(carol.calling.call({ userID: 'bob', type: 1 }));
      await env.until(phaseIs(carol, 'idle'), 'carol idle', 5000);
      expect(payloads(carol, 'onLineBusy')).toEqual([{ sponsor: 'carol', userID: 'bob' }]);
      expect(lastReason(carol)).toBe('busy');
      expect(payloads(bob, 'onLineBusy')).toEqual([{ sponsor: 'carol', userID: 'bob' }]);
      await env.wait(1000);
      expect(alice.calling.phase).toBe('connected');
      expect(bob.calling.phase).toBe('connected');
    });

    it('cancel: the caller hangs up while it rings; the callee gets CALLING_CANCEL', async () => {
      const alice = await env.client('alice');
      const bob = await env.client('bob');
      await ring(alice, bob);
      await env.run(alice.calling.hangup());
      await env.until(phaseIs(bob, 'idle'), 'bob idle', 5000);
      expect(payloads(bob, 'onCallingCancel')).toEqual([{ inviteID: expect.any(String), sponsor: 'alice' }]);
      expect(names(bob, CALL_FLOW)).toEqual(['onInvited', 'onCallingCancel']);
      expect(names(alice, CALL_FLOW)).toEqual([]);
      expect(lastReason(alice)).toBe('canceled');
      expect(lastReason(bob)).toBe('canceled');
    });

    it('ring timeout: both sides get CALLING_TIMEOUT and CALL_END', async () => {
      const alice = await env.client('alice');
      const bob = await env.client('bob');
      await ring(alice, bob);
      await env.until(phaseIs(alice, 'idle'), 'alice idle after timeout', (env.ringTimeout + 3) * 1000);
      await env.until(phaseIs(bob, 'idle'), 'bob idle after timeout', 1000);
      expect(names(bob, CALL_FLOW)).toEqual(['onInvited', 'onCallingTimeout', 'onCallEnd']);
      expect(names(alice, CALL_FLOW)).toEqual(['onCallingTimeout', 'onCallEnd']);
      expect(payloads(bob, 'onCallingTimeout')).toEqual([{ sponsor: 'alice', userIDList: ['bob'] }]);
      expect(payloads(alice, 'onCallEnd')).toEqual([{ userID: 'alice', callEnd: 0, reason: 'timeout' }]);
      expect(lastReason(alice)).toBe('timeout');
    });

    it('group of three: one accepts, one rejects, one times out', async () => {
      const alice = await env.client('alice');
      const bob = await env.client('bob');
      const carol = await env.client('carol');
      const dave = await env.client('dave');
      await env.createGroup('g1', ['alice', 'bob', 'carol', 'dave']);
      await env.run(
        alice.calling.groupCall({ userIDList: ['bob', 'carol', 'dave'], type: 2, groupID: 'g1' }),
      );
      await env.until(
        () => [bob, carol, dave].every((c) => c.calling.phase === 'ringing'),
        'all ringing',
        5000,
      );
      expect(payloads(carol, 'onInvited')[0]).toEqual(
        expect.objectContaining({
          sponsor: 'alice',
          userIDList: ['bob', 'carol', 'dave'],
          isFromGroup: true,
          groupID: 'g1',
        }),
      );
      await env.run(bob.calling.accept());
      await env.run(carol.calling.reject());
      await env.until(
        () => alice.calling.phase === 'connected' && bob.calling.phase === 'connected',
        'connected',
        5000,
      );
      expect(payloads(alice, 'onReject')).toEqual([{ userID: 'carol' }]);
      await env.until(phaseIs(dave, 'idle'), 'dave timed out', (env.ringTimeout + 2) * 1000);
      await env.until(
        () => alice.calling.currentCall?.participants.find((p) => p.userID === 'dave')?.status === 'timeout',
        'alice sees dave time out',
        2000,
      );
      expect(alice.calling.currentCall?.participants.map((p) => [p.userID, p.status])).toEqual([
        ['bob', 'joined'],
        ['carol', 'rejected'],
        ['dave', 'timeout'],
      ]);
      expect(payloads(alice, 'onGroupCallInviteeListUpdate').at(-1)).toEqual({ userIDList: [] });
      expect(alice.calling.phase).toBe('connected');
      await env.run(bob.calling.hangup());
      await env.until(phaseIs(alice, 'idle'), 'alice idle once alone', 5000);
      expect(lastReason(alice)).toBe('remoteHangup');
    });

    it('group hang-up after one accepted cancels everyone still ringing', async () => {
      const alice = await env.client('alice');
      const bob = await env.client('bob');
      const carol = await env.client('carol');
      const dave = await env.client('dave');
      await env.createGroup('g2', ['alice', 'bob', 'carol', 'dave']);
      await env.run(
        alice.calling.groupCall({ userIDList: ['bob', 'carol', 'dave'], type: 1, groupID: 'g2' }),
      );
      await env.until(
        () => [bob, carol, dave].every((c) => c.calling.phase === 'ringing'),
        'all ringing',
        5000,
      );
      await env.run(bob.calling.accept());
      await env.until(phaseIs(alice, 'connected'), 'alice connected', 5000);
      await env.run(alice.calling.hangup());
      await env.until(
        () => carol.calling.phase === 'idle' && dave.calling.phase === 'idle',
        'others cancelled',
        5000,
      );
      expect(lastReason(carol)).toBe('canceled');
      expect(lastReason(dave)).toBe('canceled');
      await env.until(phaseIs(bob, 'idle'), 'bob idle', 5000);
      expect(lastReason(bob)).toBe('remoteHangup');
    });

    it('join(): a user who declined joins the group call in progress by its room', async () => {
      const alice = await env.client('alice');
      const bob = await env.client('bob');
      const carol = await env.client('carol');
      await env.createGroup('g5', ['alice', 'bob', 'carol']);
      const { roomID } = await env.run(
        alice.calling.groupCall({ userIDList: ['bob', 'carol'], type: 1, groupID: 'g5' }),
      );
      await env.until(
        () => bob.calling.phase === 'ringing' && carol.calling.phase === 'ringing',
        'ringing',
        5000,
      );
      await env.run(bob.calling.accept());
      await env.run(carol.calling.reject());
      await env.until(phaseIs(alice, 'connected'), 'alice connected', 5000);
      await env.run(carol.calling.join({ roomID, type: 1, groupID: 'g5' }));
      await env.until(phaseIs(carol, 'connected'), 'carol in the call', 5000);
      expect(carol.calling.currentCall).toEqual(
        expect.objectContaining({ roomID, groupID: 'g5', isGroup: true, joinedInProgress: 'join' }),
      );
      await env.until(
        () =>
          ['alice', 'bob'].every((u) =>
            carol.calling.currentCall?.participants.some((p) => p.userID === u && p.status === 'joined'),
          ),
        'carol meets alice and bob',
        5000,
      );
      await env.until(
        () => payloads(alice, 'onUserEnter').some((p) => p.userID === 'carol'),
        'alice sees carol',
        5000,
      );
      await env.run(carol.calling.hangup());
      await env.until(
        () => alice.calling.currentCall?.participants.find((p) => p.userID === 'carol')?.status === 'left',
        'alice sees carol leave',
        5000,
      );
      expect(alice.calling.phase).toBe('connected');
      expect(bob.calling.phase).toBe('connected');
      await env.run(alice.calling.hangup());
      await env.run(bob.calling.hangup());
    });

    it('group call without groupID: one invitation per user, each sees the whole list', async () => {
      const alice = await env.client('alice');
      const bob = await env.client('bob');
      const carol = await env.client('carol');
      const result = await env.run(alice.calling.groupCall({ userIDList: ['bob', 'carol'], type: 2 }));
      expect(result.inviteIDs).toHaveLength(2);
      await env.until(
        () => bob.calling.phase === 'ringing' && carol.calling.phase === 'ringing',
        'ringing',
        5000,
      );
      expect(payloads(bob, 'onInvited')[0]).toEqual(
        expect.objectContaining({ userIDList: ['bob', 'carol'], isFromGroup: true, groupID: '' }),
      );
      await env.run(bob.calling.accept());
      await env.run(carol.calling.accept());
      await env.until(
        () =>
          [alice, bob, carol].every(
            (c) => c.calling.currentCall?.participants.filter((p) => p.status === 'joined').length === 2,
          ),
        'everyone sees everyone',
        5000,
      );
      await env.run(alice.calling.hangup());
      await env.run(bob.calling.hangup());
      await env.until(phaseIs(carol, 'idle'), 'carol idle once alone', 5000);
    });

    it('multi-device: answering on one device stops the other from ringing', async () => {
      const alice = await env.client('alice');
      const bobPhone = await env.client('bob');
      const bobLaptop = await env.client('bob');
      await env.run(alice.calling.call({ userID: 'bob', type: 1 }));
      await env.until(
        () => bobPhone.calling.phase === 'ringing' && bobLaptop.calling.phase === 'ringing',
        'both ring',
        5000,
      );
      await env.run(bobPhone.calling.accept());
      await env.until(phaseIs(bobLaptop, 'idle'), 'laptop stops ringing', 5000);
      expect(lastReason(bobLaptop)).toBe('answeredElsewhere');
      // Each side is connected once it sees the other enter: on a real server the two arrive in
      // either order, so wait for both rather than read bob's phase the moment alice's changes.
      await env.until(
        () => alice.calling.phase === 'connected' && bobPhone.calling.phase === 'connected',
        'alice and bob connected',
        5000,
      );
      expect(bobLaptop.calling.phase).toBe('idle');
    });

    it('multi-device: rejecting on one device stops the other from ringing', async () => {
      const alice = await env.client('alice');
      const bobPhone = await env.client('bob');
      const bobLaptop = await env.client('bob');
      await ring(alice, bobPhone);
      await env.until(phaseIs(bobLaptop, 'ringing'), 'laptop rings', 5000);
      await env.run(bobLaptop.calling.reject());
      await env.until(
        () => bobPhone.calling.phase === 'idle' && alice.calling.phase === 'idle',
        'all idle',
        5000,
      );
      expect(lastReason(bobPhone)).toBe('rejectedElsewhere');
      expect(payloads(alice, 'onReject')).toEqual([{ userID: 'bob' }]);
    });

    it('reconnect while ringing: a cancel sent during the outage still ends the ringing', async () => {
      const alice = await env.client('alice');
      const bob = await env.client('bob');
      await ring(alice, bob);
      await env.disconnect('bob');
      await env.run(alice.calling.hangup());
      await env.wait(200);
      expect(bob.calling.phase).toBe('ringing');
      await env.reconnect('bob');
      await env.until(phaseIs(bob, 'idle'), 'bob idle after reconnect', 5000);
      expect(lastReason(bob)).toBe('canceled');
    });

    it('reconnect while ringing: the call can still be accepted afterwards', async () => {
      const alice = await env.client('alice');
      const bob = await env.client('bob');
      await ring(alice, bob);
      await env.disconnect('bob');
      await env.wait(200);
      await env.reconnect('bob');
      await env.wait(200);
      expect(bob.calling.phase).toBe('ringing');
      await env.run(bob.calling.accept());
      await env.until(phaseIs(alice, 'connected'), 'alice connected', 5000);
    });
  });
}
