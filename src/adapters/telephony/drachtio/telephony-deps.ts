import type { Clock } from '../../../domain/ports/clock.ts';

/**
 * The slice of a pino logger the telephony adapter uses; a pino logger fits as is.
 *
 * @example
 * ```ts
 * const log: TelephonyLogger = pino({ level: 'info' });
 * log.child({ callId }).info({ to: maskPhoneNumber(to) }, 'originating');
 * ```
 */
export interface TelephonyLogger {
  child(bindings: Record<string, unknown>): TelephonyLogger;
  debug(obj: Record<string, unknown>, msg: string): void;
  info(obj: Record<string, unknown>, msg: string): void;
  warn(obj: Record<string, unknown>, msg: string): void;
  error(obj: Record<string, unknown>, msg: string): void;
}

/**
 * The timer seam: ring timeouts, AMD timeouts and reconnect backoff are scheduled through it, so
 * tests fire them deterministically. Defaults to the global timers.
 *
 * @example
 * ```ts
 * const handle = timers.setTimeout(() => cancelRinging(), ringTimeoutMs);
 * timers.clearTimeout(handle);
 * ```
 */
export interface TimerScheduler {
  setTimeout(fn: () => void, delayMs: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemTimers: TimerScheduler = {
  setTimeout: (fn, delayMs) => {
    const handle = setTimeout(fn, delayMs);
    handle.unref();
    return handle;
  },
  clearTimeout: (handle) => {
    clearTimeout(handle as ReturnType<typeof setTimeout>);
  },
};

export interface DrachtioTelephonyDeps {
  clock: Clock;
  logger: TelephonyLogger;
  timers?: TimerScheduler;
}

/** Keeps the country code and last two digits: `+12125550100` -> `+1*******00`. */
export function maskPhoneNumber(e164: string): string {
  if (e164.length <= 5) return '*'.repeat(e164.length);
  return `${e164.slice(0, 2)}${'*'.repeat(e164.length - 4)}${e164.slice(-2)}`;
}

/**
 * Waits for `work` at most `limitMs`: resolves true when it settled in time (its rejection is
 * passed on), false when the limit passed first. The work itself is not cancelled.
 *
 * @example
 * ```ts
 * if (!(await settlesWithin(endpoint.destroy(), 5000, timers))) log.warn({}, 'hangup still pending');
 * ```
 */
export function settlesWithin(work: Promise<unknown>, limitMs: number, timers: TimerScheduler): Promise<boolean> {
  return new Promise<boolean>((resolve, reject) => {
    const handle = timers.setTimeout(() => resolve(false), limitMs);
    work.then(
      () => {
        timers.clearTimeout(handle);
        resolve(true);
      },
      (err: unknown) => {
        timers.clearTimeout(handle);
        reject(err instanceof Error ? err : new Error(String(err)));
      },
    );
  });
}
