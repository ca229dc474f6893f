import { PacerError } from '../../domain/pacer-error.ts';
import type { Clock } from '../../domain/ports/clock.ts';
import type { EventBus, EventMap } from '../../domain/ports/event-bus.ts';
import type { JobQueue } from '../../domain/ports/job-queue.ts';
import type { Lease } from '../../domain/ports/lease.ts';
import { InProcessEventBus } from '../bus/in-process-event-bus.ts';
import { RedisEventBus } from '../bus/redis-event-bus.ts';
import { InProcessLease } from '../lease/in-process-lease.ts';
import { RedisLease } from '../lease/redis-lease.ts';
import { BullmqJobQueue } from './bullmq-job-queue.ts';
import { assertRedisUrl, createRedisClient, warnUnlessNoEviction } from './create-redis-client.ts';
import { InProcessJobQueue } from './in-process-job-queue.ts';
import { consoleQueueLogger } from './queue-logger.ts';
import type { QueueLogger } from './queue-logger.ts';

export interface QueueBackendOptions {
  /** Redis (BullMQ, pub/sub, SET NX leases) when set; single-node in-process adapters otherwise. */
  redisUrl?: string;
  /** Redis key namespace, default `pacer`: jobs under `<prefix>:q`, events `<prefix>:bus`, leases `<prefix>:lease`. */
  prefix?: string;
  logger?: QueueLogger;
  /** Clock of the in-process lease and job timestamps; default the system clock. */
  clock?: Clock;
}

/** The job queue, event bus and lease of one deployment, closed together. */
export interface QueueBackend<Events extends EventMap = EventMap> {
  readonly kind: 'redis' | 'in-process';
  readonly jobQueue: JobQueue;
  readonly eventBus: EventBus<Events>;
  readonly lease: Lease;
  /** All three reachable (for /readyz). */
  ping(): Promise<boolean>;
  /** Closes the job queue (waiting for running jobs), the bus and the lease store. Idempotent. */
  close(): Promise<void>;
}

const PREFIX_PATTERN = /^[A-Za-z0-9_.-]{1,100}$/;

/**
 * Builds the queue backend the composition root hands to services. Synchronous: connections open
 * lazily. With Redis it warns (through `logger`) unless Redis runs with `maxmemory-policy noeviction`.
 *
 * @example
 * ```ts
 * const backend = createQueueBackend({ redisUrl: config.redisUrl, logger });
 * backend.jobQueue.process('imports', handleImport);
 * // /readyz: await backend.ping();  shutdown: await backend.close();
 * ```
 */
export function createQueueBackend<Events extends EventMap = EventMap>(options: QueueBackendOptions = {}): QueueBackend<Events> {
  const logger = options.logger ?? consoleQueueLogger;
  const prefix = options.prefix ?? 'pacer';
  if (!PREFIX_PATTERN.test(prefix)) {
    throw new PacerError('CONFIG_INVALID', 'invalid queue prefix', {
      issues: [{ field: 'prefix', reason: 'must be 1-100 letters, digits, "_", "." or "-"' }],
    });
  }
  if (options.redisUrl === undefined) {
    const clock = options.clock;
    const parts = {
      jobQueue: new InProcessJobQueue(clock === undefined ? { logger } : { logger, clock }),
      eventBus: new InProcessEventBus<Events>({ logger }),
      lease: new InProcessLease(clock === undefined ? {} : { clock }),
    };
    return backendOf('in-process', parts);
  }
  const redisUrl = options.redisUrl;
  assertRedisUrl(redisUrl);
  const probe = createRedisClient(redisUrl, 'pacer-probe', logger, { lazyConnect: false });
  const evictionCheck = warnUnlessNoEviction(probe, logger).finally(() => probe.disconnect());
  const parts = {
    jobQueue: new BullmqJobQueue({ redisUrl, prefix: `${prefix}:q`, logger }),
    eventBus: new RedisEventBus<Events>({ redisUrl, prefix: `${prefix}:bus`, logger }),
    lease: new RedisLease({ redisUrl, prefix: `${prefix}:lease`, logger }),
  };
  return backendOf('redis', parts, async () => {
    // Let a check that is under way finish (it logs its own failures), but never wait on a dead Redis.
    if (probe.status === 'ready') await evictionCheck;
    probe.disconnect();
  });
}

function backendOf<Events extends EventMap>(
  kind: 'redis' | 'in-process',
  parts: { jobQueue: JobQueue; eventBus: EventBus<Events>; lease: Lease },
  onClosed: () => Promise<void> = async () => undefined,
): QueueBackend<Events> {
  let closing: Promise<void> | undefined;
  return {
    kind,
    ...parts,
    async ping() {
      const [jobs, bus] = await Promise.all([parts.jobQueue.ping(), parts.eventBus.ping()]);
      return jobs && bus;
    },
    close() {
      closing ??= (async () => {
        const results = await Promise.allSettled([parts.jobQueue.close(), parts.eventBus.close(), parts.lease.close()]);
        await onClosed();
        const errors = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
        if (errors.length > 0) throw new PacerError('QUEUE_UNAVAILABLE', 'queue backend did not close cleanly', { cause: new AggregateError(errors) });
      })();
      return closing;
    },
  };
}
