import { getCountryCallingCode, isSupportedCountry } from 'libphonenumber-js/max';
import { normalizePhoneNumber, type CountryCode, type PhoneNormalization } from './phone-number.ts';

/** Normalizes one raw phone cell; same contract as {@link normalizePhoneNumber}. */
export type PhoneNormalizer = (raw: string) => PhoneNormalization;

/**
 * The area code + exchange prefixes whose libphonenumber verdict depends on later digits, found by
 * an exhaustive check of libphonenumber-js's NANP metadata (tests/unit/leads/phone-normalizer.test.ts
 * recomputes it and fails when a metadata update changes it). These always take the full path.
 */
export const NANP_SUFFIX_DEPENDENT_PREFIXES: ReadonlySet<string> = new Set(['246521', '246522', '876606']);
/** Spellings that take libphonenumber's full path (non-NANP, malformed) whose answers are remembered. */
const MAX_CACHED_SPELLINGS = 20_000;
/** Area code + exchange prefixes whose verdict the process remembers (there are 800,000 in all). */
const MAX_REMEMBERED_PREFIXES = 300_000;

/**
 * libphonenumber's verdict per NANP area code + exchange (a 6-digit integer), shared by every
 * normalizer of the process: the verdict of a `+1` number depends on nothing else (not the default
 * region, not the import), so a long-running worker asks libphonenumber about each prefix once, not
 * once per file. Kept compact: the region of a valid prefix (null: none), or the answer for an invalid one.
 */
const nanpVerdicts = new Map<number, CountryCode | null | { ok: false; reason: string }>();

/**
 * Builds a phone normalizer for a bulk import. It returns exactly what {@link normalizePhoneNumber}
 * returns, but NANP numbers (country calling code 1) take a fast path: libphonenumber's validity
 * verdict and region for a NANP number depend only on its leading national digits (area code and
 * exchange, except for {@link NANP_SUFFIX_DEPENDENT_PREFIXES}), so the verdict for the first number
 * seen with a given area code + exchange is computed by libphonenumber and reused for every
 * other number with that prefix, by every normalizer of the process (up to 300,000 prefixes). Everything that is not plainly `[+][1]NXXNXXXXXX` goes through
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
  // The same bad spellings ('n/a', '123') and foreign numbers recur in a file: answer them once.
  const spellings = new Map<string, PhoneNormalization>();

  return (raw: string): PhoneNormalization => {
    const national = nanpNationalNumber(raw, regionIsNanp);
    if (national === NOT_PLAIN_NANP) {
      let answer = spellings.get(raw);
      if (answer === undefined) {
        answer = normalizePhoneNumber(raw, defaultRegion);
        if (spellings.size < MAX_CACHED_SPELLINGS) spellings.set(JSON.parse(JSON.stringify(raw)) as string, answer);
      }
      return answer;
    }
    const e164 = plainE164(raw, national);
    const prefix = Math.floor(national / 10_000);
    if (SUFFIX_DEPENDENT.has(prefix)) return normalizePhoneNumber(e164, defaultRegion);
    // Keyed by the 6-digit area code + exchange as an integer: no string made or hashed per number.
    const remembered = nanpVerdicts.get(prefix);
    if (remembered === undefined) {
      const verdict = normalizePhoneNumber(e164, defaultRegion);
      if (nanpVerdicts.size < MAX_REMEMBERED_PREFIXES) nanpVerdicts.set(prefix, verdict.ok ? (verdict.country ?? null) : verdict);
      return verdict;
    }
    if (remembered === null) return { ok: true, e164, country: undefined };
    return typeof remembered === 'object' ? remembered : { ok: true, e164, country: remembered };
  };
}

/** The E.164 text of a plain NANP number: the input itself, or one concatenation, when it holds nothing but digits. */
function plainE164(raw: string, national: number): string {
  // 10 characters holding 10 digits, or 12 starting with '+' and holding 11 digits: nothing else.
  if (raw.length === 10) return `+1${raw}`;
  if (raw.length === 12 && raw.charCodeAt(0) === PLUS) return raw;
  return `+1${national}`;
}

const SUFFIX_DEPENDENT: ReadonlySet<number> = new Set([...NANP_SUFFIX_DEPENDENT_PREFIXES].map(Number));
const NOT_PLAIN_NANP = -1;
const PLUS = 43;
const ZERO = 48;
const NINE = 57;

/**
 * The 10 national digits of a plainly written NANP number as an integer (area code 2-9 first, so
 * no leading zero is lost), or NOT_PLAIN_NANP for anything else. "Plainly written": after dropping
 * whitespace and the decorations `( ) . -` anywhere, `+1` and 10 digits (the `+` first), or
 * (in a NANP default region) 10 digits or `1` and 10 digits. One pass over the characters; anything
 * outside ASCII (other spaces, other digits) is left to libphonenumber.
 */
function nanpNationalNumber(raw: string, regionIsNanp: boolean): number {
  let digits = 0;
  let value = 0;
  let plus = false;
  let decorated = false;
  let first = -1;
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (c >= ZERO && c <= NINE) {
      if (digits === 0) first = c - ZERO;
      digits += 1;
      if (digits > 11) return NOT_PLAIN_NANP;
      value = value * 10 + (c - ZERO);
    } else if (c === PLUS) {
      // Only first (after whitespace), and once: libphonenumber reads '(+1) 212...' as no number.
      if (plus || digits > 0 || decorated) return NOT_PLAIN_NANP;
      plus = true;
    } else if (isSpace(c)) {
      continue;
    } else if (c === 40 || c === 41 || c === 45 || c === 46) {
      decorated = true; // ( ) - .
    } else {
      return NOT_PLAIN_NANP;
    }
  }
  let national: number;
  if (plus) {
    if (digits !== 11 || first !== 1) return NOT_PLAIN_NANP;
    national = value - 1e10;
  } else if (!regionIsNanp) {
    return NOT_PLAIN_NANP;
  } else if (digits === 10) {
    national = value;
  } else if (digits === 11 && first === 1) {
    national = value - 1e10;
  } else {
    return NOT_PLAIN_NANP;
  }
  // An area code starting with 0 or 1 is never valid; libphonenumber says why.
  return national >= 2e9 ? national : NOT_PLAIN_NANP;
}

/** ASCII whitespace as JavaScript's `\s` and `trim` see it. */
function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}
