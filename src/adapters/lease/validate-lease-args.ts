import { PacerError } from '../../domain/pacer-error.ts';
import type { FieldIssue } from '../../domain/pacer-error.ts';

const MAX_LENGTH = 200;

function checkString(value: unknown, field: string, issues: FieldIssue[]): void {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_LENGTH) {
    issues.push({ field, reason: `must be a non-empty string of at most ${MAX_LENGTH} characters` });
  }
}

/**
 * Checks lease arguments the same way for every adapter; throws `VALIDATION_FAILED` listing every bad
 * field. Only the keys present are checked (`release` has no `ttlMs`, `inspect` no `ownerId`).
 *
 * @example
 * ```ts
 * validateLeaseArgs({ name: 'campaign:42', ownerId: nodeId, ttlMs: 15_000 });
 * ```
 */
export function validateLeaseArgs(args: { name: unknown; ownerId?: unknown; ttlMs?: unknown }): void {
  const issues: FieldIssue[] = [];
  checkString(args.name, 'name', issues);
  if ('ownerId' in args) checkString(args.ownerId, 'ownerId', issues);
  if ('ttlMs' in args && (typeof args.ttlMs !== 'number' || !Number.isSafeInteger(args.ttlMs) || args.ttlMs < 1)) {
    issues.push({ field: 'ttlMs', reason: 'must be an integer >= 1' });
  }
  if (issues.length > 0) throw new PacerError('VALIDATION_FAILED', 'invalid lease arguments', { issues });
}
