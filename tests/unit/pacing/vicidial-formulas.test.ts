import { describe, expect, it } from 'vitest';
import { computeAdaptiveDialLevel } from '../../../src/domain/pacing/vicidial/adaptive-dial-level.ts';
import type { AdaptiveDialLevelInput } from '../../../src/domain/pacing/vicidial/adaptive-dial-level.ts';
import { AgentSampleWindow } from '../../../src/domain/pacing/vicidial/agent-sample-window.ts';
import { DropTally } from '../../../src/domain/pacing/vicidial/drop-tally.ts';
import { perlRound } from '../../../src/domain/pacing/vicidial/perl-numbers.ts';
import { vicidialCallsToPlace } from '../../../src/domain/pacing/vicidial/vicidial-calls-to-place.ts';
import type { CallsToPlaceInput } from '../../../src/domain/pacing/vicidial/vicidial-calls-to-place.ts';

// Every expected value below is computed by hand from the Perl formulas quoted in docs/vicidial-port.md.

function input(overrides: Partial<AdaptiveDialLevelInput>): AdaptiveDialLevelInput {
  return {
    autoDialLevel: 1,
    differentialOnemin: 0,
    agentsAverageOnemin: 10,
    dropMode: 'HARD_LIMIT',
    adaptiveIntensity: 0,
    adaptiveDlDiffTarget: 0,
    adaptiveMaximumLevel: 3,
    adaptiveDroppedPercentage: 3,
    adaptiveLatestServerTime: 2100,
    currentHourmin: 1200,
    drops: { callsToday: 0, dropsAnswersTodayPct: 0, callsOne: 0, dropsOnePct: 0 },
    agents: { loggedIn: 10, incall: 6, ready: 4 },
    ...overrides,
  };
}

describe('perlRound (sprintf)', () => {
  it('rounds exact ties to even like C printf and everything else to nearest', () => {
    expect(perlRound(2.5, 0)).toBe(2);
    expect(perlRound(3.5, 0)).toBe(4);
    expect(perlRound(2.6, 0)).toBe(3);
    expect(perlRound(1.0625, 3)).toBe(1.062);
    expect(perlRound(1.23456, 3)).toBe(1.235);
    expect(perlRound(33.333333, 2)).toBe(33.33);
  });
});

