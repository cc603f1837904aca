import fc from 'fast-check';
import type { ServerFrame } from 'ngx-trtc-calling/wire';
import type { RunningServer } from './server';
import { TestClient, closeAll, startTestServer, TEST_APP, until } from './test-client.test-util';

/**
 * Fuzz: clients send random and malformed frames while well-behaved clients do C2C and group
 * round trips and WebRTC relays beside them. The server must answer every malformed frame with an
 * error (or close on an absurdly large one), never relay one, never crash, and keep serving the
 * well-behaved clients exactly what they expect.
 */

const MAX_FRAME = 4096;
const MAX_PAYLOAD = 16 * 1024;
const GOOD = ['good0', 'good1', 'good2', 'good3'] as const;
const FUZZ_USERS = ['fuzz0', 'fuzz1', 'fuzz2'];
const ROOM = 1;
const GROUP = 'mixed';

type Frame = Record<string, unknown>;
/** A fuzz action: a text frame or a binary one. */
type Action = { readonly text: string } | { readonly binary: Uint8Array };

// ---- strict checks of what well-behaved clients receive ---------------------------------------

const isInt = (v: unknown) => typeof v === 'number' && Number.isSafeInteger(v);
const isStr = (v: unknown) => typeof v === 'string';
const isObj = (v: unknown): v is Frame => typeof v === 'object' && v !== null && !Array.isArray(v);
const keysIn = (o: Frame, allowed: string[]) => Object.keys(o).every((k) => allowed.includes(k));
const isPeer = (p: unknown) =>
  isObj(p) && keysIn(p, ['userID', 'peerID']) && isStr(p['userID']) && isStr(p['peerID']);

/** True when `f` is exactly one of the wire's server frames (no extra or mistyped fields). */
function wellFormed(f: unknown): boolean {
  if (!isObj(f)) return false;
  switch (f['t']) {
    case 'ok':
      return keysIn(f, ['t', 'id', 'result']) && isInt(f['id']) && isObj(f['result']);
    case 'error':
      return keysIn(f, ['t', 'id', 'code', 'message']) && isInt(f['code']) && isStr(f['message']);
    case 'msg': {
      const m = f['message'];
      return (
        keysIn(f, ['t', 'message']) &&
        isObj(m) &&
        keysIn(m, ['id', 'seq', 'from', 'conversationType', 'to', 'data', 'time']) &&
        isStr(m['id']) &&
        isInt(m['seq']) &&
        isStr(m['from']) &&
        (m['conversationType'] === 'C2C' || m['conversationType'] === 'GROUP') &&
        isStr(m['to']) &&
        isStr(m['data']) &&
        isInt(m['time'])
      );
    }
    case 'peer':
      return keysIn(f, ['t', 'roomID', 'event', 'peer']) && isInt(f['roomID']) && isPeer(f['peer']);
    case 'rtc':
      return keysIn(f, ['t', 'roomID', 'from', 'payload']) && isPeer(f['from']) && isObj(f['payload']);
    case 'pong':
      return keysIn(f, ['t', 'id', 'time']) && isInt(f['id']) && isInt(f['time']);
    default:
      return false;
  }
}

// ---- fuzz frames ---------------------------------------------------------------------------------

/** Values that are never a string. */
const notString = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string(), { maxLength: 3 }),
  fc.object({ maxDepth: 1 }),
);
/** Values that are never a non-negative safe integer. */
const notId = fc.oneof(
  fc.integer({ max: -1 }),
  fc.double().filter((d) => !Number.isSafeInteger(d)),
  fc.string(),
  fc.constant(null),
  fc.boolean(),
);
const notRoomID = fc.oneof(
  fc.integer({ max: 0 }),
  fc.double().filter((d) => !Number.isSafeInteger(d)),
  fc.string(),
  fc.constant(null),
);
const notRequestType = fc
  .string({ maxLength: 12 })
  .filter(
    (s) =>
      ![
        'login',
        'logout',
        'send',
        'history',
        'group.create',
        'group.join',
        'group.leave',
        'group.add',
        'room.join',
        'room.leave',
        'rtc',
        'ping',
      ].includes(s),
  );

