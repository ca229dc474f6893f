import { PacerError } from '../../domain/pacer-error.ts';
import type { FieldIssue } from '../../domain/pacer-error.ts';
import type { JobBackoff, JobOptions } from '../../domain/ports/job-queue.ts';

/** `JobOptions` with defaults applied. */
export interface ResolvedJobOptions {
  jobId?: string;
  delayMs: number;
  attempts: number;
  backoff?: JobBackoff;
}

const MAX_NAME_LENGTH = 200;

function checkName(value: unknown, field: string, issues: FieldIssue[]): void {
  if (typeof value !== 'string' || value.length === 0) issues.push({ field, reason: 'must be a non-empty string' });
  else if (value.length > MAX_NAME_LENGTH) issues.push({ field, reason: `must be at most ${MAX_NAME_LENGTH} characters` });
  else if (value.includes(':')) issues.push({ field, reason: 'must not contain ":"' });
}

function checkInteger(value: unknown, field: string, min: number, issues: FieldIssue[]): void {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    issues.push({ field, reason: `must be an integer >= ${min}` });
  }
}

/** Throws `VALIDATION_FAILED` listing every bad field, or returns nothing. */
export function validateQueueName(queue: unknown): void {
  const issues: FieldIssue[] = [];
  checkName(queue, 'queue', issues);
  if (issues.length > 0) throw new PacerError('VALIDATION_FAILED', 'invalid queue name', { issues });
}

/**
 * Checks an `add` request the same way for every adapter (BullMQ's rules for ids and names apply to
 * all, so code that works in-process works on Redis) and applies the defaults. Throws
 * `VALIDATION_FAILED` listing every bad field.
 *
 * @example
 * ```ts
 * const opts = validateJobRequest('imports', 'import', { attempts: 3 }); // { attempts: 3, delayMs: 0 }
 * ```
 */
export function validateJobRequest(queue: unknown, name: unknown, options: JobOptions | undefined): ResolvedJobOptions {
  const issues: FieldIssue[] = [];
  checkName(queue, 'queue', issues);
  if (typeof name !== 'string' || name.length === 0) issues.push({ field: 'name', reason: 'must be a non-empty string' });
  else if (name.length > MAX_NAME_LENGTH) issues.push({ field: 'name', reason: `must be at most ${MAX_NAME_LENGTH} characters` });
  const opts = options ?? {};
  if (opts.jobId !== undefined) {
    checkName(opts.jobId, 'jobId', issues);
    if (typeof opts.jobId === 'string' && `${Number.parseInt(opts.jobId, 10)}` === opts.jobId) {
      issues.push({ field: 'jobId', reason: 'must not be an integer (those are reserved for generated ids)' });
    }
  }
  if (opts.delayMs !== undefined) checkInteger(opts.delayMs, 'delayMs', 0, issues);
  if (opts.attempts !== undefined) checkInteger(opts.attempts, 'attempts', 1, issues);
  if (opts.backoff !== undefined) {
    if (opts.backoff.type !== 'fixed' && opts.backoff.type !== 'exponential') {
      issues.push({ field: 'backoff.type', reason: 'must be "fixed" or "exponential"' });
    }
    checkInteger(opts.backoff.delayMs, 'backoff.delayMs', 0, issues);
  }
  if (issues.length > 0) throw new PacerError('VALIDATION_FAILED', 'invalid job request', { issues });
  const resolved: ResolvedJobOptions = { delayMs: opts.delayMs ?? 0, attempts: opts.attempts ?? 1 };
  if (opts.jobId !== undefined) resolved.jobId = opts.jobId;
  if (opts.backoff !== undefined) resolved.backoff = { type: opts.backoff.type, delayMs: opts.backoff.delayMs };
  return resolved;
}

/** Checks `process` options; returns the concurrency (default 1). */
export function validateConcurrency(options: { concurrency?: number } | undefined): number {
  const issues: FieldIssue[] = [];
  const concurrency = options?.concurrency ?? 1;
  checkInteger(concurrency, 'concurrency', 1, issues);
  if (issues.length > 0) throw new PacerError('VALIDATION_FAILED', 'invalid worker options', { issues });
  return concurrency;
}

/** Delay before retry number `retry` (1-based), as BullMQ computes it. */
export function backoffDelayMs(backoff: JobBackoff | undefined, retry: number): number {
  if (backoff === undefined) return 0;
  return backoff.type === 'fixed' ? backoff.delayMs : Math.round(2 ** (retry - 1) * backoff.delayMs);
}
