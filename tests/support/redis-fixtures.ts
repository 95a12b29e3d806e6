import { test as base } from '@playwright/test';
import { startRedis, type RunningRedis } from './redis.js';

/** One real redis-server per worker, and per test its own key prefix, so tests sharing the worker's Redis never meet. */
export const redisTest = base.extend<{ prefix: string }, { redis: RunningRedis }>({
  redis: [
    async ({}, use) => {
      const redis = await startRedis();
      await use(redis);
      await redis.stop();
    },
    { scope: 'worker' },
  ],
  prefix: async ({}, use, info) => use(`t${info.testId}:`),
});
