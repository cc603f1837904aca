import { DEV_SDK_APP_ID, USER_ID_MAX_BYTES } from 'ngx-trtc-calling/wire';
import { ERR } from './errors';
import { genUserSig } from './usersig';
import {
  TEST_APP,
  TEST_KEY,
  TestClient,
  closeAll,
  delay,
  officialSig,
  startTestServer,
} from './test-client.test-util';
import type { RunningServer } from './server';

describe('authentication', () => {
  let server: RunningServer;
  beforeEach(async () => {
    server = await startTestServer();
  });
  afterEach(closeAll);

  const login = (userID: string, userSig: string, SDKAppID = TEST_APP) => ({
    t: 'login',
    SDKAppID,
    userID,
    userSig,
  });

  it('accepts a UserSig made by the official tls-sig-api-v2 with the server key', async () => {
    const c = await TestClient.connect(server.url);
    const result = await c.ok<'login'>(login('alice', officialSig('alice')));
    expect(result).toEqual({
      sessionID: expect.stringMatching(/^[0-9a-f-]{36}$/),
      seq: expect.any(Number),
      serverTime: expect.any(Number),
      resumed: false,
      replayAfter: result.seq,
    });
    expect(Math.abs(result.serverTime - Date.now())).toBeLessThan(5000);
  });

  it.each(['r12.b@corp', '+8613800000000', 'tenant:alice'])(
    'accepts the Tencent IM userID %s',
    async (userID) => {
      const c = await TestClient.connect(server.url);
      await c.ok(login(userID, officialSig(userID)));
    },
  );

  it.each([
    [
      'another secret key',
      'alice',
      () => officialSig('alice', { key: 'not-the-server-key' }),
      ERR.USERSIG_INVALID,
    ],
    ['another userID', 'alice', () => officialSig('bob'), ERR.USERSIG_USER_MISMATCH],
    [
      'another SDKAppID',
      'alice',
      () => officialSig('alice', { sdkAppID: TEST_APP + 1 }),
      ERR.SDKAPPID_MISMATCH,
    ],
    ['an expired sig', 'alice', () => officialSig('alice', { expireSeconds: 0 }), ERR.USERSIG_EXPIRED],
    ['garbage', 'alice', () => 'this is not a usersig', ERR.USERSIG_INVALID],
    ['base64 garbage', 'alice', () => 'eJyrVkrLz1eyUkpKLFKqBQAdxgQT', ERR.USERSIG_INVALID],
    ['a too long sig', 'alice', () => officialSig('alice') + 'A'.repeat(5000), ERR.USERSIG_INVALID],
    ['an empty sig', 'alice', () => '', ERR.USERSIG_INVALID],
    ['an invalid userID', 'al ice', () => officialSig('al ice'), ERR.INVALID_USER_ID],
    [
      'a userID one byte too long',
      'a'.repeat(USER_ID_MAX_BYTES + 1),
      () => officialSig('a'.repeat(USER_ID_MAX_BYTES + 1)),
      ERR.INVALID_USER_ID,
    ],
    ['an IM system account', '@TIM#SYSTEM', () => officialSig('@TIM#SYSTEM'), ERR.INVALID_USER_ID],
    ['the store separator in a userID', 'a|1', () => officialSig('a|1'), ERR.INVALID_USER_ID],
  ])('refuses %s', async (_what, userID, sig, code) => {
    const c = await TestClient.connect(server.url);
    await c.error(login(userID, sig()), code);
    // The connection stays usable: a correct login afterwards works.
    await c.ok(login('alice', officialSig('alice')));
    expect(server.metrics.loginsRefused.get(Object.entries(ERR).find(([, v]) => v === code)![0])).toBe(1);
  });

  it('refuses a login frame for another SDKAppID even with a valid sig', async () => {
    const c = await TestClient.connect(server.url);
    await c.error(login('alice', officialSig('alice'), TEST_APP + 5), ERR.SDKAPPID_MISMATCH);
  });

  it('accepts a userID of the longest length and refuses a sig whose identifier is not a userID', async () => {
    const c = await TestClient.connect(server.url);
    const longest = 'A'.repeat(14) + 'z-_.@:+#'.repeat(2) + '09';
    expect(longest).toHaveLength(USER_ID_MAX_BYTES);
    await c.ok(login(longest, officialSig(longest)));
    const d = await TestClient.connect(server.url);
    const bad = genUserSig({ sdkAppID: TEST_APP, secretKey: TEST_KEY, userID: 'x y' });
    await d.error(login('alice', bad), ERR.USERSIG_INVALID);
  });

  it('accepts nothing but login and ping before login', async () => {
    const c = await TestClient.connect(server.url);
    for (const req of [
      { t: 'send', to: 'bob', conversationType: 'C2C', data: 'x' },
      { t: 'history', since: 0, limit: 10 },
      { t: 'group.create', groupID: 'g' },
      { t: 'room.join', roomID: 1 },
      { t: 'rtc', roomID: 1, to: 'p', payload: { kind: 'media', audio: true, video: true } },
      { t: 'logout' },
    ]) {
      await c.error(req, ERR.NOT_LOGGED_IN);
    }
    const pong = await c.ok<'ping'>({ t: 'ping' });
    expect(pong.time).toEqual(expect.any(Number));
    expect(c.ofType('pong')).toHaveLength(1);
    await c.ok(login('alice', officialSig('alice')));
    await c.error(login('alice', officialSig('alice')), ERR.ALREADY_LOGGED_IN);
  });

  it('logs out, then refuses requests until the next login', async () => {
    const c = await TestClient.connect(server.url);
    await c.ok(login('alice', officialSig('alice')));
    await c.ok({ t: 'logout' });
    await c.error({ t: 'history', since: 0, limit: 1 }, ERR.NOT_LOGGED_IN);
    await c.ok(login('bob', officialSig('bob')));
  });

  it('kicks a session when its UserSig expires', async () => {
    const c = await TestClient.connect(server.url);
    await c.ok(login('alice', officialSig('alice', { expireSeconds: 1 })));
    const kicked = await c.take((f) => f.t === 'kicked', 2500, 'kicked');
    expect(kicked).toEqual({ t: 'kicked', reason: 'userSigExpired' });
    await c.closed;
  });

  it('closes connections that never log in', async () => {
    await closeAll();
    server = await startTestServer({ loginTimeoutMs: 400 });
    const c = await TestClient.connect(server.url);
    const { code } = await c.closed;
    expect(code).toBe(ERR.NOT_LOGGED_IN);
    expect(c.ofType('error')).toEqual([expect.objectContaining({ code: ERR.NOT_LOGGED_IN })]);
    const d = await TestClient.connect(server.url);
    await d.ok(login('alice', officialSig('alice')));
    await delay(500);
    expect(d.closeEvent).toBeUndefined();
  });
});

