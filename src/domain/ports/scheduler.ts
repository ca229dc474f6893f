import type { Clock } from './clock.ts';

/**
 * Clock plus timers: how the runtime and the simulated telephony wait. On the wall clock it is
 * `setTimeout`; in tests and simulations a virtual scheduler runs timers in time order as the test
 * advances it, so nothing sleeps.
 *
 * @example
 * ```ts
 * const cancel = scheduler.at(scheduler.nowMs() + 2_000, () => session.tick(scheduler.nowMs()));
 * cancel(); // no longer needed
 * ```
 */
export interface Scheduler extends Clock {
  /** Runs `fn` at `atMs` (at once, asynchronously, when `atMs` is past). Returns a cancel function. */
  at(atMs: number, fn: () => void): () => void;
}