/** Valid-shaped frames aimed at the well-behaved users, each with one field made invalid. */
function brokenFrames(goodPeer: () => string): fc.Arbitrary<Frame> {
  const send = (conversationType: 'C2C' | 'GROUP', to: string): Frame => ({
    t: 'send',
    id: 1,
    to,
    conversationType,
    data: 'FUZZ',
  });
  const rtc = (): Frame => ({
    t: 'rtc',
    id: 1,
    roomID: ROOM,
    to: goodPeer(),
    payload: { kind: 'offer', sdp: 'FUZZ' },
  });
  const set = (base: () => Frame, key: string, bad: fc.Arbitrary<unknown>) =>
    bad.map((v) => ({ ...base(), [key]: v }));
  const drop = (base: () => Frame, key: string) =>
    fc.constant(null).map(() => {
      const f = base();
      delete f[key];
      return f;
    });
  const payload = (p: unknown) => ({ ...rtc(), payload: p });
  const c2c = () => send('C2C', 'good0');
  const grp = () => send('GROUP', GROUP);
  return fc.oneof(
    set(c2c, 'data', notString),
    set(c2c, 'to', notString),
    set(c2c, 'id', notId),
    set(c2c, 't', notRequestType),
    set(
      c2c,
      'conversationType',
      fc.oneof(
        notString,
        fc.string().filter((s) => s !== 'C2C' && s !== 'GROUP'),
      ),
    ),
    set(
      c2c,
      'offlinePushInfo',
      fc.oneof(
        notString.filter((v) => !isObj(v)),
        fc.record({ title: fc.integer() }),
      ),
    ),
    drop(c2c, 'data'),
    drop(c2c, 'to'),
    set(grp, 'data', notString),
    set(grp, 'to', notString),
    set(rtc, 'roomID', notRoomID),
    set(rtc, 'to', notString),
    drop(rtc, 'payload'),
    set(rtc, 'payload', fc.oneof(notString, fc.string())),
    fc
      .string()
      .filter((k) => !['offer', 'answer', 'candidate', 'media', 'screen'].includes(k))
      .map((kind) => payload({ kind, sdp: 'FUZZ' })),
    notString.map((sdp) => payload({ kind: 'offer', sdp })),
    notString.map((candidate) => payload({ kind: 'candidate', candidate, sdpMid: null, sdpMLineIndex: 0 })),
    fc
      .oneof(fc.string(), fc.double({ min: 0.1, max: 10 }), fc.integer({ max: -1 }))
      .map((i) => payload({ kind: 'candidate', candidate: 'c', sdpMid: '0', sdpMLineIndex: i })),
    fc
      .oneof(fc.integer(), fc.string(), fc.constant(null))
      .map((audio) => payload({ kind: 'media', audio, video: true })),
    set(() => ({ t: 'history', id: 1, since: 0, limit: 10 }), 'limit', fc.oneof(notId, fc.constant(0))),
    set(() => ({ t: 'group.join', id: 1, groupID: GROUP }), 'groupID', notString),
    set(
      () => ({ t: 'group.create', id: 1, groupID: 'x' }),
      'members',
      fc.oneof(fc.string(), fc.array(notString, { minLength: 1, maxLength: 3 })),
    ),
    set(() => ({ t: 'room.join', id: 1 }), 'roomID', notRoomID),
    set(
      () => ({ t: 'login', id: 1, SDKAppID: TEST_APP, userID: 'good0', userSig: 'x' }),
      'userSig',
      notString,
    ),
  );
}

function actions(goodPeer: () => string): fc.Arbitrary<Action> {
  const text = (a: fc.Arbitrary<string>) => a.map((t): Action => ({ text: t }));
  return fc.oneof(
    { weight: 3, arbitrary: text(fc.string({ maxLength: 80 })) },
    { weight: 2, arbitrary: text(fc.string({ unit: 'binary', maxLength: 80 })) },
    { weight: 3, arbitrary: text(fc.json({ maxDepth: 3 })) },
    {
      weight: 2,
      arbitrary: text(
        fc
          .jsonValue({ maxDepth: 2 })
          .map((v) => JSON.stringify({ t: 'send', id: 3, ...(isObj(v) ? v : { v }) })),
      ),
    },
    { weight: 6, arbitrary: text(brokenFrames(goodPeer).map((f) => JSON.stringify(f))) },
    {
      weight: 1,
      arbitrary: text(
        fc
          .integer({ min: MAX_FRAME + 1, max: MAX_PAYLOAD })
          .map((n) => `{"t":"send","id":5,"data":"${'x'.repeat(n)}"}`),
      ),
    },
    {
      weight: 1,
      arbitrary: text(fc.integer({ min: MAX_PAYLOAD + 1, max: 3 * MAX_PAYLOAD }).map((n) => 'z'.repeat(n))),
    },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }).map((b): Action => ({ binary: b })) },
  );
}

