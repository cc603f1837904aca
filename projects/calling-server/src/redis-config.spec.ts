import { parseCli, resolveConfig, usage } from './config';
import { redactRedisUrl } from './redis-backend';

describe('configuration of several nodes', () => {
  it('reads CALLING_REDIS_URL, else REDIS_URL; --redis-url wins', () => {
    expect(parseCli([], { REDIS_URL: 'redis://r:6379' }).options).toEqual({ redisUrl: 'redis://r:6379' });
    expect(
      parseCli([], { REDIS_URL: 'redis://plain', CALLING_REDIS_URL: 'redis://ours' }).options.redisUrl,
    ).toBe('redis://ours');
    expect(
      parseCli(['--redis-url', 'rediss://flag:6380/2'], { CALLING_REDIS_URL: 'redis://env' }).options
        .redisUrl,
    ).toBe('rediss://flag:6380/2');
    const { options } = parseCli(
      [
        '--node-id=calls-1',
        '--node-timeout-ms',
        '3000',
        '--redis-key-prefix',
        'prod:',
        '--redis-connect-timeout-ms=900',
      ],
      {},
    );
    expect(options).toEqual({
      nodeId: 'calls-1',
      nodeTimeoutMs: 3000,
      redisKeyPrefix: 'prod:',
      redisConnectTimeoutMs: 900,
    });
    expect(usage()).toContain('CALLING_REDIS_URL, REDIS_URL');
  });

  it('defaults, and refuses malformed values', () => {
    const c = resolveConfig({ secretKey: 'k', sdkAppID: 1 });
    expect(c).toMatchObject({ redisKeyPrefix: 'calling:', redisConnectTimeoutMs: 5000, nodeTimeoutMs: 5000 });
    expect(c.redisUrl).toBeUndefined();
    const base = { secretKey: 'k', sdkAppID: 1 };
    expect(() => resolveConfig({ ...base, redisUrl: 'http://x' })).toThrow(/redis:\/\//);
    expect(() => resolveConfig({ ...base, nodeId: 'a b' })).toThrow(/nodeId/);
    expect(() => resolveConfig({ ...base, redisKeyPrefix: 'a b' })).toThrow(/redisKeyPrefix/);
    expect(() => parseCli(['--node-timeout-ms', '10'], {})).not.toThrow();
    expect(() => resolveConfig({ ...base, nodeTimeoutMs: 10 })).toThrow(/nodeTimeoutMs/);
  });

  it('never prints a Redis password', () => {
    expect(redactRedisUrl('redis://user:s3cret@host:6379/0')).toBe('redis://user:***@host:6379/0');
    expect(redactRedisUrl('rediss://:s3cret@host')).toBe('rediss://:***@host');
    expect(redactRedisUrl('redis://host:6379')).toBe('redis://host:6379');
  });
});
