import { PacerError } from '../../domain/pacer-error.ts';
import type { Clock } from '../../domain/ports/clock.ts';
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
import { isPermanentJobError, jobFailureError } from './job-failure-error.ts';
import { ListenerSet } from './listener-set.ts';
import { consoleQueueLogger } from './queue-logger.ts';
import type { QueueLogger } from './queue-logger.ts';
import { systemTimers } from './timers.ts';
import type { TimerHandle, Timers } from './timers.ts';
import { toJsonPayload } from './to-json-payload.ts';
import { backoffDelayMs, validateConcurrency, validateJobRequest, validateQueueName } from './validate-job-request.ts';
import type { ResolvedJobOptions } from './validate-job-request.ts';

export interface InProcessJobQueueOptions {
  logger?: QueueLogger;
  /** Time for job timestamps; default the system clock. Pass `ManualTimers.clock` with `timers`. */
  clock?: Clock;
  /** Where delays and retry back-offs are scheduled; default Node's timers. */
  timers?: Timers;
  /** Finished (completed or failed) jobs kept per queue for `getJob` and jobId idempotency; default 1000. */
  keepFinishedJobs?: number;
}

interface StoredJob {
  id: string;
  queue: string;
  name: string;
  /** JSON form: every run gets a fresh copy, as on Redis. */
  json: string;
  options: ResolvedJobOptions;
  state: JobState;
  attemptsMade: number;
  /** JSON form of the progress. */
  progressJson: string;
  failedReason?: string;
  createdAtMs: number;
  processedAtMs?: number;
  finishedAtMs?: number;
  timer?: TimerHandle;
}

interface Worker {
  handler: JobHandler<unknown>;
  concurrency: number;
  running: number;
}

interface QueueState {
  jobs: Map<string, StoredJob>;
  waiting: StoredJob[];
  finished: string[];
  worker?: Worker;
  nextId: number;
}

/**
 * The single-node `JobQueue`: jobs live in memory (lost on restart), run by the handler registered
 * with `process` with its concurrency, retried with back-off up to `attempts`, then reported through
 * `onFailed`. Delays run on the injected `Timers` (virtual time in tests). `close()` stops taking new
 * work, drops delayed jobs and waits for the running ones.
 *
 * @example
 * ```ts
 * const queue = new InProcessJobQueue();
 * queue.process<{ importId: string }>('imports', async (job) => { await runImport(job.data.importId); });
 * await queue.add('imports', 'import', { importId }, { jobId: importId });
 * await queue.close();
 * ```
 */
export class InProcessJobQueue implements JobQueue {
  readonly #logger: QueueLogger;
  readonly #clock: Clock;
  readonly #timers: Timers;
  readonly #keepFinished: number;
  readonly #queues = new Map<string, QueueState>();
  readonly #running = new Set<Promise<void>>();
  readonly #failures: ListenerSet<JobFailure>;
  #closed = false;
  #closing: Promise<void> | undefined;

