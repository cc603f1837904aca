/**
 * Keeps every byte inside the test process while a Tencent SDK (or a reference bundle) is
 * loaded: the SDKs open WebSockets, post telemetry with XHR/fetch and probe the network, and
 * this machine may only talk to loopback.
 *
 * Two layers:
 * - stubs at every API an SDK (or jsdom/undici underneath it) uses to reach out — `fetch`,
 *   `XMLHttpRequest`, `WebSocket`, `navigator.sendBeacon`, Node `http`/`https`/`http2`
 *   request functions, `net`/`tls` connect, `dgram` sockets and DNS look-ups. Each records the
 *   attempt in `blocked` and throws or returns an inert object;
 * - tripwires one level lower (`net.Socket#connect`, `dgram.Socket#send`/`connect`) that record
 *   into `escaped` anything that got past the first layer by a path it does not cover.
 *
 * A test asserts `guard.escaped` is empty (`expectNothingEscaped`). Install before the SDK is
 * imported (bundles capture globals at import time) and uninstall in `afterAll`.
 */
import dgram from 'node:dgram';
import dns from 'node:dns';
import http from 'node:http';
import http2 from 'node:http2';
import https from 'node:https';
import net from 'node:net';
import tls from 'node:tls';

/** One attempt to reach the network. */
export interface NetworkAttempt {
  /** The API used, e.g. `fetch`, `XMLHttpRequest.send`, `https.request`, `net.Socket#connect`. */
  readonly api: string;
  /** Where it wanted to go, as far as the arguments tell. */
  readonly target: string;
}

/** Handle on installed stubs. */
export interface NoNetworkGuard {
  /** Attempts stopped by the stubs. */
  readonly blocked: readonly NetworkAttempt[];
  /** Attempts that got past the stubs and were caught only by a tripwire (must stay empty). */
  readonly escaped: readonly NetworkAttempt[];
  /**
   * Restores the patched functions. Idempotent. With `keepBrowserStubs`, restores only the Node
   * modules (shared by every test file of the jest worker) and leaves the jsdom window's
   * `fetch`/`XMLHttpRequest`/`WebSocket`/`sendBeacon` stubbed: a real SDK's timers may still fire
   * until jest discards this file's window, and must find nothing to reach out with.
   */
  uninstall(options?: { readonly keepBrowserStubs?: boolean }): void;
}

/** The error the stubs throw. */
export class NetworkDisabledError extends Error {
  constructor(readonly attempt: NetworkAttempt) {
    super(`network disabled in tests: ${attempt.api} ${attempt.target}`);
    this.name = 'NetworkDisabledError';
  }
}

type AnyFn = (...args: unknown[]) => unknown;
type Patchable = Record<string, unknown>;

function describeTarget(args: readonly unknown[]): string {
  const first = args[0];
  if (typeof first === 'string') return first;
  if (first instanceof URL) return first.href;
  if (typeof first === 'number') return `port ${first}${typeof args[1] === 'string' ? ` ${args[1]}` : ''}`;
  if (first && typeof first === 'object') {
    const o = first as Record<string, unknown>;
    if (typeof o['url'] === 'string') return o['url'];
    const host = o['host'] ?? o['hostname'] ?? o['path'] ?? '?';
    return `${String(host)}${o['port'] !== undefined ? `:${String(o['port'])}` : ''}`;
  }
  return String(first);
}

