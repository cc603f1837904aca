import { SELF_HOSTED_DEV_SDK_APP_ID } from 'ngx-trtc-calling';
import { readDemoConfig } from './runtime-config';

const page = (search: string, hostname = '127.0.0.1', protocol = 'http:') => ({ search, hostname, protocol });

describe('readDemoConfig', () => {
  it('defaults to port 8787 on the host the page came from, 30 s ring timeout, the dev SDKAppID', () => {
    expect(readDemoConfig(page(''))).toEqual({
      serverUrl: 'ws://127.0.0.1:8787/',
      httpUrl: 'http://127.0.0.1:8787',
      sdkAppID: SELF_HOSTED_DEV_SDK_APP_ID,
      ringTimeout: 30,
    });
    expect(readDemoConfig(page('', 'localhost', 'https:')).serverUrl).toBe('wss://localhost:8787/');
    expect(readDemoConfig(page('', '::1')).httpUrl).toBe('http://[::1]:8787');
    expect(readDemoConfig(page('', '')).serverUrl).toBe('ws://127.0.0.1:8787/');
  });

  it('takes ?server=, ?ringTimeout= and ?sdkAppID=', () => {
    const config = readDemoConfig(
      page('?server=wss://calls.test:9443/ws&ringTimeout=2.5&sdkAppID=1400123456'),
    );
    expect(config).toEqual({
      serverUrl: 'wss://calls.test:9443/ws',
      httpUrl: 'https://calls.test:9443',
      sdkAppID: 1400123456,
      ringTimeout: 2.5,
    });
  });

  it.each([
    ['?server=http://127.0.0.1:1', 'serverUrl', 'ws://127.0.0.1:8787/'],
    ['?server=not a url', 'serverUrl', 'ws://127.0.0.1:8787/'],
    ['?ringTimeout=0', 'ringTimeout', 30],
    ['?ringTimeout=-3', 'ringTimeout', 30],
    ['?ringTimeout=abc', 'ringTimeout', 30],
    ['?ringTimeout=', 'ringTimeout', 30],
    ['?sdkAppID=1.5', 'sdkAppID', SELF_HOSTED_DEV_SDK_APP_ID],
  ] as const)('ignores %s', (search, key, fallback) => {
    expect(readDemoConfig(page(search))[key]).toBe(fallback);
  });
});
