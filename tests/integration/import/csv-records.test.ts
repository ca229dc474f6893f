import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CsvError } from 'csv-parse';
import { parse } from 'csv-parse/sync';
import { readCsvRecords } from '../../../src/adapters/import/csv-records.ts';

const MAX = 4096;
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pacer-csv-records-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

type Outcome = { records: string[][]; bytes: number } | { error: string; records: number | undefined; lines: number | undefined };

function describeError(err: unknown): Outcome {
  if (!(err instanceof CsvError)) throw err;
  return { error: err.code, records: typeof err.records === 'number' ? err.records : undefined, lines: typeof err.lines === 'number' ? err.lines : undefined };
}

function reference(content: Buffer): Outcome {
  try {
    const records = parse(content, { bom: true, relax_column_count: true, skip_empty_lines: true, max_record_size: MAX }) as string[][];
    return { records, bytes: content.length };
  } catch (err) {
    return describeError(err);
  }
}

let files = 0;
/** Whether the last `fast` call handed over to csv-parse. */
let handedOver = false;
async function fast(content: Buffer): Promise<Outcome> {
  const path = join(dir, `${(files += 1)}.csv`);
  await writeFile(path, content);
  const records: string[][] = [];
  let bytes = 0;
  handedOver = false;
  try {
    const options = { maxRecordBytes: MAX, onBytes: (n: number) => (bytes += n), onHandOver: () => (handedOver = true) };
    for await (const batch of readCsvRecords(path, options)) records.push(...batch);
    return { records, bytes };
  } catch (err) {
    return describeError(err);
  }
}

let seed = 12345;
function random(): number {
  seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
  return seed / 4294967296;
}

function randomCsv(rows: number, alphabet: readonly string[], lineEnd = '\n'): string {
  let text = '';
  for (let r = 0; r < rows; r++) {
    const fields = 1 + Math.floor(random() * 4);
    const cells: string[] = [];
    for (let f = 0; f < fields; f++) {
      let cell = '';
      const length = Math.floor(random() * 8);
      for (let i = 0; i < length; i++) cell += alphabet[Math.floor(random() * alphabet.length)] ?? '';
      cells.push(random() < 0.3 ? `"${cell.replace(/"/g, '""')}"` : cell);
    }
    text += cells.join(',') + (random() < 0.05 ? lineEnd + lineEnd : lineEnd);
  }
  return text;
}

describe('readCsvRecords: the same records and errors as csv-parse', () => {
  const cases: [string, string | Buffer][] = [
    ['plain', 'phone,name\n1,Ann\n2,Bob\n'],
    ['no final newline', 'phone,name\n1,Ann'],
    ['a trailing comma', 'a,b\n1,\n'],
    ['empty lines', '\n\na,b\n\n1,2\n\n'],
    ['quotes, escaped quotes and newlines in quotes', 'a,b\n"x ""y""","line\nbreak"\n"",z\n'],
    ['a quoted empty line', 'a\n""\nb\n'],
    ['a whitespace line', 'a\n \nb\n'],
    ['a BOM', '\uFEFFphone\n1\n'],
    ['CRLF', 'phone,name\r\n1,Ann\r\n2,"B\r\nob"\r\n'],
    ['CRLF after LF lines', 'phone\n1\r\n2\n'],
    ['LF after CRLF lines', 'phone\r\n1\n2\r\n'],
    ['a lone CR in a CRLF file', 'phone,name\r\n1,A\rnn\r\n2,x\r\n'],
    ['empty lines and a final line without CRLF', '\r\n\r\nphone\r\n\r\n1\r\n2'],
    ['a CRLF file ending in a lone CR', 'phone\r\n1\r\n2\r'],
    ['quoted CR, LF and CRLF in a CRLF file', 'a,b\r\n"x\ry","l\nm"\r\n"p\r\nq",z\r\n'],
    ['a quoted header in a CRLF file', '"phone","name"\r\n1,Ann\r\n'],
    ['a closing quote then a lone LF in a CRLF file', 'a,b\r\n"x",y\r\n"z"\n1,2\r\n'],
    ['a stray quote', 'a,b\n1,"Bo"b\n2,x\n'],
    ['a quote inside a field', 'a,b\n1,Bo"b\n'],
    ['an unclosed quote', 'a,b\n1,"Bob\n2,x\n'],
    ['a record over the limit', `a,b\n1,${'x'.repeat(MAX * 2)}\n2,y\n`],
    ['a record near the limit', `a,b\n1,${'é'.repeat(MAX / 2 - 10)}\n2,y\n`],
    ['invalid UTF-8', Buffer.concat([Buffer.from('a,b\n1,Jos'), Buffer.from([0xe9]), Buffer.from('\n2,x\n')])],
    ['an empty file', ''],
  ];
  it.each(cases)('%s', async (_name, text) => {
    const content = typeof text === 'string' ? Buffer.from(text) : text;
    expect(await fast(content)).toEqual(reference(content));
  });

  it('random small files, with and without troublesome characters', async () => {
    for (let i = 0; i < 300; i++) {
      const alphabet = i % 3 === 0 ? ['a', ',', '"', '\n', '\r', ' ', 'é'] : ['a', 'b', ',', ' ', 'é', '\n', '😀'];
      const content = Buffer.from(randomCsv(1 + Math.floor(random() * 20), alphabet));
      expect(await fast(content), JSON.stringify(content.toString())).toEqual(reference(content));
    }
  });

  it('random CRLF files (RFC 4180, Excel), with and without stray CR and LF', async () => {
    for (let i = 0; i < 300; i++) {
      const alphabet = i % 3 === 0 ? ['a', ',', '"', '\n', '\r', ' ', 'é'] : ['a', 'b', ',', ' ', 'é', '😀'];
      const content = Buffer.from(randomCsv(1 + Math.floor(random() * 20), alphabet, '\r\n'));
      expect(await fast(content), JSON.stringify(content.toString())).toEqual(reference(content));
    }
  });

  it('reads a clean CRLF file itself, without handing over to csv-parse', async () => {
    const content = Buffer.from(randomCsv(8_000, ['a', 'b', ',', ' ', 'é', '😀', '\r\n'], '\r\n'));
    expect(await fast(content)).toEqual(reference(content));
    expect(handedOver).toBe(false);
    const stray = Buffer.concat([content, Buffer.from('1,lone\rcr\r\n')]);
    expect(await fast(stray)).toEqual(reference(stray));
    expect(handedOver).toBe(true);
  });

  describe('large files across read blocks: multi-byte characters and quoted newlines split between blocks, late errors', () => {
    const body = randomCsv(60_000, ['a', 'b', ',', ' ', 'é', '\n', '😀']);
    const crlfBody = randomCsv(15_000, ['a', 'b', ',', ' ', 'é', '😀', '\r\n'], '\r\n');
    const cases: [string, string][] = [
      ['LF', body],
      ['LF, unclosed quote at the end', `${body}x,"unclosed\n`],
      ['LF, characters after a closing quote', `${body}x,"ok"y\n${body.slice(0, 1000)}`],
      ['LF, then CRLF lines', `${body}1\r\n2\r\n`],
      ['CRLF', crlfBody],
      ['CRLF, unclosed quote at the end', `${crlfBody}x,"unclosed\r\n`],
      ['CRLF, then a lone LF', `${crlfBody}1\n2\r\n`],
    ];
    it.each(cases)('%s', async (_name, content) => {
      const buffer = Buffer.from(content);
      expect(await fast(buffer)).toEqual(reference(buffer));
    });
  });
});