describe('computeAdaptiveDialLevel (calculate_dial_level)', () => {
  it('scales the level by the ready-minus-waiting differential over the average agents', () => {
    // differential_mul = 2 / 10 = 0.2; level = 1.5 * 1.2 = 1.8
    const result = computeAdaptiveDialLevel(input({ autoDialLevel: 1.5, differentialOnemin: 2 }));
    expect(result.dialLevel).toBe(1.8);
    expect(result.suggestedDialLevel).toBe(1.8);
    expect(result.differentialPct).toBe(20);
    expect(result.adjustments).toEqual([]);
  });

  it('applies a positive intensity to upward moves: diff * (intensity/100 + 1)', () => {
    // pct_raw = 1/4*100 = 25; intensity 20 -> 25 * 1.2 = 30; level = 2 * 1.3 = 2.6; suggested 2 * 1.25 = 2.5
    const result = computeAdaptiveDialLevel(input({ autoDialLevel: 2, differentialOnemin: 1, agentsAverageOnemin: 4, adaptiveIntensity: 20 }));
    expect(result.dialLevel).toBe(2.6);
    expect(result.suggestedDialLevel).toBe(2.5);
    expect(result.intensityPct).toBe(30);
  });

  it('damps downward moves with a positive intensity: diff * |intensity/100 - 1|', () => {
    // pct_raw = -25; |0.2 - 1| = 0.8 -> -20; level = 2 * 0.8 = 1.6; suggested 2 * 0.75 = 1.5
    const result = computeAdaptiveDialLevel(input({ autoDialLevel: 2, differentialOnemin: -1, agentsAverageOnemin: 4, adaptiveIntensity: 20 }));
    expect(result.dialLevel).toBe(1.6);
    expect(result.suggestedDialLevel).toBe(1.5);
  });

  it('damps upward moves with a negative intensity', () => {
    // 25 * (-0.2 + 1) = 20 -> 2 * 1.2 = 2.4
    const result = computeAdaptiveDialLevel(input({ autoDialLevel: 2, differentialOnemin: 1, agentsAverageOnemin: 4, adaptiveIntensity: -20 }));
    expect(result.dialLevel).toBe(2.4);
  });

  it('adds adaptive_dl_diff_target to the differential', () => {
    // (0 + -1) / 5 = -0.2 -> 2 * 0.8 = 1.6
    expect(computeAdaptiveDialLevel(input({ autoDialLevel: 2, adaptiveDlDiffTarget: -1, agentsAverageOnemin: 5 })).dialLevel).toBe(1.6);
  });

  it('keeps the level when no agents were averaged (division guarded)', () => {
    expect(computeAdaptiveDialLevel(input({ autoDialLevel: 2, differentialOnemin: 3, agentsAverageOnemin: 0 })).dialLevel).toBe(2);
  });

  it('caps at adaptive_maximum_level and floors at 1.0', () => {
    // 2.5 * (1 + 4/5) = 4.5 -> cap 3
    const capped = computeAdaptiveDialLevel(input({ autoDialLevel: 2.5, differentialOnemin: 4, agentsAverageOnemin: 5 }));
    expect(capped.dialLevel).toBe(3);
    expect(capped.adjustments).toEqual(['over_cap']);
    // 2.5 * 1.8 = 4.5 -> cap 2.2
    expect(computeAdaptiveDialLevel(input({ autoDialLevel: 2.5, differentialOnemin: 4, agentsAverageOnemin: 5, adaptiveMaximumLevel: 2.2 })).dialLevel).toBe(2.2);
    // 1.2 * (1 - 3/5) = 0.48 -> 1.0
    const floored = computeAdaptiveDialLevel(input({ autoDialLevel: 1.2, differentialOnemin: -3, agentsAverageOnemin: 5 }));
    expect(floored.dialLevel).toBe(1);
    expect(floored.adjustments).toEqual(['under_floor']);
  });

  it('halves the level when more than 50 % of over 20 calls in the last minute dropped', () => {
    const drops = { callsToday: 21, dropsAnswersTodayPct: 0, callsOne: 21, dropsOnePct: 52.38 };
    const halved = computeAdaptiveDialLevel(input({ autoDialLevel: 3, drops }));
    expect(halved.dialLevel).toBe(1.5);
    expect(halved.adjustments).toEqual(['one_minute_drops_halved']);
    // exactly 20 calls: rule needs > 20
    expect(computeAdaptiveDialLevel(input({ autoDialLevel: 3, drops: { ...drops, callsOne: 20 } })).dialLevel).toBe(3);
    // exactly 50 %: rule needs > 50
    expect(computeAdaptiveDialLevel(input({ autoDialLevel: 3, drops: { ...drops, dropsOnePct: 50 } })).dialLevel).toBe(3);
  });

  describe('drop limit for today (calls_today > 50 and drops/answers % > adaptive_dropped_percentage)', () => {
    const over = { callsToday: 51, dropsAnswersTodayPct: 3.01, callsOne: 0, dropsOnePct: 0 };

    it('HARD_LIMIT goes straight to 1.0', () => {
      const result = computeAdaptiveDialLevel(input({ autoDialLevel: 2.4, drops: over, dropMode: 'HARD_LIMIT' }));
      expect(result.dialLevel).toBe(1);
      expect(result.adjustments).toEqual(['drop_limit_hard_limit']);
    });

    it('does nothing at 50 calls or at exactly the limit', () => {
      expect(computeAdaptiveDialLevel(input({ autoDialLevel: 2.4, drops: { ...over, callsToday: 50 } })).dialLevel).toBe(2.4);
      expect(computeAdaptiveDialLevel(input({ autoDialLevel: 2.4, drops: { ...over, dropsAnswersTodayPct: 3 } })).dialLevel).toBe(2.4);
    });

    it('AVERAGE halves the level, never below 1.0', () => {
      expect(computeAdaptiveDialLevel(input({ autoDialLevel: 2.4, drops: over, dropMode: 'AVERAGE' })).dialLevel).toBe(1.2);
      // 1.8 / 2 = 0.9 -> raised to 1.0
      const low = computeAdaptiveDialLevel(input({ autoDialLevel: 1.8, drops: over, dropMode: 'AVERAGE' }));
      expect(low.dialLevel).toBe(1);
      expect(low.adjustments).toEqual(['drop_limit_average', 'under_floor']);
    });

    it('TAPERED multiplies by (latest - now as HHMM) / 1000, 1 when over 1000, 1.0 past the latest time', () => {
      // 2100 - 1230 = 870 -> 0.87; 2.4 * 0.87 = 2.088
      const tapered = computeAdaptiveDialLevel(input({ autoDialLevel: 2.4, drops: over, dropMode: 'TAPERED', currentHourmin: 1230 }));
      expect(tapered.taperedRate).toBe(0.87);
      expect(tapered.dialLevel).toBeCloseTo(2.088, 10);
      // 2100 - 1000 = 1100 > 1000 -> rate 1
      expect(computeAdaptiveDialLevel(input({ autoDialLevel: 2.4, drops: over, dropMode: 'TAPERED', currentHourmin: 1000 })).dialLevel).toBe(2.4);
      // 2100 - 2130 = -30 -> 1.0
      const late = computeAdaptiveDialLevel(input({ autoDialLevel: 2.4, drops: over, dropMode: 'TAPERED', currentHourmin: 2130 }));
      expect(late.dialLevel).toBe(1);
      expect(late.adjustments).toEqual(['drop_limit_tapered_past_latest']);
    });
  });

  it('forces 1.0 when a dial level threshold triggers', () => {
    const result = computeAdaptiveDialLevel(
      input({ autoDialLevel: 2.4, dialLevelThreshold: { kind: 'WAITING_AGENTS', agents: 5 }, agents: { loggedIn: 10, incall: 6, ready: 4 } }),
    );
    expect(result.dialLevel).toBe(1);
    expect(computeAdaptiveDialLevel(input({ autoDialLevel: 2.4, dialLevelThreshold: { kind: 'LOGGED-IN_AGENTS', agents: 10 } })).dialLevel).toBe(2.4);
  });
});

