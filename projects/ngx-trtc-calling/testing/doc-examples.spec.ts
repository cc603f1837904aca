/*
 * The `@example`s of the operators and of the testing kit, run. Each `#region example <file>#<name>`
 * holds the example exactly as its doc comment shows it (doc-examples-match.spec.ts checks that);
 * the code around a region gives it the names it uses and asserts what it does.
 */
import { filter, from, merge, of, Subject, timeout, TimeoutError } from 'rxjs';
import {
  addressedToSelf,
  answeredElsewhere,
  Calling,
  decodeSignals,
  dedupeSignals,
  detectGlare,
  type IncomingMessage,
  type Inbound,
  isCallInvite,
  matchCall,
  NO_STATE_YET,
  rejectWhenBusy,
  replayInvitations,
  ringTimeout,
} from 'ngx-trtc-calling/core';
import { DEV_SDK_APP_ID } from 'ngx-trtc-calling/wire';
import { marbleTester, runMarbles } from './marble-tester';
import { recordEvents } from './record';
import { SentSignals } from './sent-signals';
import { acceptReplyTo, busyReplyTo, inboundOf, inviteFrom, messageOf } from './signal-builders';
import { VirtualClock } from './virtual-clock';
import { VirtualNetwork } from './virtual-network';

const log = { info: jest.fn(), warn: jest.fn() };
afterEach(() => jest.clearAllMocks());

const fromCarol = inboundOf(inviteFrom('carol', { to: 'bob', inviteID: 'invite-carol' }));

