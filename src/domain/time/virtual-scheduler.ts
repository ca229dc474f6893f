import type { Scheduler } from '../ports/scheduler.ts';

interface Timer {
  atMs: number;
  seq: number;
  fn: () => void;
  cancelled: boolean;
}

/**
 * A scheduler on virtual time: timers run in (time, insertion) order when the owner advances the
 * clock. Deterministic; used by tests and by the simulated telephony on a virtual clock.
 *
 * @example
 * ```ts
 * const s = new VirtualScheduler(0);
 * s.at(1_000, () => console.log('one second'));
 * await s.advanceTo(5_000); // runs the timer, time is now 5,000
 * ```
 */
export class VirtualScheduler implements Scheduler {
  #nowMs: number;
  #seq = 0;
  readonly #heap: Timer[] = [];

  constructor(startMs: number) {
    this.#nowMs = startMs;
  }

  nowMs(): number {
    return this.#nowMs;
  }

  at(atMs: number, fn: () => void): () => void {
    const timer: Timer = { atMs: Math.max(atMs, this.#nowMs), seq: this.#seq++, fn, cancelled: false };
    this.#push(timer);
    return () => {
      timer.cancelled = true;
    };
  }

  /** Pending (not cancelled) timers. */
  get pending(): number {
    return this.#heap.filter((t) => !t.cancelled).length;
  }

  /**
   * Runs every timer due up to `targetMs` in order, letting promise continuations settle between
   * timers (so async reactions to one timer happen before the next), then sets the time to `targetMs`.
   * Pass `settle` to also wait for the owner's own asynchronous work (database writes) between timers.
   */
  async advanceTo(targetMs: number, settle: () => Promise<void> = settleMicrotasks): Promise<void> {
    await settle();
    for (;;) {
      const next = this.#peek();
      if (next === undefined || next.atMs > targetMs) break;
      this.#pop();
      if (next.cancelled) continue;
      this.#nowMs = next.atMs;
      next.fn();
      await settle();
    }
    this.#nowMs = Math.max(this.#nowMs, targetMs);
  }

  advanceBy(deltaMs: number, settle?: () => Promise<void>): Promise<void> {
    return this.advanceTo(this.#nowMs + deltaMs, settle);
  }

  #less(a: Timer, b: Timer): boolean {
    return a.atMs < b.atMs || (a.atMs === b.atMs && a.seq < b.seq);
  }

  #peek(): Timer | undefined {
    return this.#heap[0];
  }

  #push(t: Timer): void {
    const h = this.#heap;
    h.push(t);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const parent = h[p];
      if (parent === undefined || !this.#less(t, parent)) break;
      h[i] = parent;
      i = p;
    }
    h[i] = t;
  }

  #pop(): void {
    const h = this.#heap;
    const last = h.pop();
    if (last === undefined || h.length === 0) return;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      let best: Timer = last;
      const left = h[l];
      const right = h[r];
      if (left !== undefined && this.#less(left, best)) {
        m = l;
        best = left;
      }
      if (right !== undefined && this.#less(right, best)) {
        m = r;
        best = right;
      }
      if (m === i) break;
      h[i] = best;
      i = m;
    }
    h[i] = last;
  }
}

/** Lets queued promise continuations run (a few macrotask-free turns of the microtask queue). */
export async function settleMicrotasks(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}
