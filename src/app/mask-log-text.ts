import { maskPhone } from '../domain/ports/logger.ts';

/** A `+` (raw or percent-encoded as `%2B`) followed by a number of 7-15 digits, separators allowed. */
const INTERNATIONAL = /(\+|%2[Bb])(\d(?:[\d\s().-]|%20){5,24}\d)/g;

/** Query parameters whose value is a callee's number, whatever its format. */
const PHONE_PARAMS = new Set(['phone', 'phone2', 'e164', 'number', 'to', 'msisdn']);

function maskDigits(value: string): string {
  const digits = value.replace(/\D/g, '');
  if (digits.length < 7) return value;
  let seen = 0;
  // Keep the last two digits; every other digit becomes `*`.
  return value.replace(/\d/g, (d) => (++seen > digits.length - 2 ? d : '*'));
}

/**
 * Masks every international phone number inside a text (a log message, an error message, a whole
 * log line): `+12125550123` -> `+1********23`, `%2B12125550123` -> `%2B1********23`. Other numbers
 * (timestamps, ids) are kept.
 *
 * @example
 * ```ts
 * maskPhonesInText('could not dial +12125550123'); // 'could not dial +1********23'
 * ```
 */
export function maskPhonesInText(text: string): string {
  return text.replace(INTERNATIONAL, (_match, plus: string, rest: string) => {
    const digits = rest.replace(/\D/g, '');
    if (digits.length < 7 || digits.length > 15) return `${plus}${rest}`;
    return `${plus}${maskPhone(`+${digits}`).slice(1)}`;
  });
}

/**
 * Masks the phone numbers of a request URL: international numbers anywhere, a path segment made of
 * a number in any format, and the value of a phone-like query parameter (`phone`, `e164`, `to`...).
 *
 * @example
 * ```ts
 * maskPhonesInUrl('/v1/dnc-lists/3f/numbers/+12125550123'); // '/v1/dnc-lists/3f/numbers/+1********23'
 * maskPhonesInUrl('/v1/dnc/check?phone=(212)%20555-0123');  // '/v1/dnc/check?phone=(***)%20***-**23'
 * ```
 */
export function maskPhonesInUrl(url: string): string {
  const queryAt = url.indexOf('?');
  const path = queryAt < 0 ? url : url.slice(0, queryAt);
  const query = queryAt < 0 ? undefined : url.slice(queryAt + 1);
  const maskedPath = path
    .split('/')
    .map((segment) => (/^(?:\+|%2[Bb])?(?:[\d().-]|%20)+$/.test(segment) ? maskDigits(segment.replace(/%20/g, ' ')).replace(/ /g, '%20') : segment))
    .join('/');
  if (query === undefined) return maskPhonesInText(maskedPath);
  const maskedQuery = query
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      if (eq < 0) return pair;
      const name = pair.slice(0, eq).toLowerCase();
      return PHONE_PARAMS.has(name) ? `${pair.slice(0, eq + 1)}${maskDigits(pair.slice(eq + 1).replace(/%20/g, ' ').replace(/%2[Bb]/g, '+')).replace(/ /g, '%20')}` : pair;
    })
    .join('&');
  return maskPhonesInText(`${maskedPath}?${maskedQuery}`);
}
