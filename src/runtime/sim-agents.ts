import { compileDistribution, type Distribution, type Sampler } from '../sim/distribution.ts';
import { Prng } from '../sim/prng.ts';
import type { AgentState } from '../domain/agent/agent-roster.ts';
import type { Scheduler } from '../domain/ports/scheduler.ts';
import type { TelephonyPort } from '../domain/ports/telephony-port.ts';

/** What simulated agents need from the runtime: state changes and dispositions, as a person would. */
export interface SimAgentHost {
  setAgentState(agentId: string, state: 'ready' | 'paused' | 'logged_out', reason?: string): { ok: boolean };
  endWrapUp(agentId: string, next: 'ready' | 'paused', reason?: string): boolean;
}

export interface SimAgentsOptions {
  scheduler: Scheduler;
  telephony: TelephonyPort;
  seed: number;
  /** Seconds spent in wrap-up before setting the disposition. */
  wrapSec?: Distribution;
}

/**
 * Simulated agents for the demo and tests (`PACER_SIM_AGENTS`): they log in, go ready, take the calls
 * the dialer bridges to them (the simulated callee decides the talk time), spend a drawn wrap-up time
 * and set a disposition, then take the next call.
 */
export class SimAgents {
  readonly #o: SimAgentsOptions;
  readonly #wrap: Sampler;
  readonly #rng: Prng;
  readonly #hosts = new Map<string, SimAgentHost>();

  constructor(options: SimAgentsOptions) {
    this.#o = options;
    this.#wrap = compileDistribution(options.wrapSec ?? { dist: 'lognormal', mean: 15, cv: 0.5 });
    this.#rng = new Prng(options.seed);
  }

  /** Logs `agentId` in with the telephony and makes it ready on `host`. */
  async login(agentId: string, host: SimAgentHost): Promise<void> {
    this.#hosts.set(agentId, host);
    await this.#o.telephony.agentLogin({ agentId });
    host.setAgentState(agentId, 'ready');
  }

  /** Feed agent state changes here: a simulated agent in wrap-up sets its disposition after a while. */
  onAgentState(agentId: string, state: AgentState): void {
    const host = this.#hosts.get(agentId);
    if (host === undefined || state !== 'wrap_up') return;
    const { scheduler } = this.#o;
    scheduler.at(scheduler.nowMs() + Math.round(this.#wrap(this.#rng) * 1000), () => host.endWrapUp(agentId, 'ready'));
  }
}
