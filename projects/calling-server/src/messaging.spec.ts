import type { WireMessage } from 'ngx-trtc-calling/wire';
import { ERR } from './errors';
import type { RunningServer } from './server';
import { TestClient, closeAll, delay, startTestServer, until } from './test-client.test-util';

const envelope = (inviteeList: string[], businessID = 1) =>
  JSON.stringify({
    businessID,
    inviteID: '3ecd042a-8a14-45de-b3ae-3c28fe5a45f1',
    inviter: 'alice',
    actionType: 1,
    inviteeList,
    data: '{"call_type":1,"room_id":42}',
    timeout: 30,
    groupID: '',
    onlineUserOnly: false,
  });

describe('delivery', () => {
  let server: RunningServer;
  afterEach(closeAll);

  describe('C2C (single policy)', () => {
    beforeEach(async () => {
      server = await startTestServer();
    });

    it('delivers with server id, seq and time; from is the authenticated user', async () => {
      const alice = await TestClient.login(server.url, 'alice');
      const bob = await TestClient.login(server.url, 'bob');
      const reply = await alice.ok<'send'>({
        t: 'send',
        to: 'bob',
        conversationType: 'C2C',
        data: 'hello',
        from: 'mallory', // ignored: the sender is whoever logged in
      });
      const m = await bob.nextMsg('hello');
      expect(m).toEqual({
        id: reply.messageID,
        seq: bob.login.seq + 1,
        from: 'alice',
        conversationType: 'C2C',
        to: 'bob',
        data: 'hello',
        time: reply.time,
      });
      expect(reply.seq).toBe(alice.login.seq + 1);
      await delay(30);
      expect(alice.messages()).toEqual([]); // never echoed to the sending session
    });

    it('says in the reply when the C2C recipient is not logged in (the message waits for them)', async () => {
      const alice = await TestClient.login(server.url, 'alice');
      const away = await alice.ok<'send'>({ t: 'send', to: 'bob', conversationType: 'C2C', data: 'one' });
      expect(away.offline).toBe(true);
      const bob = await TestClient.login(server.url, 'bob');
      await bob.nextMsg('one');
      const here = await alice.ok<'send'>({ t: 'send', to: 'bob', conversationType: 'C2C', data: 'two' });
      expect(here.offline).toBeUndefined();
      await bob.nextMsg('two');
    });

    it('numbers each recipient’s messages strictly increasing, whoever sends', async () => {
      const [alice, carol, bob] = await TestClient.loginAll(server.url, ['alice', 'carol', 'bob']);
      for (let i = 0; i < 6; i++) await (i % 2 ? alice : carol).sendMsg('bob', `m${i}`);
      await until(() => bob.messages().length === 6, 'six messages');
      const seqs = bob.messages().map((m) => m.seq);
      expect(seqs).toEqual(seqs.map((_, i) => bob.login.seq + 1 + i));
      expect(bob.messages().map((m) => m.data)).toEqual(['m0', 'm1', 'm2', 'm3', 'm4', 'm5']);
    });

    it('passes any data through untouched, signaling or not', async () => {
      const alice = await TestClient.login(server.url, 'alice');
      const bob = await TestClient.login(server.url, 'bob');
      const data = [
        '',
        'not json {',
        '{"businessID":2,"inviteeList":[1,2,3]}',
        '[1,2]',
        '\u0000\ud83d\ude00',
        envelope(['bob']),
      ];
      for (const d of data) await alice.sendMsg('bob', d);
      await until(() => bob.messages().length === data.length, 'all data');
      expect(bob.messages().map((m) => m.data)).toEqual(data);
    });

    it('refuses a recipient that is not a userID', async () => {
      const alice = await TestClient.login(server.url, 'alice');
      await alice.error({ t: 'send', to: 'b o b', conversationType: 'C2C', data: 'x' }, ERR.INVALID_USER_ID);
    });

    it('enforces the invitee limit on signaling envelopes only', async () => {
      await closeAll();
      server = await startTestServer({ maxInvitees: 3 });
      const alice = await TestClient.login(server.url, 'alice');
      const bob = await TestClient.login(server.url, 'bob');
      await alice.error(
        { t: 'send', to: 'bob', conversationType: 'C2C', data: envelope(['a', 'b', 'c', 'd']) },
        ERR.TOO_MANY_INVITEES,
      );
      await alice.sendMsg('bob', envelope(['a', 'b', 'c']));
      await alice.sendMsg('bob', envelope(['a', 'b', 'c', 'd', 'e'], 2)); // not signaling (businessID 2)
      await until(() => bob.messages().length === 2, 'two messages');
      expect(bob.messages().map((m) => JSON.parse(m.data).inviteeList.length)).toEqual([3, 5]);
    });
  });

  describe('multi-device (multi policy)', () => {
    beforeEach(async () => {
      server = await startTestServer({ sessionPolicy: 'multi' });
    });

    it('delivers to every session of the recipient and echoes to the sender’s other sessions', async () => {
      const a1 = await TestClient.login(server.url, 'alice');
      const a2 = await TestClient.login(server.url, 'alice');
      const b1 = await TestClient.login(server.url, 'bob');
      const b2 = await TestClient.login(server.url, 'bob');
      const sent = await a1.sendMsg('bob', 'hi');
      const [m1, m2, echo] = await Promise.all([b1.nextMsg('hi'), b2.nextMsg('hi'), a2.nextMsg('hi')]);
      expect(m1).toEqual(m2);
      expect(echo).toEqual({ ...m1, seq: sent.seq });
      expect(echo.from).toBe('alice');
      expect(echo.to).toBe('bob');
      await delay(30);
      expect(a1.messages()).toEqual([]);
    });

    it('a message to oneself reaches one’s other sessions once', async () => {
      const a1 = await TestClient.login(server.url, 'alice');
      const a2 = await TestClient.login(server.url, 'alice');
      await a1.sendMsg('alice', 'note');
      await a2.nextMsg('note');
      await delay(30);
      expect(a2.messages()).toHaveLength(1);
      expect(a1.messages()).toHaveLength(0);
    });
  });

  describe('groups', () => {
    beforeEach(async () => {
      server = await startTestServer({ sessionPolicy: 'multi', maxGroupMembers: 4, maxGroups: 2 });
    });

    it('creates, joins, leaves; only members send and receive', async () => {
      const [alice, bob, carol] = await TestClient.loginAll(server.url, ['alice', 'bob', 'carol']);
      const alice2 = await TestClient.login(server.url, 'alice');
      await alice.ok({ t: 'group.create', groupID: '@TGS#g1', members: ['bob'], open: true });
      await carol.error({ t: 'send', to: '@TGS#g1', conversationType: 'GROUP', data: 'x' }, ERR.NOT_A_MEMBER);

      const first = await alice.sendMsg('@TGS#g1', 'one', 'GROUP');
      const got = await bob.nextMsg('one');
      expect(got).toMatchObject({
        from: 'alice',
        to: '@TGS#g1',
        conversationType: 'GROUP',
        id: first.messageID,
      });
      expect(await alice2.nextMsg('one')).toMatchObject({ seq: first.seq, from: 'alice' });

      await carol.ok({ t: 'group.join', groupID: '@TGS#g1' });
      await carol.ok({ t: 'group.join', groupID: '@TGS#g1' }); // idempotent
      await carol.sendMsg('@TGS#g1', 'two', 'GROUP');
      await Promise.all([alice.nextMsg('two'), alice2.nextMsg('two'), bob.nextMsg('two')]);

      await bob.ok({ t: 'group.leave', groupID: '@TGS#g1' });
      await bob.error({ t: 'group.leave', groupID: '@TGS#g1' }, ERR.NOT_A_MEMBER);
      await bob.error({ t: 'send', to: '@TGS#g1', conversationType: 'GROUP', data: 'x' }, ERR.NOT_A_MEMBER);
      await alice.sendMsg('@TGS#g1', 'three', 'GROUP');
      await carol.nextMsg('three');
      await delay(30);
      expect(bob.messages().map((m) => m.data)).toEqual(['one', 'two']);
      expect(carol.messages().map((m) => m.data)).toEqual(['three']);
    });

    it('refuses unknown groups, duplicates, invalid members and the group limits', async () => {
      const alice = await TestClient.login(server.url, 'alice');
      const bob = await TestClient.login(server.url, 'bob');
      await alice.error({ t: 'group.join', groupID: 'nope' }, ERR.UNKNOWN_TARGET);
      await alice.error({ t: 'group.leave', groupID: 'nope' }, ERR.UNKNOWN_TARGET);
      await alice.error({ t: 'send', to: 'nope', conversationType: 'GROUP', data: 'x' }, ERR.UNKNOWN_TARGET);
      await alice.error({ t: 'group.create', groupID: 'bad id' }, ERR.BAD_FRAME);
      await alice.error({ t: 'group.create', groupID: 'g', members: ['ok', 'not ok'] }, ERR.INVALID_USER_ID);
      await alice.error({ t: 'group.create', groupID: 'g', members: ['b', 'c', 'd', 'e'] }, ERR.GROUP_FULL);
      // Creator deduplicated: 4.
      await alice.ok({ t: 'group.create', groupID: 'g', members: ['b', 'c', 'd', 'alice'], open: true });
      await bob.error({ t: 'group.create', groupID: 'g' }, ERR.GROUP_EXISTS);
      await bob.error({ t: 'group.join', groupID: 'g' }, ERR.GROUP_FULL);
      await bob.ok({ t: 'group.create', groupID: 'h' });
      await bob.error({ t: 'group.create', groupID: 'i' }, ERR.TOO_MANY_GROUPS);
      // The last member leaving deletes the group, which frees a slot.
      await bob.ok({ t: 'group.leave', groupID: 'h' });
      await bob.error({ t: 'group.join', groupID: 'h' }, ERR.UNKNOWN_TARGET);
      await bob.ok({ t: 'group.create', groupID: 'i' });
    });

    it('stores group messages for members who are offline', async () => {
      const alice = await TestClient.login(server.url, 'alice');
      await alice.ok({ t: 'group.create', groupID: 'g', members: ['dave'] });
      await alice.sendMsg('g', 'while you were out', 'GROUP');
      const dave = await TestClient.login(server.url, 'dave');
      expect(await dave.nextMsg('while you were out')).toMatchObject({ conversationType: 'GROUP', to: 'g' });
    });
  });
});

