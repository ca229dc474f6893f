import { PacerError } from '../domain/pacer-error.ts';
import { compileDistribution, type Sampler } from './distribution.ts';
import type { Prng } from './prng.ts';
import type { OutcomeMix, Scenario } from './scenario.ts';

export const TRUTH_HUMAN = 0;
export const TRUTH_MACHINE = 1;
export const TRUTH_FAILED = 2;
export const TRUTH_NO_ANSWER = 3;

type DurationName = 'greeting' | 'talk' | 'wrap' | 'machineHandle' | 'pause';

/**
 * What a dial leads to, drawn from the scenario: the outcome (from the mix in force at that moment
 * of the shift) and its delays, the AMD's decision, and the agents' durations. Results of `dial` and
 * `classify` are left in fields (no allocation per call).
 *
 * @example
 * ```ts
 * const callee = new CalleeModel(scenario, rng);
 * callee.dial(secondsIntoShift);
 * if (callee.truth === TRUTH_HUMAN) schedule(answerAt = now + callee.delayMs);
 * ```
 */
export class CalleeModel {
  /** Result of `dial`: the ground-truth outcome. */
  truth = TRUTH_FAILED;
  /** Result of `dial`: ms from origination to the answer (human, machine) or to the end of the call. */
  delayMs = 0;
  /** Result of `classify`: passed to agents (true) or hung up as a machine. */
  passed = false;
  /** Result of `classify`: ms from the answer to the pass or the hang-up. */
  decisionMs = 0;
  /** Result of `classify`: the callee's greeting, ms. */
  greetingMs = 0;
  readonly #s: Scenario;
  readonly #rng: Prng;
  readonly #mixSteps: ReadonlyArray<OutcomeMix & { atSec: number }>;
  readonly #timeoutMs: number;
  readonly #dial: Sampler;
  readonly #human: Sampler;
  readonly #machine: Sampler;
  readonly #fail: Sampler;
  readonly #amdHuman: Sampler;
  readonly #amdMachine: Sampler;
  readonly #durations: Record<DurationName, Sampler>;

  constructor(scenario: Scenario, rng: Prng) {
    const s = scenario;
    this.#s = s;
    this.#rng = rng;
    this.#mixSteps = Array.isArray(s.outcomes) ? s.outcomes : [{ atSec: 0, ...s.outcomes }];
    if (this.#mixSteps.length === 0) throw new PacerError('SCENARIO_INVALID', 'scenario has no outcome mix', { issues: [{ field: 'outcomes', reason: 'must not be empty' }] });
    this.#timeoutMs = Math.round(s.noAnswerTimeoutSec * 1000);
    const c = compileDistribution;
    this.#dial = c(s.dialDelaySec);
    this.#human = c(s.humanAnswerSec);
    this.#machine = c(s.machineAnswerSec);
    this.#fail = c(s.failSec);
    this.#amdHuman = c(s.amd.humanDecisionSec);
    this.#amdMachine = c(s.amd.machineDecisionSec);
    this.#durations = {
      greeting: c(s.greetingSec),
      talk: c(s.talkSec),
      wrap: c(s.wrapSec),
      machineHandle: c(s.machineHandleSec ?? { dist: 'constant', value: 3 }),
      pause: c(s.pauses?.durationSec ?? { dist: 'constant', value: 0 }),
    };
  }

  /** A duration in whole ms. */
  ms(name: DurationName): number {
    return Math.round((this.#durations[name] ?? (() => 0))(this.#rng) * 1000);
  }

  /** Draws a dial's outcome into `truth` and `delayMs`. An answer after the ring timeout is a no-answer. */
  dial(secondsIntoShift: number): void {
    const mix = this.#mixAt(secondsIntoShift);
    const u = this.#rng.next();
    let truth = u < mix.human ? TRUTH_HUMAN : u < mix.human + mix.machine ? TRUTH_MACHINE : u < mix.human + mix.machine + mix.failed ? TRUTH_FAILED : TRUTH_NO_ANSWER;
    const dialMs = this.#toMs(this.#dial);
    if (truth === TRUTH_HUMAN || truth === TRUTH_MACHINE) {
      const answerMs = this.#toMs(truth === TRUTH_HUMAN ? this.#human : this.#machine);
      if (answerMs < this.#timeoutMs) {
        this.truth = truth;
        this.delayMs = dialMs + answerMs;
        return;
      }
      truth = TRUTH_NO_ANSWER;
    }
    this.truth = truth;
    this.delayMs = dialMs + (truth === TRUTH_FAILED ? this.#toMs(this.#fail) : this.#timeoutMs);
  }

  /** At an answer: draws the greeting and what the AMD (if on) decides, into `greetingMs`, `passed`, `decisionMs`. */
  classify(truth: number): void {
    const amd = this.#s.amd;
    this.greetingMs = this.ms('greeting');
    if (!amd.enabled) {
      this.passed = true;
      this.decisionMs = this.greetingMs;
      return;
    }
    const u = this.#rng.next();
    this.passed = truth === TRUTH_HUMAN ? u >= amd.falsePositive : u < amd.falseNegative;
    this.decisionMs = this.#toMs(this.passed ? this.#amdHuman : this.#amdMachine);
  }

  #toMs(sampler: Sampler): number {
    return Math.round(sampler(this.#rng) * 1000);
  }

  #mixAt(secondsIntoShift: number): OutcomeMix {
    const steps = this.#mixSteps;
    for (let i = steps.length - 1; i > 0; i--) {
      const st = steps[i];
      if (st !== undefined && st.atSec <= secondsIntoShift) return st;
    }
    return steps[0] ?? { human: 0, machine: 0, failed: 1, noAnswer: 0 };
  }
}