describe('dev mode', () => {
  afterEach(closeAll);

  it('hands out UserSigs (CORS: any origin) signed with the dev key, which log in', async () => {
    const server = await startTestServer({ dev: true, secretKey: undefined, sdkAppID: undefined });
    expect(server.config.sdkAppID).toBe(DEV_SDK_APP_ID);
    const res = await fetch(`${server.httpUrl}/dev/usersig?userID=carol`, {
      headers: { origin: 'http://example.test' },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    const body = (await res.json()) as { userID: string; userSig: string; SDKAppID: number };
    expect(body).toEqual({ userID: 'carol', userSig: expect.any(String), SDKAppID: DEV_SDK_APP_ID });
    const c = await TestClient.connect(server.url);
    await c.ok({ t: 'login', SDKAppID: body.SDKAppID, userID: 'carol', userSig: body.userSig });
    const preflight = await fetch(`${server.httpUrl}/dev/usersig?userID=carol`, { method: 'OPTIONS' });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
    expect((await fetch(`${server.httpUrl}/dev/usersig?userID=bad%20id`)).status).toBe(400);
  });

  it('has no /dev/usersig outside dev mode', async () => {
    const server = await startTestServer();
    const res = await fetch(`${server.httpUrl}/dev/usersig?userID=carol`);
    expect(res.status).toBe(404);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('keeps the pending login state per connection', async () => {
    const server = await startTestServer();
    const a = await TestClient.connect(server.url);
    const b = await TestClient.connect(server.url);
    await a.ok({ t: 'login', SDKAppID: TEST_APP, userID: 'alice', userSig: officialSig('alice') });
    await b.error({ t: 'history', since: 0, limit: 1 }, ERR.NOT_LOGGED_IN);
  });
});