describe('store and forward', () => {
  let server: RunningServer;
  afterEach(closeAll);

  it('delivers stored messages at login, after the ok, then only once', async () => {
    server = await startTestServer({ sessionPolicy: 'multi' });
    const alice = await TestClient.login(server.url, 'alice');
    for (const d of ['a', 'b', 'c']) await alice.sendMsg('bob', d);
    const bob = await TestClient.login(server.url, 'bob');
    await until(() => bob.messages().length === 3, 'stored messages');
    expect(bob.frames[0]).toMatchObject({ t: 'ok' }); // the login reply comes first
    expect(bob.messages().map((m) => m.data)).toEqual(['a', 'b', 'c']);
    expect(bob.messages().every((m) => m.seq <= bob.login.seq)).toBe(true);
    // Another session without lastSeq: everything was received already.
    const bob2 = await TestClient.login(server.url, 'bob');
    bob.close();
    await bob.closed;
    const bob3 = await TestClient.login(server.url, 'bob');
    await delay(50);
    expect(bob2.messages()).toEqual([]);
    expect(bob3.messages()).toEqual([]);
    // ...but with lastSeq the stored messages come again, from that point.
    const bob4 = await TestClient.login(server.url, 'bob', { lastSeq: bob.messages()[0]!.seq });
    await until(() => bob4.messages().length === 2, 'replay');
    expect(bob4.messages().map((m) => m.data)).toEqual(['b', 'c']);
  });

  it('does not replay one’s own sends to a fresh login, but does on resume from before them', async () => {
    server = await startTestServer();
    const alice = await TestClient.login(server.url, 'alice');
    const sent = await alice.sendMsg('bob', 'mine');
    alice.close();
    await alice.closed;
    const fresh = await TestClient.login(server.url, 'alice');
    await delay(50);
    expect(fresh.messages()).toEqual([]);
    fresh.close();
    await fresh.closed;
    const resumed = await TestClient.login(server.url, 'alice', { lastSeq: sent.seq! - 1 });
    expect(await resumed.nextMsg('mine')).toMatchObject({ seq: sent.seq, from: 'alice', to: 'bob' });
  });

  it('resumes with lastSeq without loss, duplicate or reordering while traffic continues', async () => {
    server = await startTestServer({ ratePerSecond: 10_000, rateBurst: 10_000 });
    const TOTAL = 300;
    const alice = await TestClient.login(server.url, 'alice');
    let bob = await TestClient.login(server.url, 'bob');
    const received: WireMessage[] = [];
    const collect = (c: TestClient, from: number) => () => c.messages().slice(from);
    let current = collect(bob, 0);
    let replayed = 0;
    let liveAfterResume = 0;
    const account = (c: TestClient & { login: { seq: number } }) => {
      for (const m of c.messages()) {
        if (m.seq <= c.login.seq) replayed++;
        else liveAfterResume++;
      }
    };

    const sending = (async () => {
      for (let i = 0; i < TOTAL; i++) {
        alice.sendRaw({ t: 'send', id: 1000 + i, to: 'bob', conversationType: 'C2C', data: `n${i}` });
        if (i % 5 === 4) await delay(2);
      }
    })();
    for (let round = 0; round < 3; round++) {
      await until(() => current().length >= 30, 'some live messages', 5000);
      received.push(...current());
      if (round > 0) account(bob);
      bob.terminate(); // the server finds out later; messages sent meanwhile go nowhere live
      await delay(15);
      const lastSeq = received[received.length - 1]!.seq; // at least the 30 awaited above
      bob = await TestClient.login(server.url, 'bob', { lastSeq });
      current = collect(bob, 0);
    }
    await sending;
    await until(() => received.length + current().length >= TOTAL, 'all messages', 5000);
    received.push(...current());
    account(bob);
    expect(replayed).toBeGreaterThan(0);
    expect(liveAfterResume).toBeGreaterThan(0);
    expect(received.map((m) => m.data)).toEqual(Array.from({ length: TOTAL }, (_, i) => `n${i}`));
    const seqs = received.map((m) => m.seq);
    expect(seqs.slice(1)).toEqual(seqs.slice(0, -1).map((seq) => seq + 1));
  });

  it('recovers what went to a silently dead socket when resuming from replayAfter', async () => {
    server = await startTestServer();
    const alice = await TestClient.login(server.url, 'alice');
    const bob = await TestClient.login(server.url, 'bob');
    expect(bob.login.replayAfter).toBe(bob.login.seq);
    // Bob's socket goes deaf without the server noticing: pushes to it are lost on the way.
    (bob.ws as unknown as { _socket: { pause(): void } })._socket.pause();
    bob.ws.removeAllListeners('message');
    await alice.sendMsg('bob', 'into the void');
    const back = await TestClient.login(server.url, 'bob', { lastSeq: bob.login.replayAfter });
    expect(await back.nextMsg('into the void')).toMatchObject({ from: 'alice', seq: bob.login.seq + 1 });
    // Without lastSeq it would count as received (it was pushed to a session) and not come again.
    const fresh = await TestClient.login(server.url, 'bob');
    await delay(30);
    expect(fresh.messages()).toEqual([]);
  });

  it('answers history: newest kept, oldest first, since honoured, own sends included', async () => {
    server = await startTestServer();
    const alice = await TestClient.login(server.url, 'alice');
    const bob = await TestClient.login(server.url, 'bob');
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      times.push((await alice.sendMsg('bob', `h${i}`)).time);
      await delay(3);
    }
    const last3 = await bob.ok<'history'>({ t: 'history', since: 0, limit: 3 });
    expect(last3.messages.map((m) => m.data)).toEqual(['h2', 'h3', 'h4']);
    const since = await bob.ok<'history'>({ t: 'history', since: times[3], limit: 100 });
    expect(since.messages.map((m) => m.data)).toEqual(['h3', 'h4']);
    const own = await alice.ok<'history'>({ t: 'history', since: 0, limit: 100 });
    expect(own.messages.map((m) => [m.from, m.to, m.data])).toEqual(
      [0, 1, 2, 3, 4].map((i) => ['alice', 'bob', `h${i}`]),
    );
    await bob.error({ t: 'history', since: 0, limit: 0 }, ERR.BAD_FRAME);
    await bob.error({ t: 'history', since: 'yesterday', limit: 1 }, ERR.BAD_FRAME);
  });

  it('keeps each mailbox within its age and size limits', async () => {
    let now = Date.now();
    server = await startTestServer({
      mailboxRetentionMs: 60_000,
      longestRingTimeoutMs: 30_000,
      mailboxMaxMessages: 3,
      now: () => now,
    });
    const alice = await TestClient.login(server.url, 'alice');
    for (let i = 0; i < 5; i++) await alice.sendMsg('bob', `k${i}`);
    const bob = await TestClient.login(server.url, 'bob');
    await until(() => bob.messages().length === 3, 'three kept');
    expect(bob.messages().map((m) => m.data)).toEqual(['k2', 'k3', 'k4']);
    expect(server.metrics.storedEvicted.get('perUserLimit')).toBe(4); // 2 of bob's, 2 of alice's echoes
    await alice.sendMsg('carol', 'expires');
    now += 59_000;
    await alice.sendMsg('carol', 'kept');
    now += 2_000; // 'expires' is 61 s old, 'kept' 2 s
    const carol = await TestClient.login(server.url, 'carol');
    await carol.nextMsg('kept');
    expect(
      (await carol.ok<'history'>({ t: 'history', since: 0, limit: 10 })).messages.map((m) => m.data),
    ).toEqual(['kept']);
    expect(carol.messages().map((m) => m.data)).toEqual(['kept']);
    now += 60_000;
    await until(() => server.metrics.render().includes('calling_stored_messages 0\n'), 'swept', 3000);
  });
});
