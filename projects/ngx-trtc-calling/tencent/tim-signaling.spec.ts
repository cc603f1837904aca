import { Calling, type IncomingMessage, SILENT_LOGGER, type SignalingState } from 'ngx-trtc-calling/core';
import { VirtualNetwork } from 'ngx-trtc-calling/testing';
import { DEV_SDK_APP_ID as SDK_APP_ID } from 'ngx-trtc-calling/wire';
import { expectNothingEscaped, type NoNetworkGuard } from './testing-doubles/no-network.test-util';
import { loadRealTim, type RealTim } from './testing-doubles/real-tim-constants.test-util';
import { FakeTim, TimBus, type FakeTimMessage } from './testing-doubles/tim-double.test-util';
import { TENCENT_ERROR, TencentError } from './tencent-error';
import { TimSignalingChannel, timSignaling } from './tim-signaling';

let TIM: RealTim;
let guard: NoNetworkGuard;

beforeAll(async () => {
  ({ TIM, guard } = await loadRealTim());
});

afterAll(() => {
  expectNothingEscaped(guard);
  guard.uninstall({ keepBrowserStubs: true });
});

function newBus(options?: ConstructorParameters<typeof TimBus>[1]): TimBus {
  return new TimBus({ TYPES: TIM.TYPES, EVENT: TIM.EVENT }, options);
}

function collect<T>(source: { subscribe(next: (v: T) => void): unknown }): T[] {
  const seen: T[] = [];
  source.subscribe((v) => seen.push(v));
  return seen;
}

async function online(bus: TimBus, userID: string): Promise<TimSignalingChannel> {
  const channel = timSignaling({ SDKAppID: SDK_APP_ID, TIM: bus.TIM });
  await channel.login({ userID, userSig: `sig-${userID}` });
  return channel;
}

