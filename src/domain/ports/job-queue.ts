/**
 * Background jobs (CSV imports, exports...). Implemented by BullMQ when Redis is configured and by an
 * in-process queue otherwise; one conformance suite runs against both.
 */
export interface JobOptions {
  /** Makes `add` idempotent: a second add with the same id is ignored while the first exists. */
  jobId?: string;
  delayMs?: number;
  /** Total tries before the job is failed, default 1. */
  attempts?: number;
}

export interface Job<T> {
  id: string;
  name: string;
  data: T;
  attempt: number;
  /** Reports progress (0-100 or any JSON-able object). */
  updateProgress(progress: number | Record<string, unknown>): Promise<void>;
}

export type JobHandler<T> = (job: Job<T>) => Promise<void>;

export interface JobQueue {
  add<T>(queue: string, name: string, data: T, options?: JobOptions): Promise<string>;
  /** Registers the worker for `queue`; one handler per queue per process. */
  process<T>(queue: string, handler: JobHandler<T>, options?: { concurrency?: number }): void;
  /** Reachable? Used by /readyz. */
  ping(): Promise<boolean>;
  /** Waits for running jobs, then stops. Idempotent. */
  close(): Promise<void>;
}
