import { Queue, UnrecoverableError, Worker } from 'bullmq';
import type { Job as BullJob, JobsOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import { PacerError } from '../../domain/pacer-error.ts';
import type {
  Job,
  JobFailure,
  JobFailureListener,
  JobHandler,
  JobInfo,
  JobOptions,
  JobProgress,
  JobQueue,
  JobState,
} from '../../domain/ports/job-queue.ts';
import { closeRedisClient, createRedisClient, pingRedis, throttledErrorLog, whenReady } from './create-redis-client.ts';
import { isPermanentJobError, jobFailureError } from './job-failure-error.ts';
import { ListenerSet } from './listener-set.ts';
import { consoleQueueLogger } from './queue-logger.ts';
import type { QueueLogger } from './queue-logger.ts';
import { toJsonPayload } from './to-json-payload.ts';
import { validateConcurrency, validateJobRequest, validateQueueName } from './validate-job-request.ts';

export interface BullmqJobQueueOptions {
  redisUrl: string;
  /** Namespace of every key (BullMQ's `prefix`); default `pacer:q`. Unique per test run. */
  prefix?: string;
  logger?: QueueLogger;
  /** Finished (completed or failed) jobs kept per queue for `getJob` and jobId idempotency; default 1000. */
  keepFinishedJobs?: number;
  /** Fail `ping()` when Redis does not answer within this; default 2000. */
  pingTimeoutMs?: number;
  /** `add` and `getJob` fail with `QUEUE_UNAVAILABLE` when Redis is not connected within this; default 2000. */
  readyTimeoutMs?: number;
}

const BULL_STATES: Record<string, JobState | undefined> = {
  waiting: 'waiting',
  prioritized: 'waiting',
  'waiting-children': 'waiting',
  delayed: 'delayed',
  active: 'active',
  completed: 'completed',
  failed: 'failed',
};

/**
 * The Redis `JobQueue` on BullMQ: one BullMQ `Queue` (on one shared connection) and at most one
 * `Worker` (own connections, `maxRetriesPerRequest: null`) per queue name. Jobs survive restarts and
 * are shared by every node using the same Redis and prefix; a job whose worker dies is picked up
 * again once its lock expires (30 s), so handlers must be idempotent.
 *
 * @example
 * ```ts
 * const queue = new BullmqJobQueue({ redisUrl: 'redis://127.0.0.1:6379', prefix: 'pacer:q', logger });
 * queue.process<{ importId: string }>('imports', async (job) => { await runImport(job.data.importId); });
 * await queue.add('imports', 'import', { importId }, { jobId: importId, attempts: 3 });
 * await queue.close();
 * ```
 */
export class BullmqJobQueue implements JobQueue {
  readonly #redisUrl: string;
  readonly #prefix: string;
  readonly #logger: QueueLogger;
  readonly #keepFinished: number;
  readonly #pingTimeoutMs: number;
  readonly #readyTimeoutMs: number;
  readonly #connection: Redis;
  readonly #queues = new Map<string, Queue>();
  readonly #workers = new Map<string, Worker>();
  readonly #failures: ListenerSet<JobFailure>;
  /** Errors we wrapped before handing them to BullMQ -> what the handler threw. */
  readonly #thrown = new WeakMap<object, unknown>();
  #closed = false;
  #closing: Promise<void> | undefined;

  constructor(options: BullmqJobQueueOptions) {
    this.#redisUrl = options.redisUrl;
    this.#prefix = options.prefix ?? 'pacer:q';
    this.#logger = options.logger ?? consoleQueueLogger;
    this.#keepFinished = options.keepFinishedJobs ?? 1000;
    this.#pingTimeoutMs = options.pingTimeoutMs ?? 2000;
    this.#readyTimeoutMs = options.readyTimeoutMs ?? 2000;
    if (!Number.isSafeInteger(this.#keepFinished) || this.#keepFinished < 0) {
      throw new PacerError('CONFIG_INVALID', 'keepFinishedJobs must be an integer >= 0', {
        issues: [{ field: 'keepFinishedJobs', reason: 'must be an integer >= 0' }],
      });
    }
    this.#connection = createRedisClient(this.#redisUrl, 'pacer-jobs', this.#logger);
    this.#failures = new ListenerSet<JobFailure>(this.#logger, 'job failed', (f) => ({ queue: f.queue, jobId: f.jobId, err: f.error }));
  }

  async add<T>(queue: string, name: string, data: T, options?: JobOptions): Promise<string> {
    if (this.#closed) throw new PacerError('QUEUE_CLOSED', `cannot add job ${name} to ${queue}: the queue is closed`);
    const resolved = validateJobRequest(queue, name, options);
    toJsonPayload(data, 'data');
    const jobOptions: JobsOptions = {
      attempts: resolved.attempts,
      removeOnComplete: { count: this.#keepFinished },
      removeOnFail: { count: this.#keepFinished },
    };
    if (resolved.jobId !== undefined) jobOptions.jobId = resolved.jobId;
    if (resolved.delayMs > 0) jobOptions.delay = resolved.delayMs;
    if (resolved.backoff !== undefined) jobOptions.backoff = { type: resolved.backoff.type, delay: resolved.backoff.delayMs };
    await whenReady(this.#connection, this.#readyTimeoutMs, `could not add job ${name} to ${queue}`);
    let job: BullJob;
    try {
      job = await this.#queue(queue).add(name, data, jobOptions);
    } catch (err) {
      if (this.#closed) throw new PacerError('QUEUE_CLOSED', `cannot add job ${name} to ${queue}: the queue closed`, { cause: err });
      throw new PacerError('QUEUE_UNAVAILABLE', `could not add job ${name} to ${queue}`, { cause: err });
    }
    if (job.id === undefined) throw new PacerError('INTERNAL', `BullMQ returned no id for job ${name} on ${queue}`);
    return job.id;
  }

  process<T>(queue: string, handler: JobHandler<T>, options?: { concurrency?: number }): void {
    if (this.#closed) throw new PacerError('QUEUE_CLOSED', `cannot process ${queue}: the queue is closed`);
    validateQueueName(queue);
    const concurrency = validateConcurrency(options);
    if (this.#workers.has(queue)) throw new PacerError('CONFLICT', `queue ${queue} already has a handler in this process`);
    const worker = new Worker(queue, (bullJob: BullJob) => this.#run(queue, bullJob, handler), {
      connection: { url: this.#redisUrl, maxRetriesPerRequest: null, connectionName: `pacer-worker-${queue}` },
      prefix: this.#prefix,
      concurrency,
    });
    worker.on('error', throttledErrorLog(this.#logger, 'job queue worker error', { queue }));
    worker.on('failed', (bullJob, err) => this.#onAttemptFailed(queue, bullJob, err));
    this.#workers.set(queue, worker);
  }

  async getJob<T = unknown>(queue: string, id: string): Promise<JobInfo<T> | undefined> {
    validateQueueName(queue);
    await whenReady(this.#connection, this.#readyTimeoutMs, `could not read job ${queue}/${id}`);
    let job: BullJob | undefined;
    let bullState: string | undefined;
    try {
      // The job hash and its state are separate reads: re-read until both come from the same state.
      const bullQueue = this.#queue(queue);
      for (let tries = 0; tries < 5 && bullState === undefined; tries++) {
        const before = await bullQueue.getJobState(id);
        job = await bullQueue.getJob(id);
        if (job === undefined) return undefined;
        const after = await job.getState();
        if (before === after) bullState = after;
      }
    } catch (err) {
      throw new PacerError('QUEUE_UNAVAILABLE', `could not read job ${queue}/${id}`, { cause: err });
    }
    if (job === undefined || bullState === undefined) {
      throw new PacerError('QUEUE_UNAVAILABLE', `job ${queue}/${id} kept changing state while being read`);
    }
    const state = BULL_STATES[bullState];
    if (state === undefined) return undefined; // removed between the two reads
    const info: JobInfo<T> = {
      id,
      queue,
      name: job.name,
      data: job.data as T,
      state,
      attemptsMade: job.attemptsMade,
      attempts: job.opts.attempts ?? 1,
      progress: job.progress as JobProgress,
      createdAtMs: job.timestamp,
    };
    if (job.failedReason) info.failedReason = job.failedReason;
    if (job.processedOn !== undefined) info.processedAtMs = job.processedOn;
    if (job.finishedOn !== undefined) info.finishedAtMs = job.finishedOn;
    return info;
  }

  onFailed(listener: JobFailureListener): () => void {
    return this.#failures.add(listener);
  }

  async ping(): Promise<boolean> {
    if (this.#closed) return false;
    return pingRedis(this.#connection, this.#pingTimeoutMs, this.#logger);
  }

  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    this.#closed = true;
    // Workers first: Worker.close() waits for the jobs they are running.
    const workers = await Promise.allSettled([...this.#workers.values()].map((w) => w.close()));
    const queues = await Promise.allSettled([...this.#queues.values()].map((q) => q.close()));
    const errors = [...workers, ...queues].flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
    try {
      await closeRedisClient(this.#connection);
    } catch (err) {
      errors.push(err);
    }
    if (errors.length > 0) {
      throw new PacerError('QUEUE_UNAVAILABLE', 'job queue did not close cleanly', { cause: new AggregateError(errors) });
    }
  }

  #queue(name: string): Queue {
    let queue = this.#queues.get(name);
    if (queue === undefined) {
      queue = new Queue(name, { connection: this.#connection, prefix: this.#prefix });
      queue.on('error', throttledErrorLog(this.#logger, 'job queue error', { queue: name }));
      this.#queues.set(name, queue);
    }
    return queue;
  }

  async #run<T>(queue: string, bullJob: BullJob, handler: JobHandler<T>): Promise<void> {
    const job: Job<T> = {
      id: bullJob.id ?? '',
      queue,
      name: bullJob.name,
      data: bullJob.data as T,
      attempt: bullJob.attemptsMade + 1,
      updateProgress: async (progress) => {
        toJsonPayload(progress, 'progress');
        await bullJob.updateProgress(progress);
      },
    };
    try {
      await handler(job);
    } catch (err) {
      // BullMQ retries anything but UnrecoverableError, and needs an Error to record the reason.
      if (isPermanentJobError(err) || !(err instanceof Error)) {
        const reason = err instanceof Error ? err.message : String(err);
        const wrapped = isPermanentJobError(err) ? new UnrecoverableError(reason) : new Error(reason);
        this.#thrown.set(wrapped, err);
        throw wrapped;
      }
      throw err;
    }
  }

  #onAttemptFailed(queue: string, bullJob: BullJob | undefined, err: Error): void {
    const cause = this.#thrown.has(err) ? this.#thrown.get(err) : err;
    if (bullJob === undefined) {
      // Stalled too often and already removed: all we know is the error.
      this.#failures.emit({ queue, attemptsMade: 0, error: jobFailureError(queue, undefined, undefined, 0, cause) });
      return;
    }
    const final = err instanceof UnrecoverableError || bullJob.attemptsMade >= (bullJob.opts.attempts ?? 1);
    if (!final) return;
    const failure: JobFailure = {
      queue,
      name: bullJob.name,
      data: bullJob.data as unknown,
      attemptsMade: bullJob.attemptsMade,
      error: jobFailureError(queue, bullJob.id, bullJob.name, bullJob.attemptsMade, cause),
    };
    if (bullJob.id !== undefined) failure.jobId = bullJob.id;
    this.#failures.emit(failure);
  }
}

