import { callContract } from '@calling-internal/contract';
import { clusterEnv } from './redis-contract.test-util';
import { RedisProcess } from './redis-server.test-util';

/**
 * The call contract over three calling-server nodes sharing one real redis-server: caller and
 * callee (and a user's devices) sit on different nodes, and every reconnect resumes on another
 * node than the one the client was on.
 */
let redis: RedisProcess | undefined;
beforeAll(async () => {
  redis = await RedisProcess.start();
});
afterAll(async () => {
  await redis?.stop();
});

callContract('calling-server ×3 nodes + Redis', () => {
  if (!redis) throw new Error('redis-server did not start');
  return clusterEnv({ redisUrl: redis.url, nodes: 3 });
});
