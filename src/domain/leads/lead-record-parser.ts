import type { FieldIssue } from '../pacer-error.ts';
import type { LeadColumnLayout } from './lead-column-layout.ts';
import type { PhoneNormalizer } from './phone-normalizer.ts';
import type { ResolvedTimeZone, TimeZoneInput, TimeZoneResolution } from './time-zone-resolver.ts';

/** A row that passed validation, ready for staging. */
export interface ParsedLead {
  /** 1-based data row (the header is row 0). */
  sourceRow: number;
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  state: string | null;
  zip: string | null;
  timezone: string | null;
  timezoneSource: TimeZoneResolution['source'];
  timezoneCandidates: readonly string[] | null;
  custom: Record<string, string>;
  /** Distinct valid E.164 numbers in column order (phone, phone2, phone3); at least one. */
  phones: readonly string[];
  /**
   * The zone of each of {@link phones} (same order), when the resolver resolves per number
   * (`perNumber`); null: the numbers take the lead's zone.
   */
  phoneTimeZones?: readonly ResolvedTimeZone[] | null;
}

export type LeadRecordResult =
  | { ok: true; lead: ParsedLead; /** non-fatal problems (an invalid phone2, an unknown zone name) */ issues: FieldIssue[] }
  | { ok: false; issues: FieldIssue[] };

export interface LeadRecordParserDeps {
  layout: LeadColumnLayout;
  normalizePhone: PhoneNormalizer;
  resolveTimeZone: (input: TimeZoneInput) => TimeZoneResolution;
}

const PHONE_COLUMNS = ['phone', 'phone2', 'phone3'] as const;
/** What TextDecoder puts where a byte sequence is not UTF-8. */
const REPLACEMENT_CHARACTER = '\uFFFD';

/**
 * Turns one CSV record into a lead or a rejection. A row is rejected (never half-imported) when
 * it has the wrong number of fields, holds bytes that are not UTF-8, or has no valid phone number;
 * each reason names the row and the field.
 *
 * @example
 * ```ts
 * const parse = createLeadRecordParser({ layout, normalizePhone, resolveTimeZone });
 * parse(['(212) 555-0100', 'Ann'], 1); // { ok: true, lead: { phones: ['+12125550100'], firstName: 'Ann', ... } }
 * parse(['12', 'Bob'], 2);             // { ok: false, issues: [{ row: 2, field: 'phone', reason: ... }] }
 * ```
 */
export function createLeadRecordParser(deps: LeadRecordParserDeps): (record: readonly string[], row: number) => LeadRecordResult {
  const { layout, normalizePhone, resolveTimeZone } = deps;
  const { known } = layout;
  // Each column's index, looked up once: a lookup by column name per cell and row was a large part
  // of the parser's time in a million-row import.
  const phoneColumns = PHONE_COLUMNS.map((column) => ({ column, index: known[column] ?? -1 }));
  const at = {
    first_name: known.first_name ?? -1,
    last_name: known.last_name ?? -1,
    email: known.email ?? -1,
    state: known.state ?? -1,
    zip: known.zip ?? -1,
    timezone: known.timezone ?? -1,
  };
  const custom = layout.custom.map(({ name, index }) => ({ name, index }));
  /** The trimmed cell at `index` (-1: the column is absent), null when empty. */
  const cell = (record: readonly string[], index: number): string | null => {
    if (index < 0) return null;
    const value = record[index]?.trim() ?? '';
    return value === '' ? null : value;
  };

  return (record, row) => {
    if (record.length !== layout.width) {
      return { ok: false, issues: [{ row, field: 'row', reason: `expected ${layout.width} fields as in the header, found ${record.length}` }] };
    }
    for (let i = 0; i < record.length; i++) {
      if (record[i]?.includes(REPLACEMENT_CHARACTER)) {
        const field = layout.headers[i] ?? `column_${i + 1}`;
        return { ok: false, issues: [{ row, field, reason: 'contains bytes that are not valid UTF-8; save the file as UTF-8' }] };
      }
    }

    const issues: FieldIssue[] = [];
    const phones: string[] = [];
    for (const { column, index } of phoneColumns) {
      const raw = cell(record, index);
      if (raw === null) continue;
      const normalized = normalizePhone(raw);
      if (!normalized.ok) issues.push({ row, field: column, reason: `invalid phone number '${raw}': ${normalized.reason}` });
      else if (!phones.includes(normalized.e164)) phones.push(normalized.e164);
    }
    if (phones.length === 0) {
      if (issues.length === 0) issues.push({ row, field: 'phone', reason: 'no phone number' });
      return { ok: false, issues };
    }

    const state = cell(record, at.state);
    const zip = cell(record, at.zip);
    const zone = resolveTimeZone({ timezone: cell(record, at.timezone) ?? undefined, zip: zip ?? undefined, state: state ?? undefined, phones });
    for (const issue of zone.issues) issues.push({ ...issue, row });

    const fields: Record<string, string> = {};
    for (const { name, index } of custom) {
      const value = record[index];
      if (value !== undefined && value !== '') fields[name] = value;
    }
    return {
      ok: true,
      issues,
      lead: {
        sourceRow: row,
        firstName: cell(record, at.first_name),
        lastName: cell(record, at.last_name),
        email: cell(record, at.email),
        state,
        zip,
        timezone: zone.zone,
        timezoneSource: zone.source,
        timezoneCandidates: zone.candidates,
        custom: fields,
        phones,
        phoneTimeZones: zone.numbers ?? null,
      },
    };
  };
}
