import type { CsvError } from 'csv-parse';
import { PacerError } from '../../domain/pacer-error.ts';

function numberProp(err: CsvError, key: string): number | undefined {
  const value = err[key];
  return typeof value === 'number' ? value : undefined;
}

/**
 * Turns a csv-parse failure into the import's error, naming the data row (the header is row 0)
 * and the file line. Branches on csv-parse's stable `code`, never on its message.
 *
 * @example
 * ```ts
 * try { for await (const record of parser) { ... } }
 * catch (err) { if (err instanceof CsvError) throw csvErrorToPacerError(err, { maxRecordBytes }); throw err; }
 * ```
 */
export function csvErrorToPacerError(err: CsvError, limits: { maxRecordBytes: number }): PacerError {
  // `records` counts the header too, so it equals the 1-based data row being parsed.
  const row = numberProp(err, 'records') ?? 0;
  const line = numberProp(err, 'lines');
  const at = `row ${row}${line === undefined ? '' : ` (line ${line})`}`;
  let reason: string;
  switch (err.code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      reason = `a quoted field starting in row ${row} is never closed (the file ends inside quotes)`;
      break;
    case 'CSV_INVALID_CLOSING_QUOTE':
    case 'CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE':
      reason = `broken quoting in ${at}: a closing quote is followed by other characters (write a literal quote as "")`;
      break;
    case 'INVALID_OPENING_QUOTE':
      reason = `broken quoting in ${at}: a quote inside an unquoted field (quote the whole field and write the quote as "")`;
      break;
    case 'CSV_MAX_RECORD_SIZE':
      reason = `${at} is longer than the ${limits.maxRecordBytes}-byte limit per row (a very long line, or an unbalanced quote swallowing lines)`;
      break;
    default:
      reason = `malformed CSV in ${at} (${err.code})`;
  }
  return new PacerError('IMPORT_FAILED', reason, { cause: err, issues: [{ row, field: 'row', reason }] });
}
