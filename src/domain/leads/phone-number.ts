import { parsePhoneNumberWithError, ParseError, type CountryCode } from 'libphonenumber-js/max';

export type { CountryCode };

export type PhoneNormalization = { ok: true; e164: string; country: CountryCode | undefined } | { ok: false; reason: string };

/**
 * Normalizes a dialable number to E.164 with libphonenumber-js. Numbers without a `+` are read in
 * `defaultRegion`. Invalid numbers come back as `{ ok: false, reason }`, never thrown.
 *
 * @example
 * ```ts
 * normalizePhoneNumber('(212) 555-0100', 'US'); // { ok: true, e164: '+12125550100', country: 'US' }
 * normalizePhoneNumber('12', 'US');             // { ok: false, reason: 'too short' }
 * ```
 */
export function normalizePhoneNumber(raw: string, defaultRegion: CountryCode): PhoneNormalization {
  const text = raw.trim();
  if (text === '') return { ok: false, reason: 'empty' };
  try {
    const parsed = parsePhoneNumberWithError(text, { defaultCountry: defaultRegion, extract: false });
    if (!parsed.isValid()) return { ok: false, reason: 'not a valid number for its region' };
    return { ok: true, e164: parsed.number, country: parsed.country };
  } catch (err) {
    // ParseError.message is the library's documented error code (INVALID_COUNTRY, TOO_SHORT...).
    if (err instanceof ParseError) return { ok: false, reason: parseErrorReason(err.message) };
    throw err;
  }
}

function parseErrorReason(code: string): string {
  switch (code) {
    case 'INVALID_COUNTRY':
      return 'unknown country calling code';
    case 'NOT_A_NUMBER':
      return 'not a phone number';
    case 'TOO_SHORT':
      return 'too short';
    case 'TOO_LONG':
      return 'too long';
    default:
      return 'not a phone number';
  }
}
