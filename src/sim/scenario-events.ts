import type { Scenario, ScenarioEvent } from './scenario.ts';

/**
 * The state the scenario's `events` put the simulated campaign in: whether calls can be placed
 * (not during an outage or a pause; a restart is the simulator's to carry out), how many agents the mass logins added on top of the
 * schedule, and when dialing last resumed after a pause (what the runtime tells the policy).
 *
 * @example
 * ```ts
 * const events = new ScenarioEvents(scenario);
 * for (const e of events.forDay(0)) queue.push(shiftStartMs + e.atSec * 1000, K_EVENT_START, e.index, 0);
 * ```
 */
export class ScenarioEvents {
  readonly #events: readonly ScenarioEvent[];
  #blocked = 0;
  /** Agents the mass logins of the current shift added. */
  extraAgents = 0;
  /** When the latest pause ended (epoch ms); undefined before the first. */
  resumedAtMs: number | undefined;

  constructor(scenario: Scenario) {
    this.#events = scenario.events ?? [];
  }

  /** The events of day `day` (0-based), with their index for `start` / `end`. */
  forDay(day: number): Array<{ index: number; atSec: number }> {
    const out: Array<{ index: number; atSec: number }> = [];
    this.#events.forEach((e, index) => {
      if (e.day === undefined || e.day === day) out.push({ index, atSec: e.atSec });
    });
    return out;
  }

  /** A new shift: nothing blocked, no extra agents. */
  resetShift(): void {
    this.#blocked = 0;
    this.extraAgents = 0;
  }

  /** Event `index` starts; returns its duration in ms when it has an end to schedule. */
  start(index: number): { endInMs?: number; agentsChanged: boolean; restart?: { historyBucketMs: number } } {
    const e = this.#events[index];
    if (e === undefined) return { agentsChanged: false };
    if (e.type === 'restart') return { agentsChanged: false, restart: { historyBucketMs: (e.historyBucketSec ?? 60) * 1000 } };
    if (e.type === 'mass_login') {
      this.extraAgents += e.count;
      return { agentsChanged: true };
    }
    this.#blocked++;
    return { endInMs: Math.round(e.durationSec * 1000), agentsChanged: false };
  }

  /** Event `index` ends (outage or pause) at `nowMs`. */
  end(index: number, nowMs: number): void {
    const e = this.#events[index];
    if (e === undefined || e.type === 'mass_login' || e.type === 'restart') return;
    this.#blocked = Math.max(0, this.#blocked - 1);
    if (this.#blocked === 0 && e.type === 'pause') this.resumedAtMs = nowMs;
  }

  /** No call can be placed now. */
  get blocked(): boolean {
    return this.#blocked > 0;
  }
}
