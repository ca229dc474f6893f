import type { Scheduler } from '../../domain/ports/scheduler.ts';

/**
 * The wall-clock scheduler, optionally sped up (`speed` virtual seconds per real second) for the
 * simulated-telephony demo (`PACER_SIM_SPEED`). With speed 1 it is `Date.now()` and `setTimeout`.
 *
 * @example
 * ```ts
 * const scheduler = new SystemScheduler({ speed: 10 }); // ten simulated seconds per second
 * scheduler.at(scheduler.nowMs() + 60_000, () => log.info('a simulated minute later'));
 * ```
 */
export class SystemScheduler implements Scheduler {
  readonly #speed: number;
  readonly #realStartMs: number;
  readonly #timers = new Set<ReturnType<typeof setTimeout>>();

  constructor(options: { speed?: number } = {}) {
    const speed = options.speed ?? 1;
    if (!(speed > 0 && Number.isFinite(speed))) throw new RangeError(`speed must be a positive number, got ${speed}`);
    this.#speed = speed;
    this.#realStartMs = Date.now();
  }

  nowMs(): number {
    const real = Date.now();
    return this.#speed === 1 ? real : this.#realStartMs + (real - this.#realStartMs) * this.#speed;
  }

  at(atMs: number, fn: () => void): () => void {
    const delayMs = Math.max(0, (atMs - this.nowMs()) / this.#speed);
    const handle = setTimeout(() => {
      this.#timers.delete(handle);
      fn();
    }, delayMs);
    this.#timers.add(handle);
    return () => {
      clearTimeout(handle);
      this.#timers.delete(handle);
    };
  }

  /** Cancels every pending timer (shutdown). */
  cancelAll(): void {
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
  }
}