/** Installs the stubs and tripwires; see the file comment. */
export function installNoNetwork(): NoNetworkGuard {
  const blocked: NetworkAttempt[] = [];
  const escaped: NetworkAttempt[] = [];
  const restorers: (() => void)[] = [];
  const browserRestorers: (() => void)[] = [];
  let installed = true;
  let browserInstalled = true;
  let collecting = browserRestorers;

  const patch = (owner: object, key: string, value: unknown): void => {
    const target = owner as Patchable;
    const had = Object.prototype.hasOwnProperty.call(target, key);
    const previous = target[key];
    Object.defineProperty(target, key, { value, configurable: true, writable: true, enumerable: false });
    collecting.push(() => {
      if (had) {
        Object.defineProperty(target, key, {
          value: previous,
          configurable: true,
          writable: true,
          enumerable: false,
        });
      } else {
        delete target[key];
      }
    });
  };
  const block = (api: string, args: readonly unknown[]): NetworkDisabledError => {
    const attempt = { api, target: describeTarget(args) };
    blocked.push(attempt);
    return new NetworkDisabledError(attempt);
  };
  const thrower =
    (api: string): AnyFn =>
    (...args) => {
      throw block(api, args);
    };

  // --- Browser-level APIs (jsdom window == globalThis in the jest dom environment) ---
  const g = globalThis as unknown as Patchable;
  patch(g, 'fetch', (...args: unknown[]) => Promise.reject(block('fetch', args)));

  class InertXMLHttpRequest {
    static readonly UNSENT = 0;
    static readonly OPENED = 1;
    static readonly DONE = 4;
    readyState = 0;
    status = 0;
    responseText = '';
    response: unknown = null;
    timeout = 0;
    withCredentials = false;
    onreadystatechange: unknown = null;
    onload: unknown = null;
    onerror: unknown = null;
    ontimeout: unknown = null;
    onabort: unknown = null;
    upload = { addEventListener: () => undefined };
    private url = '';
    open(_method: string, url: string): void {
      this.url = String(url);
      this.readyState = 1;
    }
    setRequestHeader(): void {}
    getAllResponseHeaders(): string {
      return '';
    }
    getResponseHeader(): null {
      return null;
    }
    addEventListener(): void {}
    removeEventListener(): void {}
    overrideMimeType(): void {}
    abort(): void {}
    /** Records and never answers (an inert request: no callback, no timer). */
    send(): void {
      block('XMLHttpRequest.send', [this.url]);
    }
  }
  patch(g, 'XMLHttpRequest', InertXMLHttpRequest);

  class InertWebSocket {
    static readonly CONNECTING = 0;
    static readonly OPEN = 1;
    static readonly CLOSING = 2;
    static readonly CLOSED = 3;
    readonly CONNECTING = 0;
    readonly OPEN = 1;
    readonly CLOSING = 2;
    readonly CLOSED = 3;
    /** Never opens: stays CONNECTING, fires nothing. */
    readyState = 0;
    binaryType = 'blob';
    bufferedAmount = 0;
    protocol = '';
    extensions = '';
    onopen: unknown = null;
    onmessage: unknown = null;
    onerror: unknown = null;
    onclose: unknown = null;
    constructor(readonly url: string) {
      block('WebSocket', [url]);
    }
    send(): void {}
    close(): void {
      this.readyState = 3;
    }
    addEventListener(): void {}
    removeEventListener(): void {}
  }
  patch(g, 'WebSocket', InertWebSocket);
  if (typeof navigator !== 'undefined') {
    patch(navigator, 'sendBeacon', (...args: unknown[]) => {
      block('navigator.sendBeacon', args);
      return false;
    });
  }
  if (typeof g['EventSource'] === 'function') {
    patch(g, 'EventSource', thrower('EventSource'));
  }

  // --- Node-level APIs (jsdom's XHR, undici, the SDKs' Node paths) ---
  collecting = restorers;
  for (const [name, mod] of [
    ['http', http],
    ['https', https],
  ] as const) {
    patch(mod, 'request', thrower(`${name}.request`));
    patch(mod, 'get', thrower(`${name}.get`));
  }
  patch(http2, 'connect', thrower('http2.connect'));
  patch(net, 'connect', thrower('net.connect'));
  patch(net, 'createConnection', thrower('net.createConnection'));
  patch(tls, 'connect', thrower('tls.connect'));
  patch(dgram, 'createSocket', thrower('dgram.createSocket'));
  for (const fn of ['lookup', 'resolve', 'resolve4', 'resolve6', 'resolveAny', 'lookupService']) {
    patch(dns, fn, thrower(`dns.${fn}`));
    patch(dns.promises, fn, (...args: unknown[]) => Promise.reject(block(`dns.promises.${fn}`, args)));
  }

  // --- Tripwires: anything reaching these bypassed the stubs above ---
  const tripwire =
    (api: string): AnyFn =>
    (...args) => {
      const attempt = { api, target: describeTarget(args) };
      escaped.push(attempt);
      throw new NetworkDisabledError(attempt);
    };
  patch(net.Socket.prototype, 'connect', tripwire('net.Socket#connect'));
  patch(dgram.Socket.prototype, 'send', tripwire('dgram.Socket#send'));
  patch(dgram.Socket.prototype, 'connect', tripwire('dgram.Socket#connect'));

  return {
    blocked,
    escaped,
    uninstall(options?: { readonly keepBrowserStubs?: boolean }): void {
      if (installed) {
        installed = false;
        for (const restore of restorers.reverse()) restore();
      }
      if (browserInstalled && !options?.keepBrowserStubs) {
        browserInstalled = false;
        for (const restore of browserRestorers.reverse()) restore();
      }
    },
  };
}

/** Fails the test if anything got past the stubs (for use with `expect` in a spec). */
export function expectNothingEscaped(guard: NoNetworkGuard): void {
  if (guard.escaped.length > 0) {
    throw new Error(
      `outbound connection attempts escaped the network stubs: ${guard.escaped
        .map((a) => `${a.api} ${a.target}`)
        .join(', ')}`,
    );
  }
}
