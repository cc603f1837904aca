import { NEVER, Observable, of } from 'rxjs';
import {
  connectCall,
  names,
  payloads,
  rejection,
  virtualEnv,
  type VirtualEnv,
} from '@calling-internal/contract';
import { VirtualClock, VirtualNetwork } from 'ngx-trtc-calling/testing';
import { Calling, SILENT_LOGGER } from './calling';
import { CALL_TYPE, CALLING_EVENT, type CallingEvent } from './calling-events';
import { CALLING_ERROR_CODE, CallingError } from './errors';
import type { MediaEngine } from './media/media-engine';
import { decodeSignal, encodeSignal } from './protocol/codec';
import type { InviteSignal, Signal } from './protocol/signal';
import {
  type HistoryQuery,
  type IncomingMessage,
  SignalingChannel,
  type SignalingState,
} from './signaling/signaling-channel';

function decoded(data: string | undefined): Signal {
  if (data === undefined) throw new Error('no message to decode');
  const result = decodeSignal(data);
  if (!result.ok) throw new Error(result.error.message);
  return result.signal;
}

function wire(env: VirtualEnv, from?: string) {
  return env.network.sent
    .filter((m) => !from || m.from === from)
    .map((m) => ({
      from: m.from,
      to: m.to,
      type: m.conversationType,
      signal: decoded(m.data),
      push: !!m.offlinePushInfo,
    }));
}

