/**
 * Keeps the abandon model honest: compares the abandons that really happened with the abandons
 * the model projected, over the same stretch of time, and yields a correction factor
 * (realized / projected, slowly forgetting, with a prior that assumes the model is optimistic by
 * `priorFactor`).
 *
 * Each planning step projects E[abandons over the next H seconds]; that is spread evenly over the
 * horizon and accrued until the next step. The projection is biased low by construction (it takes
 * the worst checkpoint rather than the running maximum, treats calls and agents as independent,
 * and cannot see the calls later steps will add); the factor absorbs that bias and any mismatch
 * between the learned distributions and the real ones.
 *
 * @example
 * ```ts
 * const calibration = new ModelCalibration({ memory: 300, priorFactor: 1.5, priorAbandons: 5 });
 * calibration.planned(nowMs, 0.4, 20_000); // 0.4 abandons expected over the next 20 s
 * calibration.abandoned();                 // one abandon observed
 * calibration.factor;                      // multiply projected abandons by this
 * ```
 */
export interface ModelCalibrationOptions {
  /** Abandons (realized) the estimate saturates at. */
  memory: number;
  /** Prior correction factor. */
  priorFactor: number;
  /** Prior weight, in abandons. */
  priorAbandons: number;
  /** Bounds on the factor. */
  min?: number;
  max?: number;
}

export class ModelCalibration {
  #actual: number;
  #projected: number;
  readonly #decay: number;
  readonly #min: number;
  readonly #max: number;
  #lastAtMs = Number.NaN;
  #ratePerMs = 0;
  #horizonMs = 0;

  constructor(options: ModelCalibrationOptions) {
    this.#decay = 1 - 1 / options.memory;
    this.#actual = options.priorAbandons;
    this.#projected = options.priorAbandons / options.priorFactor;
    this.#min = options.min ?? 0.5;
    this.#max = options.max ?? 6;
  }

  /** A planning step at `nowMs` expects `expectedAbandons` over the next `horizonMs`. */
  planned(nowMs: number, expectedAbandons: number, horizonMs: number): void {
    this.#accrue(nowMs);
    this.#lastAtMs = nowMs;
    this.#ratePerMs = horizonMs > 0 ? Math.max(0, expectedAbandons) / horizonMs : 0;
    this.#horizonMs = horizonMs;
  }

  /** One abandon observed. */
  abandoned(): void {
    this.#actual = this.#actual * this.#decay + 1;
    this.#projected *= this.#decay;
  }

  get factor(): number {
    const f = this.#actual / Math.max(1e-9, this.#projected);
    return Math.min(this.#max, Math.max(this.#min, f));
  }

  #accrue(nowMs: number): void {
    if (Number.isNaN(this.#lastAtMs)) return;
    const elapsedMs = Math.min(this.#horizonMs, Math.max(0, nowMs - this.#lastAtMs));
    this.#projected += this.#ratePerMs * elapsedMs;
  }
}
