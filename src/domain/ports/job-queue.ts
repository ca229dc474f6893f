import type { PacerError, PacerErrorCode } from '../pacer-error.ts';

/**
 * Background jobs (CSV imports, exports...). Implemented by BullMQ when Redis is configured and by an
 * in-process queue otherwise; one conformance suite (tests/contract/job-queue.contract.ts) runs
 * against both.
 *
 * Delivery is at-least-once: a job whose worker dies mid-run (BullMQ: its lock expires) runs again,
 * so handlers must be idempotent. Errors a retry cannot fix (see {@link PERMANENT_JOB_ERROR_CODES})
 * fail the job at once; any other thrown error is retried up to `attempts`, then the job is failed
 * and reported to the `onFailed` listeners with the handler's error as `cause`.
 *
 * @example
 * ```ts
 * queue.onFailed((failure) => logger.error({ err: failure.error }, 'job failed'));
 * queue.process<{ importId: string }>('imports', async (job) => {
 *   await runImport(job.data.importId, (pct) => job.updateProgress(pct));
 * }, { concurrency: 2 });
 * const id = await queue.add('imports', 'import', { importId }, { jobId: importId, attempts: 3,
 *   backoff: { type: 'exponential', delayMs: 1000 } });
 * const info = await queue.getJob('imports', id); // { state: 'waiting' | 'active' | ..., progress }
 * ```
 */
export interface JobOptions {
  /**
   * Makes `add` idempotent: a second add with the same id is ignored while the first exists
   * (finished jobs are kept for a while, then pruned). Must not be an integer and must not contain `:`.
   */
  jobId?: string;
  delayMs?: number;
  /** Total tries before the job is failed, default 1. */
  attempts?: number;
  /** Wait before each retry; default: retry at once. */
  backoff?: JobBackoff;
}

/** `fixed`: `delayMs` before every retry; `exponential`: `delayMs * 2^(retry - 1)`. */
export interface JobBackoff {
  type: 'fixed' | 'exponential';
  delayMs: number;
}

/** 0-100 or any JSON-able object. */
export type JobProgress = number | Record<string, unknown>;

export interface Job<T> {
  id: string;
  /** The queue the job is on. */
  queue: string;
  name: string;
  data: T;
  /** 1-based number of this try. */
  attempt: number;
  /** Reports progress (0-100 or any JSON-able object); visible through `getJob`. */
  updateProgress(progress: JobProgress): Promise<void>;
}

export type JobHandler<T> = (job: Job<T>) => Promise<void>;

/** Where a job is. Backend-specific states (BullMQ's `prioritized`, ...) map to `waiting`. */
export type JobState = 'waiting' | 'delayed' | 'active' | 'completed' | 'failed';

/** A snapshot of one job, for status pages and tests. Times are epoch ms. */
export interface JobInfo<T = unknown> {
  id: string;
  queue: string;
  name: string;
  data: T;
  state: JobState;
  /** Tries finished so far (successful or not). */
  attemptsMade: number;
  /** Total tries allowed. */
  attempts: number;
  progress: JobProgress;
  /** Message of the last error, when a try failed. */
  failedReason?: string;
  createdAtMs: number;
  /** When the latest try started. */
  processedAtMs?: number;
  finishedAtMs?: number;
}

/** A job that failed for good (retries exhausted or a permanent error). */
export interface JobFailure {
  queue: string;
  /** Undefined only when the backend lost the job record (BullMQ: stalled and already removed). */
  jobId?: string;
  name?: string;
  data?: unknown;
  attemptsMade: number;
  /**
   * Carries the handler's error as `cause`. Its `code` is the handler's `PacerError` code when it
   * threw one, `INTERNAL` otherwise.
   */
  error: PacerError;
}

export type JobFailureListener = (failure: JobFailure) => void;

export interface JobQueue {
  /**
   * Enqueues a job; resolves to its id (the existing job's id when `options.jobId` is already there).
   * Rejects with `VALIDATION_FAILED` (naming the field) for a bad queue name, job name, option or
   * non-JSON data, `QUEUE_CLOSED` after `close()`, `QUEUE_UNAVAILABLE` when the backend is unreachable.
   */
  add<T>(queue: string, name: string, data: T, options?: JobOptions): Promise<string>;
  /**
   * Registers the worker for `queue`; one handler per queue per process (a second one throws
   * `CONFLICT`). Throws `QUEUE_CLOSED` after `close()`.
   */
  process<T>(queue: string, handler: JobHandler<T>, options?: { concurrency?: number }): void;
  /** The job's current state and progress; `undefined` for an unknown (or pruned) id. */
  getJob<T = unknown>(queue: string, id: string): Promise<JobInfo<T> | undefined>;
  /**
   * Calls `listener` for every job that fails for good on this node. Returns a function that removes
   * it. Failures with no listener are logged at error level, never dropped silently.
   */
  onFailed(listener: JobFailureListener): () => void;
  /** Reachable? Used by /readyz. */
  ping(): Promise<boolean>;
  /** Waits for running jobs, then stops. Idempotent. */
  close(): Promise<void>;
}

/**
 * `PacerError` codes that retrying cannot fix: a handler throwing one of these fails its job at once,
 * whatever `attempts` says.
 */
export const PERMANENT_JOB_ERROR_CODES: ReadonlySet<PacerErrorCode> = new Set<PacerErrorCode>([
  'VALIDATION_FAILED',
  'NOT_FOUND',
  'CONFLICT',
  'UNAUTHORIZED',
  'FORBIDDEN',
  'CONFIG_INVALID',
  'SCENARIO_INVALID',
]);
