/**
 * The only way the domain reads time. The runtime passes the system clock; tests and the
 * simulator pass a virtual clock they advance themselves.
 *
 * @example
 * ```ts
 * const clock: Clock = { nowMs: () => Date.now() };
 * const elapsedMs = clock.nowMs() - startedAtMs;
 * ```
 */
export interface Clock {
  /** Milliseconds since the Unix epoch (virtual or real). */
  nowMs(): number;
}

/** A clock whose time only moves when told to: for tests and simulations. */
export class ManualClock implements Clock {
  #nowMs: number;

  constructor(startMs = 0) {
    this.#nowMs = startMs;
  }

  nowMs(): number {
    return this.#nowMs;
  }

  /** Moves time forward; time never goes back. */
  advanceMs(deltaMs: number): void {
    if (!(deltaMs >= 0)) throw new RangeError(`advanceMs needs a non-negative delta, got ${deltaMs}`);
    this.#nowMs += deltaMs;
  }

  setMs(nowMs: number): void {
    if (nowMs < this.#nowMs) throw new RangeError(`time cannot go back: ${nowMs} < ${this.#nowMs}`);
    this.#nowMs = nowMs;
  }
}