describe('operator examples', () => {
  it('rejectWhenBusy', () => {
    runMarbles(({ cold, expectObservable }) => {
      const calling = { state$: cold('-s', { s: { phase: 'connected' as const, call: null } }) };
      const inbound$ = cold('a-a', { a: fromCarol });
      // #region example reject-when-busy.ts#rejectWhenBusy
      const decided$ = inbound$.pipe(rejectWhenBusy(calling.state$, { onDrop: (s, why) => log.info(why) }));
      // #endregion
      expectObservable(decided$).toBe('--b', { b: { ...fromCarol, verdict: 'busy' } });
    });
    expect(log.info).toHaveBeenCalledWith(NO_STATE_YET);
  });

  it('detectGlare', () => {
    const fromAlice = inboundOf(inviteFrom('alice', { to: 'bob' }));
    runMarbles(({ cold, expectObservable }) => {
      const dialing = {
        phase: 'dialing' as const,
        call: {
          direction: 'outgoing' as const,
          isGroup: false,
          inviteIDs: ['x'],
          participants: [{ userID: 'alice' }],
        },
      };
      const state$ = cold('s', { s: dialing });
      const inbound$ = cold('-a', { a: fromAlice });
      // #region example detect-glare.ts#detectGlare
      const decided$ = inbound$.pipe(detectGlare('bob', state$)); // alice's invite while bob dials her: glareLose
      // #endregion
      expectObservable(decided$).toBe('-a', { a: { ...fromAlice, verdict: 'glareLose' } });
    });
  });

  it('answeredElsewhere', () => {
    const invite = inviteFrom('bob', { to: 'alice', inviteID: 'invite-bob' });
    const mine = inboundOf(acceptReplyTo(invite, 'alice'));
    runMarbles(({ cold, expectObservable }) => {
      const state$ = cold('s', { s: { phase: 'ringing' as const, call: { callID: 'invite-bob' } } });
      const inbound$ = cold('-a', { a: mine });
      // #region example answered-elsewhere.ts#answeredElsewhere
      const decided$ = inbound$.pipe(answeredElsewhere('alice', state$)); // alice's ACCEPT from her phone
      // #endregion
      expectObservable(decided$).toBe('-a', { a: { ...mine, verdict: 'answeredElsewhere' } });
    });
  });

  it('matchCall', () => {
    const stray = inboundOf(acceptReplyTo(inviteFrom('bob', { to: 'alice' }), 'alice'));
    runMarbles(({ cold, expectObservable }) => {
      const state$ = cold('s', {
        s: { userID: 'bob', phase: 'idle' as const, call: null, records: [], withdrawn: [] },
      });
      const inbound$ = cold('-a', { a: stray });
      // #region example match-call.ts#matchCall
      const current$ = inbound$.pipe(matchCall(state$, { onDrop: (s, why) => log.info('ignored', why) }));
      // #endregion
      expectObservable(current$).toBe('--');
    });
    expect(log.info).toHaveBeenCalledWith('ignored', 'accept with no call in progress');
  });

  it('decodeSignals', () => {
    const bad: IncomingMessage = { ...messageOf(inviteFrom('carol')), id: 'bad', data: '{"businessID":1}' };
    const signaling = { messages$: of(messageOf(inviteFrom('carol')), bad) };
    // #region example decode-signals.ts#decodeSignals
    const inbound$ = signaling.messages$.pipe(
      decodeSignals({ onInvalid: (m, e) => log.warn(m.id, e.message) }),
    );
    // #endregion
    const out: Inbound[] = [];
    inbound$.subscribe((i) => out.push(i));
    expect(out).toHaveLength(1);
    expect(log.warn).toHaveBeenCalledWith('bad', expect.any(String));
  });

  it('dedupeSignals', () => {
    const live$ = of(fromCarol);
    const replayed$ = of({ ...fromCarol, replayed: true });
    // #region example dedupe-signals.ts#dedupeSignals
    const once$ = merge(live$, replayed$).pipe(dedupeSignals({ capacity: 512 }));
    // #endregion
    const out: Inbound[] = [];
    once$.subscribe((i) => out.push(i));
    expect(out).toEqual([fromCarol]);
  });

  it('addressedToSelf', () => {
    const group = inboundOf(inviteFrom('alice', { to: ['bob', 'dave'], groupID: 'group-1' }));
    const inbound$ = of(group);
    // #region example addressed-to-self.ts#addressedToSelf
    const forCarol$ = inbound$.pipe(addressedToSelf('carol', { onDrop: (s, why) => log.info(why) }));
    // #endregion
    const out: Inbound[] = [];
    forCarol$.subscribe((i) => out.push(i));
    expect(out).toEqual([]);
    expect(log.info).toHaveBeenCalledWith('group invitation for other members');
  });

  it('replayInvitations', async () => {
    const scheduler = { now: () => 10_000 };
    const since = 0;
    const signaling = {
      history: (query: { since: number; limit: number }) =>
        Promise.resolve(query.limit > 0 ? [messageOf(inviteFrom('carol'), { time: 9_000 })] : []),
    };
    // #region example replay-invitations.ts#replayInvitations
    const replayed$ = from(signaling.history({ since, limit: 100 })).pipe(
      replayInvitations(() => scheduler.now()),
    );
    // #endregion
    const out = await new Promise<Inbound[]>((resolve) => {
      const got: Inbound[] = [];
      replayed$.subscribe({ next: (i) => got.push(i), complete: () => resolve(got) });
    });
    expect(out.map((i) => [i.signal.action, i.replayed])).toEqual([['invite', true]]);
  });

  it('ringTimeout', () => {
    const sendTimeout = jest.fn();
    runMarbles(({ cold, flush }) => {
      const ringing$ = cold('a', { a: inviteFrom('carol', { timeout: 30 }) });
      const settled$ = new Subject<string>();
      // #region example ring-timeout.ts#ringTimeout
      ringing$
        .pipe(ringTimeout({ dueTime: (i) => i.timeout * 1000, key: (i) => i.inviteID, settled$ }))
        .subscribe((i) => sendTimeout(i));
      // #endregion
      flush();
    });
    expect(sendTimeout).toHaveBeenCalledTimes(1);
  });
});

describe('marbleTester example', () => {
  // #region example marble-tester.ts#marbleTester
  const { runMarbles } = marbleTester();
  it('times out after 30 s', () => {
    runMarbles(({ cold, expectObservable }) => {
      const source$ = cold('-').pipe(timeout(30_000));
      expectObservable(source$).toBe('30s #', undefined, new TimeoutError());
    });
  });
  // #endregion
});

