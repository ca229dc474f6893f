import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';
import { parse, type Options } from 'csv-parse';

export interface CsvRecordsOptions {
  /** Longest accepted record, in bytes (csv-parse's `max_record_size`). */
  maxRecordBytes: number;
  /** Called with the size of every block read from the file. */
  onBytes(bytes: number): void;
  /** Called once if csv-parse takes over, with the number of records the fast parser returned. */
  onHandOver?(recordsBefore: number): void;
}

/** Records of one parsed block, in file order (the header is the first record of the file). */
export type CsvRecordBatch = readonly string[][];

const READ_BYTES = 64 * 1024;
const QUOTE = 34;
const COMMA = 44;
const LF = 10;
const CR = 13;
const NEEDS_FALLBACK = -1;

/**
 * Reads a CSV file as csv-parse would with `{ bom: true, relax_column_count: true,
 * skip_empty_lines: true, max_record_size }`, in batches of records. A fast parser handles the
 * plain dialect (comma, RFC 4180 quotes, and the line ends of the file's first line: LF, or CRLF as
 * RFC 4180 and Excel write them); at the first record it is not sure about (a line end other than
 * the file's, a quote inside an unquoted field, characters after a closing quote, a file ending
 * inside quotes, a record near the size limit) it hands over to csv-parse itself, which re-reads
 * the file, skips the records already returned and goes on from there: what comes out, errors
 * (CsvError, naming row and line) included, is always csv-parse's answer.
 *
 * @example
 * ```ts
 * for await (const batch of readCsvRecords(path, { maxRecordBytes: 1 << 20, onBytes: (n) => (read += n) })) {
 *   for (const record of batch) handle(record);
 * }
 * ```
 */
export async function* readCsvRecords(path: string, options: CsvRecordsOptions): AsyncGenerator<CsvRecordBatch> {
  // A UTF-16 unit is at most 3 UTF-8 bytes: a record of at most a quarter of the limit in
  // characters is surely within it; longer ones are left to csv-parse to judge.
  const fastMaxChars = Math.floor(options.maxRecordBytes / 4);
  const decoder = new StringDecoder('utf8');
  let pending = '';
  let first = true;
  let emitted = 0;
  let bytesRead = 0;
  let handOver = false;
  // Line ends, decided from the file's first line (as csv-parse discovers them); LF until then.
  let crlf: boolean | undefined;
  // One read buffer, reused: the decoder copies what it decodes.
  const buffer = Buffer.allocUnsafe(READ_BYTES);
  const file = await open(path, 'r');
  try {
    for (;;) {
      const { bytesRead: read } = await file.read(buffer, 0, READ_BYTES, null);
      if (read === 0) break;
      options.onBytes(read);
      bytesRead += read;
      let text = pending + decoder.write(buffer.subarray(0, read));
      if (first && text.length > 0) {
        first = false;
        if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      }
      crlf ??= firstLineEndsWithCrlf(text);
      const { records, consumed } = parseBlock(text, false, fastMaxChars, crlf === true);
      emitted += records.length;
      if (records.length > 0) yield records;
      if (consumed === NEEDS_FALLBACK) {
        handOver = true;
        break;
      }
      pending = text.slice(consumed);
    }
    if (!handOver) {
      let text = pending + decoder.end();
      if (first && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      const { records, consumed } = parseBlock(text, true, fastMaxChars, (crlf ?? firstLineEndsWithCrlf(text)) === true);
      emitted += records.length;
      if (records.length > 0) yield records;
      handOver = consumed === NEEDS_FALLBACK;
    }
  } finally {
    await file.close();
  }
  if (handOver) {
    options.onHandOver?.(emitted);
    yield* csvParseFrom(path, { skipRecords: emitted, countedBytes: bytesRead }, options);
  }
}

/** csv-parse over the whole file, skipping the records (and not counting the bytes) the fast pass did. */
async function* csvParseFrom(path: string, done: { skipRecords: number; countedBytes: number }, options: CsvRecordsOptions): AsyncGenerator<CsvRecordBatch> {
  const csvOptions: Options = { bom: true, relax_column_count: true, skip_empty_lines: true, max_record_size: options.maxRecordBytes };
  const input = createReadStream(path, { highWaterMark: READ_BYTES });
  const parser = input.pipe(parse(csvOptions));
  let read = 0;
  input.on('data', (chunk) => {
    const before = read;
    read += chunk.length;
    if (read > done.countedBytes) options.onBytes(read - Math.max(before, done.countedBytes));
  });
  input.on('error', (err) => parser.destroy(err));
  const skip = done.skipRecords;
  let seen = 0;
  let batch: string[][] = [];
  try {
    for await (const record of parser as AsyncIterable<string[]>) {
      seen += 1;
      if (seen <= skip) continue;
      batch.push(record);
      if (batch.length >= 1000) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length > 0) yield batch;
  } finally {
    input.destroy();
    parser.destroy();
  }
}

/**
 * Whether the first line of the file ends with CRLF (true) or LF (false), as csv-parse discovers
 * its record delimiter: at the first CR or LF outside quotes. Undefined while `text` holds no such
 * line end yet. A first line csv-parse would reject (a quote inside a field) counts as LF; the fast
 * parser hands that file over anyway.
 */
function firstLineEndsWithCrlf(text: string): boolean | undefined {
  let fieldStart = true;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      if (!fieldStart) return false;
      let from = i + 1;
      for (;;) {
        const close = text.indexOf('"', from);
        if (close === -1 || close + 1 >= text.length) return undefined;
        if (text.charCodeAt(close + 1) !== QUOTE) {
          i = close;
          break;
        }
        from = close + 2;
      }
      fieldStart = false;
      continue;
    }
    if (c === LF) return false;
    if (c === CR) return i + 1 < text.length ? text.charCodeAt(i + 1) === LF : undefined;
    fieldStart = c === COMMA;
  }
  return undefined;
}

