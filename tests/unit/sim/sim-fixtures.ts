import { loadScenario } from '../../../src/sim/load-scenario.ts';
import type { Scenario } from '../../../src/sim/scenario.ts';

/** A scenario where the progressive closed form holds exactly: AMD instant and perfect, no answer after the ring timeout. */
export function closedFormScenario(): Scenario {
  return {
    name: 'closed-form',
    agents: 20,
    days: 3,
    shiftHours: 8,
    outcomes: { human: 0.2, machine: 0.25, failed: 0.15, noAnswer: 0.4 },
    dialDelaySec: { dist: 'constant', value: 2 },
    humanAnswerSec: { dist: 'uniform', min: 4, max: 14 },
    machineAnswerSec: { dist: 'uniform', min: 15, max: 25 },
    failSec: { dist: 'constant', value: 3 },
    noAnswerTimeoutSec: 25,
    greetingSec: { dist: 'constant', value: 1 },
    amd: { enabled: true, humanDecisionSec: { dist: 'constant', value: 0 }, machineDecisionSec: { dist: 'constant', value: 3 }, falsePositive: 0, falseNegative: 0 },
    talkSec: { dist: 'lognormal', mean: 120, cv: 1 },
    wrapSec: { dist: 'lognormal', mean: 15, cv: 0.5 },
    maxAbandonRate: 0.03,
    abandonWindow: '30d',
    leads: 10_000_000,
  };
}

export function builtIn(name: string, overrides: Partial<Scenario> = {}): Scenario {
  return { ...loadScenario(name), ...overrides };
}
