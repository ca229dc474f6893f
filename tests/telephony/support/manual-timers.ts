import type { ManualClock } from '../../../src/domain/ports/clock.ts';
import type { TimerScheduler } from '../../../src/adapters/telephony/drachtio/telephony-deps.ts';

/**
 * Timers on a {@link ManualClock}: nothing fires until the test advances time. The adapter's ring
 * and AMD timers and the scripted callees' delays all run on one instance, so a test decides
 * exactly what has happened "by now".
 */
export class ManualTimers implements TimerScheduler {
  readonly clock: ManualClock;
  #seq = 0;
  readonly #timers = new Map<number, { dueMs: number; seq: number; fn: () => void }>();

  constructor(clock: ManualClock) {
    this.clock = clock;
  }

  setTimeout(fn: () => void, delayMs: number): unknown {
    const id = ++this.#seq;
    this.#timers.set(id, { dueMs: this.clock.nowMs() + Math.max(0, delayMs), seq: id, fn });
    return id;
  }

  clearTimeout(handle: unknown): void {
    if (typeof handle === 'number') this.#timers.delete(handle);
  }

  get pending(): number {
    return this.#timers.size;
  }

  /** Moves time forward, firing due timers in order and letting I/O callbacks run after each. */
  async advance(deltaMs: number): Promise<void> {
    const targetMs = this.clock.nowMs() + deltaMs;
    await settle();
    for (;;) {
      let next: [number, { dueMs: number; seq: number; fn: () => void }] | undefined;
      for (const entry of this.#timers) {
        if (entry[1].dueMs <= targetMs && (!next || entry[1].dueMs < next[1].dueMs || (entry[1].dueMs === next[1].dueMs && entry[1].seq < next[1].seq))) next = entry;
      }
      if (!next) break;
      this.#timers.delete(next[0]);
      this.clock.setMs(Math.max(this.clock.nowMs(), next[1].dueMs));
      next[1].fn();
      await settle();
    }
    this.clock.setMs(targetMs);
  }
}

/** Lets pending promise chains and already-arrived I/O run (a few event-loop turns). */
async function settle(): Promise<void> {
  for (let i = 0; i < 3; i += 1) await new Promise<void>((resolve) => setImmediate(resolve));
}
