/** An opaque handle returned by {@link Timers.set}. */
export type TimerHandle = object;

/**
 * Where the in-process adapters schedule delayed work, so tests and the simulator can run it on
 * virtual time ({@link ManualTimers}) instead of the wall clock.
 *
 * @example
 * ```ts
 * const handle = timers.set(() => promote(job), 5_000);
 * timers.clear(handle);
 * ```
 */
export interface Timers {
  set(callback: () => void, delayMs: number): TimerHandle;
  clear(handle: TimerHandle): void;
}

/** Node's timers. */
export const systemTimers: Timers = {
  set(callback, delayMs) {
    return setTimeout(callback, delayMs);
  },
  clear(handle) {
    clearTimeout(handle as ReturnType<typeof setTimeout>);
  },
};
