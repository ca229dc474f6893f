import { IANAZone } from 'luxon';
import type { FieldIssue } from '../pacer-error.ts';
import { regionTimeZones, zoneAliasTimeZones } from './region-time-zones.ts';

export type TimeZoneSource = 'column' | 'zip' | 'state' | 'phone' | 'ambiguous' | 'unknown';

/** Where a lead's callee is, as far as the lead row tells. */
export interface ResolvedTimeZone {
  /** IANA zone; null when ambiguous or unknown. */
  zone: string | null;
  source: TimeZoneSource;
  /** The zones it could be, when `source` is 'ambiguous'; otherwise null. */
  candidates: readonly string[] | null;
}

/** Data the resolver consults; the import adapter backs them with packaged datasets. */
export interface TimeZoneLookups {
  /** IANA zone of a 5-digit US ZIP code, or undefined when the ZIP is unknown. */
  zipTimeZone(zip5: string): string | undefined;
  /** Every zone the number's prefix is assigned to (one or more), or undefined when unknown. */
  phoneTimeZones(e164: string): readonly string[] | undefined;
}

/** The fields of a lead row that locate the callee. Empty strings count as absent. */
export interface TimeZoneInput {
  timezone?: string | undefined;
  zip?: string | undefined;
  state?: string | undefined;
  /** Normalized E.164 numbers, first one first. */
  phones: readonly string[];
}

export interface TimeZoneResolution extends ResolvedTimeZone {
  /** Non-fatal problems worth telling the uploader (e.g. an unrecognized `timezone` value). */
  issues: FieldIssue[];
}

/**
 * Resolves the callee's IANA time zone, strongest evidence first, and never guesses:
 *
 * 1. an explicit `timezone` column: an IANA name (any case) or a North American abbreviation
 *    (`EST`, `Pacific`; `MST`/`AST` stand for two zones and are ambiguous);
 * 2. the US ZIP code (`12345`, `12345-6789`, or 4 digits with the leading zero lost by a spreadsheet);
 * 3. the US state / Canadian province, when it lies in one zone; a multi-zone region (FL, TX, ...)
 *    is 'ambiguous' with its zones as candidates;
 * 4. the first phone number's prefix (Google's prefix-to-zone data); several zones (Alaska's
 *    +1907, toll-free numbers) give 'ambiguous';
 * 5. otherwise 'unknown'.
 *
 * @example
 * ```ts
 * const tz = createTimeZoneResolver(lookups);
 * tz({ zip: '10001', phones: [] });             // { zone: 'America/New_York', source: 'zip', ... }
 * tz({ state: 'FL', phones: ['+13055550100'] }); // { zone: null, source: 'ambiguous',
 *                                               //   candidates: ['America/New_York', 'America/Chicago'] }
 * ```
 */
export function createTimeZoneResolver(lookups: TimeZoneLookups): (input: TimeZoneInput) => TimeZoneResolution {
  const zoneNames = new Map<string, string | null>();
  const canonicalZone = (name: string): string | null => {
    let found = zoneNames.get(name);
    if (found === undefined) {
      found = IANAZone.isValidZone(name) ? new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone : null;
      zoneNames.set(name, found);
    }
    return found;
  };

  // Region spellings recur on every row; short ones (not slices of the file) are remembered.
  const regions = new Map<string, readonly string[] | undefined>();
  const regionZones = (state: string): readonly string[] | undefined => {
    if (state.length > 12) return regionTimeZones(state);
    if (regions.has(state)) return regions.get(state);
    const zones = regionTimeZones(state);
    if (regions.size < 1000) regions.set(state, zones);
    return zones;
  };

  return (input) => {
    const issues: FieldIssue[] = [];
    const timezone = input.timezone?.trim() ?? '';
    if (timezone !== '') {
      const alias = zoneAliasTimeZones(timezone);
      if (alias !== undefined) return fromZones(alias, 'column', issues);
      const zone = canonicalZone(timezone);
      if (zone !== null) return { zone, source: 'column', candidates: null, issues };
      issues.push({ field: 'timezone', reason: `unknown time zone '${timezone}'; expected an IANA name like America/New_York` });
    }

    const zip5 = usZip5(input.zip ?? '');
    if (zip5 !== undefined) {
      const zone = lookups.zipTimeZone(zip5);
      if (zone !== undefined) return { zone, source: 'zip', candidates: null, issues };
    }

    const state = input.state?.trim() ?? '';
    if (state !== '') {
      const zones = regionZones(state);
      if (zones !== undefined) return fromZones(zones, 'state', issues);
    }

    const firstPhone = input.phones[0];
    if (firstPhone !== undefined) {
      const zones = lookups.phoneTimeZones(firstPhone);
      if (zones !== undefined && zones.length > 0) return fromZones(zones, 'phone', issues);
    }
    return { zone: null, source: 'unknown', candidates: null, issues };
  };
}

function fromZones(zones: readonly string[], source: TimeZoneSource, issues: FieldIssue[]): TimeZoneResolution {
  const only = zones[0];
  if (only !== undefined && zones.length === 1) return { zone: only, source, candidates: null, issues };
  return { zone: null, source: 'ambiguous', candidates: zones, issues };
}

/** The 5-digit US ZIP in `raw` (`12345`, `12345-6789`, `1234`), restoring a leading zero a spreadsheet dropped; else undefined. */
export function usZip5(raw: string): string | undefined {
  const text = raw.trim();
  const dash = text.indexOf('-');
  const digits = dash === -1 ? text : text.slice(0, dash);
  if ((digits.length !== 4 && digits.length !== 5) || !allDigits(digits)) return undefined;
  if (dash !== -1 && (text.length - dash - 1 !== 4 || !allDigits(text.slice(dash + 1)))) return undefined;
  return digits.length === 4 ? `0${digits}` : digits;
}

function allDigits(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}
