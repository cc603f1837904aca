import {
  connectCall,
  type ContractClient,
  names,
  payloads,
  virtualEnv,
  type VirtualEnv,
} from '@calling-internal/contract';
import type { VirtualMediaOptions } from 'ngx-trtc-calling/testing';
import { CALLING_ERROR_CODE } from '../errors';
import { decodeSignal } from '../protocol/codec';
import type { Signal } from '../protocol/signal';

/*
 * Truthful outcomes (issue 13), over the virtual network in virtual time: every call ends with
 * the reason that really happened, and the events fire as the API doc says.
 */

function signalOf(data: string): Signal | null {
  const result = decodeSignal(data);
  return result.ok ? result.signal : null;
}

function isHangupNotice(data: string): boolean {
  const signal = signalOf(data);
  return signal?.action === 'invite' && signal.content.kind === 'hangup';
}

function sentBy(env: VirtualEnv, from: string): Signal[] {
  return env.network.sent
    .filter((m) => m.from === from && !m.dropped)
    .map((m) => signalOf(m.data))
    .filter((s): s is Signal => s !== null);
}

describe('truthful outcomes', () => {
  let env: VirtualEnv;

  beforeEach(async () => {
    env = await virtualEnv();
  });

  afterEach(async () => {
    await env.teardown();
  });

  /** A client whose sends are acknowledged `ms` after they leave, as a real IM server's are. */
  async function slowSender(
    userID: string,
    ms: number,
    media: VirtualMediaOptions = {},
    options: { noHistory?: boolean } = {},
  ): Promise<ContractClient> {
    const channel = env.network.signaling();
    // A backend that delivers stored messages live at login but keeps no history to read.
    if (options.noHistory) channel.history = async () => [];
    const send = channel.send.bind(channel);
    channel.send = async (message) => {
      const sent = send(message);
      await new Promise<void>((resolve) => env.clock.scheduler.schedule(() => resolve(), ms));
      return sent;
    };
    return env.clientWith(userID, { media, calling: { signaling: channel } });
  }

  async function connect(fromID = 'alice', toID = 'bob', type: 1 | 2 = 1) {
    const from = await env.client(fromID);
    const to = await env.client(toID);
    await connectCall(env, from, to, type);
    return [from, to] as const;
  }

  describe('quick redial', () => {
    it('a late hang-up notice of the previous call ends neither side of the redial', async () => {
      const [alice, bob] = await connect();
      env.network.delay((m) => isHangupNotice(m.data), 400);
      await env.run(bob.calling.hangup());
      await env.until(() => alice.calling.phase === 'idle');
      await env.wait(50);
      await env.run(alice.calling.call({ userID: 'bob', type: 1 }));
      await env.wait(1_000);
      expect(alice.calling.phase).toBe('dialing');
      expect(bob.calling.phase).toBe('ringing');
      await env.run(bob.calling.accept());
      await env.until(() => alice.calling.phase === 'connected' && bob.calling.phase === 'connected');
      expect(payloads(alice, 'onCallEnd')).toHaveLength(1);
      expect(names(bob, ['onCallingCancel'])).toEqual([]);
      await env.run(alice.calling.hangup());
      await env.until(() => bob.calling.phase === 'idle');
    });
  });

  describe('an outgoing call that ends while invitees still ring cancels them', () => {
    it('whatever ends it: logout', async () => {
      const alice = await env.client('alice');
      const bob = await env.client('bob');
      await env.run(alice.calling.call({ userID: 'bob', type: 1 }));
      await env.until(() => bob.calling.phase === 'ringing');
      await env.run(alice.calling.logout());
      await env.until(() => bob.calling.phase === 'idle', 'bob to stop ringing', 2_000);
      expect(sentBy(env, 'alice').map((s) => s.action)).toEqual(['invite', 'cancel']);
      expect(bob.calling.callRecords.at(-1)?.endReason).toBe('canceled');
    });
  });

  describe('USER_LEAVE', () => {
    it('fires on a normal 1:1 hang-up, before CALL_END, on the side that remains', async () => {
      const [alice, bob] = await connect();
      await env.run(bob.calling.hangup());
      await env.until(() => alice.calling.phase === 'idle');
      await env.wait(1_000);
      expect(names(alice, ['onUserLeave', 'onCallEnd'])).toEqual(['onUserLeave', 'onCallEnd']);
      expect(payloads(alice, 'onUserLeave')).toEqual([{ userID: 'bob' }]);
    });

    it('fires once when a group participant hangs up, the call going on', async () => {
      const alice = await env.client('alice');
      const bob = await env.client('bob');
      const carol = await env.client('carol');
      await env.run(alice.calling.groupCall({ userIDList: ['bob', 'carol'], type: 1 }));
      await env.until(() => bob.calling.phase === 'ringing' && carol.calling.phase === 'ringing');
      await env.run(Promise.all([bob.calling.accept(), carol.calling.accept()]));
      await env.until(
        () => alice.calling.currentCall?.participants.every((p) => p.status === 'joined') ?? false,
      );
      await env.run(bob.calling.hangup());
      await env.wait(1_000);
      expect(payloads(alice, 'onUserLeave')).toEqual([{ userID: 'bob' }]);
      expect(payloads(carol, 'onUserLeave')).toEqual([{ userID: 'bob' }]);
      expect(alice.calling.phase).toBe('connected');
      await env.run(alice.calling.hangup());
      await env.until(() => carol.calling.phase === 'idle');
    });
  });

  describe('end reasons', () => {
    it('a caller who cancels before anyone answered records canceled, and the callee too', async () => {
      const alice = await env.client('alice');
      const bob = await env.client('bob');
      await env.run(alice.calling.call({ userID: 'bob', type: 1 }));
      await env.until(() => bob.calling.phase === 'ringing');
      await env.run(alice.calling.hangup());
      await env.until(() => bob.calling.phase === 'idle');
      expect(alice.calling.callRecords.at(-1)).toMatchObject({
        endReason: 'canceled',
        participants: [{ userID: 'bob', status: 'canceled', end: { reason: 'canceled' } }],
      });
      expect(bob.calling.callRecords.at(-1)?.endReason).toBe('canceled');
    });
  });

  describe('a callee whose media fails on accept', () => {
    it('tells the caller why: the caller records mediaFailed with the cause, not a decline', async () => {
      const alice = await env.client('alice');
      const bob = await slowSender('bob', 0, { deniedAccess: 'microphone' });
      await env.run(alice.calling.call({ userID: 'bob', type: 1 }));
      await env.until(() => bob.calling.phase === 'ringing');
      await env.run(bob.calling.accept().catch(() => undefined));
      await env.until(() => alice.calling.phase === 'idle');
      expect(alice.calling.callRecords.at(-1)).toMatchObject({
        endReason: 'mediaFailed',
        participants: [
          { userID: 'bob', status: 'rejected', end: { reason: 'mediaFailed', cause: 'microphoneDenied' } },
        ],
      });
      expect(bob.calling.callRecords.at(-1)).toMatchObject({
        endReason: 'mediaFailed',
        cause: 'microphoneDenied',
      });
      const reject = sentBy(env, 'bob').find((s) => s.action === 'reject');
      expect(reject).toMatchObject({ busy: false, mediaFailed: 'microphoneDenied' });
    });
  });

  describe('accept() tells the truth', () => {
    it('a CANCEL landing while the ACCEPT is on its way rejects accept(), and the call ends canceled', async () => {
      const alice = await env.client('alice');
      // Bob's ACCEPT is acknowledged 100 ms after it leaves, and he sees alice's media late.
      const bob = await slowSender('bob', 100, { eventDelay: 500 });
      await env.run(alice.calling.call({ userID: 'bob', type: 1 }));
      await env.until(() => bob.calling.phase === 'ringing');
      const accepted = bob.calling.accept().then(
        (r) => r.code,
        (e: { code: number }) => e.code,
      );
      await env.wait(10);
      await env.run(alice.calling.hangup());
      expect(await env.run(accepted)).toBe(CALLING_ERROR_CODE.WRONG_STATE);
      expect(bob.calling.callRecords.at(-1)?.endReason).toBe('canceled');
      expect(names(bob, ['onCallingCancel'])).toEqual(['onCallingCancel']);
    });
  });

  describe('busy', () => {
    it('a busy reply that overtakes the send acknowledgement is LINE_BUSY only: call() resolves, no ERROR', async () => {
      await connect('bob', 'carol');
      const alice = await slowSender('alice', 100);
      const result = await env.run(alice.calling.call({ userID: 'bob', type: 1 }));
      await env.wait(1_000);
      expect(result.code).toBe(0);
      expect(names(alice, ['onLineBusy', 'onError', 'onCallEnd'])).toEqual(['onLineBusy']);
      expect(alice.calling.callRecords.at(-1)?.endReason).toBe('busy');
    });
  });

  describe('invitations stored while the callee was offline', () => {
    async function aliceCallsOfflineBob() {
      const alice = await env.client('alice');
      await env.run(alice.calling.call({ userID: 'bob', type: 1 }));
      return alice;
    }

    it('do not ring at login when the caller cancelled meanwhile', async () => {
      const alice = await aliceCallsOfflineBob();
      await env.wait(5_000);
      await env.run(alice.calling.hangup());
      await env.wait(5_000);
      const bob = await env.client('bob');
      await env.wait(40_000);
      expect(names(bob, ['onInvited', 'onCallingCancel', 'onCallingTimeout', 'onCallEnd'])).toEqual([]);
      expect(bob.calling.phase).toBe('idle');
    });

    it('do not ring at login when the caller’s TIMEOUT came first', async () => {
      const alice = await aliceCallsOfflineBob();
      await env.until(() => alice.calling.phase === 'idle', 'alice to give up', 40_000);
      await env.wait(1_000);
      const bob = await env.client('bob');
      await env.wait(40_000);
      expect(names(bob, ['onInvited'])).toEqual([]);
      expect(bob.calling.phase).toBe('idle');
    });

    it('ring at login only for the rest of their own timeout', async () => {
      const alice = await aliceCallsOfflineBob();
      await env.wait(10_000);
      const bob = await env.client('bob');
      await env.until(() => bob.calling.phase === 'ringing', 'bob ringing', 1_000);
      const rangAt = env.clock.now();
      await env.until(() => bob.calling.phase === 'idle', 'bob to stop ringing', 40_000);
      expect(env.clock.now() - rangAt).toBeLessThanOrEqual(21_000);
      expect(names(bob, ['onInvited', 'onCallingTimeout'])).toEqual(['onInvited', 'onCallingTimeout']);
      await env.until(() => alice.calling.phase === 'idle', 'alice to end', 10_000);
    });

    it('delivered live at login (no history to read) ring only for the rest of their timeout', async () => {
      const alice = await aliceCallsOfflineBob();
      await env.wait(10_000);
      const bob = await slowSender('bob', 0, {}, { noHistory: true });
      await env.until(() => bob.calling.phase === 'ringing', 'bob ringing', 1_000);
      const rangAt = env.clock.now();
      await env.until(() => bob.calling.phase === 'idle', 'bob to stop ringing', 40_000);
      expect(env.clock.now() - rangAt).toBeLessThanOrEqual(21_000);
      await env.until(() => alice.calling.phase === 'idle', 'alice to end', 10_000);
    });

    it('delivered live at login (no history) do not ring when their CANCEL is delivered with them', async () => {
      const alice = await aliceCallsOfflineBob();
      await env.wait(5_000);
      await env.run(alice.calling.hangup());
      const bob = await slowSender('bob', 0, {}, { noHistory: true });
      await env.wait(40_000);
      expect(bob.calling.callRecords.at(-1)?.endReason ?? 'none').toMatch(/none|canceled/);
      expect(bob.calling.phase).toBe('idle');
    });
  });

  describe('a callee the backend knows is offline', () => {
    it('shows as offline (not ringing) until the ring time is over: NO_RESP, recorded as offline', async () => {
      const alice = await env.client('alice');
      await env.run(alice.calling.call({ userID: 'bob', type: 1 }));
      await env.wait(100);
      expect(alice.calling.currentCall?.participants).toEqual([
        expect.objectContaining({ userID: 'bob', status: 'offline' }),
      ]);
      expect(alice.calling.phase).toBe('dialing');
      await env.until(() => alice.calling.phase === 'idle', 'alice to give up', 40_000);
      expect(payloads(alice, 'onNoResp')).toEqual([expect.objectContaining({ userIDList: ['bob'] })]);
      expect(alice.calling.callRecords.at(-1)).toMatchObject({
        endReason: 'noResponse',
        participants: [{ userID: 'bob', status: 'noResponse', end: { reason: 'offline' } }],
      });
    });

    it('the invitation stays deliverable: the callee logging in within the ring time rings and can answer', async () => {
      const alice = await env.client('alice');
      await env.run(alice.calling.call({ userID: 'bob', type: 1 }));
      await env.wait(10_000);
      const bob = await env.client('bob');
      await env.until(() => bob.calling.phase === 'ringing', 'bob ringing', 1_000);
      await env.run(bob.calling.accept());
      await env.until(() => alice.calling.phase === 'connected', 'connected', 1_000);
      expect(alice.calling.currentCall?.participants).toEqual([
        expect.objectContaining({ userID: 'bob', status: 'joined' }),
      ]);
      await env.run(alice.calling.hangup());
    });

    it('hanging up while they are offline cancels the stored invitation: it does not ring at login', async () => {
      const alice = await env.client('alice');
      await env.run(alice.calling.call({ userID: 'bob', type: 1 }));
      await env.wait(2_000);
      await env.run(alice.calling.hangup());
      expect(sentBy(env, 'alice').map((s) => s.action)).toEqual(['invite', 'cancel']);
      expect(alice.calling.callRecords.at(-1)?.endReason).toBe('canceled');
      const bob = await env.client('bob');
      await env.wait(40_000);
      expect(names(bob, ['onInvited'])).toEqual([]);
    });
  });

  describe('a signaling outage during a connected call', () => {
    it('does not end the call while the media flows; it goes on when signaling returns', async () => {
      const [alice, bob] = await connect();
      await env.disconnect('alice');
      await env.disconnect('bob');
      await env.wait(10_000);
      await env.reconnect('alice');
      await env.reconnect('bob');
      await env.wait(5_000);
      expect([alice.calling.phase, bob.calling.phase]).toEqual(['connected', 'connected']);
      expect(names(alice, ['onCallEnd', 'onUserLeave', 'onError'])).toEqual([]);
      await env.run(alice.calling.hangup());
      await env.until(() => bob.calling.phase === 'idle');
    });

    it('reconciles when signaling returns: a hang-up notice held during the outage still ends the call', async () => {
      const [alice, bob] = await connect();
      await env.disconnect('alice');
      // Bob hangs up while alice's signaling is down; his media leaves at once, his notice waits.
      await env.run(bob.calling.hangup());
      await env.reconnect('alice');
      await env.until(() => alice.calling.phase === 'idle', 'alice to end', 5_000);
      expect(payloads(alice, 'onCallEnd')).toEqual([
        expect.objectContaining({ userID: 'bob', reason: 'remoteHangup' }),
      ]);
    });
  });
});