  constructor(options: InProcessJobQueueOptions = {}) {
    this.#logger = options.logger ?? consoleQueueLogger;
    this.#clock = options.clock ?? { nowMs: () => Date.now() };
    this.#timers = options.timers ?? systemTimers;
    this.#keepFinished = options.keepFinishedJobs ?? 1000;
    if (!Number.isSafeInteger(this.#keepFinished) || this.#keepFinished < 0) {
      throw new PacerError('CONFIG_INVALID', 'keepFinishedJobs must be an integer >= 0', {
        issues: [{ field: 'keepFinishedJobs', reason: 'must be an integer >= 0' }],
      });
    }
    this.#failures = new ListenerSet<JobFailure>(this.#logger, 'job failed', (f) => ({ queue: f.queue, jobId: f.jobId, err: f.error }));
  }

  async add<T>(queue: string, name: string, data: T, options?: JobOptions): Promise<string> {
    if (this.#closed) throw new PacerError('QUEUE_CLOSED', `cannot add job ${name} to ${queue}: the queue is closed`);
    const resolved = validateJobRequest(queue, name, options);
    const json = toJsonPayload(data, 'data');
    const state = this.#queue(queue);
    if (resolved.jobId !== undefined && state.jobs.has(resolved.jobId)) return resolved.jobId;
    const id = resolved.jobId ?? String(++state.nextId);
    const job: StoredJob = {
      id,
      queue,
      name,
      json,
      options: resolved,
      state: 'waiting',
      attemptsMade: 0,
      progressJson: '0',
      createdAtMs: this.#clock.nowMs(),
    };
    state.jobs.set(id, job);
    if (resolved.delayMs > 0) this.#delay(state, job, resolved.delayMs);
    else this.#enqueue(state, job);
    return id;
  }

  process<T>(queue: string, handler: JobHandler<T>, options?: { concurrency?: number }): void {
    if (this.#closed) throw new PacerError('QUEUE_CLOSED', `cannot process ${queue}: the queue is closed`);
    validateQueueName(queue);
    const concurrency = validateConcurrency(options);
    const state = this.#queue(queue);
    if (state.worker !== undefined) throw new PacerError('CONFLICT', `queue ${queue} already has a handler in this process`);
    state.worker = { handler: handler as JobHandler<unknown>, concurrency, running: 0 };
    this.#pump(state);
  }

  async getJob<T = unknown>(queue: string, id: string): Promise<JobInfo<T> | undefined> {
    validateQueueName(queue);
    const job = this.#queues.get(queue)?.jobs.get(id);
    if (job === undefined) return undefined;
    const info: JobInfo<T> = {
      id: job.id,
      queue: job.queue,
      name: job.name,
      data: JSON.parse(job.json) as T,
      state: job.state,
      attemptsMade: job.attemptsMade,
      attempts: job.options.attempts,
      progress: JSON.parse(job.progressJson) as JobProgress,
      createdAtMs: job.createdAtMs,
    };
    if (job.failedReason !== undefined) info.failedReason = job.failedReason;
    if (job.processedAtMs !== undefined) info.processedAtMs = job.processedAtMs;
    if (job.finishedAtMs !== undefined) info.finishedAtMs = job.finishedAtMs;
    return info;
  }

  onFailed(listener: JobFailureListener): () => void {
    return this.#failures.add(listener);
  }

  async ping(): Promise<boolean> {
    return !this.#closed;
  }

  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    this.#closed = true;
    let dropped = 0;
    for (const state of this.#queues.values()) {
      for (const job of state.jobs.values()) {
        if (job.timer !== undefined) {
          this.#timers.clear(job.timer);
          delete job.timer;
          dropped++;
        }
      }
    }
    if (dropped > 0) this.#logger.warn({ dropped }, 'in-process job queue closed with delayed jobs: they are dropped');
    while (this.#running.size > 0) await Promise.allSettled([...this.#running]);
  }

  #queue(name: string): QueueState {
    let state = this.#queues.get(name);
    if (state === undefined) {
      state = { jobs: new Map(), waiting: [], finished: [], nextId: 0 };
      this.#queues.set(name, state);
    }
    return state;
  }

  #delay(state: QueueState, job: StoredJob, delayMs: number): void {
    job.state = 'delayed';
    this.#wakeAt(state, job, this.#clock.nowMs() + delayMs);
  }

  /** Node's timers may fire a millisecond early by the wall clock: re-arm until `dueAtMs` is reached. */
  #wakeAt(state: QueueState, job: StoredJob, dueAtMs: number): void {
    job.timer = this.#timers.set(() => {
      delete job.timer;
      if (this.#closed) return;
      const remainingMs = dueAtMs - this.#clock.nowMs();
      if (remainingMs > 0) this.#wakeAt(state, job, dueAtMs);
      else this.#enqueue(state, job);
    }, dueAtMs - this.#clock.nowMs());
  }

  #enqueue(state: QueueState, job: StoredJob): void {
    job.state = 'waiting';
    state.waiting.push(job);
    this.#pump(state);
  }

  #pump(state: QueueState): void {
    const worker = state.worker;
    if (worker === undefined) return;
    while (!this.#closed && worker.running < worker.concurrency) {
      const job = state.waiting.shift();
      if (job === undefined) return;
      worker.running++;
      const run = this.#run(state, worker, job).finally(() => {
        this.#running.delete(run);
        worker.running--;
        this.#pump(state);
      });
      this.#running.add(run);
    }
  }

  async #run(state: QueueState, worker: Worker, stored: StoredJob): Promise<void> {
    stored.state = 'active';
    stored.processedAtMs = this.#clock.nowMs();
    const job: Job<unknown> = {
      id: stored.id,
      queue: stored.queue,
      name: stored.name,
      data: JSON.parse(stored.json) as unknown,
      attempt: stored.attemptsMade + 1,
      updateProgress: async (progress) => {
        stored.progressJson = toJsonPayload(progress, 'progress');
      },
    };
    let failure: { error: unknown } | undefined;
    try {
      await worker.handler(job);
    } catch (err) {
      failure = { error: err };
    }
    stored.attemptsMade++;
    if (failure === undefined) {
      stored.state = 'completed';
      stored.finishedAtMs = this.#clock.nowMs();
      this.#retire(state, stored);
      return;
    }
    const err = failure.error;
    stored.failedReason = err instanceof Error ? err.message : String(err);
    if (!isPermanentJobError(err) && stored.attemptsMade < stored.options.attempts && !this.#closed) {
      const delayMs = backoffDelayMs(stored.options.backoff, stored.attemptsMade);
      if (delayMs > 0) this.#delay(state, stored, delayMs);
      else {
        stored.state = 'waiting';
        state.waiting.push(stored);
      }
      return;
    }
    stored.state = 'failed';
    stored.finishedAtMs = this.#clock.nowMs();
    this.#retire(state, stored);
    this.#failures.emit({
      queue: stored.queue,
      jobId: stored.id,
      name: stored.name,
      data: JSON.parse(stored.json) as unknown,
      attemptsMade: stored.attemptsMade,
      error: jobFailureError(stored.queue, stored.id, stored.name, stored.attemptsMade, err),
    });
  }

  /** Keeps the newest `keepFinishedJobs` finished jobs of the queue. */
  #retire(state: QueueState, job: StoredJob): void {
    state.finished.push(job.id);
    while (state.finished.length > this.#keepFinished) {
      const oldest = state.finished.shift();
      if (oldest !== undefined) state.jobs.delete(oldest);
    }
  }
}
