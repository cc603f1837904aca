import type { Logger } from 'pino';
import type { Backend } from '../cluster';
import type { ServerConfig } from '../config';
import type { Metrics } from '../metrics';
import { RedisBackend } from '../redis-backend';
import { parseJanusInstances } from './janus-config';
import { JanusSfu } from './janus-sfu';
import { MemoryPlacements } from './placements';
import { RedisPlacements } from './redis-placements';

/**
 * The server's Janus side for `config` (undefined without `--janus`): placements in the backend's
 * Redis when there is one (every node places a room the same way), else in memory.
 */
export function createJanusSfu(
  config: ServerConfig,
  deps: { log: Logger; metrics: Metrics; now: () => number; backend: Backend },
): JanusSfu | undefined {
  if (!config.janusUrls?.length) return undefined;
  const placements =
    deps.backend instanceof RedisBackend
      ? new RedisPlacements(deps.backend.redis.cmd, deps.backend.redis.prefix, deps.now)
      : new MemoryPlacements(deps.now);
  return new JanusSfu({
    instances: parseJanusInstances(config.janusUrls),
    placements,
    secret: config.secretKey,
    ...(config.janusAdminKey === undefined ? {} : { adminKey: config.janusAdminKey }),
    threshold: config.sfuThreshold,
    publishers: config.maxPeersPerSfuRoom,
    log: deps.log,
    metrics: deps.metrics,
  });
}
