import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULTS, DEV_SDK_APP_ID, OPTIONS, parseCli, resolveConfig, usage } from './config';
import { ConfigError } from './errors';
import { DEV_SECRET_KEY } from './usersig';

describe('configuration', () => {
  it('reads CALLING_* variables and flags; flags win', () => {
    const { options, help } = parseCli(
      ['--port', '9000', '--session-policy=multi', '--dev', '--max-frame-bytes', '2048'],
      {
        CALLING_PORT: '1234',
        CALLING_HOST: '0.0.0.0',
        CALLING_RATE_BURST: '7',
        CALLING_SESSION_POLICY: 'single',
      },
    );
    expect(help).toBe(false);
    expect(options).toEqual({
      port: 9000,
      host: '0.0.0.0',
      rateBurst: 7,
      sessionPolicy: 'multi',
      dev: true,
      maxFrameBytes: 2048,
    });
    expect(parseCli(['--help'], {}).help).toBe(true);
    expect(parseCli([], { CALLING_DEV: '0' }).options).toEqual({});
  });

  it.each([
    [['--nope'], {}, /unknown option/],
    [['--port'], {}, /needs a value/],
    [['--port', 'abc'], {}, /not a non-negative integer/],
    [[], { CALLING_PORT: '-1' }, /CALLING_PORT/],
    [['--session-policy', 'many'], {}, /single or multi/],
    [['--log-level', 'loud'], {}, /must be one of/],
    [[], { CALLING_DEV: 'perhaps' }, /not a boolean/],
  ])('refuses %p %p', (argv, env, message) => {
    expect(() => parseCli(argv, env)).toThrow(ConfigError);
    expect(() => parseCli(argv, env)).toThrow(message);
  });

  it('requires a secret key and an SDKAppID unless --dev', () => {
    expect(() => resolveConfig({ sdkAppID: 1 })).toThrow(/secret key is required/);
    expect(() => resolveConfig({ secretKey: 'k' })).toThrow(/SDKAppID is required/);
    const dev = resolveConfig({ dev: true });
    expect(dev).toMatchObject({ secretKey: DEV_SECRET_KEY, sdkAppID: DEV_SDK_APP_ID, dev: true });
    expect(resolveConfig({ dev: true, secretKey: 'mine', sdkAppID: 5 })).toMatchObject({
      secretKey: 'mine',
      sdkAppID: 5,
    });
  });

  it('reads the secret key from a file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'calling-server-'));
    writeFileSync(join(dir, 'key'), 'from-file\n');
    expect(resolveConfig({ sdkAppID: 1, secretKeyFile: join(dir, 'key') }).secretKey).toBe('from-file');
    expect(() => resolveConfig({ sdkAppID: 1, secretKeyFile: join(dir, 'missing') })).toThrow(/cannot read/);
  });

  it('fills in the documented defaults', () => {
    const c = resolveConfig({ secretKey: 'k', sdkAppID: 1 });
    expect(c).toMatchObject({
      host: '127.0.0.1',
      port: 8787,
      sessionPolicy: 'single',
      maxFrameBytes: 65536,
      wsMaxPayloadBytes: 4 * 65536,
      ratePerSecond: 50,
      rateBurst: 100,
      maxInvitees: 50,
      maxSessionsPerUser: 5,
      maxRoomsPerSession: 4,
      maxPeersPerRoom: 6,
      maxConnectionsPerAddress: 50,
      mailboxRetentionMs: 120_000,
      mailboxMaxMessages: 500,
      heartbeatIntervalMs: 15_000,
      peerLeaveGraceMs: 5_000,
    });
    expect(Object.keys(c).sort()).toEqual(
      [...new Set([...Object.keys(DEFAULTS), 'wsMaxPayloadBytes', 'secretKey', 'sdkAppID'])].sort(),
    );
  });

  it.each([
    [{ mailboxRetentionMs: 10_000 }, /longestRingTimeoutMs/],
    [{ maxFrameBytes: 4096, wsMaxPayloadBytes: 1024 }, /wsMaxPayloadBytes/],
    [{ port: 70000 }, /port/],
    [{ rateBurst: 0 }, /rateBurst/],
    [{ tlsCertFile: 'c.pem' }, /both/],
    [{ sessionPolicy: 'all' as 'single' }, /sessionPolicy/],
    [{ maxPeersPerRoom: 1 }, /maxPeersPerRoom/],
  ])('refuses inconsistent limits %p', (options, message) => {
    expect(() => resolveConfig({ secretKey: 'k', sdkAppID: 1, ...options })).toThrow(message);
  });

  it('documents every option in the usage text and the README', () => {
    const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
    for (const o of OPTIONS) {
      expect(usage()).toContain(o.flag);
      expect(readme).toContain('`' + o.flag);
      expect(readme).toContain('`' + o.env + '`');
    }
  });
});
