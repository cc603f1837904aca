/**
 * How the global setup hands its servers to the test workers: environment variables (set in the
 * runner process before the workers start, so every worker inherits them).
 */

/** What the global setup started. */
export interface E2eServers {
  /** `ws://` URL of the calling-server (dev mode). */
  readonly callingServerUrl: string;
  /** `http://` base URL of the calling-server (`/dev/usersig`, `/healthz`, `/metrics`). */
  readonly callingServerHttpUrl: string;
  /** The SDKAppID of the dev server. */
  readonly sdkAppID: number;
  /** `http://` base URL of the static server (the harness is under `/harness/`). */
  readonly staticBaseURL: string;
}

const KEYS = {
  callingServerUrl: 'E2E_CALLING_SERVER_URL',
  callingServerHttpUrl: 'E2E_CALLING_SERVER_HTTP_URL',
  sdkAppID: 'E2E_SDKAPPID',
  staticBaseURL: 'E2E_STATIC_BASE_URL',
} as const;

export function publishServers(servers: E2eServers): void {
  process.env[KEYS.callingServerUrl] = servers.callingServerUrl;
  process.env[KEYS.callingServerHttpUrl] = servers.callingServerHttpUrl;
  process.env[KEYS.sdkAppID] = String(servers.sdkAppID);
  process.env[KEYS.staticBaseURL] = servers.staticBaseURL;
}

export function readServers(): E2eServers {
  const get = (key: string) => {
    const value = process.env[key];
    if (!value) throw new Error(`${key} is not set: run the e2e tests with -c e2e/playwright.config.ts`);
    return value;
  };
  return {
    callingServerUrl: get(KEYS.callingServerUrl),
    callingServerHttpUrl: get(KEYS.callingServerHttpUrl),
    sdkAppID: Number(get(KEYS.sdkAppID)),
    staticBaseURL: get(KEYS.staticBaseURL),
  };
}
