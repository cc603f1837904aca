import { ERR } from './errors';
import type { RunningServer } from './server';
import { TestClient, closeAll, delay, startTestServer } from './test-client.test-util';

describe('malformed frames', () => {
  let server: RunningServer;
  let alice: TestClient;
  let bob: TestClient & { login: { sessionID: string } };
  beforeAll(async () => {
    server = await startTestServer({ ratePerSecond: 1000, rateBurst: 1000 });
    alice = await TestClient.login(server.url, 'alice');
    bob = await TestClient.login(server.url, 'bob');
    await alice.ok({ t: 'room.join', roomID: 1 });
    await alice.invite(1, 'bob');
    await bob.ok({ t: 'room.join', roomID: 1 });
    await alice.ok({ t: 'group.create', groupID: 'g', members: ['bob'] });
  });
  afterAll(closeAll);

  const send = { t: 'send', id: 1, to: 'bob', conversationType: 'C2C', data: 'x' };
  // `to: BOB_PEER` is replaced by bob's peerID when sent: only the payload is wrong.
  const rtc = () => ({ t: 'rtc', id: 1, roomID: 1, to: 'BOB_PEER', payload: { kind: 'offer', sdp: 's' } });

  it.each<[string, unknown, number, boolean]>([
    ['non-JSON', 'hello', ERR.BAD_FRAME, false],
    ['truncated JSON', '{"t":"send","id":1', ERR.BAD_FRAME, false],
    ['a JSON array', '[1,2,3]', ERR.BAD_FRAME, false],
    ['a JSON string', '"send"', ERR.BAD_FRAME, false],
    ['null', 'null', ERR.BAD_FRAME, false],
    ['no id', { t: 'ping' }, ERR.BAD_FRAME, false],
    ['a string id', { t: 'ping', id: '1' }, ERR.BAD_FRAME, false],
    ['a negative id', { t: 'ping', id: -1 }, ERR.BAD_FRAME, false],
    ['a fractional id', { t: 'ping', id: 1.5 }, ERR.BAD_FRAME, false],
    ['no t', { id: 5 }, ERR.BAD_FRAME, true],
    ['a numeric t', { t: 1, id: 5 }, ERR.BAD_FRAME, true],
    ['an unknown t', { t: 'teleport', id: 5 }, ERR.UNKNOWN_TYPE, true],
    ['send: numeric data', { ...send, data: 42 }, ERR.BAD_FRAME, true],
    ['send: object data', { ...send, data: { a: 1 } }, ERR.BAD_FRAME, true],
    ['send: missing to', { ...send, to: undefined }, ERR.BAD_FRAME, true],
    ['send: bad conversationType', { ...send, conversationType: 'c2c' }, ERR.BAD_FRAME, true],
    ['send: bad offlinePushInfo', { ...send, offlinePushInfo: { title: 1 } }, ERR.BAD_FRAME, true],
    ['send: group as array', { ...send, conversationType: 'GROUP', to: ['g'] }, ERR.BAD_FRAME, true],
    ['history: NaN-ish since', { t: 'history', id: 5, since: '0', limit: 1 }, ERR.BAD_FRAME, true],
    [
      'group.create: members not strings',
      { t: 'group.create', id: 5, groupID: 'h', members: [1] },
      ERR.BAD_FRAME,
      true,
    ],
    [
      'group.create: open not a boolean',
      { t: 'group.create', id: 5, groupID: 'h', open: 1 },
      ERR.BAD_FRAME,
      true,
    ],
    ['group.join: numeric groupID', { t: 'group.join', id: 5, groupID: 7 }, ERR.BAD_FRAME, true],
    ['group.add: no members', { t: 'group.add', id: 5, groupID: 'h' }, ERR.BAD_FRAME, true],
    [
      'group.add: members not strings',
      { t: 'group.add', id: 5, groupID: 'h', members: [2] },
      ERR.BAD_FRAME,
      true,
    ],
    ['rtc: unknown payload kind', { ...rtc(), payload: { kind: 'bye' } }, ERR.BAD_FRAME, true],
    ['rtc: offer without sdp', { ...rtc(), payload: { kind: 'offer' } }, ERR.BAD_FRAME, true],
    [
      'rtc: candidate with bad index',
      { ...rtc(), payload: { kind: 'candidate', candidate: 'c', sdpMid: null, sdpMLineIndex: '0' } },
      ERR.BAD_FRAME,
      true,
    ],
    [
      'rtc: media not boolean',
      { ...rtc(), payload: { kind: 'media', audio: 1, video: 0 } },
      ERR.BAD_FRAME,
      true,
    ],
    ['rtc: screen mid a number', { ...rtc(), payload: { kind: 'screen', mid: 2 } }, ERR.BAD_FRAME, true],
    [
      'rtc: screen mid too long',
      { ...rtc(), payload: { kind: 'screen', mid: 'm'.repeat(65) } },
      ERR.BAD_FRAME,
      true,
    ],
    ['rtc: payload is a string', { ...rtc(), payload: 'v=0' }, ERR.BAD_FRAME, true],
    [
      'login: numeric userSig',
      { t: 'login', id: 5, SDKAppID: 1, userID: 'a', userSig: 1 },
      ERR.BAD_FRAME,
      true,
    ],
  ])(
    'refuses %s with an error frame, relays nothing and keeps the socket',
    async (_what, frame, code, hasId) => {
      const before = bob.frames.length;
      const json = typeof frame === 'string' ? frame : JSON.stringify(frame);
      alice.sendRaw(json.replace('"BOB_PEER"', JSON.stringify(bob.login.sessionID)));
      const err = await alice.take((f) => f.t === 'error');
      expect(err).toMatchObject({ code, message: expect.any(String) });
      expect('id' in err).toBe(hasId);
      await alice.ok({ t: 'ping' }); // still open and serving
      await delay(10);
      expect(bob.frames.slice(before).filter((f) => f.t !== 'ok')).toEqual([]);
    },
  );

  it('relays the well-formed versions of those frames (control)', async () => {
    alice.sendRaw(
      JSON.stringify({ ...rtc(), id: 900 }).replace('"BOB_PEER"', JSON.stringify(bob.login.sessionID)),
    );
    alice.sendRaw(JSON.stringify({ ...send, id: 901 }));
    await bob.take((f) => f.t === 'rtc');
    await bob.nextMsg('x');
  });

  it('refuses binary frames', async () => {
    alice.sendRaw(Buffer.from(JSON.stringify(send)), true);
    expect(await alice.take((f) => f.t === 'error')).toMatchObject({ code: ERR.BAD_FRAME });
    await alice.ok({ t: 'ping' });
  });

  it('counts refused frames by reason in the metrics', async () => {
    const text = await (await fetch(`${server.httpUrl}/metrics`)).text();
    expect(text).toMatch(/^calling_frames_dropped_total\{reason="BAD_FRAME"\} \d+$/m);
    expect(text).toMatch(/^calling_frames_dropped_total\{reason="UNKNOWN_TYPE"\} 1$/m);
  });
});