// ---- the test ------------------------------------------------------------------------------------

describe('fuzz', () => {
  let server: RunningServer;
  type Good = TestClient & { login: { sessionID: string } };
  let good: [Good, Good, Good, Good];
  let fuzzers: TestClient[] = [];
  let run = 0;

  async function fuzzClient(i: number): Promise<TestClient> {
    if (i % 2 === 1) return TestClient.connect(server.url); // never logs in
    const user = FUZZ_USERS[(i / 2) % FUZZ_USERS.length]!;
    const c = await TestClient.login(server.url, user);
    // Joins the well-behaved users' room and group, so its frames have something to reach.
    if ((await c.request({ t: 'room.join', roomID: ROOM })).t !== 'ok') throw new Error('room.join');
    await c.request({ t: 'group.join', groupID: GROUP });
    return c;
  }

  beforeAll(async () => {
    server = await startTestServer({
      sessionPolicy: 'multi',
      maxSessionsPerUser: 10,
      ratePerSecond: 5000,
      rateBurst: 5000,
      maxFrameBytes: MAX_FRAME,
      wsMaxPayloadBytes: MAX_PAYLOAD,
      maxPeersPerRoom: 20,
      peerLeaveGraceMs: 0,
    });
    good = await TestClient.loginAll(server.url, GOOD);
    await good[0].ok({ t: 'group.create', groupID: GROUP, members: [...GOOD], open: true });
    await good[0].ok({ t: 'room.join', roomID: ROOM });
    await good[0].invite(ROOM, ...GOOD.slice(1), ...FUZZ_USERS);
    await good[1].ok({ t: 'room.join', roomID: ROOM });
    fuzzers = await Promise.all(Array.from({ length: 6 }, (_, i) => fuzzClient(i)));
  });
  afterAll(closeAll);

  /** C2C ping-pong within both pairs, a group message, and an rtc relay; asserts each arrives. */
  async function wellBehavedRound(): Promise<void> {
    run++;
    await Promise.all(
      (
        [
          [0, 1],
          [2, 3],
        ] as const
      ).map(async ([a, b]) => {
        const [x, y] = [good[a], good[b]];
        await x.sendMsg(GOOD[b], `ping-${run}`);
        const m = await y.nextMsg(`ping-${run}`);
        expect(m.from).toBe(GOOD[a]);
        await y.sendMsg(GOOD[a], `pong-${run}`);
        await x.nextMsg(`pong-${run}`);
      }),
    );
    await good[3].sendMsg(GROUP, `group-${run}`, 'GROUP');
    await Promise.all(good.slice(0, 3).map((g) => g.nextMsg(`group-${run}`)));
    await good[0].ok({
      t: 'rtc',
      roomID: ROOM,
      to: good[1].login.sessionID,
      payload: { kind: 'offer', sdp: `sdp-${run}` },
    });
    await good[1].take((f) => f.t === 'rtc' && (f.payload as { sdp?: string }).sdp === `sdp-${run}`);
  }

  /** Every frame a well-behaved client received is well-formed and from a well-behaved peer. */
  function assertGoodClientsClean(): void {
    const goodUsers = new Set<string>(GOOD);
    for (const [i, g] of good.entries()) {
      expect(g.closeEvent).toBeUndefined();
      for (const f of g.frames as ServerFrame[]) {
        if (!wellFormed(f)) throw new Error(`${GOOD[i]} got a malformed frame: ${JSON.stringify(f)}`);
        if (f.t === 'msg' && !goodUsers.has(f.message.from))
          throw new Error(`relayed from ${f.message.from}: ${f.message.data}`);
        if (f.t === 'msg' && f.message.data.includes('FUZZ')) throw new Error('relayed fuzz data');
        if (f.t === 'rtc' && !goodUsers.has(f.from.userID))
          throw new Error(`rtc relayed from ${f.from.userID}`);
        if (f.t === 'error' || f.t === 'kicked') throw new Error(`unexpected ${JSON.stringify(f)}`);
      }
    }
  }

  /** Sends the actions round-robin over the fuzz clients; checks each got one reply per frame. */
  async function blast(list: readonly Action[]): Promise<void> {
    const counts = fuzzers.map((c) => ({ c, before: c.frames.length, sent: 0, closedByUs: false }));
    list.forEach((a, i) => {
      const count = counts[i % counts.length]!;
      const { c } = count;
      if (c.closeEvent || c.ws.readyState !== c.ws.OPEN) return;
      if ('binary' in a) c.sendRaw(Buffer.from(a.binary), true);
      else c.sendRaw(a.text);
      count.sent++;
      if ('text' in a && Buffer.byteLength(a.text) > MAX_PAYLOAD) count.closedByUs = true;
    });
    await Promise.all(
      counts.map(async ({ c, before, sent, closedByUs }, k) => {
        if (closedByUs) {
          expect((await c.closed).code).toBe(1009);
          fuzzers[k] = await fuzzClient(k);
          return;
        }
        if (c.closeEvent) throw new Error(`fuzz client ${k} was closed: ${JSON.stringify(c.closeEvent)}`);
        // Replies come in order: once the marker's reply is in, every fuzz frame has had its own.
        const marker = await c.ok<'ping'>({ t: 'ping' });
        expect(marker.time).toEqual(expect.any(Number));
        // One reply per frame: an error, or `ok` when a mutation happened to leave the frame valid
        // (e.g. `sdpMLineIndex: null`), which the server then rightly serves. Minus the marker's own ok.
        const replies = c.frames.slice(before).filter((f) => f.t === 'error' || f.t === 'ok');
        expect(replies.length - 1).toBe(sent);
      }),
    );
  }

  it('survives random and malformed frames; well-behaved clients are served untouched', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          actions(() => good[0].login.sessionID),
          { minLength: 1, maxLength: 60 },
        ),
        async (list) => {
          await Promise.all([blast(list), wellBehavedRound()]);
          assertGoodClientsClean();
        },
      ),
      { numRuns: 150, interruptAfterTimeLimit: 20_000, endOnFailure: true },
    );
    const health = (await (await fetch(`${server.httpUrl}/healthz`)).json()) as { status: string };
    expect(health.status).toBe('ok');
    expect(server.metrics.framesDropped.get('BAD_FRAME')).toBeGreaterThan(50);
    expect(server.metrics.framesDropped.get('INTERNAL')).toBe(0);
  }, 40_000);

  it('holds under a storm of many concurrent fuzz clients', async () => {
    const storm = await Promise.all(Array.from({ length: 16 }, (_, i) => fuzzClient(i)));
    const samples = fc.sample(
      actions(() => good[1].login.sessionID),
      { numRuns: 6000, seed: 42 },
    );
    let i = 0;
    const blasting = (async () => {
      while (i < samples.length) {
        for (const c of storm) {
          const a = samples[i++ % samples.length]!;
          if (c.ws.readyState !== c.ws.OPEN) continue;
          if ('binary' in a) c.sendRaw(Buffer.from(a.binary), true);
          else c.sendRaw(a.text);
        }
        await new Promise((r) => setImmediate(r));
      }
    })();
    for (let k = 0; k < 10; k++) await wellBehavedRound();
    await blasting;
    await until(() => storm.every((c) => c.closeEvent || c.frames.length > 0), 'storm replies');
    assertGoodClientsClean();
    const health = (await (await fetch(`${server.httpUrl}/healthz`)).json()) as {
      status: string;
      sessions: number;
    };
    expect(health.status).toBe('ok');
    expect(server.metrics.framesDropped.get('INTERNAL')).toBe(0);
  }, 30_000);
});
