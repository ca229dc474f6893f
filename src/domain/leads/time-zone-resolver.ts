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
  /**
   * The zone of each of `phones`, in the same order (only with `{ perNumber: true }`): see
   * {@link createTimeZoneResolver}. The objects are shared between leads: do not change them.
   */
  numbers?: readonly ResolvedTimeZone[];
}

export interface TimeZoneResolverOptions {
  /** Also resolve a zone per number (`numbers`). */
  perNumber?: boolean;
}

/** The lead's own location evidence (column, ZIP, state), before it is told apart into one zone or several. */
interface Evidence {
  zones: readonly string[];
  source: 'column' | 'zip' | 'state';
  /** Cache key: the source and the zones. */
  key: string;
}

/** Resolved-zone objects remembered per (number prefix, evidence); beyond this many, built afresh. */
const MAX_NUMBER_ZONES_CACHED = 20_000;
const UNKNOWN: ResolvedTimeZone = Object.freeze({ zone: null, source: 'unknown', candidates: null });

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
 * With `{ perNumber: true }` each number also gets its own zone (`numbers`): the zones of ITS prefix,
 * narrowed by the lead's column / ZIP / state evidence only when they agree (the evidence's zones
 * that are among the number's: a `+1305` number with ZIP 33101 is New York, source 'zip'); when they
 * disagree (a Tokyo `phone2` of a New York ZIP) the number's own prefix decides (source 'phone'); a
 * number whose prefix is unknown takes the lead's evidence, and without either it is 'unknown'.
 * Results are shared objects (cached per prefix and evidence), so this costs one map lookup a number.
 *
 * @example
 * ```ts
 * const tz = createTimeZoneResolver(lookups);
 * tz({ zip: '10001', phones: [] });             // { zone: 'America/New_York', source: 'zip', ... }
 * tz({ state: 'FL', phones: ['+13055550100'] }); // { zone: null, source: 'ambiguous',
 *                                               //   candidates: ['America/New_York', 'America/Chicago'] }
 * ```
 */
export function createTimeZoneResolver(lookups: TimeZoneLookups, options: TimeZoneResolverOptions = {}): (input: TimeZoneInput) => TimeZoneResolution {
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

  // Evidence objects recur too (a few hundred zones and regions): remembered per zone / zone list.
  const singles = { column: new Map<string, Evidence>(), zip: new Map<string, Evidence>(), state: new Map<string, Evidence>() };
  const lists = { column: new Map<readonly string[], Evidence>(), zip: new Map<readonly string[], Evidence>(), state: new Map<readonly string[], Evidence>() };
  const evidenceOne = (zone: string, source: Evidence['source']): Evidence => {
    const known = singles[source].get(zone);
    if (known !== undefined) return known;
    const made = evidence([zone], source);
    if (singles[source].size < 1000) singles[source].set(zone, made);
    return made;
  };
  const evidenceList = (zones: readonly string[], source: Evidence['source']): Evidence => {
    const known = lists[source].get(zones);
    if (known !== undefined) return known;
    const made = evidence(zones, source);
    if (lists[source].size < 1000) lists[source].set(zones, made);
    return made;
  };

  /** The lead's strongest column / ZIP / state evidence, or undefined when it has none. */
  const evidenceOf = (input: TimeZoneInput, issues: FieldIssue[]): Evidence | undefined => {
    const timezone = input.timezone?.trim() ?? '';
    if (timezone !== '') {
      const alias = zoneAliasTimeZones(timezone);
      if (alias !== undefined) return evidenceList(alias, 'column');
      const zone = canonicalZone(timezone);
      if (zone !== null) return evidenceOne(zone, 'column');
      issues.push({ field: 'timezone', reason: `unknown time zone '${timezone}'; expected an IANA name like America/New_York` });
    }
    const zip5 = usZip5(input.zip ?? '');
    if (zip5 !== undefined) {
      const zone = lookups.zipTimeZone(zip5);
      if (zone !== undefined) return evidenceOne(zone, 'zip');
    }
    const state = input.state?.trim() ?? '';
    if (state !== '') {
      const zones = regionZones(state);
      if (zones !== undefined) return evidenceList(zones, 'state');
    }
    return undefined;
  };

  // Per number: cached by the prefix's zone list (the lookups return one shared array per prefix)
  // and the evidence's key.
  const numberZones = new Map<readonly string[], Map<string, ResolvedTimeZone>>();
  let cached = 0;
  const numberZone = (e164: string, found: Evidence | undefined): ResolvedTimeZone => {
    const prefixZones = lookups.phoneTimeZones(e164);
    if (prefixZones === undefined || prefixZones.length === 0) return found === undefined ? UNKNOWN : remember(undefined, found);
    return remember(prefixZones, found);
  };
  const evidenceZones = new Map<string, ResolvedTimeZone>();
  const remember = (prefixZones: readonly string[] | undefined, found: Evidence | undefined): ResolvedTimeZone => {
    const key = found?.key ?? '';
    const byEvidence = prefixZones === undefined ? evidenceZones : numberZones.get(prefixZones);
    const hit = byEvidence?.get(key);
    if (hit !== undefined) return hit;
    const resolved = Object.freeze(narrow(prefixZones, found));
    if (cached >= MAX_NUMBER_ZONES_CACHED) return resolved;
    cached += 1;
    if (byEvidence !== undefined) byEvidence.set(key, resolved);
    else if (prefixZones !== undefined) numberZones.set(prefixZones, new Map([[key, resolved]]));
    return resolved;
  };

  return (input) => {
    const issues: FieldIssue[] = [];
    const found = evidenceOf(input, issues);
    const numbers = options.perNumber === true ? input.phones.map((e164) => numberZone(e164, found)) : undefined;
    const lead = leadZone(input, found, issues);
    if (numbers !== undefined) lead.numbers = numbers;
    return lead;
  };

  function leadZone(input: TimeZoneInput, found: Evidence | undefined, issues: FieldIssue[]): TimeZoneResolution {
    if (found !== undefined) return fromZones(found.zones, found.source, issues);
    const firstPhone = input.phones[0];
    if (firstPhone !== undefined) {
      const zones = lookups.phoneTimeZones(firstPhone);
      if (zones !== undefined && zones.length > 0) return fromZones(zones, 'phone', issues);
    }
    return { zone: null, source: 'unknown', candidates: null, issues };
  }
}

function evidence(zones: readonly string[], source: Evidence['source']): Evidence {
  return { zones, source, key: zones.length === 1 ? `${source}:${zones[0] ?? ''}` : `${source}:${zones.join(',')}` };
}

/** A number's zone from its prefix's zones and the lead's evidence (see {@link createTimeZoneResolver}). */
function narrow(prefixZones: readonly string[] | undefined, found: Evidence | undefined): ResolvedTimeZone {
  if (prefixZones === undefined) {
    if (found === undefined) return UNKNOWN;
    const { zone, source, candidates } = fromZones(found.zones, found.source, []);
    return { zone, source, candidates };
  }
  const agreed = found === undefined ? [] : found.zones.filter((zone) => prefixZones.includes(zone));
  const { zone, source, candidates } = agreed.length > 0 && found !== undefined ? fromZones(agreed, found.source, []) : fromZones(prefixZones, 'phone', []);
  return { zone, source, candidates };
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
