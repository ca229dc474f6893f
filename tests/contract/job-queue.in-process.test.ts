import { InProcessJobQueue } from '../../src/adapters/queue/in-process-job-queue.ts';
import { ManualTimers } from '../../src/adapters/queue/manual-timers.ts';
import { describeJobQueueContract } from './job-queue.contract.ts';

describeJobQueueContract('in-process (virtual time)', async ({ logger }) => {
  const timers = new ManualTimers();
  const queue = new InProcessJobQueue({ logger, clock: timers.clock, timers });
  return {
    queue,
    virtualTime: true,
    async advanceMs(ms) {
      timers.advanceMs(ms);
    },
    dispose: () => queue.close(),
  };
});

describeJobQueueContract('in-process (system timers)', async ({ logger }) => {
  const queue = new InProcessJobQueue({ logger });
  return {
    queue,
    virtualTime: false,
    async advanceMs() {},
    dispose: () => queue.close(),
  };
});
