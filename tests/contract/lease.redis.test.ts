import { inject } from 'vitest';
import { RedisLease } from '../../src/adapters/lease/redis-lease.ts';
import { describeLeaseContract } from './lease.contract.ts';
import { deleteKeys, uniquePrefix } from './redis-test-support.ts';

describeLeaseContract('Redis', async () => {
  const prefix = uniquePrefix('lease');
  const lease = new RedisLease({ redisUrl: inject('redisUrl'), prefix });
  return {
    lease,
    shortTtlMs: 50,
    virtualTime: false,
    async advanceMs() {},
    async dispose() {
      await lease.close();
      await deleteKeys(prefix);
    },
  };
});