describe('timSignaling', () => {
  const channels: TimSignalingChannel[] = [];
  afterEach(() => {
    for (const c of channels.splice(0)) c.destroy();
    jest.restoreAllMocks();
  });
  const track = (c: TimSignalingChannel) => (channels.push(c), c);

  it('uses the real tim-js-sdk constants in the double', () => {
    expect(TIM.EVENT.MESSAGE_RECEIVED).toBe('onMessageReceived');
    expect(TIM.TYPES.MSG_CUSTOM).toBe('TIMCustomElem');
    expect(newBus().TIM.EVENT).toBe(TIM.EVENT);
  });

  describe('login and state', () => {
    it('creates nothing before first use and replays loggedOut', () => {
      const bus = newBus();
      const channel = track(timSignaling({ SDKAppID: SDK_APP_ID, TIM: bus.TIM }));
      expect(collect(channel.state$)).toEqual([{ status: 'loggedOut' }]);
      expect(bus.instances).toHaveLength(0);
      expect(channel.state).toEqual({ status: 'loggedOut' });
    });

    it('creates TIM with the SDKAppID, logs in and resolves on SDK_READY', async () => {
      const bus = newBus();
      const create = jest.spyOn(bus.TIM, 'create');
      const channel = track(timSignaling({ SDKAppID: SDK_APP_ID, TIM: bus.TIM, logLevel: 3 }));
      const states = collect(channel.state$);
      const login = jest.spyOn(FakeTim.prototype, 'login');
      await channel.login({ userID: 'alice', userSig: 'sig-a' });
      expect(create).toHaveBeenCalledTimes(1);
      expect(create).toHaveBeenCalledWith({ SDKAppID: SDK_APP_ID });
      expect(login).toHaveBeenCalledWith({ userID: 'alice', userSig: 'sig-a' });
      expect(bus.instance(0).logLevel).toBe(3);
      expect(bus.instance(0).isReady).toBe(true);
      expect(states).toEqual([{ status: 'loggedOut' }, { status: 'connecting' }, { status: 'ready' }]);
    });

    it('accepts the module as a promise of a namespace with default', async () => {
      const bus = newBus();
      const channel = track(
        timSignaling({ SDKAppID: SDK_APP_ID, TIM: Promise.resolve({ default: bus.TIM }) }),
      );
      await channel.login({ userID: 'alice', userSig: 's' });
      expect(channel.state.status).toBe('ready');
    });

    it('rejects a failed login with the TIM code and returns to loggedOut', async () => {
      const bus = newBus();
      const channel = track(timSignaling({ SDKAppID: SDK_APP_ID, TIM: bus.TIM }));
      const error = await channel.login({ userID: 'alice', userSig: '' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TencentError);
      expect((error as TencentError).code).toBe(2000);
      expect(channel.state).toEqual({ status: 'loggedOut' });
    });

    it('treats repeatLogin of an app-supplied, already logged-in instance as ready', async () => {
      const bus = newBus();
      const tim = bus.TIM.create({ SDKAppID: SDK_APP_ID });
      await tim.login({ userID: 'alice', userSig: 's' });
      await bus.settle();
      const channel = track(timSignaling({ SDKAppID: SDK_APP_ID, tim, TIM: bus.TIM }));
      await channel.login({ userID: 'alice', userSig: 's' });
      expect(channel.state).toEqual({ status: 'ready' });
      expect(bus.instances).toHaveLength(1);
    });

    it('maps KICKED_OUT with its reason', async () => {
      const bus = newBus();
      const channel = track(await online(bus, 'alice'));
      bus.kick(bus.instance(0), String(TIM.TYPES.KICKED_OUT_USERSIG_EXPIRED));
      expect(channel.state).toEqual({ status: 'kickedOut', reason: 'userSigExpired' });
    });

    it('is kicked out (multipleAccount) when the same user logs in beyond the instance limit', async () => {
      const bus = newBus({ onlineInstancesPerUser: 1 });
      const first = track(await online(bus, 'alice'));
      const second = track(await online(bus, 'alice'));
      expect(first.state).toEqual({ status: 'kickedOut', reason: 'multipleAccount' });
      expect(second.state).toEqual({ status: 'ready' });
    });

    it('maps NET_STATE_CHANGE and SDK_NOT_READY to notReady and back to ready', async () => {
      const bus = newBus();
      const channel = track(await online(bus, 'alice'));
      const tim = bus.instance(0);
      const states = collect(channel.state$);
      bus.setNetState(tim, TIM.TYPES.NET_STATE_DISCONNECTED);
      bus.setNetState(tim, TIM.TYPES.NET_STATE_CONNECTING);
      bus.setNetState(tim, TIM.TYPES.NET_STATE_CONNECTED);
      expect(states).toEqual<SignalingState[]>([
        { status: 'ready' },
        { status: 'notReady', reason: 'disconnected' },
        { status: 'notReady', reason: 'connecting' },
        { status: 'ready' },
      ]);
      // connected while TIM itself is not ready does not claim readiness
      tim.simulate(TIM.EVENT.SDK_NOT_READY);
      bus.setNetState(tim, TIM.TYPES.NET_STATE_CONNECTED);
      expect(channel.state).toEqual({ status: 'notReady', reason: 'sdkNotReady' });
      tim.simulate(TIM.EVENT.SDK_READY);
      expect(channel.state).toEqual({ status: 'ready' });
    });

    it('logs out, ignores the SDK_NOT_READY that follows, and is safe to repeat', async () => {
      const bus = newBus();
      const channel = track(await online(bus, 'alice'));
      const logout = jest.spyOn(FakeTim.prototype, 'logout');
      await channel.logout();
      await channel.logout();
      expect(logout).toHaveBeenCalledTimes(1);
      expect(channel.state).toEqual({ status: 'loggedOut' });
      expect(bus.instance(0).isLoggedIn).toBe(false);
    });

    it('does not call tim.logout after a kick (TIM already logged out)', async () => {
      const bus = newBus();
      const channel = track(await online(bus, 'alice'));
      bus.kick(bus.instance(0));
      const logout = jest.spyOn(FakeTim.prototype, 'logout');
      await channel.logout();
      expect(logout).not.toHaveBeenCalled();
      expect(channel.state).toEqual({ status: 'loggedOut' });
    });
  });

  describe('send', () => {
    it('creates and sends the custom message exactly like TSignaling (C2C, no push info)', async () => {
      const bus = newBus();
      const alice = track(await online(bus, 'alice'));
      const create = jest.spyOn(FakeTim.prototype, 'createCustomMessage');
      const sent = await alice.send({ to: 'bob', conversationType: 'C2C', data: '{"businessID":1}' });
      expect(create).toHaveBeenCalledWith({
        to: 'bob',
        conversationType: 'C2C',
        priority: 'High',
        payload: { data: '{"businessID":1}', description: '', extension: '' },
      });
      expect(bus.sent).toHaveLength(1);
      const { message, options } = bus.sentAt(0);
      expect(options).toEqual({
        onlineUserOnly: false,
        messageControlInfo: {
          excludedFromUnreadCount: false,
          excludedFromLastMessage: false,
          excludedFromContentModeration: true,
        },
      });
      expect(Object.keys(options as object)).not.toContain('offlinePushInfo');
      expect(message).toMatchObject<Partial<FakeTimMessage>>({
        type: TIM.TYPES.MSG_CUSTOM,
        to: 'bob',
        from: 'alice',
        conversationType: TIM.TYPES.CONV_C2C,
        priority: TIM.TYPES.MSG_PRIORITY_HIGH,
        payload: { data: '{"businessID":1}', description: '', extension: '' },
      });
      expect(sent).toEqual({ id: message.ID, time: message.time * 1000 });
    });

    it('attaches offlinePushInfo only when given, field for field', async () => {
      const bus = newBus();
      const alice = track(await online(bus, 'alice'));
      const offlinePushInfo = {
        title: '',
        description: '您有一个通话请求',
        androidOPPOChannelID: '',
        extension: '{"entity":{},"userData":""}',
      };
      await alice.send({ to: 'bob', conversationType: 'C2C', data: 'x', offlinePushInfo });
      expect(bus.sentAt(0).options).toEqual({
        onlineUserOnly: false,
        offlinePushInfo,
        messageControlInfo: {
          excludedFromUnreadCount: false,
          excludedFromLastMessage: false,
          excludedFromContentModeration: true,
        },
      });
    });

    it('routes GROUP messages to the group with conversationType GROUP', async () => {
      const bus = newBus();
      bus.createGroup('g1', ['alice', 'bob', 'carol']);
      const alice = track(await online(bus, 'alice'));
      const bob = track(await online(bus, 'bob'));
      const carol = track(await online(bus, 'carol'));
      const [atAlice, atBob, atCarol] = [alice, bob, carol].map((c) => collect(c.messages$));
      await alice.send({ to: 'g1', conversationType: 'GROUP', data: 'hello group' });
      await bus.settle();
      expect(bus.sentAt(0).message).toMatchObject({ to: 'g1', conversationType: 'GROUP' });
      const expected = {
        from: 'alice',
        conversationType: 'GROUP',
        groupID: 'g1',
        data: 'hello group',
        id: bus.sentAt(0).message.ID,
        time: bus.sentAt(0).message.time * 1000,
      };
      expect(atBob).toEqual([expected]);
      expect(atCarol).toEqual([expected]);
      expect(atAlice).toEqual([]);
    });

    it('delivers C2C messages as IncomingMessage without groupID', async () => {
      const bus = newBus();
      const alice = track(await online(bus, 'alice'));
      const bob = track(await online(bus, 'bob'));
      const atBob = collect(bob.messages$);
      const sent = await alice.send({ to: 'bob', conversationType: 'C2C', data: 'hi' });
      await bus.settle();
      expect(atBob).toEqual<IncomingMessage[]>([
        { id: sent.id, from: 'alice', conversationType: 'C2C', data: 'hi', time: sent.time },
      ]);
      expect(Object.keys(atBob[0]!)).not.toContain('groupID');
    });

    it("keeps this user's own messages from other devices, never this instance's", async () => {
      const bus = newBus();
      const aliceLaptop = track(await online(bus, 'alice'));
      const alicePhone = track(await online(bus, 'alice'));
      const bob = track(await online(bus, 'bob'));
      const [atLaptop, atPhone, atBob] = [aliceLaptop, alicePhone, bob].map((c) => collect(c.messages$));
      await aliceLaptop.send({ to: 'bob', conversationType: 'C2C', data: 'accept' });
      await bus.settle();
      expect(atLaptop).toEqual([]);
      expect(atPhone).toEqual([
        expect.objectContaining({ from: 'alice', conversationType: 'C2C', data: 'accept' }),
      ]);
      expect(atBob).toEqual([expect.objectContaining({ from: 'alice', data: 'accept' })]);
    });

    it('drops an echo of a message this instance sent should the SDK ever deliver one', async () => {
      const bus = newBus();
      const alice = track(await online(bus, 'alice'));
      const atAlice = collect(alice.messages$);
      await alice.send({ to: 'bob', conversationType: 'C2C', data: 'x' });
      const echo = { ...bus.sentAt(0).message, flow: 'in' as const };
      bus.instance(0)._enqueue(echo);
      await bus.settle();
      expect(atAlice).toEqual([]);
    });

    it('emits every custom message of a batch in order and ignores other message types', async () => {
      const bus = newBus();
      track(await online(bus, 'alice'));
      const bob = track(await online(bus, 'bob'));
      const atBob = collect(bob.messages$);
      const aliceTim = bus.instance(0);
      const text = (await aliceTim.createTextMessage({
        to: 'bob',
        conversationType: 'C2C',
        payload: { text: 'plain chat' },
      })) as FakeTimMessage;
      const one = (await aliceTim.createCustomMessage({
        to: 'bob',
        conversationType: 'C2C',
        payload: { data: 'one' },
      })) as FakeTimMessage;
      const two = (await aliceTim.createCustomMessage({
        to: 'bob',
        conversationType: 'C2C',
        payload: { data: 'two' },
      })) as FakeTimMessage;
      const received = jest.fn();
      bus.instance(1).on(TIM.EVENT.MESSAGE_RECEIVED, received);
      await Promise.all([aliceTim.sendMessage(one), aliceTim.sendMessage(text), aliceTim.sendMessage(two)]);
      await bus.settle();
      expect(received).toHaveBeenCalledTimes(1);
      expect(received.mock.calls[0][0].data).toHaveLength(3);
      expect(atBob.map((m) => m.data)).toEqual(['one', 'two']);
    });

    it('rejects (never throws) with TIM 2024 when not logged in', async () => {
      const bus = newBus();
      const channel = track(timSignaling({ SDKAppID: SDK_APP_ID, TIM: bus.TIM }));
      let sending: Promise<unknown> | undefined;
      expect(() => (sending = channel.send({ to: 'bob', conversationType: 'C2C', data: 'x' }))).not.toThrow();
      await expect(sending).rejects.toMatchObject({ name: 'TencentError', code: 2024 });
    });

    it('rejects with the SDK code when the group does not exist', async () => {
      const bus = newBus();
      const alice = track(await online(bus, 'alice'));
      await expect(alice.send({ to: 'nope', conversationType: 'GROUP', data: 'x' })).rejects.toMatchObject({
        code: 10010,
      });
      // one failed send does not break the channel
      await expect(alice.send({ to: 'bob', conversationType: 'C2C', data: 'y' })).resolves.toBeDefined();
    });

    it('holds deliveries while the recipient is disconnected and delivers on reconnect', async () => {
      const bus = newBus();
      const alice = track(await online(bus, 'alice'));
      const bob = track(await online(bus, 'bob'));
      const atBob = collect(bob.messages$);
      bus.setNetState(bus.instance(1), TIM.TYPES.NET_STATE_DISCONNECTED);
      await alice.send({ to: 'bob', conversationType: 'C2C', data: 'while away' });
      await bus.settle();
      expect(atBob).toEqual([]);
      bus.setNetState(bus.instance(1), TIM.TYPES.NET_STATE_CONNECTED);
      await bus.settle();
      expect(atBob.map((m) => m.data)).toEqual(['while away']);
    });
  });

  describe('history', () => {
    const nowSec = Math.floor(Date.now() / 1000);

    it('returns custom messages not older than since, oldest first, at most limit (newest kept)', async () => {
      const bus = newBus();
      bus.createGroup('g1', ['alice', 'bob', 'carol']);
      bus.seedHistory({
        from: 'carol',
        to: 'bob',
        conversationType: 'C2C',
        data: 'too old',
        time: nowSec - 60,
      });
      bus.seedHistory({ from: 'carol', to: 'bob', conversationType: 'C2C', data: 'c1', time: nowSec - 20 });
      bus.seedHistory({ from: 'alice', to: 'g1', conversationType: 'GROUP', data: 'g', time: nowSec - 15 });
      bus.seedHistory({ from: 'bob', to: 'carol', conversationType: 'C2C', data: 'own', time: nowSec - 10 });
      bus.seedHistory({ from: 'carol', to: 'bob', conversationType: 'C2C', data: 'c2', time: nowSec - 5 });
      const bob = track(await online(bus, 'bob'));
      const all = await bob.history({ since: (nowSec - 30) * 1000, limit: 10 });
      expect(all.map((m) => m.data)).toEqual(['c1', 'g', 'own', 'c2']);
      expect(all[1]).toEqual(
        expect.objectContaining({
          conversationType: 'GROUP',
          groupID: 'g1',
          from: 'alice',
          time: (nowSec - 15) * 1000,
        }),
      );
      expect(all[2]).toEqual(expect.objectContaining({ from: 'bob', conversationType: 'C2C' }));
      const newest = await bob.history({ since: (nowSec - 30) * 1000, limit: 2 });
      expect(newest.map((m) => m.data)).toEqual(['own', 'c2']);
      expect(await bob.history({ since: 0, limit: 0 })).toEqual([]);
    });

    it('looks at ≤ 20 recent conversations and asks for ≤ 15 messages each', async () => {
      const bus = newBus();
      for (let i = 0; i < 25; i++) {
        bus.seedHistory({
          from: `u${i}`,
          to: 'bob',
          conversationType: 'C2C',
          data: `m${i}`,
          time: nowSec - 100 + i,
        });
      }
      for (let i = 0; i < 18; i++) {
        bus.seedHistory({
          from: 'u24',
          to: 'bob',
          conversationType: 'C2C',
          data: `burst${i}`,
          time: nowSec - 50 + i,
        });
      }
      const bob = track(await online(bus, 'bob'));
      const getMessageList = jest.spyOn(FakeTim.prototype, 'getMessageList');
      const all = await bob.history({ since: 0, limit: 1000 });
      expect(getMessageList).toHaveBeenCalledTimes(20);
      for (const [options] of getMessageList.mock.calls) expect(options.count).toBe(15);
      const fromU24 = all.filter((m) => m.from === 'u24');
      expect(fromU24).toHaveLength(15);
      expect(all.some((m) => m.from === 'u0')).toBe(false); // conversation 21+ is not examined
      const times = all.map((m) => m.time);
      expect([...times].sort((a, b) => a - b)).toEqual(times);
    });

    it('skips conversations whose last message is older than since', async () => {
      const bus = newBus();
      bus.seedHistory({ from: 'carol', to: 'bob', conversationType: 'C2C', data: 'old', time: nowSec - 120 });
      const bob = track(await online(bus, 'bob'));
      const getMessageList = jest.spyOn(FakeTim.prototype, 'getMessageList');
      expect(await bob.history({ since: (nowSec - 30) * 1000, limit: 10 })).toEqual([]);
      expect(getMessageList).not.toHaveBeenCalled();
    });
  });

  describe('listeners and destroy', () => {
    it('registers nothing on an app-supplied instance before first use, and removes all on destroy', async () => {
      const bus = newBus();
      const tim = bus.TIM.create({ SDKAppID: SDK_APP_ID });
      const channel = timSignaling({ SDKAppID: SDK_APP_ID, tim, TIM: bus.TIM });
      expect(tim.listenerCount()).toBe(0);
      await channel.login({ userID: 'alice', userSig: 's' });
      expect(tim.listenerCount()).toBe(5);
      for (const name of [
        'SDK_READY',
        'SDK_NOT_READY',
        'KICKED_OUT',
        'NET_STATE_CHANGE',
        'MESSAGE_RECEIVED',
      ] as const) {
        expect(tim.listenerCount(TIM.EVENT[name])).toBe(1);
      }
      const destroy = jest.spyOn(tim, 'destroy');
      channel.destroy();
      expect(tim.listenerCount()).toBe(0);
      expect(destroy).not.toHaveBeenCalled(); // not ours to destroy
      expect(tim.isLoggedIn).toBe(true);
    });

    it("never logs out an app-supplied instance: logout and a Calling's destroy() leave the app's chat online", async () => {
      const bus = newBus();
      const tim = bus.TIM.create({ SDKAppID: SDK_APP_ID });
      await tim.login({ userID: 'alice', userSig: 's' });
      await bus.settle();
      const logout = jest.spyOn(tim, 'logout');
      const channel = timSignaling({ SDKAppID: SDK_APP_ID, tim, TIM: bus.TIM });
      await channel.login({ userID: 'alice', userSig: 's' });
      await channel.logout();
      expect(channel.state).toEqual({ status: 'loggedOut' });
      expect(logout).not.toHaveBeenCalled();
      expect(tim.isLoggedIn).toBe(true);

      // A Calling logs in again over the instance as it is, and its destroy() leaves it so.
      const calling = new Calling({
        SDKAppID: SDK_APP_ID,
        signaling: channel,
        media: new VirtualNetwork().media(),
        logger: SILENT_LOGGER,
      });
      await calling.login({ userID: 'alice', userSig: 's' });
      expect(channel.state).toEqual({ status: 'ready' });
      await calling.destroy();
      expect(logout).not.toHaveBeenCalled();
      expect(tim.isLoggedIn).toBe(true);
      expect(tim.listenerCount()).toBe(0);
    });

    it('destroys the TIM it created, completes its streams and refuses further use', async () => {
      const bus = newBus();
      const channel = await online(bus, 'alice');
      const tim = bus.instance(0);
      let messagesDone = false;
      let stateDone = false;
      channel.messages$.subscribe({ complete: () => (messagesDone = true) });
      channel.state$.subscribe({ complete: () => (stateDone = true) });
      channel.destroy();
      channel.destroy();
      await bus.settle();
      expect(tim.listenerCount()).toBe(0);
      expect(tim.isDestroyed).toBe(true);
      expect(messagesDone && stateDone).toBe(true);
      await expect(channel.send({ to: 'bob', conversationType: 'C2C', data: 'x' })).rejects.toMatchObject({
        code: TENCENT_ERROR.DESTROYED,
      });
    });
  });
});
