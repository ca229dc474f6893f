import { PacerError } from '../../domain/pacer-error.ts';

/**
 * Serializes a job's data or an event to JSON, the form both the Redis and the in-process adapters
 * carry it in. Throws `VALIDATION_FAILED` naming `field` for a value JSON cannot carry (`undefined`,
 * a function, a `bigint`, a cycle).
 *
 * @example
 * ```ts
 * const json = toJsonPayload({ importId }, 'data'); // '{"importId":"..."}'
 * ```
 */
export function toJsonPayload(value: unknown, field: string): string {
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch (err) {
    throw new PacerError('VALIDATION_FAILED', `${field} is not serializable to JSON`, {
      cause: err,
      issues: [{ field, reason: 'must be a JSON value (no bigint, no cycles)' }],
    });
  }
  if (json === undefined) {
    throw new PacerError('VALIDATION_FAILED', `${field} is not serializable to JSON`, {
      issues: [{ field, reason: 'must be a JSON value (got undefined or a function)' }],
    });
  }
  return json;
}
