/**
 * Estimates the share of live people that AMD hangs up as machines (false positives): the engine
 * never sees them, but they are abandons in the ground truth.
 *
 * What is observed: the origination-to-answer times of calls passed to agents as people (whose
 * shape is the human answer-time law f_h) and of calls AMD hung up as machines (density g, a
 * mixture of the machines' own law f_m, unknown, and the hidden people: g = M f_m + X f_h with X
 * hidden people). What is hidden: X. Without knowing f_m, the data only bound X from above:
 * X f_h(bin) <= g(bin) in every bin, so X <= min over bins of g / f_h (the mixture-proportion
 * bound; it is exact when machines have some answer times people have and they have not, as on
 * every list where voicemail picks up after a ring or two, or later than most people). A
 * machine answering at a human-like time is not counted as a person: only the bins where
 * machine results are rarest relative to people bound the hidden share. The estimate is the
 * largest X whose bins (those whose machine results X hidden people would explain, within 2
 * standard errors) give X back, found from above; they must cover at least `regionShare` of the
 * people's answer times. It adds `z` Poisson standard errors.
 *
 * Memory is bounded and decays by count (`memory` answered calls) and by time (`halfLifeMs` of
 * the calls' answer times), so an early mistake does not stick for days.
 *
 * @example
 * ```ts
 * const hidden = new HiddenHumanEstimator();
 * hidden.add('human', 9.5, atMs);   // passed to an agent
 * hidden.add('machine', 21, atMs);  // hung up by AMD
 * hidden.share();                   // ~0 when no machine result answers when only people do
 * ```
 */
const BIN_SEC = 0.5;
const BINS = 120; // 0..60 s from origination
const RESCALE_ABOVE = 1e120;

export interface HiddenHumanEstimatorOptions {
  /** Answered calls (people passed + AMD machine results) the counts saturate at. Default 50,000. */
  memory?: number;
  /** Counts halve every `halfLifeMs` of answer time. Default 12 h. */
  halfLifeMs?: number;
  /** Least share of the human answer-time mass the bounding region covers. Default 0.1. */
  regionShare?: number;
  /** Poisson standard errors added to the hidden count. Default 1.5. */
  z?: number;
}

export class HiddenHumanEstimator {
  readonly #humans = new Float64Array(BINS);
  readonly #machines = new Float64Array(BINS);
  readonly #growth: number;
  readonly #halfLifeMs: number;
  readonly #regionShare: number;
  readonly #z: number;
  #nextWeight = 1;
  #latestMs = Number.NEGATIVE_INFINITY;
  #humanTotal = 0;
  #machineTotal = 0;

