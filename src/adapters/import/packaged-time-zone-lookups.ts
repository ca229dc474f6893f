import { createRequire } from 'node:module';
import type { TimeZoneLookups } from '../../domain/leads/time-zone-resolver.ts';

/** `zipcode-to-timezone` (MIT): 5-digit US ZIP -> IANA zone, null when unknown. */
interface ZipcodeToTimezone {
  lookup(zip: string): string | null;
}
/**
 * `@devmehq/phone-number-validator-js`: Google libphonenumber's prefix-to-zone data. Its
 * `timezones()` only reads `number` (E.164) of the PhoneNumber it is given.
 */
interface PhoneNumberTimeZones {
  timezones(phoneNumber: { number: string }): string[] | null;
}

// Both are CommonJS; the phone package's ESM build is broken, so both load through require.
const require = createRequire(import.meta.url);

/** NANP prefix data is keyed by at most 7 digits: '1' + area code + 3 more. */
const NANP_PREFIX_LENGTH = 8; // '+1' + 6 digits

/**
 * The time-zone datasets the lead importer consults, backed by packaged data (no network):
 * `zipcode-to-timezone` for US ZIP codes and Google's prefix-to-zone data from
 * `@devmehq/phone-number-validator-js` for phone numbers. Phone answers are cached per prefix.
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
  const phones = require('@devmehq/phone-number-validator-js') as PhoneNumberTimeZones;
  const nanpCache = new Map<string, readonly string[] | undefined>();
  const phoneZones = (e164: string): readonly string[] | undefined => {
    const zones = phones.timezones({ number: e164 });
    return zones === null || zones.length === 0 ? undefined : zones;
  };
  return {
    zipTimeZone: (zip5) => zips.lookup(zip5) ?? undefined,
    phoneTimeZones(e164) {
      if (!e164.startsWith('+1') || e164.length !== 12) return phoneZones(e164);
      const key = e164.slice(0, NANP_PREFIX_LENGTH);
      if (nanpCache.has(key)) return nanpCache.get(key);
      const zones = phoneZones(e164);
      nanpCache.set(key, zones);
      return zones;
    },
  };
}
