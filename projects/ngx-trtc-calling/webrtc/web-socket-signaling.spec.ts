import { VirtualTimeScheduler, type Observable } from 'rxjs';
import { WebSocket } from 'ws';
import { until } from '@calling-internal/contract';
import type { IncomingMessage, SignalingState } from 'ngx-trtc-calling/core';
import { CLIENT_ERROR } from './errors';
import { FakeCallingServer } from './fake-calling-server.test-util';
import { silentTransportLogger } from './logger';
import type { RoomPeerEvent, RoomRtcMessage, RoomStatusEvent } from './room-signaling';
import {
  webSocketSignaling,
  type WebSocketSignaling,
  type WebSocketSignalingOptions,
} from './web-socket-signaling';
import { DEV_SDK_APP_ID, WIRE_ERROR } from 'ngx-trtc-calling/wire';

/** Lets socket I/O that is already under way happen (real time). */
const settle = (ms = 50) => new Promise((r) => setTimeout(r, ms));

/** Moves virtual time forward by `ms`, running exactly the timers due by then. */
function advance(scheduler: VirtualTimeScheduler, ms: number): void {
  const to = scheduler.frame + ms;
  scheduler.maxFrames = to;
  scheduler.flush();
  scheduler.frame = to;
}

const alice = { userID: 'alice', userSig: 'sig:alice' };

