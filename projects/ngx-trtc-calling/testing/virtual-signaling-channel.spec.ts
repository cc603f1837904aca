import { firstValueFrom } from 'rxjs';
import type { SignalingState } from 'ngx-trtc-calling/core';
import { recordEvents } from './record';
import { c2c, dataOf, group, inbox, loggedIn, virtualSetup } from './spec-helpers.test-util';
import { VirtualErrorCode, VirtualNetworkError } from './virtual-errors';
import { VirtualNetwork } from './virtual-network';

const status = (s: SignalingState) => s.status;
const STATES = { o: 'loggedOut', c: 'connecting', r: 'ready', n: 'notReady', k: 'kickedOut' };

describe('VirtualSignalingChannel (VirtualNetwork.signaling)', () => {
  describe('login', () => {
    it('goes loggedOut → connecting → ready after the latency, and resolves then', async () => {
      const { clock, network } = virtualSetup({ latency: 100 });
      const alice = network.signaling();
      const states = recordEvents(alice.state$.pipe(), clock);
      let resolved = false;
      void alice.login({ userID: 'alice', userSig: 's' }).then(() => (resolved = true));
      await clock.advance(99);
      expect(resolved).toBe(false);
      expect(alice.state).toEqual({ status: 'connecting' });
      await clock.advance(1);
      expect(resolved).toBe(true);
      // Replayed loggedOut and connecting share frame 0; a group takes 4 frames, so ready at 100 is 96ms on.
      expect(states.marbles((s) => STATES_BY_STATUS[status(s)])).toBe('(oc) 96ms r');
      expect(alice.userID).toBe('alice');
      expect(network.sessions('alice')).toEqual([alice]);
    });

    it('rejects a bad UserSig (70003) and an invalid userID (7003) without leaving loggedOut', async () => {
      const { clock, network } = virtualSetup({ verifyUserSig: (userID, sig) => sig === `ok-${userID}` });
      const channel = network.signaling();
      const states = recordEvents(channel.state$, clock);
      await expect(channel.login({ userID: 'alice', userSig: 'nope' })).rejects.toMatchObject({
        code: VirtualErrorCode.INVALID_USER_SIG,
        message: expect.stringContaining('UserSig'),
      });
      await expect(channel.login({ userID: 'bad id!', userSig: 'ok-bad id!' })).rejects.toMatchObject({
        code: VirtualErrorCode.INVALID_USER_ID,
      });
      await expect(channel.login({ userID: 'x'.repeat(65), userSig: 's' })).rejects.toBeInstanceOf(
        VirtualNetworkError,
      );
      expect(states.values).toEqual([{ status: 'loggedOut' }]);
      await Promise.all([channel.login({ userID: 'alice', userSig: 'ok-alice' }), clock.settle()]);
      expect(channel.state).toEqual({ status: 'ready' });
    });

    it('refuses an empty UserSig by default', async () => {
      const { network } = virtualSetup();
      await expect(network.signaling().login({ userID: 'alice', userSig: '' })).rejects.toMatchObject({
        code: VirtualErrorCode.INVALID_USER_SIG,
      });
    });

    it('refuses a second login as someone else; the same user when ready is a no-op', async () => {
      const { clock, network } = virtualSetup();
      const alice = await loggedIn(clock, network, 'alice');
      await expect(alice.login({ userID: 'alice', userSig: 's' })).resolves.toBeUndefined();
      await expect(alice.login({ userID: 'bob', userSig: 's' })).rejects.toMatchObject({
        code: VirtualErrorCode.INVALID_PARAMETER,
      });
      expect(network.sessions('alice')).toHaveLength(1);
    });

    it('a logout while connecting rejects the login (6014)', async () => {
      const { clock, network } = virtualSetup({ latency: 100 });
      const alice = network.signaling();
      const login = alice.login({ userID: 'alice', userSig: 's' });
      await clock.advance(50);
      await alice.logout();
      await expect(login).rejects.toMatchObject({ code: VirtualErrorCode.NOT_LOGGED_IN });
      await clock.advance(100);
      expect(alice.state).toEqual({ status: 'loggedOut' });
      expect(clock.pending()).toBe(0);
    });
  });

  describe('logout', () => {
    it('goes loggedOut, is safe when logged out, and allows a new login', async () => {
      const { clock, network } = virtualSetup();
      const alice = await loggedIn(clock, network, 'alice');
      await alice.logout();
      expect(alice.state).toEqual({ status: 'loggedOut' });
      expect(network.sessions('alice')).toEqual([]);
      await expect(alice.logout()).resolves.toBeUndefined();
      await Promise.all([alice.login({ userID: 'alice2', userSig: 's' }), clock.settle()]);
      expect(alice.state).toEqual({ status: 'ready' });
      expect(alice.userID).toBe('alice2');
    });
  });

  describe('send', () => {
    it('delivers asynchronously even at latency 0: never inside send, only once the scheduler runs', async () => {
      const { clock, network } = virtualSetup();
      const alice = await loggedIn(clock, network, 'alice');
      const bob = await loggedIn(clock, network, 'bob');
      const received = inbox(bob, clock);
      const sending = alice.send(c2c('bob', 'hello'));
      expect(received.values).toEqual([]);
      await sending;
      expect(received.values).toEqual([]);
      expect(clock.pending()).toBe(1);
      await clock.settle();
      expect(dataOf(received)).toEqual(['hello']);
    });

    it('delivers after the latency with a unique id, the authenticated sender and the server time', async () => {
      const { clock, network } = virtualSetup({ latency: 250 });
      const alice = await loggedIn(clock, network, 'alice');
      const bob = await loggedIn(clock, network, 'bob');
      const received = inbox(bob, clock);
      await clock.advance(1000);
      const sentAt = clock.now();
      const first = await alice.send(c2c('bob', 'one'));
      const second = await alice.send(c2c('bob', 'two'));
      expect(first.time).toBe(sentAt);
      expect(first.id).not.toBe(second.id);
      await clock.advance(249);
      expect(received.values).toEqual([]);
      await clock.advance(1);
      expect(received.values).toEqual([
        { id: first.id, from: 'alice', conversationType: 'C2C', data: 'one', time: sentAt },
        { id: second.id, from: 'alice', conversationType: 'C2C', data: 'two', time: sentAt },
      ]);
      expect(received.marbles()).toBe('1250ms (ab)');
    });

    it('reaches every session of the recipient and echoes to the sender’s other sessions, never the sending one', async () => {
      const { clock, network } = virtualSetup({ latency: 10 });
      const alicePhone = await loggedIn(clock, network, 'alice');
      const aliceWeb = await loggedIn(clock, network, 'alice');
      const bobPhone = await loggedIn(clock, network, 'bob');
      const bobWeb = await loggedIn(clock, network, 'bob');
      const carol = await loggedIn(clock, network, 'carol');
      const boxes = [alicePhone, aliceWeb, bobPhone, bobWeb, carol].map((channel) => inbox(channel, clock));
      await alicePhone.send(c2c('bob', 'invite'));
      await clock.advance(10);
      expect(boxes.map(dataOf)).toEqual([[], ['invite'], ['invite'], ['invite'], []]);
      expect(boxes[1]?.values[0]?.from).toBe('alice');
    });

    it('a message to oneself reaches one’s other sessions only', async () => {
      const { clock, network } = virtualSetup();
      const a1 = await loggedIn(clock, network, 'alice');
      const a2 = await loggedIn(clock, network, 'alice');
      const [box1, box2] = [inbox(a1, clock), inbox(a2, clock)];
      await a1.send(c2c('alice', 'note'));
      await clock.settle();
      expect([dataOf(box1), dataOf(box2)]).toEqual([[], ['note']]);
    });

    it('rejects (never throws) when not ready: logged out, connecting, kicked out, destroyed', async () => {
      const { clock, network } = virtualSetup({ latency: 100, sessionPolicy: 'single' });
      const channel = network.signaling();
      const attempt = channel.send(c2c('bob', 'x'));
      expect(attempt).toBeInstanceOf(Promise);
      await expect(attempt).rejects.toMatchObject({ code: VirtualErrorCode.NOT_LOGGED_IN });
      const login = channel.login({ userID: 'alice', userSig: 's' });
      await expect(channel.send(c2c('bob', 'x'))).rejects.toMatchObject({
        code: VirtualErrorCode.NOT_LOGGED_IN,
      });
      await Promise.all([login, clock.advance(100)]);
      await loggedIn(clock, network, 'alice');
      await expect(channel.send(c2c('bob', 'x'))).rejects.toMatchObject({
        code: VirtualErrorCode.NOT_LOGGED_IN,
      });
      channel.destroy();
      await expect(channel.send(c2c('bob', 'x'))).rejects.toMatchObject({ code: VirtualErrorCode.DESTROYED });
      expect(network.sent).toEqual([]);
    });

    it('rejects a malformed message (6017)', async () => {
      const { clock, network } = virtualSetup();
      const alice = await loggedIn(clock, network, 'alice');
      await expect(alice.send(c2c('not a user!', 'x'))).rejects.toMatchObject({
        code: VirtualErrorCode.INVALID_PARAMETER,
      });
      await expect(
        alice.send({ to: 'bob', conversationType: 'C2C', data: 42 as never }),
      ).rejects.toMatchObject({
        code: VirtualErrorCode.INVALID_PARAMETER,
      });
      await expect(
        alice.send({ to: 'bob', conversationType: 'SYSTEM' as never, data: 'x' }),
      ).rejects.toMatchObject({ code: VirtualErrorCode.INVALID_PARAMETER });
    });

    it('keeps messages$ alive after a failed send', async () => {
      const { clock, network } = virtualSetup();
      const alice = await loggedIn(clock, network, 'alice');
      const bob = await loggedIn(clock, network, 'bob');
      const received = inbox(alice, clock);
      await expect(alice.send(group('nope', 'x'))).rejects.toBeInstanceOf(VirtualNetworkError);
      await bob.send(c2c('alice', 'still here'));
      await clock.settle();
      expect(dataOf(received)).toEqual(['still here']);
      expect(received.completed).toBe(false);
      expect(received.error).toBeUndefined();
    });
  });

  describe('groups', () => {
    it('delivers to every member’s sessions, echoes to the sender’s others, and needs membership (10007)', async () => {
      const { clock, network } = virtualSetup({ latency: 5 });
      network.createGroup('team', ['alice', 'bob', 'carol']);
      const a1 = await loggedIn(clock, network, 'alice');
      const a2 = await loggedIn(clock, network, 'alice');
      const bob = await loggedIn(clock, network, 'bob');
      const carol = await loggedIn(clock, network, 'carol');
      const dave = await loggedIn(clock, network, 'dave');
      const boxes = [a1, a2, bob, carol, dave].map((channel) => inbox(channel, clock));

      const sent = await a1.send(group('team', 'invite'));
      await clock.advance(5);
      expect(boxes.map(dataOf)).toEqual([[], ['invite'], ['invite'], ['invite'], []]);
      expect(boxes[2]?.values[0]).toEqual({
        id: sent.id,
        from: 'alice',
        conversationType: 'GROUP',
        groupID: 'team',
        data: 'invite',
        time: sent.time,
      });

      await expect(dave.send(group('team', 'let me in'))).rejects.toMatchObject({
        code: VirtualErrorCode.NOT_GROUP_MEMBER,
      });
      await expect(dave.send(group('nowhere', 'x'))).rejects.toMatchObject({
        code: VirtualErrorCode.GROUP_NOT_FOUND,
      });
      network.addToGroup('team', ['dave']);
      network.removeFromGroup('team', ['carol']);
      expect(network.groupMembers('team')).toEqual(['alice', 'bob', 'dave']);
      await dave.send(group('team', 'joined'));
      await clock.advance(5);
      expect(boxes.map(dataOf)).toEqual([
        ['joined'],
        ['invite', 'joined'],
        ['invite', 'joined'],
        ['invite'],
        [],
      ]);
    });

    it('refuses a duplicate group and operations on an unknown one', () => {
      const { network } = virtualSetup();
      network.createGroup('g', []);
      expect(() => network.createGroup('g', [])).toThrow(expect.objectContaining({ code: 6017 }));
      expect(() => network.createGroup('', [])).toThrow(VirtualNetworkError);
      expect(() => network.addToGroup('nope', ['a'])).toThrow(expect.objectContaining({ code: 10010 }));
      expect(() => network.removeFromGroup('nope', ['a'])).toThrow(expect.objectContaining({ code: 10010 }));
    });
  });

  describe('store-and-forward', () => {
    it('keeps messages for a user without a session and delivers them after ready at the next login', async () => {
      const { clock, network } = virtualSetup({ latency: 20 });
      network.createGroup('team', ['alice', 'bob']);
      const alice = await loggedIn(clock, network, 'alice');
      await alice.send(c2c('bob', 'c2c while away'));
      await alice.send(group('team', 'group while away'));
      await clock.advance(1000);

      const bob = network.signaling();
      const log: string[] = [];
      bob.state$.subscribe((s) => log.push(`${s.status}@${clock.now()}`));
      bob.messages$.subscribe((m) => log.push(`${m.data}@${clock.now()}`));
      const t0 = clock.now();
      await Promise.all([bob.login({ userID: 'bob', userSig: 's' }), clock.advance(40)]);
      expect(log).toEqual([
        `loggedOut@${t0}`,
        `connecting@${t0}`,
        `ready@${t0 + 20}`,
        `c2c while away@${t0 + 40}`,
        `group while away@${t0 + 40}`,
      ]);

      // Delivered once: a second session later gets nothing more.
      const bob2 = await loggedIn(clock, network, 'bob');
      const again = inbox(bob2, clock);
      await clock.advance(100);
      expect(again.values).toEqual([]);
    });

    it('reaches a subscriber that subscribes only after `await login()`', async () => {
      const { clock, network } = virtualSetup();
      const alice = await loggedIn(clock, network, 'alice');
      await alice.send(c2c('bob', 'offline'));
      await clock.settle();
      const bob = network.signaling();
      // Subscribe in the login continuation: it runs before the stored messages arrive.
      const subscribed = bob.login({ userID: 'bob', userSig: 's' }).then(() => inbox(bob, clock));
      await clock.settle();
      const received = await subscribed;
      expect(dataOf(received)).toEqual(['offline']);
    });

    it('drops stored messages older than historyRetention', async () => {
      const { clock, network } = virtualSetup({ historyRetention: 60_000 });
      const alice = await loggedIn(clock, network, 'alice');
      await alice.send(c2c('bob', 'old'));
      await clock.advance(30_000);
      await alice.send(c2c('bob', 'recent'));
      await clock.advance(30_001);
      const bob = network.signaling();
      const received = inbox(bob, clock);
      await Promise.all([bob.login({ userID: 'bob', userSig: 's' }), clock.settle()]);
      await clock.settle();
      expect(dataOf(received)).toEqual(['recent']);
    });

    it('does not store the sender’s own echo', async () => {
      const { clock, network } = virtualSetup();
      const alice = await loggedIn(clock, network, 'alice');
      const bob = await loggedIn(clock, network, 'bob');
      await alice.send(c2c('bob', 'hi'));
      await clock.settle();
      const alice2 = await loggedIn(clock, network, 'alice');
      const received = inbox(alice2, clock);
      await clock.settle();
      expect(received.values).toEqual([]);
      expect(bob.state.status).toBe('ready');
    });

    it('keeps what a session had not delivered when it logs out as the user’s last session', async () => {
      const { clock, network } = virtualSetup();
      const alice = await loggedIn(clock, network, 'alice');
      const bob = await loggedIn(clock, network, 'bob');
      network.disconnect('bob');
      await alice.send(c2c('bob', 'held'));
      await clock.settle();
      await bob.logout();
      network.reconnect('bob');
      const bobAgain = network.signaling();
      const received = inbox(bobAgain, clock);
      await Promise.all([bobAgain.login({ userID: 'bob', userSig: 's' }), clock.settle()]);
      expect(dataOf(received)).toEqual(['held']);
    });
  });

  describe("sessionPolicy 'single'", () => {
    it('kicks the older session (multipleAccount) when the new one is ready; the new one gets the messages', async () => {
      const { clock, network } = virtualSetup({ sessionPolicy: 'single', latency: 10 });
      const old = await loggedIn(clock, network, 'alice');
      const oldStates = recordEvents(old.state$, clock);
      const bob = await loggedIn(clock, network, 'bob');
      const fresh = network.signaling();
      const login = fresh.login({ userID: 'alice', userSig: 's' });
      await clock.advance(9);
      expect(old.state).toEqual({ status: 'ready' });
      await Promise.all([login, clock.advance(1)]);
      expect(old.state).toEqual({ status: 'kickedOut', reason: 'multipleAccount' });
      expect(oldStates.marbles((s) => STATES_BY_STATUS[s.status])).toBe('r 19ms k');
      expect(network.sessions('alice')).toEqual([fresh]);

      const [oldBox, freshBox] = [inbox(old, clock), inbox(fresh, clock)];
      await bob.send(c2c('alice', 'hi'));
      await clock.advance(10);
      expect([dataOf(oldBox), dataOf(freshBox)]).toEqual([[], ['hi']]);
      await expect(old.send(c2c('bob', 'x'))).rejects.toMatchObject({ code: VirtualErrorCode.NOT_LOGGED_IN });

      await old.logout();
      expect(old.state).toEqual({ status: 'loggedOut' });
    });

    it("keeps every session under 'multi' (the default)", async () => {
      const { clock, network } = virtualSetup();
      const a1 = await loggedIn(clock, network, 'alice');
      const a2 = await loggedIn(clock, network, 'alice');
      expect([a1.state, a2.state]).toEqual([{ status: 'ready' }, { status: 'ready' }]);
      expect(network.sessions('alice')).toEqual([a1, a2]);
    });
  });

  describe('history', () => {
    it('returns this user’s C2C (both ways) and group messages since `since`, oldest first, the newest `limit`', async () => {
      const { clock, network } = virtualSetup({ latency: 1 });
      network.createGroup('team', ['alice', 'bob']);
      network.createGroup('other', ['bob', 'carol']);
      const alice = await loggedIn(clock, network, 'alice');
      const bob = await loggedIn(clock, network, 'bob');
      const carol = await loggedIn(clock, network, 'carol');
      const t0 = clock.now();
      await alice.send(c2c('bob', 'a→b'));
      await clock.advance(100);
      await bob.send(c2c('alice', 'b→a'));
      await clock.advance(100);
      await bob.send(group('team', 'team'));
      await bob.send(group('other', 'other'));
      await carol.send(c2c('bob', 'c→b'));
      await clock.advance(100);
      await alice.send(c2c('alice', 'a→a'));
      await clock.advance(1);

      const all = await alice.history({ since: 0, limit: 100 });
      expect(all.map((m) => m.data)).toEqual(['a→b', 'b→a', 'team', 'a→a']);
      expect(all.map((m) => m.time)).toEqual([t0, t0 + 100, t0 + 200, t0 + 300]);
      expect((await alice.history({ since: t0 + 100, limit: 100 })).map((m) => m.data)).toEqual([
        'b→a',
        'team',
        'a→a',
      ]);
      expect((await alice.history({ since: 0, limit: 2 })).map((m) => m.data)).toEqual(['team', 'a→a']);
      expect(await alice.history({ since: 0, limit: 0 })).toEqual([]);
      expect((await bob.history({ since: 0, limit: 100 })).map((m) => m.data)).toEqual([
        'a→b',
        'b→a',
        'team',
        'other',
        'c→b',
      ]);
    });

    it('forgets messages older than historyRetention', async () => {
      const { clock, network } = virtualSetup({ historyRetention: 10_000 });
      const alice = await loggedIn(clock, network, 'alice');
      await alice.send(c2c('bob', 'old'));
      await clock.advance(5_000);
      await alice.send(c2c('bob', 'new'));
      await clock.advance(5_000);
      expect((await alice.history({ since: 0, limit: 10 })).map((m) => m.data)).toEqual(['old', 'new']);
      await clock.advance(1);
      expect((await alice.history({ since: 0, limit: 10 })).map((m) => m.data)).toEqual(['new']);
    });

    it('rejects when not ready and on a malformed query', async () => {
      const { clock, network } = virtualSetup();
      await expect(network.signaling().history({ since: 0, limit: 1 })).rejects.toMatchObject({
        code: VirtualErrorCode.NOT_LOGGED_IN,
      });
      const alice = await loggedIn(clock, network, 'alice');
      await expect(alice.history({ since: 0, limit: 1.5 })).rejects.toMatchObject({
        code: VirtualErrorCode.INVALID_PARAMETER,
      });
    });
  });

  describe('destroy', () => {
    it('completes both streams, leaves nothing scheduled, and refuses later use', async () => {
      const { clock, network } = virtualSetup({ latency: 50 });
      const alice = network.signaling();
      const states = recordEvents(alice.state$, clock);
      const messages = recordEvents(alice.messages$, clock);
      const login = alice.login({ userID: 'alice', userSig: 's' });
      expect(clock.pending()).toBe(1);
      alice.destroy();
      await expect(login).rejects.toMatchObject({ code: VirtualErrorCode.NOT_LOGGED_IN });
      expect(clock.pending()).toBe(0);
      expect(states.marbles((s) => STATES_BY_STATUS[s.status])).toBe('(oco|)');
      expect(messages.completed).toBe(true);
      expect(network.sessions('alice')).toEqual([]);
      await expect(alice.login({ userID: 'alice', userSig: 's' })).rejects.toMatchObject({
        code: VirtualErrorCode.DESTROYED,
      });
      await expect(alice.logout()).resolves.toBeUndefined();
      expect(() => alice.destroy()).not.toThrow();
    });
  });

  it('works in real time with the default asyncScheduler and latency 0', async () => {
    const network = new VirtualNetwork();
    const alice = network.signaling();
    const bob = network.signaling();
    await Promise.all([
      alice.login({ userID: 'alice', userSig: 's' }),
      bob.login({ userID: 'bob', userSig: 's' }),
    ]);
    const next = firstValueFrom(bob.messages$);
    const before = Date.now();
    const sent = await alice.send(c2c('bob', 'real time'));
    const message = await next;
    expect(message).toMatchObject({ id: sent.id, from: 'alice', data: 'real time' });
    expect(message.time).toBeGreaterThanOrEqual(before);
    expect(message.time).toBeLessThanOrEqual(Date.now());
    network.destroy();
  });
});

const STATES_BY_STATUS: Record<SignalingState['status'], string> = Object.fromEntries(
  Object.entries(STATES).map(([letter, s]) => [s, letter]),
) as Record<SignalingState['status'], string>;
