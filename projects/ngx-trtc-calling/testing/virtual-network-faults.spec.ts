import { recordEvents } from './record';
import { c2c, dataOf, inbox, loggedIn, virtualSetup } from './spec-helpers.test-util';
import { VirtualErrorCode } from './virtual-errors';

describe('VirtualNetwork signaling faults', () => {
  describe('dropNext', () => {
    it('loses the next message (send resolves, nobody receives it, history skips it); later ones pass', async () => {
      const { clock, network } = virtualSetup({ latency: 10 });
      const alice = await loggedIn(clock, network, 'alice');
      const alice2 = await loggedIn(clock, network, 'alice');
      const bob = await loggedIn(clock, network, 'bob');
      const [bobBox, echoBox] = [inbox(bob, clock), inbox(alice2, clock)];
      network.dropNext();
      const lost = await alice.send(c2c('bob', 'lost'));
      await alice.send(c2c('bob', 'kept'));
      await clock.advance(10);
      expect(dataOf(bobBox)).toEqual(['kept']);
      expect(dataOf(echoBox)).toEqual(['kept']);
      expect((await bob.history({ since: 0, limit: 10 })).map((m) => m.data)).toEqual(['kept']);
      expect(network.sent.map((m) => [m.data, m.dropped])).toEqual([
        ['lost', true],
        ['kept', false],
      ]);
      expect(network.sent[0]?.id).toBe(lost.id);
    });

    it('drops only a matching message, once per call, and can be cancelled', async () => {
      const { clock, network } = virtualSetup();
      const alice = await loggedIn(clock, network, 'alice');
      const bob = await loggedIn(clock, network, 'bob');
      const bobBox = inbox(bob, clock);
      network.dropNext((m) => m.data.includes('accept'));
      network.dropNext((m) => m.data.includes('accept'));
      const cancel = network.dropNext((m) => m.data === 'spared');
      cancel();
      for (const data of ['invite', 'accept 1', 'spared', 'accept 2', 'accept 3'])
        await alice.send(c2c('bob', data));
      await clock.settle();
      expect(dataOf(bobBox)).toEqual(['invite', 'spared', 'accept 3']);
    });
  });

  describe('delay', () => {
    it('holds matching messages back by the extra ms until removed, which can reorder them', async () => {
      const { clock, network } = virtualSetup({ latency: 100 });
      const alice = await loggedIn(clock, network, 'alice');
      const bob = await loggedIn(clock, network, 'bob');
      const bobBox = recordEvents(bob.messages$, clock);
      const undo = network.delay((m) => m.data === 'invite', 500);
      await alice.send(c2c('bob', 'invite'));
      await alice.send(c2c('bob', 'cancel'));
      await clock.advance(600);
      expect(bobBox.marbles((m) => m.data.charAt(0))).toBe('100ms c 499ms i');
      expect(network.sent.map((m) => m.delay)).toEqual([600, 100]);
      undo();
      await alice.send(c2c('bob', 'invite'));
      await clock.advance(100);
      expect(dataOf(bobBox)).toEqual(['cancel', 'invite', 'invite']);
    });

    it('adds up matching rules and refuses a negative delay', async () => {
      const { clock, network } = virtualSetup();
      const alice = await loggedIn(clock, network, 'alice');
      network.delay(() => true, 10);
      network.delay(() => true, 5);
      await alice.send(c2c('bob', 'x'));
      expect(network.sent[0]?.delay).toBe(15);
      expect(() => network.delay(() => true, -1)).toThrow(expect.objectContaining({ code: 6017 }));
    });
  });

  describe('disconnect / reconnect', () => {
    it('takes the user’s sessions notReady, rejects their sends, holds their messages until reconnect', async () => {
      const { clock, network } = virtualSetup({ latency: 50 });
      const alice = await loggedIn(clock, network, 'alice');
      const bob1 = await loggedIn(clock, network, 'bob');
      const bob2 = await loggedIn(clock, network, 'bob');
      const states = recordEvents(bob1.state$, clock);
      const [box1, box2] = [inbox(bob1, clock), inbox(bob2, clock)];

      network.disconnect('bob');
      expect([bob1.state, bob2.state]).toEqual([
        { status: 'notReady', reason: 'disconnected' },
        { status: 'notReady', reason: 'disconnected' },
      ]);
      await expect(bob1.send(c2c('alice', 'x'))).rejects.toMatchObject({
        code: VirtualErrorCode.NETWORK_UNAVAILABLE,
      });
      await expect(bob1.history({ since: 0, limit: 1 })).rejects.toMatchObject({
        code: VirtualErrorCode.NETWORK_UNAVAILABLE,
      });
      await alice.send(c2c('bob', 'while down'));
      await clock.advance(1000);
      expect([box1.values, box2.values]).toEqual([[], []]);
      expect(alice.state).toEqual({ status: 'ready' });

      network.reconnect('bob');
      expect(bob1.state).toEqual({ status: 'ready' });
      await clock.advance(50);
      expect([dataOf(box1), dataOf(box2)]).toEqual([['while down'], ['while down']]);
      expect(states.marbles((s) => s.status.charAt(0))).toBe('(rn) 996ms r');
      await expect(bob1.send(c2c('alice', 'back'))).resolves.toMatchObject({ time: clock.now() });
    });

    it('keeps a login during the outage connecting until reconnect', async () => {
      const { clock, network } = virtualSetup({ latency: 20 });
      network.disconnect('carol');
      network.disconnect('carol');
      const carol = network.signaling();
      let ready = false;
      void carol.login({ userID: 'carol', userSig: 's' }).then(() => (ready = true));
      await clock.advance(10_000);
      expect(carol.state).toEqual({ status: 'connecting' });
      expect(ready).toBe(false);
      network.reconnect('carol');
      await clock.advance(20);
      expect(ready).toBe(true);
      expect(carol.state).toEqual({ status: 'ready' });
      network.reconnect('carol');
      expect(carol.state).toEqual({ status: 'ready' });
    });

    it('affects only that user', async () => {
      const { clock, network } = virtualSetup();
      const alice = await loggedIn(clock, network, 'alice');
      const bob = await loggedIn(clock, network, 'bob');
      network.disconnect('bob');
      expect(alice.state).toEqual({ status: 'ready' });
      await expect(alice.send(c2c('carol', 'x'))).resolves.toBeDefined();
      expect(bob.state.status).toBe('notReady');
    });
  });
});
