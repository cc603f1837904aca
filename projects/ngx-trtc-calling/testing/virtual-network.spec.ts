import { map } from 'rxjs';
import { VIDEO_PROFILES, type IncomingMessage } from 'ngx-trtc-calling/core';
import * as testing from 'ngx-trtc-calling/testing';
import { recordEvents } from './record';
import { c2c, loggedIn, virtualSetup } from './spec-helpers.test-util';
import { VirtualClock } from './virtual-clock';
import { VirtualNetwork } from './virtual-network';

describe('VirtualNetwork', () => {
  it('marble-tests messages at the port level', async () => {
    const clock = new VirtualClock();
    const network = new VirtualNetwork({ scheduler: clock.scheduler, latency: 100 });
    const alice = network.signaling();
    const bob = network.signaling();
    await Promise.all([
      alice.login({ userID: 'alice', userSig: 'sig' }),
      bob.login({ userID: 'bob', userSig: 'sig' }),
      clock.advance(100),
    ]);

    const inbox = recordEvents(bob.messages$.pipe(map((m) => JSON.parse(m.data).action)), clock);
    await alice.send({ to: 'bob', conversationType: 'C2C', data: '{"action":"invite"}' });
    await clock.advance(30_000);
    await alice.send({ to: 'bob', conversationType: 'C2C', data: '{"action":"timeout"}' });
    await clock.advance(100);

    expect(inbox.marbles({ i: 'invite', t: 'timeout' })).toBe('100ms i 29999ms t');
    network.destroy();
    expect(clock.pending()).toBe(0);
  });

  it('stamps messages with epoch-like times from the default VirtualClock', async () => {
    const clock = new VirtualClock();
    const network = new VirtualNetwork({ scheduler: clock.scheduler });
    const alice = await loggedIn(clock, network, 'alice');
    const bob = await loggedIn(clock, network, 'bob');
    const received: IncomingMessage[] = [];
    bob.messages$.subscribe((m) => received.push(m));
    await clock.advance(1234);
    await alice.send(c2c('bob', 'x'));
    await clock.settle();
    expect(received[0]?.time).toBe(1_700_000_001_234);
  });

  it('logs every send in `sent` with sender, recipient, type, data, time and offline push info', async () => {
    const { clock, network } = virtualSetup({ latency: 7 });
    network.createGroup('g', ['alice']);
    const alice = await loggedIn(clock, network, 'alice');
    const offlinePushInfo = { title: 't', description: 'd', androidOPPOChannelID: 'c', extension: '{}' };
    const first = await alice.send({ ...c2c('bob', 'invite'), offlinePushInfo });
    await alice.send({ to: 'g', conversationType: 'GROUP', data: 'hi' });
    expect(network.sent).toEqual([
      {
        id: first.id,
        from: 'alice',
        to: 'bob',
        conversationType: 'C2C',
        data: 'invite',
        time: 7,
        offlinePushInfo,
        dropped: false,
        delay: 7,
      },
      expect.objectContaining({ from: 'alice', to: 'g', conversationType: 'GROUP', data: 'hi', time: 7 }),
    ]);
  });

  it('clearSent() empties the sent log only: delivery, offline storage and history go on', async () => {
    const { clock, network } = virtualSetup({ latency: 7 });
    const alice = await loggedIn(clock, network, 'alice');
    await alice.send(c2c('bob', 'stored for bob'));
    await clock.settle();
    expect(network.sent).toHaveLength(1);
    network.clearSent();
    expect(network.sent).toEqual([]);
    await alice.send(c2c('bob', 'second'));
    await clock.settle();
    expect(network.sent.map((r) => r.data)).toEqual(['second']);
    const bob = await loggedIn(clock, network, 'bob');
    expect((await bob.history({ since: 0, limit: 10 })).map((m) => m.data)).toEqual([
      'stored for bob',
      'second',
    ]);
  });

  it('destroy() destroys every channel and engine and cancels deliveries in flight: nothing stays scheduled', async () => {
    const { clock, network } = virtualSetup({ latency: 500 });
    const alice = await loggedIn(clock, network, 'alice');
    const bob = await loggedIn(clock, network, 'bob');
    const engineA = network.media();
    const engineB = network.media();
    await engineA.join({
      roomID: 1,
      userID: 'alice',
      userSig: 's',
      video: true,
      profile: VIDEO_PROFILES['720p'],
    });
    await engineB.join({
      roomID: 1,
      userID: 'bob',
      userSig: 's',
      video: false,
      profile: VIDEO_PROFILES['720p'],
    });
    await clock.advance(2000);
    await alice.send(c2c('bob', 'in flight'));
    const messages = recordEvents(bob.messages$, clock);
    const events = recordEvents(engineB.events$, clock);
    expect(clock.pending()).toBeGreaterThan(0);

    network.destroy();
    expect(clock.pending()).toBe(0);
    expect(network.liveTracks()).toBe(0);
    expect(network.rooms().size).toBe(0);
    expect(network.sessions('alice')).toEqual([]);
    expect(messages.completed && events.completed).toBe(true);
    await clock.advance(10_000);
    expect(messages.values).toEqual([]);
  });

  it('refuses a negative latency or retention', () => {
    expect(() => new VirtualNetwork({ latency: -1 })).toThrow(expect.objectContaining({ code: 6017 }));
    expect(() => new VirtualNetwork({ historyRetention: Number.NaN })).toThrow(
      expect.objectContaining({ code: 6017 }),
    );
  });

  it('exposes its API by name from ngx-trtc-calling/testing', () => {
    expect(Object.keys(testing).sort()).toEqual(
      [
        'DEFAULT_VIRTUAL_DEVICES',
        'DEFAULT_VIRTUAL_START_TIME',
        'EventRecording',
        'VIRTUAL_SPEAKING_VOLUME',
        'VIRTUAL_VOLUME_INTERVAL',
        'VirtualClock',
        'VirtualErrorCode',
        'VirtualMediaEngine',
        'VirtualNetwork',
        'VirtualNetworkError',
        'VirtualSignalingChannel',
        'defaultDeepEqualAssertion',
        'marbleTester',
        'recordEvents',
        'runMarbles',
        'SentSignals',
        'describeSentSignal',
        'acceptReplyTo',
        'busyReplyTo',
        'cancelOf',
        'hangupNotice',
        'inboundOf',
        'inviteFrom',
        'messageOf',
        'rejectReplyTo',
        'switchRequestFrom',
        'timeoutOf',
      ].sort(),
    );
    const network = new testing.VirtualNetwork();
    expect(network.signaling()).toBeInstanceOf(testing.VirtualSignalingChannel);
    expect(network.media()).toBeInstanceOf(testing.VirtualMediaEngine);
    network.destroy();
  });
});
