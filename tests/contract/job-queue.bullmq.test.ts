import { inject } from 'vitest';
import { BullmqJobQueue } from '../../src/adapters/queue/bullmq-job-queue.ts';
import { describeJobQueueContract } from './job-queue.contract.ts';
import { deleteKeys, uniquePrefix } from './redis-test-support.ts';

describeJobQueueContract('BullMQ on Redis', async ({ logger }) => {
  const prefix = uniquePrefix('jobs');
  const queue = new BullmqJobQueue({ redisUrl: inject('redisUrl'), prefix, logger });
  return {
    queue,
    virtualTime: false,
    async advanceMs() {},
    async dispose() {
      await queue.close();
      await deleteKeys(prefix);
    },
  };
});
