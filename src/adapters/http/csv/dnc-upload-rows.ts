import { Transform, type Readable } from 'node:stream';
import { parse, CsvError } from 'csv-parse';
import { PacerError } from '../../../domain/pacer-error.ts';
import type { DncUploadRow } from '../../../domain/dnc/dnc-service.ts';

const PHONE_HEADERS = new Set(['phone', 'phone_number', 'phonenumber', 'number', 'e164', 'telephone', 'tel']);

/** A first row is a header when it names a phone column, or its first cell holds no digit at all. */
function phoneColumnOf(first: readonly string[]): number | undefined {
  const named = first.findIndex((cell) => PHONE_HEADERS.has(cell.trim().toLowerCase()));
  if (named >= 0) return named;
  const cell = first[0] ?? '';
  return /\d/.test(cell) ? undefined : 0;
}

/**
 * Streams the numbers of a DNC CSV upload: the `phone` column when the header names one
 * (phone, phone_number, number, e164...), else the first column. Rows are numbered 1-based,
 * header excluded. A malformed CSV, or one larger than `maxBytes`, throws `VALIDATION_FAILED`.
 *
 * @example
 * ```ts
 * for await (const { row, raw } of dncUploadRows(request.raw)) console.log(row, raw);
 * ```
 */
export async function* dncUploadRows(input: Readable, maxBytes = Number.POSITIVE_INFINITY): AsyncGenerator<DncUploadRow> {
  let bytes = 0;
  const limit = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      bytes += chunk.length;
      if (bytes > maxBytes) {
        callback(new PacerError('VALIDATION_FAILED', `the CSV is larger than ${maxBytes} bytes: nothing was added`, { issues: [{ field: 'body', reason: `larger than ${maxBytes} bytes` }] }));
        return;
      }
      callback(null, chunk);
    },
  });
  const parser = input.pipe(limit).pipe(parse({ bom: true, relax_column_count: true, skip_empty_lines: true, trim: true }));
  input.once('error', (err) => limit.destroy(err));
  limit.once('error', (err) => parser.destroy(err));
  let column: number | undefined;
  let first = true;
  let row = 0;
  try {
    for await (const record of parser as AsyncIterable<string[]>) {
      if (first) {
        first = false;
        column = phoneColumnOf(record);
        if (column !== undefined) continue;
        column = 0;
      }
      row += 1;
      yield { row, raw: record[column ?? 0] ?? '' };
    }
  } catch (err) {
    if (err instanceof CsvError) {
      const line = typeof err.lines === 'number' ? err.lines : undefined;
      throw new PacerError('VALIDATION_FAILED', `the CSV is malformed${line === undefined ? '' : ` at line ${line}`}: nothing was added`, {
        cause: err,
        issues: [{ field: 'body', reason: `malformed CSV (${err.code})`, ...(line === undefined ? {} : { row: line }) }],
      });
    }
    throw err;
  }
}

/** The numbers of a JSON array upload, rows 1-based. */
export async function* jsonUploadRows(values: readonly string[]): AsyncGenerator<DncUploadRow> {
  let row = 0;
  for (const raw of values) {
    row += 1;
    yield { row, raw };
  }
}
