import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import tls from 'node:tls';
import { NetworkDisabledError, expectNothingEscaped, installNoNetwork } from './no-network.test-util';

describe('installNoNetwork', () => {
  it('blocks every browser-level way out and records it', async () => {
    const guard = installNoNetwork();
    try {
      await expect(fetch('https://example.invalid/x')).rejects.toBeInstanceOf(NetworkDisabledError);
      const xhr = new XMLHttpRequest();
      const onload = jest.fn();
      xhr.onload = onload;
      xhr.open('POST', 'https://telemetry.invalid/report');
      xhr.send('{}');
      const ws = new WebSocket('wss://im.invalid/socket');
      expect(ws.readyState).toBe(0);
      expect(navigator.sendBeacon('https://beacon.invalid/', 'x')).toBe(false);
      await new Promise((r) => setTimeout(r, 10));
      expect(onload).not.toHaveBeenCalled();
      expect(guard.blocked.map((a) => [a.api, a.target])).toEqual([
        ['fetch', 'https://example.invalid/x'],
        ['XMLHttpRequest.send', 'https://telemetry.invalid/report'],
        ['WebSocket', 'wss://im.invalid/socket'],
        ['navigator.sendBeacon', 'https://beacon.invalid/'],
      ]);
      expectNothingEscaped(guard);
    } finally {
      guard.uninstall();
    }
  });

  it('blocks Node http/https/net/tls/dns and restores them on uninstall', () => {
    const originals = [http.request, https.get, net.connect, tls.connect, dns.lookup];
    const guard = installNoNetwork();
    try {
      expect(() => http.request('http://example.invalid/')).toThrow(NetworkDisabledError);
      expect(() => https.get({ host: 'example.invalid', port: 443 })).toThrow(NetworkDisabledError);
      expect(() => net.connect(80, 'example.invalid')).toThrow(NetworkDisabledError);
      expect(() => tls.connect(443, 'example.invalid')).toThrow(NetworkDisabledError);
      expect(() => dns.lookup('example.invalid', () => undefined)).toThrow(NetworkDisabledError);
      expect(guard.blocked.map((a) => a.api)).toEqual([
        'http.request',
        'https.get',
        'net.connect',
        'tls.connect',
        'dns.lookup',
      ]);
    } finally {
      guard.uninstall();
    }
    expect([http.request, https.get, net.connect, tls.connect, dns.lookup]).toEqual(originals);
  });

  it('catches a connection that bypasses the stubs on the tripwire and fails the assertion', () => {
    const guard = installNoNetwork();
    try {
      expect(() => new net.Socket().connect(443, '203.0.113.1')).toThrow(NetworkDisabledError);
      expect(guard.escaped).toEqual([{ api: 'net.Socket#connect', target: 'port 443 203.0.113.1' }]);
      expect(() => expectNothingEscaped(guard)).toThrow(/escaped the network stubs/);
    } finally {
      guard.uninstall();
    }
  });

  it('can keep the window stubs while restoring the shared Node modules', () => {
    const originalRequest = http.request;
    const guard = installNoNetwork();
    const stubbedWebSocket = globalThis.WebSocket;
    guard.uninstall({ keepBrowserStubs: true });
    expect(http.request).toBe(originalRequest);
    expect(globalThis.WebSocket).toBe(stubbedWebSocket);
    guard.uninstall();
    expect(globalThis.WebSocket).not.toBe(stubbedWebSocket);
  });
});
