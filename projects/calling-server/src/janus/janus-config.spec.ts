import { resolveConfig } from '../config';
import { ConfigError } from '../errors';
import { DEFAULT_JANUS_CAPACITY, parseJanusInstances } from './janus-config';

describe('--janus instances', () => {
  it('reads url, optional name and capacity', () => {
    expect(parseJanusInstances(['ws://127.0.0.1:8188', 'wss://sfu.example.com/janus#eu-1@250'])).toEqual([
      { url: 'ws://127.0.0.1:8188', name: '127.0.0.1:8188', capacity: DEFAULT_JANUS_CAPACITY },
      { url: 'wss://sfu.example.com/janus', name: 'eu-1', capacity: 250 },
    ]);
    const c = resolveConfig({ dev: true, janusUrls: ['ws://127.0.0.1:8188#a'] });
    expect(c.sfuThreshold).toBe(4);
  });

  it.each([
    [['http://127.0.0.1:8188'], /expected ws\[s\]/],
    [['ws://127.0.0.1:8188@0'], /expected ws\[s\]/],
    [['ws://127.0.0.1:8188#bad name'], /expected ws\[s\]/],
    [['ws://h1:1#same', 'ws://h2:2#same'], /used twice/],
  ])('refuses %j with a ConfigError', (janusUrls, message) => {
    expect(() => resolveConfig({ dev: true, janusUrls })).toThrow(ConfigError);
    expect(() => resolveConfig({ dev: true, janusUrls })).toThrow(message);
  });
});