describe('WebSocketSignaling', () => {
  let server: FakeCallingServer;
  let scheduler: VirtualTimeScheduler;
  let signaling: WebSocketSignaling;
  let states: SignalingState[];
  let messages: IncomingMessage[];

  function create(options: Partial<WebSocketSignalingOptions> = {}): WebSocketSignaling {
    const channel = webSocketSignaling({
      url: server.url,
      SDKAppID: DEV_SDK_APP_ID,
      WebSocket,
      scheduler,
      pingInterval: 0,
      logger: silentTransportLogger,
      reconnect: { random: () => 0.5 },
      ...options,
    });
    channel.state$.subscribe((s) => states.push(s));
    channel.messages$.subscribe((m) => messages.push(m));
    return channel;
  }

  beforeEach(async () => {
    server = await FakeCallingServer.start();
    scheduler = new VirtualTimeScheduler();
    states = [];
    messages = [];
    signaling = create();
  });

  afterEach(async () => {
    signaling.destroy();
    await server.stop();
  });

  describe('login', () => {
    it('logs in: loggedOut → connecting → ready, sending SDKAppID and credentials', async () => {
      await signaling.login(alice);

      expect(states.map((s) => s.status)).toEqual(['loggedOut', 'connecting', 'ready']);
      expect(signaling.state).toEqual({ status: 'ready' });
      expect(server.framesOf('login')).toEqual([
        {
          t: 'login',
          id: expect.any(Number),
          SDKAppID: DEV_SDK_APP_ID,
          userID: 'alice',
          userSig: 'sig:alice',
        },
      ]);
      expect(signaling.currentSessionID).toBe('s1');
    });

    it('rejects with the wire code and message when the server refuses, and ends loggedOut', async () => {
      const error = await signaling.login({ userID: 'alice', userSig: 'forged' }).catch((e: unknown) => e);

      expect(error).toMatchObject({ code: WIRE_ERROR.USERSIG_INVALID, message: 'bad signature' });
      expect(error).toBeInstanceOf(Error);
      expect(signaling.state).toEqual({ status: 'loggedOut' });
      await until(() => server.sessions.size === 0, 'socket closed');
    });

    it.each([WIRE_ERROR.USERSIG_EXPIRED, WIRE_ERROR.SDKAPPID_MISMATCH, WIRE_ERROR.TOO_MANY_SESSIONS])(
      'passes login error code %d through',
      async (code) => {
        server.loginError = code;
        await expect(signaling.login(alice)).rejects.toMatchObject({ code });
        expect(signaling.state.status).toBe('loggedOut');
      },
    );

    it('can log in again after a refused login', async () => {
      await expect(signaling.login({ userID: 'alice', userSig: 'forged' })).rejects.toBeDefined();
      await signaling.login(alice);
      expect(signaling.state.status).toBe('ready');
    });

    it('rejects with CONNECTION_LOST when the server cannot be reached', async () => {
      const url = server.url;
      await server.stop();
      const channel = webSocketSignaling({
        url,
        SDKAppID: 1,
        WebSocket,
        scheduler,
        logger: silentTransportLogger,
      });
      await expect(channel.login(alice)).rejects.toMatchObject({ code: CLIENT_ERROR.CONNECTION_LOST });
      expect(channel.state.status).toBe('loggedOut');
      channel.destroy();
      server = await FakeCallingServer.start();
    });

    it('times out a login the server never answers', async () => {
      server.silentOn.add('login');
      const login = signaling.login(alice);
      await until(() => server.framesOf('login').length === 1, 'login frame');
      advance(scheduler, 10_000);
      await expect(login).rejects.toMatchObject({ code: CLIENT_ERROR.TIMEOUT });
      expect(signaling.state.status).toBe('loggedOut');
    });

    it('resolves for the same user when already ready and refuses another user', async () => {
      await signaling.login(alice);
      await expect(signaling.login(alice)).resolves.toBeUndefined();
      await expect(signaling.login({ userID: 'bob', userSig: 'sig:bob' })).rejects.toMatchObject({
        code: CLIENT_ERROR.BUSY,
      });
      expect(server.framesOf('login')).toHaveLength(1);
    });
  });

  describe('messages', () => {
    it('emits C2C and GROUP messages as IncomingMessage', async () => {
      await signaling.login(alice);
      server.deliver('bob', 'alice', '{"a":1}');
      server.deliver('bob', 'alice', '{"b":2}', 'GROUP');
      await until(() => messages.length === 2, 'two messages');

      expect(messages).toEqual([
        { id: 'm1', from: 'bob', conversationType: 'C2C', data: '{"a":1}', time: expect.any(Number) },
        {
          id: 'm2',
          from: 'bob',
          conversationType: 'GROUP',
          groupID: 'alice',
          data: '{"b":2}',
          time: expect.any(Number),
        },
      ]);
      expect(signaling.lastReceivedSeq).toBe(2);
    });

    it('ignores frames that are not server frames and goes on', async () => {
      await signaling.login(alice);
      server.pushTo('alice', 'not json');
      server.pushTo('alice', '{"t":"msg","message":{"id":1}}');
      server.deliver('bob', 'alice', 'x');
      await until(() => messages.length === 1, 'the good message');
      expect(messages[0]?.data).toBe('x');
    });

    it('drops a message delivered twice', async () => {
      await signaling.login(alice);
      const message = server.deliver('bob', 'alice', 'once');
      server.pushTo('alice', { t: 'msg', message });
      server.deliver('bob', 'alice', 'twice');
      await until(() => messages.length === 2, 'messages');
      await settle();
      expect(messages.map((m) => m.data)).toEqual(['once', 'twice']);
    });
  });

  describe('send and history', () => {
    it('sends a message and resolves with the server ID and time', async () => {
      await signaling.login(alice);
      const sent = await signaling.send({ to: 'bob', conversationType: 'C2C', data: 'hello' });

      expect(sent).toEqual({ id: 'm1', time: expect.any(Number) });
      expect(server.framesOf('send')).toEqual([
        { t: 'send', id: expect.any(Number), to: 'bob', conversationType: 'C2C', data: 'hello' },
      ]);
    });

    it('forwards offline push info', async () => {
      await signaling.login(alice);
      const offlinePushInfo = { title: 't', description: 'd', androidOPPOChannelID: 'c', extension: '{}' };
      await signaling.send({ to: 'bob', conversationType: 'C2C', data: 'x', offlinePushInfo });
      expect(server.framesOf('send')[0]?.offlinePushInfo).toEqual(offlinePushInfo);
    });

    it('rejects a send when not ready, without throwing synchronously', async () => {
      const result = signaling.send({ to: 'bob', conversationType: 'C2C', data: 'x' });
      await expect(result).rejects.toMatchObject({ code: CLIENT_ERROR.NOT_READY });
    });

    it('rejects a send with the server error code', async () => {
      await signaling.login(alice);
      server.silentOn.add('send');
      const sending = signaling.send({ to: 'bob', conversationType: 'C2C', data: 'x' });
      await until(() => server.framesOf('send').length === 1, 'send frame');
      const id = server.framesOf('send')[0]!.id; // the one awaited above
      server.pushTo('alice', { t: 'error', id, code: WIRE_ERROR.RATE_LIMITED, message: 'slow down' });
      await expect(sending).rejects.toMatchObject({ code: WIRE_ERROR.RATE_LIMITED, message: 'slow down' });
    });

    it('times a request out after requestTimeout and ignores the late answer', async () => {
      await signaling.login(alice);
      server.silentOn.add('send');
      const sending = signaling.send({ to: 'bob', conversationType: 'C2C', data: 'x' });
      await until(() => server.framesOf('send').length === 1, 'send frame');
      advance(scheduler, 9_999);
      let settled = false;
      sending.then(
        () => (settled = true),
        () => (settled = true),
      );
      await settle(10);
      expect(settled).toBe(false);
      advance(scheduler, 1);
      await expect(sending).rejects.toMatchObject({ code: CLIENT_ERROR.TIMEOUT });

      const id = server.framesOf('send')[0]!.id; // the one awaited above
      server.pushTo('alice', { t: 'ok', id, result: { messageID: 'late', time: 1 } });
      await settle();
      expect(signaling.state.status).toBe('ready');
      expect(scheduler.actions).toHaveLength(0);
    });

    it('returns history as IncomingMessage, oldest first', async () => {
      server.deliver('bob', 'alice', 'first');
      server.deliver('carol', 'alice', 'second');
      await signaling.login(alice);
      const history = await signaling.history({ since: 0, limit: 10 });
      expect(history.map((m) => [m.from, m.data])).toEqual([
        ['bob', 'first'],
        ['carol', 'second'],
      ]);
      expect(server.framesOf('history')[0]).toMatchObject({ since: 0, limit: 10 });
    });

    it('creates, joins and leaves groups', async () => {
      await signaling.login(alice);
      await signaling.createGroup('g1', ['bob']);
      await signaling.createGroup('g2', [], { open: true });
      await signaling.addGroupMembers('g1', ['carol']);
      await signaling.joinGroup('g2');
      await signaling.leaveGroup('g2');
      expect(server.frames.map((f) => f.frame.t)).toEqual([
        'login',
        'group.create',
        'group.create',
        'group.add',
        'group.join',
        'group.leave',
      ]);
      expect(server.framesOf('group.add')[0]).toMatchObject({ groupID: 'g1', members: ['carol'] });
      const [closed, open] = server.framesOf('group.create');
      expect(closed).toEqual(expect.objectContaining({ groupID: 'g1', members: ['bob'] }));
      expect(closed).not.toHaveProperty('open');
      expect(open).toMatchObject({ groupID: 'g2', open: true });
    });
  });

  describe('reconnect', () => {
    it('goes notReady on a drop, backs off exponentially, and comes back ready', async () => {
      await signaling.login(alice);
      server.refuse = true;
      server.dropAll();
      await until(() => signaling.state.status === 'notReady', 'notReady');
      expect(server.connections).toBe(1);

      // random 0.5 → no jitter: 500, 1000, 2000 ms.
      advance(scheduler, 499);
      await settle();
      expect(server.connections).toBe(1);
      advance(scheduler, 1);
      await until(() => server.connections === 2, 'attempt 1');
      await settle();
      advance(scheduler, 999);
      await settle();
      expect(server.connections).toBe(2);
      advance(scheduler, 1);
      await until(() => server.connections === 3, 'attempt 2');
      await settle();

      server.refuse = false;
      advance(scheduler, 2000);
      await until(() => signaling.state.status === 'ready', 'ready again');
      expect(states.map((s) => s.status)).toEqual(['loggedOut', 'connecting', 'ready', 'notReady', 'ready']);
      expect(server.framesOf('login')).toHaveLength(2);
    });

    it('applies jitter and caps the delay at maxDelay', async () => {
      signaling.destroy();
      signaling = create({
        reconnect: { initialDelay: 100, maxDelay: 300, factor: 10, jitter: 0.5, random: () => 1 },
      });
      await signaling.login(alice);
      server.refuse = true;
      server.dropAll();
      await until(() => signaling.state.status === 'notReady', 'notReady');
      // attempt 0: 100 × 1.5 = 150
      advance(scheduler, 149);
      await settle();
      expect(server.connections).toBe(1);
      advance(scheduler, 1);
      await until(() => server.connections === 2, 'attempt 1');
      await settle();
      // attempt 1: min(300, 1000) × 1.5 capped at 300
      advance(scheduler, 299);
      await settle();
      expect(server.connections).toBe(2);
      advance(scheduler, 1);
      await until(() => server.connections === 3, 'attempt 2');
    });

    it('resumes with lastSeq and never emits a replayed message twice', async () => {
      await signaling.login(alice);
      server.deliver('bob', 'alice', 'one');
      server.deliver('bob', 'alice', 'two');
      await until(() => messages.length === 2, 'two messages');

      server.dropAll();
      await until(() => signaling.state.status === 'notReady', 'notReady');
      server.deliver('bob', 'alice', 'three'); // while offline: stored
      server.replayOverlap = 2; // a server that replays more than asked
      advance(scheduler, 500);
      await until(() => signaling.state.status === 'ready', 'ready');
      await until(() => messages.length === 3, 'three messages');
      await settle();

      expect(server.framesOf('login')[1]).toMatchObject({ lastSeq: 2 });
      expect(messages.map((m) => m.data)).toEqual(['one', 'two', 'three']);
      expect(signaling.lastReceivedSeq).toBe(3);
    });

    it('raises lastSeq to the echo copy of its own sends so a resume does not replay them', async () => {
      await signaling.login(alice);
      server.deliver('bob', 'alice', 'in');
      await until(() => messages.length === 1, 'message');
      await signaling.send({ to: 'bob', conversationType: 'C2C', data: 'out' });
      expect(signaling.lastReceivedSeq).toBe(2);

      server.dropAll();
      await until(() => signaling.state.status === 'notReady', 'notReady');
      advance(scheduler, 500);
      await until(() => signaling.state.status === 'ready', 'ready');
      expect(server.framesOf('login')[1]).toMatchObject({ lastSeq: 2 });
      await settle();
      expect(messages.map((m) => m.data)).toEqual(['in']);
    });

    it('sees its own messages sent from another session (multi-device), once', async () => {
      const other = webSocketSignaling({
        url: server.url,
        SDKAppID: 1,
        WebSocket,
        logger: silentTransportLogger,
      });
      const otherMessages: IncomingMessage[] = [];
      other.messages$.subscribe((m) => otherMessages.push(m));
      await signaling.login(alice);
      await other.login(alice);
      await signaling.send({ to: 'bob', conversationType: 'C2C', data: 'from device 1' });
      await until(() => otherMessages.length === 1, 'echo on device 2');
      expect(otherMessages[0]).toMatchObject({ from: 'alice', data: 'from device 1' });
      await settle();
      expect(messages.filter((m) => m.data === 'from device 1')).toEqual([]);
      other.destroy();
    });

    it('fails requests in flight when the socket drops', async () => {
      await signaling.login(alice);
      server.silentOn.add('send');
      const sending = signaling.send({ to: 'bob', conversationType: 'C2C', data: 'x' });
      await until(() => server.framesOf('send').length === 1, 'send frame');
      server.dropAll();
      await expect(sending).rejects.toMatchObject({ code: CLIENT_ERROR.CONNECTION_LOST });
    });

    it('treats a ping timeout as a drop', async () => {
      signaling.destroy();
      signaling = create({ pingInterval: 1000, requestTimeout: 500 });
      await signaling.login(alice);
      server.silentOn.add('ping');
      advance(scheduler, 1000);
      await until(() => server.framesOf('ping').length === 1, 'ping');
      advance(scheduler, 500);
      await until(() => signaling.state.status === 'notReady', 'notReady');
      server.silentOn.delete('ping');
      advance(scheduler, 500);
      await until(() => signaling.state.status === 'ready', 'ready');
    });

    it('stops reconnecting with kickedOut when the UserSig expired meanwhile', async () => {
      await signaling.login(alice);
      server.dropAll();
      await until(() => signaling.state.status === 'notReady', 'notReady');
      server.loginError = WIRE_ERROR.USERSIG_EXPIRED;
      advance(scheduler, 500);
      await until(() => signaling.state.status === 'kickedOut', 'kickedOut');
      expect(signaling.state).toEqual({ status: 'kickedOut', reason: 'userSigExpired' });
      expect(scheduler.actions).toHaveLength(0);
    });
  });

  describe('kicked, logout, destroy', () => {
    it('goes kickedOut with the reason and never reconnects', async () => {
      await signaling.login(alice);
      server.kick('alice', 'multipleAccount');
      await until(() => signaling.state.status === 'kickedOut', 'kickedOut');
      expect(signaling.state).toEqual({ status: 'kickedOut', reason: 'multipleAccount' });

      advance(scheduler, 60_000);
      await settle();
      expect(server.connections).toBe(1);
      expect(scheduler.actions).toHaveLength(0);
      await expect(signaling.send({ to: 'bob', conversationType: 'C2C', data: 'x' })).rejects.toMatchObject({
        code: CLIENT_ERROR.NOT_READY,
      });
    });

    it('can log in again after being kicked out', async () => {
      await signaling.login(alice);
      server.kick('alice', 'multipleAccount');
      await until(() => signaling.state.status === 'kickedOut', 'kickedOut');
      await signaling.login(alice);
      expect(signaling.state.status).toBe('ready');
    });

    it('logs out: sends logout, closes the socket, leaves no timer', async () => {
      signaling.destroy();
      signaling = create({ pingInterval: 1000 });
      await signaling.login(alice);
      expect(scheduler.actions.length).toBeGreaterThan(0); // the ping timer

      await signaling.logout();

      expect(server.framesOf('logout')).toHaveLength(1);
      expect(signaling.state).toEqual({ status: 'loggedOut' });
      expect(scheduler.actions).toHaveLength(0);
      await until(() => server.sessions.size === 0, 'server saw the close');
      await expect(signaling.logout()).resolves.toBeUndefined();
    });

    it('logs out while reconnecting: cancels the back-off timer', async () => {
      await signaling.login(alice);
      server.dropAll();
      await until(() => signaling.state.status === 'notReady', 'notReady');
      expect(scheduler.actions).toHaveLength(1);
      await signaling.logout();
      expect(signaling.state.status).toBe('loggedOut');
      expect(scheduler.actions).toHaveLength(0);
      advance(scheduler, 60_000);
      await settle();
      expect(server.connections).toBe(1);
    });

    it('logout during login cancels it', async () => {
      server.silentOn.add('login');
      const login = signaling.login(alice);
      await until(() => server.framesOf('login').length === 1, 'login frame');
      await signaling.logout();
      await expect(login).rejects.toBeDefined();
      expect(signaling.state.status).toBe('loggedOut');
      expect(scheduler.actions).toHaveLength(0);
    });

    it('destroy completes every stream, closes the socket and clears every timer', async () => {
      signaling.destroy();
      signaling = create({ pingInterval: 1000 });
      const completed: string[] = [];
      for (const [name, stream] of Object.entries<Observable<unknown>>({
        state$: signaling.state$,
        messages$: signaling.messages$,
        peerEvents$: signaling.peerEvents$,
        rtc$: signaling.rtc$,
        roomStatus$: signaling.roomStatus$,
      })) {
        stream.subscribe({ complete: () => completed.push(name) });
      }
      await signaling.login(alice);
      server.silentOn.add('send');
      const sending = signaling.send({ to: 'bob', conversationType: 'C2C', data: 'x' });

      signaling.destroy();

      expect(completed.sort()).toEqual(['messages$', 'peerEvents$', 'roomStatus$', 'rtc$', 'state$']);
      expect(scheduler.actions).toHaveLength(0);
      await expect(sending).rejects.toMatchObject({ code: CLIENT_ERROR.DESTROYED });
      await expect(signaling.login(alice)).rejects.toMatchObject({ code: CLIENT_ERROR.DESTROYED });
      await until(() => server.sessions.size === 0, 'server saw the close');
    });
  });

  describe('rooms', () => {
    let bob: WebSocketSignaling;
    beforeEach(async () => {
      bob = create();
      await Promise.all([signaling.login(alice), bob.login({ userID: 'bob', userSig: 'sig:bob' })]);
    });
    afterEach(() => bob.destroy());

    it('joins, sees peers join and leave, relays rtc payloads', async () => {
      const peerEvents: RoomPeerEvent[] = [];
      const rtc: RoomRtcMessage[] = [];
      signaling.peerEvents$.subscribe((e) => peerEvents.push(e));
      bob.rtc$.subscribe((m) => rtc.push(m));

      const first = await signaling.joinRoom(42);
      expect(first).toEqual({ peerID: expect.any(String), peers: [] });
      const second = await bob.joinRoom(42);
      expect(second.peers).toEqual([{ userID: 'alice', peerID: first.peerID }]);
      await until(() => peerEvents.length === 1, 'joined');
      expect(peerEvents[0]).toEqual({
        roomID: 42,
        event: 'joined',
        peer: { userID: 'bob', peerID: second.peerID },
      });

      await signaling.sendRtc(42, second.peerID, { kind: 'media', audio: true, video: false });
      await until(() => rtc.length === 1, 'rtc');
      expect(rtc[0]).toEqual({
        roomID: 42,
        from: { userID: 'alice', peerID: first.peerID },
        payload: { kind: 'media', audio: true, video: false },
      });

      await bob.leaveRoom(42);
      await until(() => peerEvents.length === 2, 'left');
      expect(peerEvents[1]).toMatchObject({ event: 'left', peer: { userID: 'bob' } });
    });

    it('takes the dropped session over when the server resumes it: same peerID, no rejoin', async () => {
      server.supportResume = true;
      const status: RoomStatusEvent[] = [];
      const bobEvents: RoomPeerEvent[] = [];
      const rtc: RoomRtcMessage[] = [];
      signaling.roomStatus$.subscribe((e) => status.push(e));
      signaling.rtc$.subscribe((m) => rtc.push(m));
      bob.peerEvents$.subscribe((e) => bobEvents.push(e));
      const mine = await signaling.joinRoom(42);
      const bobs = await bob.joinRoom(42);

      for (const s of server.sessionsOf('alice')) s.socket.terminate();
      await until(() => signaling.state.status === 'notReady', 'notReady');
      advance(scheduler, 500);
      await until(() => signaling.state.status === 'ready', 'ready');

      expect(server.framesOf('login')[2]).toMatchObject({ userID: 'alice', resumeSessionID: mine.peerID });
      expect(signaling.currentSessionID).toBe(mine.peerID);
      await bob.sendRtc(42, mine.peerID, { kind: 'media', audio: false, video: false });
      await until(() => rtc.length === 1, 'rtc on the resumed session');
      expect(rtc[0]?.from.peerID).toBe(bobs.peerID);
      expect(status).toEqual([]);
      expect(bobEvents.filter((e) => e.event === 'left')).toEqual([]);
      expect(server.framesOf('room.join')).toHaveLength(2);
    });

    it('holds an rtc send made while reconnecting until the connection is back', async () => {
      server.supportResume = true;
      const mine = await signaling.joinRoom(42);
      const bobs = await bob.joinRoom(42);
      const rtc: RoomRtcMessage[] = [];
      bob.rtc$.subscribe((m) => rtc.push(m));
      for (const s of server.sessionsOf('alice')) s.socket.terminate();
      await until(() => signaling.state.status === 'notReady', 'notReady');

      const sending = signaling.sendRtc(42, bobs.peerID, { kind: 'media', audio: true, video: true });
      advance(scheduler, 500);
      await sending;
      await until(() => rtc.length === 1, 'relayed');
      expect(rtc[0]?.from.peerID).toBe(mine.peerID);
    });

    it('rejects a join of a full room with ROOM_FULL', async () => {
      server.roomLimit = 1;
      await signaling.joinRoom(7);
      await expect(bob.joinRoom(7)).rejects.toMatchObject({ code: WIRE_ERROR.ROOM_FULL });
    });

    it('rejoins its rooms after a reconnect under a new peerID', async () => {
      const status: RoomStatusEvent[] = [];
      signaling.roomStatus$.subscribe((e) => status.push(e));
      const first = await signaling.joinRoom(42);
      await bob.joinRoom(42);
      await signaling.joinRoom(43);
      await signaling.leaveRoom(43);

      for (const s of server.sessionsOf('alice')) s.socket.terminate();
      await until(() => signaling.state.status === 'notReady', 'notReady');
      advance(scheduler, 500);
      await until(() => status.length === 1, 'rejoined');

      expect(status[0]).toEqual({
        type: 'rejoined',
        roomID: 42,
        peerID: expect.any(String),
        peers: [{ userID: 'bob', peerID: expect.any(String) }],
      });
      expect((status[0] as { peerID: string }).peerID).not.toBe(first.peerID);
      await settle();
      expect(server.framesOf('room.join').filter((f) => f.roomID === 43)).toHaveLength(1);
    });

    it('rejoins a prepared room prepared (instant answer), and one joined for real since unflagged', async () => {
      const status: RoomStatusEvent[] = [];
      signaling.roomStatus$.subscribe((e) => status.push(e));
      await signaling.joinRoom(50, { prepared: true });
      await signaling.joinRoom(51, { prepared: true });
      await signaling.joinRoom(51);

      for (const s of server.sessionsOf('alice')) s.socket.terminate();
      await until(() => signaling.state.status === 'notReady', 'notReady');
      advance(scheduler, 500);
      await until(() => status.length === 2, 'rejoined');
      const joins = server.framesOf('room.join');
      expect(joins.slice(0, 3).map((f) => [f.roomID, f.prepared ?? false])).toEqual([
        [50, true],
        [51, true],
        [51, false],
      ]);
      expect(
        joins
          .slice(3)
          .map((f) => [f.roomID, f.prepared ?? false])
          .sort(),
      ).toEqual([
        [50, true],
        [51, false],
      ]);
    });
  });
});
