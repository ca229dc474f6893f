/** One `count_agents_lines` sample (`$stat_ready_agents`, `$stat_waiting_calls`, `$stat_total_agents`). */
export interface AgentSample {
  /** Agents READY or DONE. */
  readyAgents: number;
  /** Customer calls LIVE in `vicidial_auto_calls`: answered, waiting for an agent. */
  waitingCalls: number;
  /** All logged-in agents, any status. */
  totalAgents: number;
}

export interface AgentAverages {
  /** `$ready_diff_avg` */
  readyAvg: number;
  /** `$waiting_diff_avg` */
  waitingAvg: number;
  /** `$total_agents_avg`, used as `$agents_average_onemin`. */
  totalAgentsAvg: number;
  /** `$stat_differential` = readyAvg - waitingAvg, used as `$differential_onemin`. */
  differential: number;
  /** `$stat_it`: how many samples were averaged (fewer than the window while it fills). */
  samples: number;
}

/**
 * The rolling window of `sub count_agents_lines` in `AST_VDadapt.pl`: the last `size` (15) samples,
 * fewer while the window fills, each average being the sum over the window divided by its length.
 *
 * @example
 * ```ts
 * const window = new AgentSampleWindow(15);
 * window.push({ readyAgents: 2, waitingCalls: 0, totalAgents: 10 });
 * window.averages(); // { readyAvg: 2, waitingAvg: 0, totalAgentsAvg: 10, differential: 2, samples: 1 }
 * ```
 */
export class AgentSampleWindow {
  readonly #size: number;
  readonly #samples: AgentSample[] = [];

  constructor(size: number) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`window size must be a positive integer, got ${size}`);
    this.#size = size;
  }

  push(sample: AgentSample): void {
    this.#samples.push(sample);
    if (this.#samples.length > this.#size) this.#samples.shift();
  }

  get length(): number {
    return this.#samples.length;
  }

  averages(): AgentAverages {
    const samples = this.#samples.length;
    if (samples === 0) return { readyAvg: 0, waitingAvg: 0, totalAgentsAvg: 0, differential: 0, samples: 0 };
    let ready = 0;
    let waiting = 0;
    let total = 0;
    for (const sample of this.#samples) {
      ready += sample.readyAgents;
      waiting += sample.waitingCalls;
      total += sample.totalAgents;
    }
    const readyAvg = ready / samples;
    const waitingAvg = waiting / samples;
    return { readyAvg, waitingAvg, totalAgentsAvg: total / samples, differential: readyAvg - waitingAvg, samples };
  }
}
