import { describe, expect, it } from 'vitest';
import { RedisEventBus } from '../../../src/adapters/bus/redis-event-bus.ts';
import { RedisLease } from '../../../src/adapters/lease/redis-lease.ts';
import { BullmqJobQueue } from '../../../src/adapters/queue/bullmq-job-queue.ts';
import { isPacerError } from '../../../src/domain/pacer-error.ts';
import { RecordingLogger } from '../../contract/wait-for.ts';

/** Nothing listens on port 1: every call must fail fast with a stable code, never hang. */
const deadUrl = 'redis://127.0.0.1:1';

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
    return undefined;
  } catch (err) {
    return isPacerError(err) ? err.code : `not a PacerError: ${String(err)}`;
  }
}

describe('Redis adapters when Redis is unreachable', () => {
  it('job queue: ping is false, add and getJob reject with QUEUE_UNAVAILABLE, close still works', async () => {
    const logger = new RecordingLogger();
    const queue = new BullmqJobQueue({ redisUrl: deadUrl, logger, pingTimeoutMs: 200, readyTimeoutMs: 200 });
    expect(await queue.ping()).toBe(false);
    expect(await codeOf(queue.add('imports', 'import', { importId: 'x' }))).toBe('QUEUE_UNAVAILABLE');
    expect(await codeOf(queue.getJob('imports', 'x'))).toBe('QUEUE_UNAVAILABLE');
    queue.process('imports', async () => undefined);
    await queue.close();
    expect(logger.entries.some((e) => e.msg === 'redis ping failed')).toBe(true);
    expect(logger.entries.some((e) => e.msg === 'redis connection error')).toBe(true);
  });

  it('event bus: publish and subscribe reject with QUEUE_UNAVAILABLE, ping is false', async () => {
    const bus = new RedisEventBus({ redisUrl: deadUrl, logger: new RecordingLogger(), pingTimeoutMs: 200, readyTimeoutMs: 200 });
    expect(await bus.ping()).toBe(false);
    expect(await codeOf(bus.publish('t', 1))).toBe('QUEUE_UNAVAILABLE');
    expect(await codeOf(bus.subscribe('t', () => undefined))).toBe('QUEUE_UNAVAILABLE');
    await bus.close();
  });

  it('lease: every call rejects with QUEUE_UNAVAILABLE', async () => {
    const lease = new RedisLease({ redisUrl: deadUrl, logger: new RecordingLogger(), readyTimeoutMs: 200 });
    expect(await codeOf(lease.acquire('c', 'a', 1000))).toBe('QUEUE_UNAVAILABLE');
    expect(await codeOf(lease.renew('c', 'a', 1000))).toBe('QUEUE_UNAVAILABLE');
    expect(await codeOf(lease.release('c', 'a'))).toBe('QUEUE_UNAVAILABLE');
    expect(await codeOf(lease.inspect('c'))).toBe('QUEUE_UNAVAILABLE');
    await lease.close();
  });
});
