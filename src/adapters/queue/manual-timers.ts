import { ManualClock } from '../../domain/ports/clock.ts';
import type { TimerHandle, Timers } from './timers.ts';

interface PendingTimer {
  handle: TimerHandle;
  dueMs: number;
  seq: number;
  callback: () => void;
}

/**
 * Virtual-time {@link Timers} driving a {@link ManualClock}: nothing fires until `advanceMs` moves
 * time past a timer's due time. Timers fire in due order (ties in creation order), each with the
 * clock set to its due time, so callbacks that schedule further timers behave as on real time.
 *
 * @example
 * ```ts
 * const timers = new ManualTimers();
 * const queue = new InProcessJobQueue({ clock: timers.clock, timers });
 * await queue.add('q', 'job', {}, { delayMs: 1_000 });
 * timers.advanceMs(1_000); // the job is now waiting
 * ```
 */
export class ManualTimers implements Timers {
  readonly clock: ManualClock;
  #pending: PendingTimer[] = [];
  #seq = 0;

  constructor(clock: ManualClock = new ManualClock()) {
    this.clock = clock;
  }

  set(callback: () => void, delayMs: number): TimerHandle {
    const handle: TimerHandle = {};
    this.#pending.push({ handle, dueMs: this.clock.nowMs() + Math.max(0, delayMs), seq: this.#seq++, callback });
    return handle;
  }

  clear(handle: TimerHandle): void {
    this.#pending = this.#pending.filter((t) => t.handle !== handle);
  }

  /** Timers not fired yet. */
  get pendingCount(): number {
    return this.#pending.length;
  }

  /** Moves time forward by `deltaMs`, firing every timer that falls due on the way. */
  advanceMs(deltaMs: number): void {
    if (!(deltaMs >= 0)) throw new RangeError(`advanceMs needs a non-negative delta, got ${deltaMs}`);
    const targetMs = this.clock.nowMs() + deltaMs;
    for (;;) {
      const next = this.#nextDue(targetMs);
      if (next === undefined) break;
      this.#pending = this.#pending.filter((t) => t !== next);
      this.clock.setMs(Math.max(this.clock.nowMs(), next.dueMs));
      next.callback();
    }
    this.clock.setMs(targetMs);
  }

  #nextDue(targetMs: number): PendingTimer | undefined {
    let best: PendingTimer | undefined;
    for (const t of this.#pending) {
      if (t.dueMs > targetMs) continue;
      if (best === undefined || t.dueMs < best.dueMs || (t.dueMs === best.dueMs && t.seq < best.seq)) best = t;
    }
    return best;
  }
}
