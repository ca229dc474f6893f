import { PacerError, isPacerError } from '../../domain/pacer-error.ts';
import { PERMANENT_JOB_ERROR_CODES } from '../../domain/ports/job-queue.ts';

/** True when retrying cannot help: a `PacerError` whose code is in `PERMANENT_JOB_ERROR_CODES`. */
export function isPermanentJobError(err: unknown): boolean {
  return isPacerError(err) && PERMANENT_JOB_ERROR_CODES.has(err.code);
}

/**
 * The error a `JobFailure` carries: the handler's `PacerError` code (or `INTERNAL`), a message naming
 * the job, and the handler's error as `cause`.
 *
 * @example
 * ```ts
 * const error = jobFailureError('imports', '42', 'import', 3, cause);
 * error.cause === cause; // true
 * ```
 */
export function jobFailureError(queue: string, jobId: string | undefined, name: string | undefined, attemptsMade: number, cause: unknown): PacerError {
  const code = isPacerError(cause) ? cause.code : 'INTERNAL';
  const reason = cause instanceof Error ? cause.message : String(cause);
  const what = `job ${queue}/${jobId ?? '?'}${name === undefined ? '' : ` (${name})`}`;
  return new PacerError(code, `${what} failed after ${attemptsMade} attempt(s): ${reason}`, { cause });
}
