/**
 * Stable error codes. Callers branch on `code`, never on `message`.
 * Expected outcomes (a blocked dial, a rejected row) are return values, not errors.
 */
export type PacerErrorCode =
  | 'CONFIG_INVALID'
  | 'VALIDATION_FAILED'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'RATE_LIMITED'
  | 'IMPORT_FAILED'
  | 'SCENARIO_INVALID'
  | 'DATABASE_UNAVAILABLE'
  | 'QUEUE_UNAVAILABLE'
  | 'QUEUE_CLOSED'
  | 'TELEPHONY_UNAVAILABLE'
  /** A call record without a recording (not recorded, or its file is missing). */
  | 'RECORDING_NOT_FOUND'
  /** A recording the retention sweep deleted. */
  | 'RECORDING_EXPIRED'
  | 'INTERNAL';

/** One problem with one field (or row) of an input. */
export interface FieldIssue {
  /** JSON-pointer-like path or column name, e.g. `callingHours.start` or `phone`. */
  field: string;
  reason: string;
  /** 1-based data row for CSV inputs. */
  row?: number;
}

export class PacerError extends Error {
  readonly code: PacerErrorCode;
  readonly issues: readonly FieldIssue[];

  constructor(code: PacerErrorCode, message: string, options: { cause?: unknown; issues?: readonly FieldIssue[] } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'PacerError';
    this.code = code;
    this.issues = options.issues ?? [];
  }
}

export function isPacerError(err: unknown, code?: PacerErrorCode): err is PacerError {
  return err instanceof PacerError && (code === undefined || err.code === code);
}
