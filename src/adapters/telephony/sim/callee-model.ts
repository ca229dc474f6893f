import { compileDistribution, type Distribution, type Sampler } from '../../../sim/distribution.ts';
import type { Prng } from '../../../sim/prng.ts';
import type { AmdResult, FailureReason } from '../../../domain/ports/telephony-port.ts';

/**
 * How simulated callees behave: the pacing simulator's scenario vocabulary (outcome mix, delay
 * distributions, AMD confusion matrix, talk times), so `PACER_TELEPHONY=sim` and `pacer simulate`
 * describe the same world.
 */
export interface CalleeModelParams {
  outcomes: { human: number; machine: number; failed: number; noAnswer: number };
  dialDelaySec: Distribution;
  humanAnswerSec: Distribution;
  machineAnswerSec: Distribution;
  failSec: Distribution;
  amd: { humanDecisionSec: Distribution; machineDecisionSec: Distribution; falsePositive: number; falseNegative: number };
  talkSec: Distribution;
  /** Seconds from answer to a machine's beep. */
  beepSec?: Distribution;
  /** How long a live person waits in silence before hanging up (seconds). */
  humanPatienceSec?: Distribution;
}

/** The default world of the demo: the reference scenario's B2C list. */
export const DEFAULT_CALLEE_MODEL: CalleeModelParams = {
  outcomes: { human: 0.2, machine: 0.25, failed: 0.15, noAnswer: 0.4 },
  dialDelaySec: { dist: 'constant', value: 2 },
  humanAnswerSec: { dist: 'lognormal', mean: 9, cv: 0.5 },
  machineAnswerSec: { dist: 'uniform', min: 15, max: 25 },
  failSec: { dist: 'constant', value: 3 },
  amd: { humanDecisionSec: { dist: 'constant', value: 2.5 }, machineDecisionSec: { dist: 'constant', value: 3 }, falsePositive: 0, falseNegative: 0 },
  talkSec: { dist: 'lognormal', mean: 120, cv: 1 },
};

/** One callee's behaviour, drawn when the call is placed (or scripted by a test). */
export type CalleeScript =
  | { kind: 'human' | 'machine'; ringMs: number; answerAfterMs: number; amdResult: AmdResult; amdDecisionMs: number; talkMs: number; beepAfterMs: number; patienceMs: number; amdCause?: string }
  | { kind: 'failed'; ringMs: number; failAfterMs: number; reason: Exclude<FailureReason, 'no-answer' | 'cancelled'>; sipCause: number }
  /**
   * Rings until given up on. With `answersOnCancel`, the callee picks up at the very moment the call
   * is cancelled (or times out): the 200 OK crossing the CANCEL on a real network.
   */
  | { kind: 'no_answer'; ringMs: number; answersOnCancel?: boolean };

const failureMix: readonly { reason: Exclude<FailureReason, 'no-answer' | 'cancelled'>; sipCause: number; p: number }[] = [
  { reason: 'busy', sipCause: 486, p: 0.6 },
  { reason: 'invalid', sipCause: 404, p: 0.2 },
  { reason: 'unavailable', sipCause: 480, p: 0.1 },
  { reason: 'congestion', sipCause: 503, p: 0.1 },
];

export class CalleeModel {
  readonly #p: CalleeModelParams;
  readonly #s: Record<'dial' | 'human' | 'machine' | 'fail' | 'amdHuman' | 'amdMachine' | 'talk' | 'beep' | 'patience', Sampler>;

  constructor(params: CalleeModelParams) {
    this.#p = params;
    this.#s = {
      dial: compileDistribution(params.dialDelaySec),
      human: compileDistribution(params.humanAnswerSec),
      machine: compileDistribution(params.machineAnswerSec),
      fail: compileDistribution(params.failSec),
      amdHuman: compileDistribution(params.amd.humanDecisionSec),
      amdMachine: compileDistribution(params.amd.machineDecisionSec),
      talk: compileDistribution(params.talkSec),
      beep: compileDistribution(params.beepSec ?? { dist: 'uniform', min: 6, max: 14 }),
      patience: compileDistribution(params.humanPatienceSec ?? { dist: 'uniform', min: 4, max: 12 }),
    };
  }

  draw(rng: Prng): CalleeScript {
    const ms = (s: Sampler): number => Math.round(s(rng) * 1000);
    const { human, machine, failed } = this.#p.outcomes;
    const u = rng.next();
    const ringMs = ms(this.#s.dial);
    if (u < human + machine) {
      const isHuman = u < human;
      const wrong = rng.next() < (isHuman ? this.#p.amd.falsePositive : this.#p.amd.falseNegative);
      const amdResult: AmdResult = isHuman !== wrong ? 'human' : 'machine';
      return {
        kind: isHuman ? 'human' : 'machine',
        ringMs,
        answerAfterMs: ms(isHuman ? this.#s.human : this.#s.machine),
        amdResult,
        amdDecisionMs: ms(amdResult === 'human' ? this.#s.amdHuman : this.#s.amdMachine),
        talkMs: ms(this.#s.talk),
        beepAfterMs: ms(this.#s.beep),
        patienceMs: ms(this.#s.patience),
      };
    }
    if (u < human + machine + failed) {
      let v = rng.next();
      const pick = failureMix.find((f) => (v -= f.p) < 0) ?? failureMix[0] ?? { reason: 'busy' as const, sipCause: 486 };
      return { kind: 'failed', ringMs, failAfterMs: ms(this.#s.fail), reason: pick.reason, sipCause: pick.sipCause };
    }
    return { kind: 'no_answer', ringMs };
  }
}
