import { InjectionToken } from '@angular/core';
import { SELF_HOSTED_DEV_SDK_APP_ID } from 'ngx-trtc-calling';

/** Where the demo finds its calling-server, read once from the page's URL at bootstrap. */
export interface DemoConfig {
  /** `ws://` or `wss://` URL of the calling-server. */
  readonly serverUrl: string;
  /** `http://` or `https://` base URL of the same server (`/dev/usersig`). */
  readonly httpUrl: string;
  /** The SDKAppID the server serves. */
  readonly sdkAppID: number;
  /** Seconds an invitation rings. */
  readonly ringTimeout: number;
}

/** The demo's runtime configuration (provided in `app.config.ts`). */
export const DEMO_CONFIG = new InjectionToken<DemoConfig>('DEMO_CONFIG');

/** The port `npm start` runs calling-server on. */
export const DEFAULT_SERVER_PORT = 8787;
/** TRTCCalling's default ring timeout, in seconds. */
export const DEFAULT_RING_TIMEOUT = 30;

/**
 * Reads the configuration from the page's location:
 *
 * - `?server=ws://host:port` — the calling-server (default: this page's host, port 8787, so the
 *   demo never points at a host other than the one it was loaded from);
 * - `?ringTimeout=5` — ring timeout in seconds (default 30; e2e tests shorten it);
 * - `?sdkAppID=…` — for a dev server started with another `--sdkappid`.
 *
 * Malformed values fall back to the defaults.
 */
export function readDemoConfig(location: Pick<Location, 'search' | 'hostname' | 'protocol'>): DemoConfig {
  const params = new URLSearchParams(location.search);
  const host = location.hostname || '127.0.0.1';
  const secure = location.protocol === 'https:';
  const fallback = `${secure ? 'wss' : 'ws'}://${bracketed(host)}:${DEFAULT_SERVER_PORT}`;
  const server = parseServerUrl(params.get('server')) ?? new URL(fallback);
  const http = new URL(server.href);
  http.protocol = server.protocol === 'wss:' ? 'https:' : 'http:';
  http.pathname = '';
  http.search = '';
  http.hash = '';
  return {
    serverUrl: server.href,
    httpUrl: http.href.replace(/\/$/, ''),
    sdkAppID:
      positiveNumber(params.get('sdkAppID'), Number.MAX_SAFE_INTEGER, true) ?? SELF_HOSTED_DEV_SDK_APP_ID,
    ringTimeout: positiveNumber(params.get('ringTimeout'), 600, false) ?? DEFAULT_RING_TIMEOUT,
  };
}

function parseServerUrl(value: string | null): URL | null {
  if (!value) return null;
  try {
    const url = new URL(value);
    return url.protocol === 'ws:' || url.protocol === 'wss:' ? url : null;
  } catch {
    return null;
  }
}

function positiveNumber(value: string | null, max: number, integer: boolean): number | null {
  if (value === null || value.trim() === '') return null;
  const n = Number(value);
  return Number.isFinite(n) && n > 0 && n <= max && (!integer || Number.isInteger(n)) ? n : null;
}

/** IPv6 literals need brackets in a URL. */
function bracketed(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}
