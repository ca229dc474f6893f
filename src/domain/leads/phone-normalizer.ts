import { getCountryCallingCode, isSupportedCountry } from 'libphonenumber-js/max';
import { normalizePhoneNumber, type CountryCode, type PhoneNormalization } from './phone-number.ts';

/** Normalizes one raw phone cell; same contract as {@link normalizePhoneNumber}. */
export type PhoneNormalizer = (raw: string) => PhoneNormalization;

/** Cached verdicts are keyed by this many leading national digits (area code + exchange). */
const NANP_PREFIX_DIGITS = 6;
/**
 * The area code + exchange prefixes whose libphonenumber verdict depends on later digits, found by
 * an exhaustive check of libphonenumber-js's NANP metadata (tests/unit/leads/phone-normalizer.test.ts
 * recomputes it and fails when a metadata update changes it). These always take the full path.
 */
export const NANP_SUFFIX_DEPENDENT_PREFIXES: ReadonlySet<string> = new Set(['246521', '246522', '876606']);
/** Characters people put around NANP digits: `(212) 555-0100`, `212.555.0100`, `+1 212 555 0100`. */
const NANP_DECORATION = /[\s().-]/g;
const DIGITS_ONLY = /^\+?\d+$/;
/** Spellings that take libphonenumber's full path (non-NANP, malformed) whose answers are remembered. */
const MAX_CACHED_SPELLINGS = 20_000;

/**
 * Builds a phone normalizer for a bulk import. It returns exactly what {@link normalizePhoneNumber}
 * returns, but NANP numbers (country calling code 1) take a fast path: libphonenumber's validity
 * verdict and region for a NANP number depend only on its leading national digits (area code and
 * exchange, except for {@link NANP_SUFFIX_DEPENDENT_PREFIXES}), so the verdict for the first number
 * seen with a given area code + exchange is computed by libphonenumber and reused for every
 * other number with that prefix. Everything that is not plainly `[+][1]NXXNXXXXXX` goes through
 * libphonenumber itself.
 *
 * @example
 * ```ts
 * const normalize = createPhoneNormalizer('US');
 * normalize('(212) 555-0100'); // { ok: true, e164: '+12125550100', country: 'US' }
 * normalize('+44 20 7946 0958'); // { ok: true, e164: '+442079460958', country: 'GB' }
 * normalize('12'); // { ok: false, reason: 'not a valid number for its region' }
 * ```
 */
export function createPhoneNormalizer(defaultRegion: CountryCode): PhoneNormalizer {
  const regionIsNanp = isSupportedCountry(defaultRegion) && getCountryCallingCode(defaultRegion) === '1';
  const verdicts = new Map<string, PhoneNormalization>();
  // The same bad spellings ('n/a', '123') and foreign numbers recur in a file: answer them once.
  const spellings = new Map<string, PhoneNormalization>();

  return (raw: string): PhoneNormalization => {
    const national = nanpNationalDigits(raw, regionIsNanp);
    if (national === undefined) {
      let answer = spellings.get(raw);
      if (answer === undefined) {
        answer = normalizePhoneNumber(raw, defaultRegion);
        if (spellings.size < MAX_CACHED_SPELLINGS) spellings.set(JSON.parse(JSON.stringify(raw)) as string, answer);
      }
      return answer;
    }
    const key = national.slice(0, NANP_PREFIX_DIGITS);
    if (NANP_SUFFIX_DEPENDENT_PREFIXES.has(key)) return normalizePhoneNumber(`+1${national}`, defaultRegion);
    let verdict = verdicts.get(key);
    if (verdict === undefined) {
      verdict = normalizePhoneNumber(`+1${national}`, defaultRegion);
      verdicts.set(key, verdict);
      return verdict;
    }
    return verdict.ok ? { ok: true, e164: `+1${national}`, country: verdict.country } : verdict;
  };
}

/** The 10 national digits of a plainly written NANP number, or undefined for anything else. */
function nanpNationalDigits(raw: string, regionIsNanp: boolean): string | undefined {
  let text = raw.trim();
  if (!DIGITS_ONLY.test(text)) {
    text = text.replace(NANP_DECORATION, '');
    if (!DIGITS_ONLY.test(text)) return undefined;
  }
  if (text.startsWith('+')) {
    return text.length === 12 && text.charCodeAt(1) === 49 /* '1' */ ? text.slice(2) : undefined;
  }
  if (!regionIsNanp) return undefined;
  if (text.length === 10) return text;
  if (text.length === 11 && text.charCodeAt(0) === 49) return text.slice(1);
  return undefined;
}
