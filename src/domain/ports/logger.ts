/**
 * The logging port: the subset of pino the domain and runtime use. A pino logger satisfies it.
 *
 * @example
 * ```ts
 * const log = logger.child({ callId, campaignId });
 * log.info({ outcome }, 'call ended');
 * ```
 */
export interface Logger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  child(bindings: Record<string, unknown>): Logger;
}

/** A logger that drops everything (tests, simulations). */
export const silentLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => silentLogger,
};

/** Masks a phone number for logs above debug level: keeps the country code and the last two digits. */
export function maskPhone(e164: string): string {
  return e164.length <= 5 ? '***' : `${e164.slice(0, 2)}${'*'.repeat(e164.length - 4)}${e164.slice(-2)}`;
}
