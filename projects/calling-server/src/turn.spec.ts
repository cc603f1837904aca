import { parseCli, resolveConfig } from './config';
import { ConfigError, ERR } from './errors';
import { iceServersFor, turnCredential } from './turn';
import { WebSocket } from 'ws';
import {
  silentTransportLogger,
  webSocketSignaling,
  type WebSocketConstructor,
} from 'ngx-trtc-calling/webrtc';
import { closeAll, officialSig, startTestServer, TestClient, TEST_APP } from './test-client.test-util';

const SECRET = 'north-wind';

describe('TURN REST credentials', () => {
  afterEach(() => closeAll());

  it('signs `<expiry>:<userID>` with HMAC-SHA1 as coturn checks it (vectors from openssl)', () => {
    // printf '%s' '1700086400:alice@example.com' | openssl dgst -sha1 -hmac north-wind -binary | base64
    expect(turnCredential(SECRET, 'alice@example.com', 1_700_000_000_123, 86_400)).toEqual({
      username: '1700086400:alice@example.com',
      credential: 'ycY2tbEg55kcjaXNbQO1PEdZSNE=',
    });
    expect(turnCredential(SECRET, 'bob', 1_700_000_000_999, 600)).toEqual({
      username: '1700000600:bob',
      credential: 'edxzvEc5s4gZltJvkyuXYlac5+s=',
    });
  });

  it('gives the STUN list, then the TURN URLs with a credential that expires after the ttl', () => {
    const config = {
      turnSecret: SECRET,
      turnUrls: ['turn:turn.example.com:3478?transport=udp', 'turns:turn.example.com:5349'],
      stunUrls: ['stun:stun.example.com:3478'],
      turnTtlSeconds: 3600,
    };
    const now = 1_800_000_000_000;
    expect(iceServersFor(config, 'carol', now)).toEqual({
      iceServers: [
        { urls: ['stun:stun.example.com:3478'] },
        {
          urls: ['turn:turn.example.com:3478?transport=udp', 'turns:turn.example.com:5349'],
          username: '1800003600:carol',
          credential: turnCredential(SECRET, 'carol', now, 3600).credential,
        },
      ],
      ttl: 3600,
      serverTime: now,
    });
    // Without TURN: the STUN list alone (here empty), no ttl.
    expect(iceServersFor({ turnTtlSeconds: 3600 }, 'carol', now)).toEqual({
      iceServers: [],
      ttl: 0,
      serverTime: now,
    });
    expect(iceServersFor({ stunUrls: ['stun:s:3478'], turnTtlSeconds: 60 }, 'carol', now).iceServers).toEqual(
      [{ urls: ['stun:s:3478'] }],
    );
  });

  it('reads the TURN flags and environment variables, and refuses a half or malformed setting', () => {
    const { options } = parseCli(
      ['--turn-urls', 'turn:127.0.0.1:3478?transport=udp,turns:t.example.com:5349', '--turn-ttl=600'],
      { CALLING_TURN_SECRET: SECRET, CALLING_STUN_URLS: 'stun:127.0.0.1:3478' },
    );
    expect(options).toEqual({
      turnSecret: SECRET,
      turnUrls: ['turn:127.0.0.1:3478?transport=udp', 'turns:t.example.com:5349'],
      stunUrls: ['stun:127.0.0.1:3478'],
      turnTtlSeconds: 600,
    });
    const base = { secretKey: 'k', sdkAppID: 1 };
    expect(resolveConfig(base).turnTtlSeconds).toBe(86_400);
    expect(resolveConfig({ ...base, ...options })).toMatchObject(options);
    for (const [bad, message] of [
      [{ turnUrls: ['turn:t:3478'] }, /need turnSecret/],
      [{ turnSecret: SECRET }, /needs turnUrls/],
      [{ turnSecret: SECRET, turnUrls: ['http://t:3478'] }, /not a turn: or turns: URL/],
      [{ stunUrls: ['turn:t:3478'] }, /not a stun: or stuns: URL/],
      [{ turnTtlSeconds: 59 }, /turnTtlSeconds/],
    ] as const) {
      expect(() => resolveConfig({ ...base, ...bad })).toThrow(ConfigError);
      expect(() => resolveConfig({ ...base, ...bad })).toThrow(message);
    }
    expect(() => parseCli(['--turn-urls', 'turn:a:1,,turn:b:2'], {})).toThrow(/empty item/);
  });

  it('issues ice.servers to a logged-in user only, for that user, and rate-limits it like any frame', async () => {
    // The clock also checks UserSig expiry, so it starts at the real time.
    let now = Date.now();
    const server = await startTestServer({
      turnSecret: SECRET,
      turnUrls: ['turn:127.0.0.1:3478?transport=udp'],
      turnTtlSeconds: 900,
      rateBurst: 3,
      ratePerSecond: 1,
      now: () => now,
    });
    const anonymous = await TestClient.connect(server.url);
    await anonymous.error({ t: 'ice.servers' }, ERR.NOT_LOGGED_IN);

    const alice = await TestClient.login(server.url, 'alice');
    now += 5_000;
    const reply = await alice.ok<'ice.servers'>({ t: 'ice.servers' });
    expect(reply).toEqual({
      iceServers: [
        {
          urls: ['turn:127.0.0.1:3478?transport=udp'],
          username: `${Math.floor(now / 1000) + 900}:alice`,
          credential: turnCredential(SECRET, 'alice', now, 900).credential,
        },
      ],
      ttl: 900,
      serverTime: now,
    });
    // The burst of 3 is spent (login, ice.servers, this one); the next is refused as any frame is.
    await alice.ok<'ice.servers'>({ t: 'ice.servers' });
    await alice.error({ t: 'ice.servers' }, ERR.RATE_LIMITED);
  });

  it('reaches the library client: WebSocketSignaling.iceServers() after login, refused before', async () => {
    const server = await startTestServer({
      turnSecret: SECRET,
      turnUrls: ['turn:127.0.0.1:3478'],
      stunUrls: ['stun:127.0.0.1:3478'],
    });
    const signaling = webSocketSignaling({
      url: server.url,
      SDKAppID: TEST_APP,
      WebSocket: WebSocket as unknown as WebSocketConstructor,
      logger: silentTransportLogger,
      requestTimeout: 1000,
    });
    try {
      await expect(signaling.iceServers()).rejects.toMatchObject({ code: 4900 });
      await signaling.login({ userID: 'dave', userSig: officialSig('dave') });
      const reply = await signaling.iceServers();
      expect(reply.ttl).toBe(86_400);
      expect(reply.iceServers).toEqual([
        { urls: ['stun:127.0.0.1:3478'] },
        {
          urls: ['turn:127.0.0.1:3478'],
          username: expect.stringMatching(/^\d+:dave$/),
          credential: expect.any(String),
        },
      ]);
      const [, turn] = reply.iceServers;
      expect(turn?.credential).toBe(turnCredential(SECRET, 'dave', reply.serverTime, 86_400).credential);
    } finally {
      signaling.destroy();
    }
  });

  it('answers a server without TURN with an empty list', async () => {
    const server = await startTestServer();
    const bob = await TestClient.login(server.url, 'bob');
    const reply = await bob.ok<'ice.servers'>({ t: 'ice.servers' });
    expect(reply.iceServers).toEqual([]);
    expect(reply.ttl).toBe(0);
  });
});
