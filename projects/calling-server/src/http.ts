import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { BackendHealth } from './cluster';
import type { ServerConfig } from './config';
import type { Metrics } from './metrics';
import type { JanusHealth } from './janus/instances';
import { USER_ID_RULE } from 'ngx-trtc-calling/wire';
import { USER_ID_PATTERN, genUserSig } from './usersig';

/** What the HTTP endpoints read. */
export interface HttpDeps {
  readonly config: ServerConfig;
  readonly metrics: Metrics;
  readonly log: Logger;
  readonly liveSessions: () => number;
  readonly uptimeSeconds: () => number;
  readonly now: () => number;
  /** Redis status (several nodes only). */
  readonly health?: () => BackendHealth | undefined;
  /** Janus instances up or down (with `--janus`); the mesh works without them, so never a 503. */
  readonly janus?: () => readonly JanusHealth[];
}

/** Lifetime of UserSigs issued by `GET /dev/usersig`. */
export const DEV_USERSIG_TTL_SECONDS = 24 * 3600;

function json(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    ...headers,
  });
  res.end(JSON.stringify(body));
}

/**
 * The plain HTTP endpoints: `GET /healthz`, `GET /metrics` and, with `--dev` only,
 * `GET /dev/usersig?userID=` (any origin may call it).
 */
export function createHttpHandler(deps: HttpDeps): (req: IncomingMessage, res: ServerResponse) => void {
  const { config, metrics, log } = deps;
  return (req, res) => {
    try {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const path = url.pathname;
      if (config.dev && path === '/dev/usersig') {
        const cors = {
          'access-control-allow-origin': '*',
          'access-control-allow-methods': 'GET, OPTIONS',
          'access-control-allow-headers': 'content-type',
        };
        if (req.method === 'OPTIONS') {
          res.writeHead(204, cors);
          res.end();
          return;
        }
        if (req.method !== 'GET') return json(res, 405, { error: 'method not allowed' }, cors);
        const userID = url.searchParams.get('userID') ?? '';
        if (!USER_ID_PATTERN.test(userID)) {
          return json(res, 400, { error: `userID must be ${USER_ID_RULE}` }, cors);
        }
        const userSig = genUserSig({
          sdkAppID: config.sdkAppID,
          secretKey: config.secretKey,
          userID,
          expireSeconds: DEV_USERSIG_TTL_SECONDS,
          now: deps.now(),
        });
        log.info({ userID }, 'dev UserSig issued');
        return json(res, 200, { userID, userSig, SDKAppID: config.sdkAppID }, cors);
      }
      if (req.method !== 'GET' && req.method !== 'HEAD')
        return json(res, 405, { error: 'method not allowed' });
      if (path === '/healthz') {
        const janus = deps.janus?.();
        const base = {
          uptime: deps.uptimeSeconds(),
          sessions: deps.liveSessions(),
          ...(janus ? { janus } : {}),
        };
        const cluster = deps.health?.();
        if (!cluster) return json(res, 200, { status: 'ok', ...base });
        // Without Redis this node cannot route: a load balancer should send clients elsewhere.
        const up = cluster.redis === 'up';
        return json(res, up ? 200 : 503, { status: up ? 'ok' : 'degraded', ...base, ...cluster });
      }
      if (path === '/metrics') {
        res.writeHead(200, {
          'content-type': 'text/plain; version=0.0.4; charset=utf-8',
          'cache-control': 'no-store',
        });
        res.end(metrics.render());
        return;
      }
      json(res, 404, { error: 'not found' });
    } catch (err) {
      log.error({ err }, 'http handler failed');
      if (!res.headersSent) json(res, 500, { error: 'internal' });
      else res.destroy();
    }
  };
}
