import { PacerError, type FieldIssue } from '../pacer-error.ts';

/** The columns Pacer understands; every other column is kept as a custom field. */
export const LEAD_COLUMNS = ['phone', 'phone2', 'phone3', 'first_name', 'last_name', 'email', 'state', 'zip', 'timezone'] as const;
export type LeadColumn = (typeof LEAD_COLUMNS)[number];

/** `{ "<our column>": "<their header>" }`, e.g. `{ "phone": "Mobile", "zip": "Postal Code" }`. */
export type ColumnMapping = Partial<Record<LeadColumn, string>>;

/** Where each known column and each custom field sits in a record. */
export interface LeadColumnLayout {
  /** Number of fields a record must have. */
  width: number;
  /** Header name per field position, as written in the file. */
  headers: readonly string[];
  known: Readonly<Record<LeadColumn, number | undefined>>;
  custom: readonly { name: string; index: number }[];
}

const KNOWN = new Set<string>(LEAD_COLUMNS);

function headerKey(header: string): string {
  return header.trim().toLowerCase().replace(/[\s-]+/g, '_');
}

/**
 * Checks an uploader's column mapping: an object whose keys are Pacer columns and whose values are
 * non-empty header names. Throws VALIDATION_FAILED naming each bad entry (`mapping.<key>`).
 *
 * @example
 * ```ts
 * parseColumnMapping('{"phone":"Mobile"}'); // { phone: 'Mobile' }
 * parseColumnMapping('{"fone":"Mobile"}');  // throws: mapping.fone is not a Pacer column
 * ```
 */
export function parseColumnMapping(input: unknown): ColumnMapping {
  let value = input;
  if (typeof input === 'string') {
    if (input.trim() === '') return {};
    try {
      value = JSON.parse(input);
    } catch (err) {
      throw new PacerError('VALIDATION_FAILED', 'mapping is not valid JSON', {
        cause: err,
        issues: [{ field: 'mapping', reason: 'must be a JSON object like {"phone":"Mobile"}' }],
      });
    }
  }
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new PacerError('VALIDATION_FAILED', 'mapping must be an object', {
      issues: [{ field: 'mapping', reason: 'must be a JSON object like {"phone":"Mobile"}' }],
    });
  }
  const issues: FieldIssue[] = [];
  const mapping: ColumnMapping = {};
  for (const [key, header] of Object.entries(value)) {
    if (!KNOWN.has(key)) {
      issues.push({ field: `mapping.${key}`, reason: `not a Pacer column; expected one of ${LEAD_COLUMNS.join(', ')}` });
    } else if (typeof header !== 'string' || header.trim() === '') {
      issues.push({ field: `mapping.${key}`, reason: 'must be a non-empty header name' });
    } else {
      mapping[key as LeadColumn] = header;
    }
  }
  if (issues.length > 0) throw new PacerError('VALIDATION_FAILED', 'invalid column mapping', { issues });
  return mapping;
}

/**
 * Lays out a CSV header: which field holds each Pacer column (through the mapping, else by a
 * header of the same name, case- and spacing-insensitive) and which fields are custom.
 * Throws IMPORT_FAILED when the file cannot be imported as laid out: no `phone` column (naming the
 * headers found and a likely delimiter), a mapped header missing, or a header used twice.
 *
 * @example
 * ```ts
 * const layout = layoutLeadColumns(['Mobile', 'First Name', 'Plan'], { phone: 'Mobile' });
 * layout.known.phone;      // 0
 * layout.known.first_name; // 1
 * layout.custom;           // [{ name: 'Plan', index: 2 }]
 * ```
 */
export function layoutLeadColumns(headers: readonly string[], mapping: ColumnMapping): LeadColumnLayout {
  const encoding = unreadableHeader(headers);
  if (encoding !== undefined) throw new PacerError('IMPORT_FAILED', encoding, { issues: [{ field: 'header', reason: encoding, row: 0 }] });
  const byKey = new Map<string, number>();
  const issues: FieldIssue[] = [];
  headers.forEach((header, index) => {
    const key = headerKey(header);
    if (key === '') return;
    if (byKey.has(key)) issues.push({ field: header, reason: `header '${header.trim()}' appears more than once`, row: 0 });
    else byKey.set(key, index);
  });
  const known = Object.fromEntries(LEAD_COLUMNS.map((c) => [c, undefined])) as Record<LeadColumn, number | undefined>;
  const claimed = new Set<number>();
  for (const column of LEAD_COLUMNS) {
    const mapped = mapping[column];
    const index = byKey.get(headerKey(mapped ?? column));
    if (mapped !== undefined && index === undefined) {
      issues.push({ field: `mapping.${column}`, reason: `header '${mapped}' is not in the file; found ${quoteList(headers)}` });
      continue;
    }
    if (index !== undefined && !claimed.has(index)) {
      known[column] = index;
      claimed.add(index);
    }
  }
  if (issues.length > 0) {
    throw new PacerError('IMPORT_FAILED', issues.map((i) => i.reason).join('; '), { issues });
  }
  if (known.phone === undefined) {
    const delimiter = headers.length === 1 ? likelyDelimiter(headers[0] ?? '') : undefined;
    const hint = delimiter === undefined ? '' : ` — is the delimiter '${delimiter === '\t' ? '\\t' : delimiter}'?`;
    const found = headers.length === 1 ? `header '${headers[0] ?? ''}'` : `headers ${quoteList(headers)}`;
    const reason = `no 'phone' column; found ${found}${hint}`;
    throw new PacerError('IMPORT_FAILED', reason, { issues: [{ field: 'phone', reason, row: 0 }] });
  }
  const custom = headers
    .map((name, index) => ({ name: name.trim() === '' ? `column_${index + 1}` : name.trim(), index }))
    .filter(({ index }) => !claimed.has(index));
  return { width: headers.length, headers, known, custom };
}

/**
 * A header that is not UTF-8 text: UTF-16 (a byte-order mark read as UTF-8, or a NUL after most
 * characters) or other NUL bytes (a binary file). Named before anything else, since every
 * other message would quote unreadable headers.
 */
function unreadableHeader(headers: readonly string[]): string | undefined {
  const text = headers.join(',');
  const nuls = text.split('\u0000').length - 1;
  const utf16Bom = text.startsWith('\ufffd\ufffd') || text.startsWith('\u00ff\u00fe') || text.startsWith('\u00fe\u00ff');
  if (utf16Bom || (nuls > 0 && nuls >= (text.length - nuls) * 0.6)) {
    return 'the file is UTF-16 text, not UTF-8: save it as "CSV UTF-8" (Excel) or convert it (iconv -f UTF-16 -t UTF-8)';
  }
  if (nuls > 0) return `the header contains ${nuls} NUL byte(s): this is not a text CSV file`;
  return undefined;
}

function quoteList(headers: readonly string[]): string {
  const shown = headers.slice(0, 20).map((h) => `'${h}'`).join(', ');
  return headers.length > 20 ? `${shown}, ... (${headers.length} in all)` : shown;
}

function likelyDelimiter(header: string): string | undefined {
  for (const candidate of [';', '\t', '|']) if (header.includes(candidate)) return candidate;
  return undefined;
}