describe('DropTally (calculate_drops)', () => {
  it('counts today and the last minute by call_date, drops over answers (answers floored at 1)', () => {
    const tally = new DropTally(0);
    tally.record({ originatedAtMs: 10_000, humanAnswered: true, dropped: true });
    tally.record({ originatedAtMs: 50_000, humanAnswered: false, dropped: false });
    tally.record({ originatedAtMs: 90_000, humanAnswered: true, dropped: false });
    tally.record({ originatedAtMs: 100_000, humanAnswered: true, dropped: true });
    // at 110 s the last minute is (50 s, 110 s]: 2 calls, 1 drop -> 50 %; today 2 drops / 3 answers -> 66.67 %
    expect(tally.stats(110_000)).toEqual({ callsToday: 4, dropsAnswersTodayPct: 66.67, callsOne: 2, dropsOnePct: 50 });

    const noAnswers = new DropTally(0);
    noAnswers.record({ originatedAtMs: 1_000, humanAnswered: false, dropped: true });
    expect(noAnswers.stats(2_000).dropsAnswersTodayPct).toBe(100);
  });

  it('resets the today counts at each 24 h boundary from day zero', () => {
    const tally = new DropTally(5_000);
    tally.record({ originatedAtMs: 6_000, humanAnswered: true, dropped: true });
    tally.rollTo(5_000 + 86_400_000 - 1);
    expect(tally.today()).toEqual({ calls: 1, answers: 1, drops: 1 });
    tally.rollTo(5_000 + 86_400_000);
    expect(tally.today()).toEqual({ calls: 0, answers: 0, drops: 0 });
    expect(tally.dayStartMs).toBe(5_000 + 86_400_000);
  });
});

