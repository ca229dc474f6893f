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
    if (!parsed.isValid()) {
      const upgraded = brazilNineDigitMobile(parsed.countryCallingCode, parsed.nationalNumber);
      if (upgraded !== undefined) return upgraded;
      return { ok: false, reason: 'not a valid number for its region' };
    }
    return { ok: true, e164: parsed.number, country: parsed.country };
  } catch (err) {
    // ParseError.message is the library's documented error code (INVALID_COUNTRY, TOO_SHORT...).
    if (err instanceof ParseError) return { ok: false, reason: parseErrorReason(err.message) };
    throw err;
  }
}

/**
 * Brazil's mobiles gained a leading 9 (nine digits after the DDD) between 2012 and 2016 (Anatel,
 * Resolução 553/2010); lists still carry the old 8-digit form, `(81) 8765-4321`. A number libphonenumber
 * rejects whose 8-digit subscriber part starts with 6-9 (the old mobile range) is read as that mobile
 * with its 9, when the result is a valid mobile.
 */
function brazilNineDigitMobile(countryCallingCode: string, nationalNumber: string): PhoneNormalization | undefined {
  if (countryCallingCode !== '55' || nationalNumber.length !== 10 || !'6789'.includes(nationalNumber.charAt(2))) return undefined;
  try {
    const nine = parsePhoneNumberWithError(`+55${nationalNumber.slice(0, 2)}9${nationalNumber.slice(2)}`);
    return nine.isValid() && nine.getType() === 'MOBILE' ? { ok: true, e164: nine.number, country: nine.country } : undefined;
  } catch (err) {
    if (err instanceof ParseError) return undefined;
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
