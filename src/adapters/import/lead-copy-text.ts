import type { ParsedLead } from '../../domain/leads/lead-record-parser.ts';

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
