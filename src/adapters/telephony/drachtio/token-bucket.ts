import type { Clock } from '../../../domain/ports/clock.ts';

/**
 * A calls-per-second limiter: `ratePerSec` tokens refill continuously up to `burst`; starting a
 * call takes one. Time comes from the injected clock, so tests and simulations control it.
 *
 * @example
 * ```ts
 * const bucket = new TokenBucket({ ratePerSec: 30, burst: 30 }, clock);
 * if (!bucket.tryTake()) return { ok: false, reason: 'no_capacity' };
 * ```
 */
export class TokenBucket {
  readonly #ratePerSec: number;
  readonly #burst: number;
  readonly #clock: Clock;
  #tokens: number;
  #lastRefillMs: number;

  constructor(limits: { ratePerSec: number; burst: number }, clock: Clock) {
    if (!(limits.ratePerSec > 0) || !(limits.burst >= 1)) {
      throw new RangeError(`token bucket needs ratePerSec > 0 and burst >= 1, got ${limits.ratePerSec}/${limits.burst}`);
    }
    this.#ratePerSec = limits.ratePerSec;
    this.#burst = limits.burst;
    this.#clock = clock;
    this.#tokens = limits.burst;
    this.#lastRefillMs = clock.nowMs();
  }

  /** Whole tokens available now. */
  available(): number {
    this.#refill();
    return Math.floor(this.#tokens);
  }

  /** Takes one token if there is one. */
  tryTake(): boolean {
    this.#refill();
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }

  #refill(): void {
    const nowMs = this.#clock.nowMs();
    const elapsedMs = Math.max(0, nowMs - this.#lastRefillMs);
    this.#lastRefillMs = Math.max(this.#lastRefillMs, nowMs);
    this.#tokens = Math.min(this.#burst, this.#tokens + (elapsedMs * this.#ratePerSec) / 1000);
  }
}
