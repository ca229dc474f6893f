import type { ParsedLead } from '../../domain/leads/lead-record-parser.ts';
import type { ResolvedTimeZone } from '../../domain/leads/time-zone-resolver.ts';

const NEEDS_ESCAPE = /[\\\t\n\r]/;

/**
 * A value in PostgreSQL's COPY text format: backslash, tab, newline and CR escaped; null is `\N`.
 *
 * @example
 * ```ts
 * copyText('a\tb'); // 'a\\tb'
 * copyText(null);   // '\\N'
 * ```
 */
export function copyText(value: string | null): string {
  if (value === null) return '\\N';
  if (!NEEDS_ESCAPE.test(value)) return value;
  return value.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'));
}

/** A Postgres array literal of strings (zone names). */
function textArray(values: readonly string[] | null): string | null {
  return values === null ? null : `{${values.map((v) => `"${v.replace(/["\\]/g, '\\$&')}"`).join(',')}}`;
}

/** The JSON text of a lead's custom fields; `{}` without building anything for the common empty case. */
function customJson(custom: Readonly<Record<string, string>>): string {
  for (const _ in custom) return JSON.stringify(custom);
  return '{}';
}

/**
 * The `leads` COPY columns of a parsed lead from `source_row` to `custom` (source_row, first_name,
 * last_name, email, state, zip, timezone, timezone_source, timezone_candidates, custom), tab-separated.
 *
 * @example
 * ```ts
 * leadColumnsText(lead); // '7\tAnn\t\\N\t...\tzip\t\\N\t{"plan":"gold"}'
 * ```
 */
export function leadColumnsText(lead: ParsedLead): string {
  return (
    `${lead.sourceRow}\t${copyText(lead.firstName)}\t${copyText(lead.lastName)}\t${copyText(lead.email)}\t${copyText(lead.state)}\t` +
    `${copyText(lead.zip)}\t${copyText(lead.timezone)}\t${lead.timezoneSource}\t${copyText(textArray(lead.timezoneCandidates))}\t${copyText(customJson(lead.custom))}`
  );
}

/** `\t\N\t\N\t\N`: a number without a zone of its own (it takes the lead's). */
export const NO_NUMBER_ZONE = Buffer.from('\t\\N\t\\N\t\\N');
const numberZoneBytes = new WeakMap<ResolvedTimeZone, Buffer>();

/**
 * The `lead_phones` COPY columns of a number's zone, each with its leading tab
 * (`\t<timezone>\t<timezone_source>\t<timezone_candidates>`), as bytes. The resolver shares one
 * object per zone (see `createTimeZoneResolver`), so each is encoded once and remembered.
 *
 * @example
 * ```ts
 * numberZoneColumns({ zone: 'Asia/Tokyo', source: 'phone', candidates: null }).toString(); // '\tAsia/Tokyo\tphone\t\\N'
 * ```
 */
export function numberZoneColumns(resolved: ResolvedTimeZone): Buffer {
  let bytes = numberZoneBytes.get(resolved);
  if (bytes === undefined) {
    bytes = Buffer.from(`\t${copyText(resolved.zone)}\t${resolved.source}\t${copyText(textArray(resolved.candidates))}`);
    numberZoneBytes.set(resolved, bytes);
  }
  return bytes;
}
