import { inject } from 'vitest';
import { RedisEventBus } from '../../src/adapters/bus/redis-event-bus.ts';
import { describeEventBusContract } from './event-bus.contract.ts';
import { uniquePrefix } from './redis-test-support.ts';

describeEventBusContract('Redis pub/sub', async ({ logger }) => {
  const bus = new RedisEventBus({ redisUrl: inject('redisUrl'), prefix: uniquePrefix('bus'), logger });
  return { bus, dispose: () => bus.close() };
});
