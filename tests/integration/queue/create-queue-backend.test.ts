import { randomUUID } from 'node:crypto';
import { describe, expect, inject, it } from 'vitest';
import { createQueueBackend } from '../../../src/adapters/queue/create-queue-backend.ts';
import { readEvictionPolicy, warnUnlessNoEviction, createRedisClient } from '../../../src/adapters/queue/create-redis-client.ts';
import { isPacerError } from '../../../src/domain/pacer-error.ts';
import { ManualClock } from '../../../src/domain/ports/clock.ts';
import { RecordingLogger, waitFor } from '../../contract/wait-for.ts';
import { deleteKeys } from '../../contract/redis-test-support.ts';

type Events = { 'import.progress': { importId: string; rowsDone: number } };

function configErrorFields(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    if (isPacerError(err, 'CONFIG_INVALID')) return err.issues.map((i) => i.field);
    throw err;
  }
  throw new Error('expected CONFIG_INVALID');
}

describe('createQueueBackend', () => {
  it('without a Redis URL builds the in-process backend, its lease on the given clock', async () => {
    const clock = new ManualClock();
    const backend = createQueueBackend<Events>({ clock, logger: new RecordingLogger() });
    expect(backend.kind).toBe('in-process');
    expect(await backend.ping()).toBe(true);
    expect(await backend.lease.acquire('c', 'a', 1_000)).toBe(true);
    clock.advanceMs(1_000);
    expect(await backend.lease.acquire('c', 'b', 1_000)).toBe(true);
    await Promise.all([backend.close(), backend.close()]);
    expect(await backend.ping()).toBe(false);
  });

  it('with a Redis URL wires BullMQ, pub/sub and the lease under one prefix', async () => {
    const prefix = `pacer-test-${randomUUID()}`;
    const logger = new RecordingLogger();
    const backend = createQueueBackend<Events>({ redisUrl: inject('redisUrl'), prefix, logger });
    try {
      expect(backend.kind).toBe('redis');
      expect(await backend.ping()).toBe(true);
      const progress: Events['import.progress'][] = [];
      await backend.eventBus.subscribe('import.progress', (p) => {
        progress.push(p);
      });
      backend.jobQueue.process<{ importId: string }>('imports', async (job) => {
        await backend.eventBus.publish('import.progress', { importId: job.data.importId, rowsDone: 10 });
      });
      await backend.jobQueue.add('imports', 'import', { importId: 'imp-1' }, { jobId: 'imp-1' });
      await waitFor(() => progress.length === 1, 'the progress event');
      expect(progress).toEqual([{ importId: 'imp-1', rowsDone: 10 }]);
      expect(await backend.lease.acquire('campaign:1', 'node-a', 60_000)).toBe(true);
      expect((await backend.lease.inspect('campaign:1'))?.ownerId).toBe('node-a');
    } finally {
      await backend.close();
      await backend.close();
      await deleteKeys(prefix);
    }
    // Redis here runs with noeviction (CI sets it): no warning.
    expect(logger.entries.filter((e) => e.level === 'warn')).toEqual([]);
  });

  it('rejects a bad Redis URL or prefix with CONFIG_INVALID naming the field', () => {
    expect(configErrorFields(() => createQueueBackend({ redisUrl: 'not a url' }))).toEqual(['redisUrl']);
    expect(configErrorFields(() => createQueueBackend({ redisUrl: 'http://127.0.0.1:6379' }))).toEqual(['redisUrl']);
    expect(configErrorFields(() => createQueueBackend({ prefix: 'has space' }))).toEqual(['prefix']);
  });
});

describe('maxmemory-policy check', () => {
  it('reads the policy of the test Redis (noeviction)', async () => {
    const redis = createRedisClient(inject('redisUrl'), 'pacer-test', new RecordingLogger());
    try {
      expect(await readEvictionPolicy(redis)).toBe('noeviction');
    } finally {
      await redis.quit();
    }
  });

  it('warns when the policy would evict queued jobs', async () => {
    const logger = new RecordingLogger();
    const evicting = { info: async () => '# Memory\r\nmaxmemory_policy:allkeys-lru\r\n' } as unknown as Parameters<typeof warnUnlessNoEviction>[0];
    await warnUnlessNoEviction(evicting, logger);
    expect(logger.entries).toEqual([{ level: 'warn', obj: { maxmemoryPolicy: 'allkeys-lru' }, msg: expect.stringContaining('noeviction') }]);
  });
});