/** Wraps a port so the test can count live subscriptions to its observables. */
function counted<T extends object>(port: T, keys: readonly (keyof T)[]) {
  let live = 0;
  const proxy = new Proxy(port, {
    get(target, key) {
      const value = Reflect.get(target, key, target);
      if (keys.includes(key as keyof T)) {
        return new Observable((subscriber) => {
          live++;
          const sub = (value as Observable<unknown>).subscribe(subscriber);
          return () => {
            live--;
            sub.unsubscribe();
          };
        });
      }
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { proxy, live: () => live };
}

describe('Calling', () => {
  let env: VirtualEnv;

  beforeEach(async () => {
    env = await virtualEnv();
  });

  afterEach(async () => {
    await env.teardown();
  });

  async function connect(fromID = 'alice', toID = 'bob', type: 1 | 2 = 2) {
    const from = await env.client(fromID);
    const to = await env.client(toID);
    await connectCall(env, from, to, type);
    return [from, to] as const;
  }

  describe('API surface', () => {
    it('keeps the reference event names and call types', () => {
      expect(Calling.EVENT).toEqual({
        ERROR: 'onError',
        SDK_READY: 'sdkReady',
        INVITED: 'onInvited',
        USER_ACCEPT: 'onUserAccept',
        USER_ENTER: 'onUserEnter',
        USER_LEAVE: 'onUserLeave',
        REJECT: 'onReject',
        NO_RESP: 'onNoResp',
        LINE_BUSY: 'onLineBusy',
        CALLING_CANCEL: 'onCallingCancel',
        KICKED_OUT: 'onKickedOut',
        CALLING_TIMEOUT: 'onCallingTimeout',
        CALL_END: 'onCallEnd',
        CALLING_END: 'onCallEnd',
        USER_VIDEO_AVAILABLE: 'onUserVideoAvailable',
        USER_AUDIO_AVAILABLE: 'onUserAudioAvailable',
        USER_VOICE_VOLUME: 'onUserVoiceVolume',
        GROUP_CALL_INVITEE_LIST_UPDATE: 'onGroupCallInviteeListUpdate',
      });
      expect(Calling.EVENT).toBe(CALLING_EVENT);
      expect(Calling.CALL_TYPE).toEqual({ UNKNOWN: 0, AUDIO_CALL: 1, VIDEO_CALL: 2 });
      expect(Calling.CALL_TYPE).toBe(CALL_TYPE);
    });

    it('on/off call listeners with their context, and a throwing listener does not break the stream', async () => {
      const alice = await env.client('alice');
      const bob = await env.client('bob');
      const seen: string[] = [];
      const context = { name: 'ctx' };
      function listener(this: typeof context, payload: { sponsor: string }) {
        seen.push(`${this.name}:${payload.sponsor}`);
      }
      bob.calling.on(Calling.EVENT.INVITED, () => {
        throw new Error('app bug');
      });
      bob.calling.on(Calling.EVENT.INVITED, listener, context);
      await env.run(alice.calling.call({ userID: 'bob', type: 1 }));
      await env.until(() => bob.calling.phase === 'ringing');
      expect(seen).toEqual(['ctx:alice']);
      bob.calling.off(Calling.EVENT.INVITED, listener, context);
      await env.run(alice.calling.hangup());
      await env.until(() => bob.calling.phase === 'idle');
      await env.run(alice.calling.call({ userID: 'bob', type: 1 }));
      await env.until(() => bob.calling.phase === 'ringing');
      expect(seen).toEqual(['ctx:alice']);
      expect(payloads(bob, 'onInvited')).toHaveLength(2);
    });

    it('emits SDK_READY on login', async () => {
      const alice = await env.client('alice');
      expect(payloads(alice, 'sdkReady')).toEqual([{ name: 'ts_im_ready' }]);
      expect(alice.calling.userID).toBe('alice');
    });
  });

  describe('wire format (PROTOCOL.md §4.10)', () => {
    it('1:1 answered, callee hangs up: INVITE, ACCEPT, then the leaver sends the hang-up notice', async () => {
      const [alice, bob] = await connect();
      await env.wait(4000);
      await env.run(bob.calling.hangup());
      await env.until(() => alice.calling.phase === 'idle');
      await env.wait(1000);
      const msgs = wire(env);
      expect(msgs.map((m) => `${m.from}→${m.to} ${m.signal.action}`)).toEqual([
        'alice→bob invite',
        'bob→alice accept',
        'bob→alice invite',
      ]);
      const [invite, accept, notice] = msgs;
      expect(invite).toEqual({
        from: 'alice',
        to: 'bob',
        type: 'C2C',
        push: true,
        signal: expect.objectContaining({
          action: 'invite',
          inviter: 'alice',
          inviteeList: ['bob'],
          groupID: '',
          timeout: 30,
          content: { kind: 'call', callType: 2, roomID: expect.any(Number), userIDs: ['bob'] },
        }),
      });
      expect(accept?.push).toBe(false);
      expect(accept?.signal).toEqual(
        expect.objectContaining({
          action: 'accept',
          inviteID: invite?.signal.inviteID,
          inviteeList: ['bob'],
          inviter: 'alice',
        }),
      );
      expect(notice?.signal).toEqual(
        expect.objectContaining({
          action: 'invite',
          timeout: 0,
          content: { kind: 'hangup', callType: 2, callEnd: 4 },
        }),
      );
      expect(payloads(alice, 'onCallEnd')).toEqual([{ userID: 'bob', callEnd: 4, reason: 'remoteHangup' }]);
      expect(payloads(bob, 'onCallEnd')).toEqual([{ userID: 'bob', callEnd: 4, reason: 'hangup' }]);
    });

    it('both hang up at once: each side ends once and ignores the other notice', async () => {
      const [alice, bob] = await connect();
      await env.run(Promise.all([alice.calling.hangup(), bob.calling.hangup()]));
      await env.wait(2000);
      expect(payloads(alice, 'onCallEnd')).toHaveLength(1);
      expect(payloads(bob, 'onCallEnd')).toHaveLength(1);
      expect(alice.calling.callRecords).toHaveLength(1);
      expect(bob.calling.callRecords).toHaveLength(1);
    });

    it('a group hang-up without groupID cancels each invitee still ringing, one by one', async () => {
      const alice = await env.client('alice');
      const bob = await env.client('bob');
      const carol = await env.client('carol');
      await env.run(alice.calling.groupCall({ userIDList: ['bob', 'carol'], type: 1 }));
      await env.until(() => bob.calling.phase === 'ringing' && carol.calling.phase === 'ringing');
      await env.run(bob.calling.accept());
      await env.until(() => alice.calling.phase === 'connected');
      await env.run(alice.calling.hangup());
      await env.until(() => carol.calling.phase === 'idle');
      const cancels = wire(env, 'alice').filter((m) => m.signal.action === 'cancel');
      expect(cancels).toEqual([
        expect.objectContaining({
          to: 'carol',
          type: 'C2C',
          signal: expect.objectContaining({ inviteeList: ['carol'] }),
        }),
      ]);
      expect(carol.calling.callRecords.at(-1)?.endReason).toBe('canceled');
    });
  });

  describe('glare', () => {
    it.each([
      ['alice', 'bob'],
      ['bob', 'alice'],
    ])(
      '%s and %s call each other at once and converge on the invitation of the one sorting first',
      async (x, y) => {
        const a = await env.client(x);
        const b = await env.client(y);
        await env.run(
          Promise.all([a.calling.call({ userID: y, type: 2 }), b.calling.call({ userID: x, type: 2 })]),
        );
        await env.until(() => a.calling.phase === 'connected' && b.calling.phase === 'connected');
        expect(a.calling.currentCall?.inviter).toBe('alice');
        expect(b.calling.currentCall?.inviter).toBe('alice');
        expect(a.calling.currentCall?.roomID).toBe(b.calling.currentCall?.roomID);
        expect(env.roomOf('alice')).toBe(env.roomOf('bob'));
        for (const c of [a, b])
          expect(names(c, ['onLineBusy', 'onReject', 'onCallEnd', 'onInvited'])).toEqual([]);
        await env.run(a.calling.hangup());
        await env.until(() => b.calling.phase === 'idle');
      },
    );

    it('against a client that answers busy instead, we accept its invitation', async () => {
      const alice = await env.client('alice');
      const bob = env.network.signaling();
      await env.run(bob.login({ userID: 'bob', userSig: 'sig' }));
      await env.run(alice.calling.call({ userID: 'bob', type: 1 }));
      const ours = wire(env, 'alice')[0]!.signal as InviteSignal; // the call() above sent it
      const theirs: InviteSignal = {
        action: 'invite',
        inviteID: 'bbbbbbbb-0000-4000-8000-000000000001',
        inviter: 'bob',
        inviteeList: ['alice'],
        groupID: '',
        timeout: 30,
        onlineUserOnly: false,
        content: { kind: 'call', callType: 1, roomID: 4242 },
      };
      await env.run(bob.send({ to: 'alice', conversationType: 'C2C', data: encodeSignal(theirs) }));
      await env.wait(100);
      expect(alice.calling.phase).toBe('dialing');
      // Glare won: the state holds bob's invitation while ours rings.
      expect(alice.calling.currentCall?.held).toMatchObject({ from: 'bob', callID: theirs.inviteID });
      const busy: Signal = {
        action: 'reject',
        inviteID: ours.inviteID,
        inviter: 'alice',
        inviteeList: ['bob'],
        groupID: '',
        timeout: 0,
        callType: 1,
        busy: true,
      };
      await env.run(bob.send({ to: 'alice', conversationType: 'C2C', data: encodeSignal(busy) }));
      await env.until(() => wire(env, 'alice').some((m) => m.signal.action === 'accept'));
      const accept = wire(env, 'alice').find((m) => m.signal.action === 'accept');
      expect(accept?.signal.inviteID).toBe(theirs.inviteID);
      expect(alice.calling.phase).toBe('connecting');
      expect(env.roomOf('alice')).toBe(4242);
      expect(names(alice, ['onLineBusy', 'onCallEnd'])).toEqual([]);
      // Our invitation is withdrawn in the state; theirs, with its content, is the call's.
      expect(alice.calling.state.withdrawn).toEqual([ours.inviteID]);
      expect(alice.calling.currentCall).toMatchObject({
        held: null,
        invitations: [{ inviteID: theirs.inviteID, invitees: ['alice'], content: theirs.content }],
      });
      // A late answer to the withdrawn invitation is dropped; logging out forgets it.
      const late: Signal = { ...busy, busy: false };
      await env.run(bob.send({ to: 'alice', conversationType: 'C2C', data: encodeSignal(late) }));
      await env.wait(100);
      expect(alice.calling.phase).toBe('connecting');
      expect(names(alice, ['onReject', 'onCallEnd'])).toEqual([]);
      await env.run(alice.calling.logout());
      expect(alice.calling.state.withdrawn).toEqual([]);
      bob.destroy();
    });
  });

  describe('robustness against stray and bad input', () => {
    async function raw(userID: string) {
      const channel = env.network.signaling();
      await env.run(channel.login({ userID, userSig: 'sig' }));
      return {
        channel,
        send: (to: string, signal: Signal | string) =>
          env.run(
            channel.send({
              to,
              conversationType: 'C2C',
              data: typeof signal === 'string' ? signal : encodeSignal(signal),
            }),
          ),
      };
    }

    const invite = (inviteID: string, inviter: string, to: string): InviteSignal => ({
      action: 'invite',
      inviteID,
      inviter,
      inviteeList: [to],
      groupID: '',
      timeout: 30,
      onlineUserOnly: false,
      content: { kind: 'call', callType: 1, roomID: 777 },
    });

    it('a stray CANCEL, REJECT or TIMEOUT of another invitation never ends the current call (§8.4)', async () => {
      const [alice, bob] = await connect();
      const carol = await raw('carol');
      await carol.send('bob', invite('c0000000-0000-4000-8000-000000000001', 'carol', 'bob'));
      await env.wait(100);
      const base = {
        inviteID: 'c0000000-0000-4000-8000-000000000001',
        inviter: 'carol',
        groupID: '',
        timeout: 0,
      };
      await carol.send('bob', { ...base, action: 'cancel', inviteeList: ['bob'], callType: 1 });
      await carol.send('bob', {
        ...base,
        action: 'reject',
        inviteeList: ['carol'],
        callType: 1,
        busy: false,
      });
      await carol.send('bob', {
        ...base,
        action: 'timeout',
        inviteeList: ['bob'],
        content: { kind: 'call', callType: 1, roomID: 777 },
      });
      // Forged follow-ups of the real call from someone who is not in it are ignored too.
      const callID = bob.calling.currentCall!.callID;
      await carol.send('bob', {
        ...base,
        inviteID: callID,
        inviter: 'alice',
        action: 'cancel',
        inviteeList: ['bob'],
        callType: 2,
      });
      await env.wait(500);
      expect(alice.calling.phase).toBe('connected');
      expect(bob.calling.phase).toBe('connected');
      expect(names(bob, ['onCallingCancel', 'onCallEnd', 'onCallingTimeout'])).toEqual([]);
      carol.channel.destroy();
    });

    it('a repeated INVITE delivery rings once and is not rejected as busy (§8.18)', async () => {
      const bob = await env.client('bob');
      const carol = await raw('carol');
      const data = encodeSignal(invite('c0000000-0000-4000-8000-000000000002', 'carol', 'bob'));
      await carol.send('bob', data);
      await carol.send('bob', data);
      await env.wait(200);
      expect(payloads(bob, 'onInvited')).toHaveLength(1);
      expect(wire(env, 'bob')).toEqual([]);
      carol.channel.destroy();
    });

    it('malformed signaling is reported on error$ and dropped; the stream keeps working', async () => {
      const bob = await env.client('bob');
      const carol = await raw('carol');
      await carol.send('bob', '{"businessID":1,"actionType":9}');
      await carol.send('bob', '{"businessID":2,"hello":"an app message"}');
      await carol.send(
        'bob',
        '{"businessID":1,"inviteID":"x","inviter":"carol","actionType":1,"inviteeList":["bob"],"data":"{}","timeout":30,"groupID":""}',
      );
      await env.wait(100);
      // The unknown action, the call invitation without call type or room; not the app's own message.
      expect(payloads(bob, 'onError').map((e) => e.code)).toEqual([
        CALLING_ERROR_CODE.INVALID_SIGNAL,
        CALLING_ERROR_CODE.INVALID_SIGNAL,
      ]);
      expect(bob.calling.phase).toBe('idle');
      await carol.send('bob', invite('c0000000-0000-4000-8000-000000000003', 'carol', 'bob'));
      await env.until(() => bob.calling.phase === 'ringing');
      carol.channel.destroy();
    });

    it('a switch request from someone other than the peer is ignored', async () => {
      const [, bob] = await connect();
      const carol = await raw('carol');
      await carol.send('bob', {
        action: 'invite',
        inviteID: 'c0000000-0000-4000-8000-000000000004',
        inviter: 'carol',
        inviteeList: ['bob'],
        groupID: '',
        timeout: 30,
        onlineUserOnly: false,
        content: { kind: 'switch', to: 'audio', callType: 2, roomID: bob.calling.currentCall!.roomID },
      });
      await env.wait(200);
      expect(bob.calling.currentCall?.callType).toBe(2);
      expect(wire(env, 'bob').filter((m) => m.to === 'carol')).toEqual([]);
      carol.channel.destroy();
    });
  });

  describe('misuse', () => {
    it('rejects with typed errors and changes nothing', async () => {
      const idle = new Calling({
        SDKAppID: 1,
        signaling: env.network.signaling(),
        media: env.network.media(),
        logger: SILENT_LOGGER,
      });
      expect((await rejection(idle.call({ userID: 'bob', type: 1 }))).code).toBe(
        CALLING_ERROR_CODE.NOT_LOGGED_IN,
      );
      expect((await rejection(idle.login({ userID: 'bad id!', userSig: 'x' }))).code).toBe(
        CALLING_ERROR_CODE.INVALID_ARGUMENT,
      );
      await idle.destroy();
      expect((await rejection(idle.login({ userID: 'x', userSig: 'x' }))).reason).toBe('destroyed');

      const [alice] = await connect();
      const before = alice.calling.state;
      const cases: [Promise<unknown>, number][] = [
        [alice.calling.call({ userID: 'carol', type: 1 }), CALLING_ERROR_CODE.WRONG_STATE],
        [alice.calling.accept(), CALLING_ERROR_CODE.WRONG_STATE],
        [alice.calling.reject(), CALLING_ERROR_CODE.WRONG_STATE],
        [alice.calling.call({ userID: 'not valid', type: 1 }), CALLING_ERROR_CODE.INVALID_ARGUMENT],
        [alice.calling.call({ userID: 'carol', type: 3 as never }), CALLING_ERROR_CODE.INVALID_ARGUMENT],
        [alice.calling.groupCall({ userIDList: [], type: 1 }), CALLING_ERROR_CODE.INVALID_ARGUMENT],
        [alice.calling.login({ userID: 'alice', userSig: 'sig' }), CALLING_ERROR_CODE.WRONG_STATE],
        [alice.calling.setVideoQuality('4k' as never), CALLING_ERROR_CODE.INVALID_ARGUMENT],
        [alice.calling.switchToVideoCall(), CALLING_ERROR_CODE.FAILURE_SWITCH_TO_VIDEO],
        [
          alice.calling.switchDevice({ deviceType: 'video', deviceID: 'no-such-camera' }),
          CALLING_ERROR_CODE.INVALID_ARGUMENT,
        ],
        [
          alice.calling.switchDevice({ deviceType: 'usb' as never, deviceID: 'x' }),
          CALLING_ERROR_CODE.INVALID_ARGUMENT,
        ],
      ];
      for (const [promise, code] of cases) {
        const error = await rejection(promise);
        expect(error).toBeInstanceOf(CallingError);
        expect(error.code).toBe(code);
      }
      expect(alice.calling.state).toBe(before);
      const self = await rejection(alice.calling.call({ userID: 'alice', type: 1 }));
      expect(self.reason).toBe('invalidArgument');
      expect(() => alice.calling.startRemoteView({ userID: '', videoViewDomID: 'x' })).toThrow(CallingError);
    });

    it('switching is 1:1 only', async () => {
      const alice = await env.client('alice');
      await env.client('bob');
      await env.client('carol');
      await env.run(alice.calling.groupCall({ userIDList: ['bob', 'carol'], type: 2 }));
      const error = await rejection(alice.calling.switchToAudioCall());
      expect(error.code).toBe(CALLING_ERROR_CODE.FAILURE_SWITCH_TO_AUDIO);
      await env.run(alice.calling.hangup());
    });
  });

  describe('audio ↔ video switch', () => {
    it('switches both sides once the other user accepts, on the wire as the reference does', async () => {
      const [alice, bob] = await connect('alice', 'bob', 2);
      const switched = alice.calling.switchToAudioCall();
      await env.until(() => !!bob.calling.currentCall?.switchRequest);
      expect(alice.calling.currentCall?.callType).toBe(2);
      await env.run(bob.calling.acceptSwitch());
      await env.run(switched);
      expect(alice.calling.currentCall?.callType).toBe(1);
      expect(bob.calling.currentCall?.callType).toBe(1);
      const [request, reply] = wire(env).slice(2);
      expect(request?.signal).toEqual(
        expect.objectContaining({
          action: 'invite',
          inviter: 'alice',
          timeout: 30,
          content: expect.objectContaining({ kind: 'switch', to: 'audio', callType: 2, asks: true }),
        }),
      );
      expect(reply?.signal).toEqual(
        expect.objectContaining({ action: 'accept', inviteID: request?.signal.inviteID, switchTo: 'audio' }),
      );
      const back = bob.calling.switchToVideoCall();
      await env.until(() => !!alice.calling.currentCall?.switchRequest);
      await env.run(alice.calling.acceptSwitch());
      await env.run(back);
      expect(alice.calling.currentCall?.callType).toBe(2);
      expect(bob.calling.currentCall?.callType).toBe(2);
    });

    it('an unanswered switch request fails after the ring timeout, asked twice, but the call goes on (§8.7)', async () => {
      const [alice, bob] = await connect('alice', 'bob', 2);
      const drop = env.network.delay((m) => m.from === 'alice', 1_000_000);
      const switching = rejection(alice.calling.switchToAudioCall());
      await env.wait(100);
      expect(alice.calling.currentCall?.pendingSwitch).toMatchObject({ to: 'audio' });
      await env.wait(69_900);
      drop();
      const error = await switching;
      expect(error.reason).toBe('switchTimeout');
      expect(alice.calling.phase).toBe('connected');
      expect(bob.calling.phase).toBe('connected');
      expect(alice.calling.currentCall?.callType).toBe(2);
      expect(alice.calling.currentCall?.pendingSwitch).toBeNull();
    });
  });

  describe('failures', () => {
    it('a failed send rejects, leaves nothing behind and does not lock later calls', async () => {
      const alice = await env.client('alice');
      const bob = await env.client('bob');
      env.network.disconnect('alice');
      const error = await rejection(env.run(alice.calling.call({ userID: 'bob', type: 1 })));
      expect(error.code).toBe(CALLING_ERROR_CODE.SEND_FAILED);
      expect(alice.calling.phase).toBe('idle');
      expect(alice.calling.callRecords.at(-1)?.endReason).toBe('sendFailed');
      expect(env.roomOf('alice')).toBeNull();
      env.network.reconnect('alice');
      await env.run(alice.calling.call({ userID: 'bob', type: 1 }));
      await env.until(() => bob.calling.phase === 'ringing');
    });

    it('media access denied on accept: 60005, the caller is told, both idle', async () => {
      const alice = await env.client('alice');
      const bob = new Calling({
        SDKAppID: 1,
        signaling: env.network.signaling(),
        media: env.network.media({ userID: 'bob', deniedAccess: true }),
        scheduler: env.clock.scheduler,
        logger: SILENT_LOGGER,
      });
      const events: CallingEvent[] = [];
      bob.events$.subscribe((e) => events.push(e));
      env.clients.push({ userID: 'bob', calling: bob, events });
      await env.run(bob.login({ userID: 'bob', userSig: 'sig' }));
      await env.run(alice.calling.call({ userID: 'bob', type: 2 }));
      await env.until(() => bob.phase === 'ringing');
      const error = await rejection(env.run(bob.accept()));
      expect(error.code).toBe(CALLING_ERROR_CODE.NOT_MEDIA_ACCESS);
      expect(error.reason).toBe('mediaAccessDenied');
      expect(bob.phase).toBe('idle');
      expect(bob.callRecords.at(-1)?.endReason).toBe('mediaFailed');
      expect(events.filter((e) => e.type === 'onError').map((e) => e.payload)).toEqual([
        expect.objectContaining({ code: 60005 }),
      ]);
      await env.until(() => alice.calling.phase === 'idle');
      expect(payloads(alice, 'onReject')).toEqual([{ userID: 'bob' }]);
    });

    it('media failing mid-call ends it with mediaFailed and tells the peer', async () => {
      const [alice, bob] = await connect();
      env.network.failMedia('bob');
      await env.until(() => alice.calling.phase === 'idle' && bob.calling.phase === 'idle');
      expect(bob.calling.callRecords.at(-1)?.endReason).toBe('mediaFailed');
      expect(alice.calling.callRecords.at(-1)?.endReason).toBe('remoteHangup');
    });
  });

  describe('sessions', () => {
    it('KICKED_OUT by a second login ends the call, leaves the room and resets', async () => {
      await env.teardown();
      env = await virtualEnv({ network: { sessionPolicy: 'single' } });
      const [alice, bob] = await connect();
      await env.client('bob');
      await env.until(() => bob.calling.phase === 'idle' && alice.calling.phase === 'idle');
      expect(payloads(bob, 'onKickedOut')).toEqual([{ reason: 'multipleAccount' }]);
      expect(bob.calling.callRecords.at(-1)?.endReason).toBe('kickedOut');
      expect(bob.calling.userID).toBeNull();
      expect(env.roomOf('bob')).toBeNull();
    });

    it('logout during a call ends it for the peer and releases every subscription, timer and track', async () => {
      const alice = await env.client('alice');
      const signaling = counted(env.network.signaling(), ['messages$', 'state$']);
      const media = counted(env.network.media({ userID: 'bob' }), ['events$']);
      const bob = new Calling({
        SDKAppID: 1,
        signaling: signaling.proxy,
        media: media.proxy as MediaEngine,
        scheduler: env.clock.scheduler,
        logger: SILENT_LOGGER,
      });
      env.clients.push({ userID: 'bob', calling: bob, events: [] });
      await env.run(bob.login({ userID: 'bob', userSig: 'sig' }));
      expect(signaling.live()).toBe(2);
      expect(media.live()).toBe(1);
      await env.run(alice.calling.call({ userID: 'bob', type: 2 }));
      await env.until(() => bob.phase === 'ringing');
      await env.run(bob.accept());
      await env.until(() => alice.calling.phase === 'connected');
      await env.run(bob.logout());
      await env.until(() => alice.calling.phase === 'idle');
      expect(alice.calling.callRecords.at(-1)?.endReason).toBe('remoteHangup');
      expect(signaling.live()).toBe(0);
      expect(media.live()).toBe(0);
      expect(env.roomOf('bob')).toBeNull();
      await env.run(alice.calling.logout());
      await env.wait(2000);
      expect(env.network.liveTracks()).toBe(0);
      expect(env.clock.pending()).toBe(0);
    });
  });

  describe('history replay', () => {
    class HistoryOnlyChannel extends SignalingChannel {
      readonly messages$ = NEVER;
      readonly state$: Observable<SignalingState> = of({ status: 'ready' });
      readonly sent: string[] = [];
      constructor(private readonly batch: IncomingMessage[]) {
        super();
      }
      async login(): Promise<void> {}
      async logout(): Promise<void> {}
      async send(message: { data: string }) {
        this.sent.push(message.data);
        return { id: 'x', time: 0 };
      }
      async history(query: HistoryQuery) {
        return this.batch.filter((m) => m.time >= query.since);
      }
      destroy(): void {}
    }

    function message(id: string, from: string, signal: Signal, time: number): IncomingMessage {
      return { id, from, conversationType: 'C2C', data: encodeSignal(signal), time };
    }

    it('rings for an unanswered invitation after a late login, for the rest of its time only', async () => {
      const clock = new VirtualClock();
      const network = new VirtualNetwork({ scheduler: clock.scheduler });
      const sentAt = clock.now() - 10_000;
      const inv = (inviteID: string): InviteSignal => ({
        action: 'invite',
        inviteID,
        inviter: 'alice',
        inviteeList: ['bob'],
        groupID: '',
        timeout: 30,
        onlineUserOnly: false,
        content: { kind: 'call', callType: 1, roomID: 99 },
      });
      const answered = inv('a0000000-0000-4000-8000-00000000000a');
      const channel = new HistoryOnlyChannel([
        message('m1', 'alice', answered, sentAt - 5000),
        message(
          'm2',
          'alice',
          { ...answered, action: 'cancel', inviteeList: ['bob'], callType: 1, timeout: 0 } as Signal,
          sentAt - 4000,
        ),
        message('m3', 'alice', inv('a0000000-0000-4000-8000-00000000000b'), sentAt),
      ]);
      const bob = new Calling({
        SDKAppID: 1,
        signaling: channel,
        media: network.media(),
        scheduler: clock.scheduler,
        logger: SILENT_LOGGER,
      });
      const invited: string[] = [];
      bob.invited$.subscribe((i) => invited.push(i.inviteID));
      await bob.login({ userID: 'bob', userSig: 'sig' });
      await clock.settle();
      expect(invited).toEqual(['a0000000-0000-4000-8000-00000000000b']);
      expect(bob.phase).toBe('ringing');
      await clock.advance(19_900);
      expect(bob.phase).toBe('ringing');
      await clock.advance(200);
      expect(bob.phase).toBe('idle');
      expect(bob.callRecords.at(-1)?.endReason).toBe('timeout');
      expect(decoded(channel.sent[0])).toEqual(
        expect.objectContaining({ action: 'timeout', inviteeList: ['bob'] }),
      );
      await bob.destroy();
      network.destroy();
      await clock.settle();
      expect(clock.pending()).toBe(0);
    });

    it('an invitation sent while the callee was offline rings at login until 30 s after it was sent', async () => {
      const alice = await env.client('alice');
      const start = env.clock.now();
      await env.run(alice.calling.call({ userID: 'bob', type: 1 }));
      await env.wait(10_000);
      const bob = await env.client('bob');
      await env.until(() => bob.calling.phase === 'ringing');
      expect(payloads(bob, 'onInvited')).toHaveLength(1);
      await env.until(() => alice.calling.phase === 'idle', 'alice idle', 30_000);
      expect(env.clock.now() - start).toBeGreaterThanOrEqual(30_000);
      expect(env.clock.now() - start).toBeLessThan(31_000);
      expect(bob.calling.callRecords.at(-1)?.endReason).toBe('timeout');
      expect(payloads(alice, 'onCallingTimeout')).toEqual([{ sponsor: 'alice', userIDList: ['bob'] }]);
      expect(payloads(alice, 'onNoResp')).toEqual([]);
    });

    it('a callee who never comes online: NO_RESP and CALL_END at ring timeout + 5 s', async () => {
      const alice = await env.client('alice');
      const start = env.clock.now();
      await env.run(alice.calling.call({ userID: 'bob', type: 1 }));
      await env.until(() => alice.calling.phase === 'idle', 'alice idle', 40_000);
      expect(env.clock.now() - start).toBeGreaterThanOrEqual(35_000);
      expect(env.clock.now() - start).toBeLessThan(35_100);
      expect(payloads(alice, 'onNoResp')).toEqual([{ sponsor: 'alice', userID: 'bob', userIDList: ['bob'] }]);
      expect(payloads(alice, 'onCallEnd')).toEqual([{ userID: 'alice', callEnd: 0, reason: 'noResponse' }]);
      const timeout = wire(env, 'alice').find((m) => m.signal.action === 'timeout');
      expect(timeout?.signal).toEqual(
        expect.objectContaining({ inviteeList: ['bob'], content: expect.objectContaining({ kind: 'call' }) }),
      );
    });
  });

  describe('media controls and devices', () => {
    async function withMedia(userID: string) {
      const media = env.network.media({ userID });
      const calling = new Calling({
        SDKAppID: 1,
        signaling: env.network.signaling(),
        media,
        scheduler: env.clock.scheduler,
        logger: SILENT_LOGGER,
      });
      const events: CallingEvent[] = [];
      calling.events$.subscribe((e) => events.push(e));
      const client = { userID, calling, events };
      env.clients.push(client);
      await env.run(calling.login({ userID, userSig: 'sig' }));
      return { ...client, media };
    }

    it('mute and camera off (and back on) reach the peer as availability events', async () => {
      const alice = await env.client('alice');
      const bob = await withMedia('bob');
      await env.run(alice.calling.call({ userID: 'bob', type: 2 }));
      await env.until(() => bob.calling.phase === 'ringing');
      await env.run(bob.calling.accept());
      await env.until(() => alice.calling.phase === 'connected');
      await env.wait(100);
      await env.run(bob.calling.setMicMute(true));
      await env.run(bob.calling.closeCamera());
      await env.wait(100);
      expect(bob.media.micMuted).toBe(true);
      expect(bob.media.cameraEnabled).toBe(false);
      expect(bob.calling.currentCall).toEqual(
        expect.objectContaining({ micMuted: true, cameraEnabled: false }),
      );
      expect(payloads(alice, 'onUserAudioAvailable').at(-1)).toEqual({
        userID: 'bob',
        isAudioAvailable: false,
      });
      expect(payloads(alice, 'onUserVideoAvailable').at(-1)).toEqual({
        userID: 'bob',
        isVideoAvailable: false,
      });
      expect(alice.calling.currentCall?.participants[0]).toEqual(
        expect.objectContaining({ userID: 'bob', audioAvailable: false, videoAvailable: false }),
      );
      await env.run(bob.calling.setMicMute(false));
      await env.run(bob.calling.openCamera());
      await env.wait(100);
      expect(alice.calling.currentCall?.participants[0]).toEqual(
        expect.objectContaining({ audioAvailable: true, videoAvailable: true }),
      );
    });

    it('reports voice volume while in a call', async () => {
      const [alice] = await connect();
      await env.wait(2500);
      const volumes = payloads(alice, 'onUserVoiceVolume');
      expect(volumes.length).toBeGreaterThanOrEqual(2);
      expect(volumes.at(-1)?.volumeMap).toEqual(
        expect.arrayContaining([expect.objectContaining({ userId: 'bob' })]),
      );
    });

    it('devices$ follows hot-plug, and an unplugged device in use falls back with an event', async () => {
      const alice = await withMedia('alice');
      const seen: string[][] = [];
      alice.calling.devices$.subscribe((d) => seen.push(d.cameras.map((c) => c.deviceID)));
      expect((await env.run(alice.calling.getCameras())).map((c) => c.deviceID)).toEqual(['virtual-camera']);
      env.network.addDevice('alice', { deviceID: 'usb-cam', kind: 'camera', label: 'USB camera' });
      await env.wait(100);
      expect(seen.at(-1)).toEqual(['virtual-camera', 'usb-cam']);
      await env.client('bob');
      await env.run(alice.calling.switchDevice({ deviceType: 'video', deviceID: 'usb-cam' }));
      await env.run(alice.calling.call({ userID: 'bob', type: 2 }));
      expect(alice.media.selectedDevices.camera).toBe('usb-cam');
      const fallbacks: unknown[] = [];
      alice.calling.deviceFallback$.subscribe((f) => fallbacks.push(f));
      env.network.removeDevice('alice', 'usb-cam');
      await env.wait(100);
      expect(seen.at(-1)).toEqual(['virtual-camera']);
      expect(fallbacks).toEqual([{ kind: 'camera', from: 'usb-cam', to: 'virtual-camera' }]);
      await env.run(alice.calling.hangup());
    });

    it('views, video quality and the profile reach the media engine', async () => {
      const alice = await withMedia('alice');
      await env.client('bob');
      await env.run(alice.calling.setVideoQuality('720p'));
      expect(alice.calling.getVideoQuality()).toBe('720p');
      await env.run(alice.calling.call({ userID: 'bob', type: 2 }));
      expect(alice.media.profile).toEqual({ width: 1280, height: 720, frameRate: 15, bitrate: 1500 });
      alice.calling.startLocalView({ userID: 'alice', videoViewDomID: 'local' });
      alice.calling.startRemoteView({ userID: 'bob', videoViewDomID: 'remote-bob' });
      expect(alice.media.attachments.local).toBe('local');
      expect(alice.media.attachments.remote.get('bob')).toBe('remote-bob');
      alice.calling.stopRemoteView({ userID: 'bob' });
      alice.calling.stopLocalView({ userID: 'alice' });
      expect(alice.media.attachments.local).toBeUndefined();
      expect(alice.media.attachments.remote.has('bob')).toBe(false);
      await env.run(alice.calling.hangup());
    });
  });

  describe('records and clocks', () => {
    it('the duration clock restarts for each call', async () => {
      const [alice, bob] = await connect();
      await env.wait(5000);
      await env.run(alice.calling.hangup());
      await env.until(() => bob.calling.phase === 'idle');
      await env.run(alice.calling.call({ userID: 'bob', type: 2 }));
      await env.until(() => bob.calling.phase === 'ringing');
      await env.run(bob.calling.accept());
      await env.until(() => alice.calling.phase === 'connected');
      await env.wait(2000);
      await env.run(alice.calling.hangup());
      await env.until(() => bob.calling.phase === 'idle');
      expect(payloads(alice, 'onCallEnd').map((e) => e.callEnd)).toEqual([5, 2]);
      expect(alice.calling.callRecords.map((r) => [r.direction, r.endReason, r.duration])).toEqual([
        ['outgoing', 'hangup', 5],
        ['outgoing', 'hangup', 2],
      ]);
      expect(bob.calling.callRecords.map((r) => [r.direction, r.endReason, r.duration])).toEqual([
        ['incoming', 'remoteHangup', 5],
        ['incoming', 'remoteHangup', 2],
      ]);
    });

    it('1,000 consecutive calls leave no state, timer or track behind', async () => {
      const alice = await env.client('alice');
      const bob = await env.client('bob');
      const baseline = env.clock.pending();
      for (let i = 0; i < 1000; i++) {
        await env.run(alice.calling.call({ userID: 'bob', type: i % 2 ? 1 : 2 }));
        await env.until(() => bob.calling.phase === 'ringing');
        await env.run(bob.calling.accept());
        await env.until(() => alice.calling.phase === 'connected');
        await env.run((i % 2 ? alice : bob).calling.hangup());
        await env.until(() => alice.calling.phase === 'idle' && bob.calling.phase === 'idle');
      }
      await env.wait(1000);
      expect(alice.calling.callRecords).toHaveLength(100);
      expect(payloads(alice, 'onCallEnd')).toHaveLength(1000);
      expect(env.network.liveTracks()).toBe(0);
      expect(env.clock.pending()).toBe(baseline);
    }, 60_000);
  });
});