describe('AgentSampleWindow (count_agents_lines)', () => {
  it('averages the last 15 samples, fewer while it fills', () => {
    const window = new AgentSampleWindow(15);
    window.push({ readyAgents: 30, waitingCalls: 0, totalAgents: 10 });
    window.push({ readyAgents: 0, waitingCalls: 3, totalAgents: 12 });
    expect(window.averages()).toEqual({ readyAvg: 15, waitingAvg: 1.5, totalAgentsAvg: 11, differential: 13.5, samples: 2 });
    for (let i = 0; i < 14; i += 1) window.push({ readyAgents: 0, waitingCalls: 0, totalAgents: 10 });
    // the 30-ready sample has left; 1 x 3 waiting + 14 x 0 over 15
    expect(window.averages()).toEqual({ readyAvg: 0, waitingAvg: 0.2, totalAgentsAvg: 152 / 15, differential: -0.2, samples: 15 });
  });
});

describe('vicidialCallsToPlace (AST_VDauto_dial goalcalls/makecalls)', () => {
  const base: CallsToPlaceInput = {
    dialLevel: 2,
    activeAgents: 2,
    incallAgents: 3,
    loggedInAgents: 6,
    connectedCalls: 3,
    pendingCalls: 4,
    availableOnlyTally: false,
    adaptiveDlDiffTarget: 0,
  };

  it('multiplies non-paused agents and subtracts every live call, including connected ones', () => {
    // goal 2 x (2 + 3) = 10; exist 4 + 3 = 7
    expect(vicidialCallsToPlace(base)).toMatchObject({ goalCalls: 10, existCalls: 7, makeCalls: 3, agentsCounted: 5, activeOnly: false });
  });

  it('available-only tally multiplies ready agents only and adds the connected calls back', () => {
    // goal 2 x 2 + 3 = 7; exist 7 -> 0; with 1 pending: exist 4 -> 3
    expect(vicidialCallsToPlace({ ...base, availableOnlyTally: true }).makeCalls).toBe(0);
    expect(vicidialCallsToPlace({ ...base, availableOnlyTally: true, pendingCalls: 1 })).toMatchObject({ goalCalls: 7, makeCalls: 3, activeOnly: true });
  });

  it('switches to available-only when the tally threshold triggers', () => {
    // NON-PAUSED 2 + 3 = 5 < 6
    expect(vicidialCallsToPlace({ ...base, pendingCalls: 1, availableOnlyTallyThreshold: { kind: 'NON-PAUSED_AGENTS', agents: 6 } }).activeOnly).toBe(true);
    expect(vicidialCallsToPlace({ ...base, availableOnlyTallyThreshold: { kind: 'NON-PAUSED_AGENTS', agents: 5 } }).activeOnly).toBe(false);
  });

  it('rounds goal calls with sprintf %.0f and never returns a negative count', () => {
    // 1.25 x 2 = 2.5 -> 2 (tie to even); 1.75 x 2 = 3.5 -> 4; 1.3 x 2 = 2.6 -> 3
    const two = { ...base, activeAgents: 2, incallAgents: 0, connectedCalls: 0, pendingCalls: 0 };
    expect(vicidialCallsToPlace({ ...two, dialLevel: 1.25 }).goalCalls).toBe(2);
    expect(vicidialCallsToPlace({ ...two, dialLevel: 1.75 }).goalCalls).toBe(4);
    expect(vicidialCallsToPlace({ ...two, dialLevel: 1.3 }).goalCalls).toBe(3);
    expect(vicidialCallsToPlace({ ...base, pendingCalls: 20 }).makeCalls).toBe(0);
  });

  it('applies the dl diff target to the agent count and a dial level threshold to the level', () => {
    // (5 - 1) x 2 = 8 - 7 = 1
    expect(vicidialCallsToPlace({ ...base, adaptiveDlDiffTarget: -1 }).makeCalls).toBe(1);
    // level forced to 1: 5 - 7 -> 0
    expect(vicidialCallsToPlace({ ...base, dialLevelThreshold: { kind: 'LOGGED-IN_AGENTS', agents: 7 } })).toMatchObject({ dialLevel: 1, makeCalls: 0 });
  });
});
