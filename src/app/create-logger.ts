import pino, { type DestinationStream, type Logger } from 'pino';
import { maskPhone } from '../domain/ports/logger.ts';
import { maskPhonesInText, maskPhonesInUrl } from './mask-log-text.ts';

/** Keys that carry a callee's phone number or identity wherever they appear (top level or one level down). */
const PERSONAL_KEYS = ['phone', 'to', 'e164', 'phoneE164', 'firstName', 'lastName', 'email'] as const;

/** Masks a phone number (keeps the country prefix and the last two digits); hides any other personal value; masks the numbers of a URL. */
function censor(value: unknown, path: string[]): unknown {
  const key = path.at(-1) ?? '';
  if (key === 'url') return typeof value === 'string' ? maskPhonesInUrl(value) : value;
  if (typeof value !== 'string') return value === null || value === undefined ? value : '[redacted]';
  if (!['phone', 'to', 'e164', 'phoneE164'].includes(key)) return '[redacted]';
  if (/^\+?[\d*\s().-]{5,}$/.test(value)) return maskPhone(value);
  // `to` also names other things (a state, a SIP URI): keep a value that is not a bare number, but no digits of it.
  return key === 'to' ? value.replace(/\d(?=\d{2})/g, '*') : '[redacted]';
}

/**
 * Every line passes through `maskPhonesInText` before it is written: an international number in a
 * message, an error message or a stack is masked even when no field names it.
 */
function maskingDestination(destination: DestinationStream): DestinationStream {
  return { write: (line: string) => destination.write(maskPhonesInText(line)) };
}

/**
 * The service's logger: pino, JSON, `service: pacer`. As a safety net under the per-call child loggers
 * (which log masked numbers already), any field named like a phone number or a callee's name or email
 * is masked before it is written, at every level; request URLs (`req.url`, `url`) have the numbers of
 * their path and phone-like query parameters masked; and every international number left anywhere in
 * a line (messages, errors) is masked as the line is written.
 *
 * @example
 * ```ts
 * const logger = createLogger({ level: 'info' });
 * logger.info({ phone: '+12125550123' }, 'dialing'); // {"phone":"+1********23",...}
 * ```
 */
export function createLogger(options: { level: string; destination?: DestinationStream }): Logger {
  const paths = [...PERSONAL_KEYS.flatMap((k) => [k, `*.${k}`]), 'url', 'req.url'];
  const destination = options.destination ?? pino.destination({ dest: 1, sync: true });
  return pino({ level: options.level, base: { service: 'pacer' }, redact: { paths, censor } }, maskingDestination(destination));
}
