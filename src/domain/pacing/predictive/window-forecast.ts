/**
 * The policy's own per-bucket record of live answers and abandons (by when they happened), used
 * to foresee what will leave the legal window soon. In a sliding window, answers that leave take
 * their share of the budget with them: if the hour that drops out had fewer abandons than the
 * cap allowed, the rate in the window rises although nothing new happened. The planner therefore
 * budgets against `remaining - (maxRate x answers leaving - abandons leaving)` over its planning
 * period.
 *
 * @example
 * ```ts
 * const forecast = new WindowForecast({ windowMs: 86_400_000, bucketMs: 60_000 });
 * forecast.record(nowMs, 'live_answer');
 * const { liveAnswers, abandoned } = forecast.leaving(nowMs, 1_800_000); // leaving within 30 min
 * ```
 */
export interface WindowForecastOptions {
  windowMs: number;
  bucketMs: number;
}

export class WindowForecast {
  readonly #windowMs: number;
  readonly #bucketMs: number;
  readonly #live: Float64Array;
  readonly #abandoned: Float64Array;
  /** Bucket index (absolute) each ring slot currently holds. */
  readonly #slotBucket: Float64Array;
  #totalsBucket = Number.NaN;
  #totalsFromBucket = Number.NaN;
  #totalLive = 0;
  #totalAbandoned = 0;

  constructor(options: WindowForecastOptions) {
    if (!(options.bucketMs > 0) || !(options.windowMs >= options.bucketMs)) throw new RangeError('windowMs must be >= bucketMs > 0');
    this.#windowMs = options.windowMs;
    this.#bucketMs = options.bucketMs;
    const slots = Math.ceil(options.windowMs / options.bucketMs) + 2;
    this.#live = new Float64Array(slots);
    this.#abandoned = new Float64Array(slots);
    this.#slotBucket = new Float64Array(slots).fill(Number.NaN);
  }

  record(atMs: number, kind: 'live_answer' | 'abandon'): void {
    if (!Number.isFinite(atMs)) return;
    const bucket = Math.floor(atMs / this.#bucketMs);
    const slot = this.#slot(bucket);
    if (bucket >= this.#totalsFromBucket && bucket < this.#totalsBucket) {
      this.#totalLive += 1;
      if (kind === 'abandon') this.#totalAbandoned += 1;
    }
    if (kind === 'abandon') {
      this.#abandoned[slot] = (this.#abandoned[slot] ?? 0) + 1;
      this.#live[slot] = (this.#live[slot] ?? 0) + 1;
    } else this.#live[slot] = (this.#live[slot] ?? 0) + 1;
  }

  /** Answers and abandons recorded that leave the window between `nowMs` and `nowMs + withinMs`. */
  leaving(nowMs: number, withinMs: number): { liveAnswers: number; abandoned: number } {
    const from = Math.floor((nowMs - this.#windowMs) / this.#bucketMs);
    const to = Math.floor((nowMs + withinMs - this.#windowMs) / this.#bucketMs);
    let liveAnswers = 0;
    let abandoned = 0;
    for (let bucket = from; bucket < to; bucket++) {
      const slot = this.#index(bucket);
      if (this.#slotBucket[slot] !== bucket) continue;
      liveAnswers += this.#live[slot] ?? 0;
      abandoned += this.#abandoned[slot] ?? 0;
    }
    return { liveAnswers, abandoned };
  }

  /** Answers and abandons recorded in the window ending at `nowMs` (recounted once per bucket). */
  inWindow(nowMs: number): { liveAnswers: number; abandoned: number } {
    const bucket = Math.floor(nowMs / this.#bucketMs);
    if (bucket !== this.#totalsBucket) {
      const totals = this.leaving(nowMs, this.#windowMs);
      this.#totalsBucket = bucket;
      this.#totalsFromBucket = Math.floor((nowMs - this.#windowMs) / this.#bucketMs);
      this.#totalLive = totals.liveAnswers;
      this.#totalAbandoned = totals.abandoned;
    }
    return { liveAnswers: this.#totalLive, abandoned: this.#totalAbandoned };
  }

  #index(bucket: number): number {
    const n = this.#live.length;
    return ((bucket % n) + n) % n;
  }

  #slot(bucket: number): number {
    const slot = this.#index(bucket);
    if (this.#slotBucket[slot] !== bucket) {
      this.#slotBucket[slot] = bucket;
      this.#live[slot] = 0;
      this.#abandoned[slot] = 0;
    }
    return slot;
  }
}