/**
 * The complete records at the start of `text` and how many characters they took; NEEDS_FALLBACK
 * after the records before the first one the fast parser will not decide. `final`: `text` ends the
 * file. `crlf`: records end with CRLF (a lone CR or LF outside quotes hands over), otherwise with LF
 * (any CR hands over).
 */
function parseBlock(text: string, final: boolean, maxChars: number, crlf: boolean): { records: string[][]; consumed: number } {
  const records: string[][] = [];
  const length = text.length;
  let pos = 0;
  for (;;) {
    if (pos >= length) return { records, consumed: pos };
    const start = pos;
    // skip_empty_lines
    const first = text.charCodeAt(pos);
    if (!crlf && first === LF) {
      pos += 1;
      continue;
    }
    if (crlf && (first === CR || first === LF)) {
      const ends = lineEndAt(text, pos, final);
      if (ends === MORE_TEXT) return { records, consumed: start };
      if (ends === UNSURE) return { records, consumed: NEEDS_FALLBACK };
      pos += 2;
      continue;
    }
    const record: string[] = [];
    let complete = false;
    for (;;) {
      if (pos - start > maxChars) return { records, consumed: NEEDS_FALLBACK };
      if (text.charCodeAt(pos) === QUOTE) {
        let value = '';
        let from = pos + 1;
        let close: number;
        for (;;) {
          close = text.indexOf('"', from);
          if (close === -1 || close + 1 >= length) break;
          if (text.charCodeAt(close + 1) !== QUOTE) break;
          value += text.slice(from, close + 1);
          from = close + 2;
        }
        if (close === -1) {
          if (final || length - start > maxChars) return { records, consumed: NEEDS_FALLBACK };
          return { records, consumed: start };
        }
        value += text.slice(from, close);
        // Quoted text is kept verbatim; in an LF file a CR may mean csv-parse reads line ends otherwise.
        if (!crlf && value.includes('\r')) return { records, consumed: NEEDS_FALLBACK };
        record.push(value);
        pos = close + 1;
        if (pos >= length) {
          if (!final) return { records, consumed: start };
          complete = true;
          break;
        }
        const next = text.charCodeAt(pos);
        if (next === COMMA) {
          pos += 1;
          continue;
        }
        const ends = crlf ? lineEndAt(text, pos, final) : next === LF ? 1 : UNSURE;
        if (ends === MORE_TEXT) return { records, consumed: start };
        if (ends === UNSURE) return { records, consumed: NEEDS_FALLBACK };
        pos += ends;
        complete = true;
        break;
      }
      let end = pos;
      let c = 0;
      while (end < length) {
        c = text.charCodeAt(end);
        if (c === COMMA || c === LF || c === QUOTE || c === CR) break;
        end += 1;
      }
      if (end >= length) {
        if (!final) return { records, consumed: length - start > maxChars ? NEEDS_FALLBACK : start };
        record.push(text.slice(pos, end));
        pos = end;
        complete = true;
        break;
      }
      if (c === QUOTE) return { records, consumed: NEEDS_FALLBACK };
      if (c === COMMA) {
        record.push(text.slice(pos, end));
        pos = end + 1;
        continue;
      }
      const ends = crlf ? lineEndAt(text, end, final) : c === LF ? 1 : UNSURE;
      if (ends === MORE_TEXT) return { records, consumed: length - start > maxChars ? NEEDS_FALLBACK : start };
      if (ends === UNSURE) return { records, consumed: NEEDS_FALLBACK };
      record.push(text.slice(pos, end));
      pos = end + ends;
      complete = true;
      break;
    }
    if (pos - start > maxChars) return { records, consumed: NEEDS_FALLBACK };
    if (complete) records.push(record);
  }
}

const MORE_TEXT = -1;
const UNSURE = -2;

/**
 * In a CRLF file, at a CR or LF: 2 when a CRLF line end starts at `at`, MORE_TEXT when the block
 * ends between its CR and LF, UNSURE for a lone CR or LF (left to csv-parse).
 */
function lineEndAt(text: string, at: number, final: boolean): number {
  if (text.charCodeAt(at) !== CR) return UNSURE;
  if (at + 1 >= text.length) return final ? UNSURE : MORE_TEXT;
  return text.charCodeAt(at + 1) === LF ? 2 : UNSURE;
}