describe('testing kit examples', () => {
  it('VirtualClock', async () => {
    // #region example virtual-clock.ts#VirtualClock
    const clock = new VirtualClock();
    const network = new VirtualNetwork({ scheduler: clock.scheduler, latency: 50 });
    await clock.advance(30_000); // 30 virtual seconds, in milliseconds of real time
    expect(clock.pending()).toBe(0); // no timer left behind
    // #endregion
    network.destroy();
  });

  it('VirtualMediaOptions', () => {
    const network = new VirtualNetwork();
    // #region example virtual-media-options.ts#VirtualMediaOptions
    // bob has no camera: his video calls go on as audio, with 60004 reported.
    const bobMedia = network.media({ userID: 'bob', devices: { cameras: [] } });
    // carol refuses the camera only, and her browser takes 2 s to open the microphone.
    const carolMedia = network.media({ userID: 'carol', deniedAccess: 'camera', joinDelay: 2_000 });
    // #endregion
    expect([bobMedia, carolMedia]).toHaveLength(2);
    network.destroy();
  });

  /** alice and bob logged in on a network with latency 50. */
  async function twoUsers() {
    const clock = new VirtualClock();
    const network = new VirtualNetwork({ scheduler: clock.scheduler, latency: 50 });
    const client = () =>
      new Calling({
        SDKAppID: DEV_SDK_APP_ID,
        signaling: network.signaling(),
        media: network.media(),
        scheduler: clock.scheduler,
      });
    const alice = client();
    const bob = client();
    await Promise.all([
      alice.login({ userID: 'alice', userSig: 'sig' }),
      bob.login({ userID: 'bob', userSig: 'sig' }),
      clock.advance(50),
    ]);
    const end = async () => {
      await Promise.all([alice.destroy(), bob.destroy(), clock.advance(1_000)]);
      network.destroy();
    };
    return { clock, network, alice, bob, end };
  }

  it('recordEvents', async () => {
    const { clock, alice, end } = await twoUsers();
    // #region example record.ts#recordEvents
    const rec = recordEvents(alice.phase$, clock); // alice: a Calling on a VirtualNetwork
    void alice.call({ userID: 'bob', type: 1 }); // bob never answers
    await clock.advance(31_000);
    expect(rec.marbles({ i: 'idle', d: 'dialing' })).toBe('(id) 30096ms i'); // idle again at 30 100 ms
    rec.stop();
    // #endregion
    await end();
  });

  it('EventRecording.expectMarbles', async () => {
    const { clock, alice, bob, end } = await twoUsers();
    const rec = recordEvents(bob.phase$, clock);
    await Promise.all([alice.call({ userID: 'bob', type: 1 }), clock.advance(50)]);
    // #region example record.ts#expectMarbles
    rec.expectMarbles('i 49ms r', { i: 'idle', r: expect.stringMatching(/ring/) });
    // #endregion
    await end();
  });

  it('SentSignals', async () => {
    const { clock, network, alice, end } = await twoUsers();
    // #region example sent-signals.ts#SentSignals
    const signals = new SentSignals(network);
    await Promise.all([alice.call({ userID: 'bob', type: 2 }), clock.advance(100)]);
    const invite = signals.expectOne({ action: 'invite', from: 'alice', to: 'bob' });
    signals.expectNone({ action: 'cancel' });
    signals.verify(); // nothing else was sent
    // #endregion
    expect(invite.signal.inviteeList).toEqual(['bob']);
    await end();
  });

  it('inviteFrom', () => {
    // #region example signal-builders.ts#inviteFrom
    const invite = inviteFrom('carol', { to: 'bob', callType: 1 }); // carol calls bob, audio
    // #endregion
    expect(invite).toMatchObject({ inviter: 'carol', inviteeList: ['bob'], content: { callType: 1 } });
  });

  it('busyReplyTo', () => {
    const send = jest.fn();
    runMarbles(({ cold, flush }) => {
      const state$ = cold('s', { s: { phase: 'connected' as const, call: null } });
      const inbound$ = cold('-a', { a: fromCarol });
      // #region example signal-builders.ts#busyReplyTo
      inbound$
        .pipe(
          rejectWhenBusy(state$),
          filter(isCallInvite),
          filter((i) => i.verdict === 'busy'),
        )
        .subscribe((i) => send(busyReplyTo(i.signal, 'bob')));
      // #endregion
      flush();
    });
    expect(send).toHaveBeenCalledWith(
      expect.objectContaining({ action: 'reject', busy: true, inviteID: 'invite-carol' }),
    );
  });

  it('inboundOf', () => {
    runMarbles(({ cold, expectObservable }) => {
      // #region example signal-builders.ts#inboundOf
      const a = inboundOf(inviteFrom('carol', { to: 'bob' }));
      const decided$ = cold('a', { a }).pipe(rejectWhenBusy(of({ phase: 'connected', call: null })));
      // #endregion
      expectObservable(decided$).toBe('a', { a: { ...a, verdict: 'busy' } });
    });
  });
});