  constructor(options: HiddenHumanEstimatorOptions = {}) {
    const memory = options.memory ?? 50_000;
    if (!(memory >= 1)) throw new RangeError(`memory must be >= 1, got ${memory}`);
    this.#halfLifeMs = options.halfLifeMs ?? 43_200_000;
    if (!(this.#halfLifeMs > 0)) throw new RangeError(`halfLifeMs must be > 0, got ${this.#halfLifeMs}`);
    this.#regionShare = options.regionShare ?? 0.1;
    if (!(this.#regionShare > 0 && this.#regionShare <= 1)) throw new RangeError(`regionShare must be in (0, 1], got ${this.#regionShare}`);
    this.#z = options.z ?? 1.5;
    this.#growth = 1 / (1 - 1 / memory);
  }

  /** Decayed counts (people passed, machine results), for diagnostics and tests. */
  get counts(): { humans: number; machines: number } {
    return { humans: this.#humanTotal / this.#nextWeight, machines: this.#machineTotal / this.#nextWeight };
  }

  /**
   * One answered call: `human` = passed to agents as a person, `machine` = hung up by AMD as a
   * machine. `answerSec` from origination to answer; `atMs` when it was answered.
   */
  add(kind: 'human' | 'machine', answerSec: number, atMs: number): void {
    if (!Number.isFinite(answerSec) || answerSec < 0) return;
    let w = this.#nextWeight;
    if (Number.isFinite(atMs)) {
      if (!Number.isFinite(this.#latestMs)) this.#latestMs = atMs;
      else if (atMs > this.#latestMs) {
        const halvings = Math.min(400, (atMs - this.#latestMs) / this.#halfLifeMs);
        this.#latestMs = atMs;
        this.#nextWeight *= 2 ** halvings;
        if (this.#nextWeight > RESCALE_ABOVE) this.#rescale();
        w = this.#nextWeight;
      } else w *= 2 ** (-(this.#latestMs - atMs) / this.#halfLifeMs);
    }
    const bin = Math.min(BINS - 1, Math.floor(answerSec / BIN_SEC));
    if (kind === 'human') {
      this.#humans[bin] = (this.#humans[bin] ?? 0) + w;
      this.#humanTotal += w;
    } else {
      this.#machines[bin] = (this.#machines[bin] ?? 0) + w;
      this.#machineTotal += w;
    }
    this.#nextWeight *= this.#growth;
    if (this.#nextWeight > RESCALE_ABOVE) this.#rescale();
  }

  /** Estimated hidden people (in the decayed counts' units): the bound raised by `z` standard errors (default: the option's). */
  hiddenCount(z = this.#z): number {
    const unit = this.#nextWeight;
    const humanTotal = this.#humanTotal / unit;
    if (!(humanTotal > 0) || !(this.#machineTotal > 0)) return 0;
    // Bins that hold at least 0.2 % of the people (a ratio over a near-empty bin is noise).
    let candidates = 0;
    for (let i = 0; i < BINS; i++) if ((this.#humans[i] ?? 0) / this.#humanTotal >= 0.002) candidates++;
    if (candidates === 0) return 0;
    // Fixed point from above: X = machine results / human share over the bins whose machine
    // results X hidden people explain (within 2 standard errors, + 1); bins machines reach
    // drop out as X falls. Starting from every machine result, it stops at the largest
    // consistent X (the upper bound), not at a region picked for its low noise.
    let x = this.#machineTotal / unit / 0.002;
    let machinesIn = 0;
    let humanShare = 0;
    for (let iteration = 0; iteration < 30; iteration++) {
      machinesIn = 0;
      humanShare = 0;
      for (let i = 0; i < BINS; i++) {
        const f = (this.#humans[i] ?? 0) / this.#humanTotal;
        if (!(f >= 0.002)) continue;
        const m = (this.#machines[i] ?? 0) / unit;
        const expected = x * f;
        if (m > expected + 2 * Math.sqrt(expected) + 1) continue;
        machinesIn += m;
        humanShare += f;
      }
      if (!(humanShare >= this.#regionShare)) return this.#fallback(unit, z);
      const next = machinesIn / humanShare;
      if (Math.abs(next - x) <= 1e-9 * Math.max(1, x)) break;
      x = next;
    }
    return (machinesIn + z * Math.sqrt(machinesIn)) / humanShare;
  }

  /**
   * When no region of `regionShare` is consistent (machines answer wherever people do), the
   * bins with the fewest machine results per person covering `regionShare` bound it.
   */
  #fallback(unit: number, z: number): number {
    const order: Array<{ ratio: number; bin: number }> = [];
    for (let i = 0; i < BINS; i++) {
      const h = this.#humans[i] ?? 0;
      if (h / this.#humanTotal >= 0.002) order.push({ ratio: (this.#machines[i] ?? 0) / h, bin: i });
    }
    order.sort((a, b) => a.ratio - b.ratio || a.bin - b.bin);
    let machinesIn = 0;
    let humanShare = 0;
    for (const { bin } of order) {
      machinesIn += (this.#machines[bin] ?? 0) / unit;
      humanShare += (this.#humans[bin] ?? 0) / this.#humanTotal;
      if (humanShare >= this.#regionShare) break;
    }
    return humanShare > 0 ? (machinesIn + z * Math.sqrt(machinesIn)) / humanShare : 0;
  }

  /** Estimated share of live people hung up by AMD: hidden / (passed + hidden), with `z` standard errors. 0 without evidence. */
  share(z = this.#z): number {
    const hidden = this.hiddenCount(z);
    const humans = this.#humanTotal / this.#nextWeight;
    return hidden > 0 ? hidden / (humans + hidden) : 0;
  }

  /** Divides the stored mass by the next sample's weight, which becomes 1. */
  #rescale(): void {
    const k = 1 / this.#nextWeight;
    for (let i = 0; i < BINS; i++) {
      this.#humans[i] = (this.#humans[i] ?? 0) * k;
      this.#machines[i] = (this.#machines[i] ?? 0) * k;
    }
    this.#humanTotal *= k;
    this.#machineTotal *= k;
    this.#nextWeight = 1;
  }
}
