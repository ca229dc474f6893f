import { describe, expect, it } from 'vitest';
import { abandonAllowance } from '../../../../src/domain/pacing/predictive/abandon-allowance.ts';
import { poissonCdf, smallTeamRate } from '../../../../src/domain/pacing/predictive/small-team-allowance.ts';

describe('small-team allowance (exact Poisson risk of the window)', () => {
  it('plans the largest rate whose risk of taking the window over the cap is at most the risk asked', () => {
    const input = { maxRate: 0.03, liveAnswers: 1000, abandoned: 5, hiddenRatio: 0.01, planningAnswers: 33, risk: 0.05 };
    const rate = smallTeamRate(input);
    expect(rate).toBeGreaterThan(0.05);
    const k = Math.floor(0.03 * 1033 - 5);
    const hidden = 0.01 * 1033;
    expect(1 - poissonCdf(hidden + rate * 33, k)).toBeLessThanOrEqual(0.05 + 1e-6);
    expect(1 - poissonCdf(hidden + rate * 33 + 0.5, k)).toBeGreaterThan(0.05);
    // More abandons already in the window, or more hidden drops: a lower rate; none left: 0.
    expect(smallTeamRate({ ...input, abandoned: 15 })).toBeLessThan(rate);
    expect(smallTeamRate({ ...input, hiddenRatio: 0.02 })).toBeLessThan(rate);
    expect(smallTeamRate({ ...input, abandoned: 40 })).toBe(0);
  });

  it('computes Poisson CDFs, also where exp(-mean) underflows', () => {
    expect(poissonCdf(2, 0)).toBeCloseTo(Math.exp(-2), 12);
    expect(poissonCdf(2, 2)).toBeCloseTo(5 * Math.exp(-2), 12);
    expect(poissonCdf(900, 900)).toBeCloseTo(0.5, 1);
    expect(poissonCdf(3, -1)).toBe(0);
  });

  it('lets a 3-agent team with AMD drops dial ahead where the normal margin (the size of its budget) kept it at progressive', () => {
    // 1,000 live answers, 5 abandons, the upper estimate of AMD drops 2.5 % (truth ~1 %), 33 answers per half hour.
    const budget = { maxAbandonRate: 0.03, liveAnswers: 1000, abandoned: 5 };
    const options = { hiddenHumanShare: 0.025, amdDropShare: 0.025, planningAnswers: 33 };
    expect(abandonAllowance(budget, options).spent).toBe(true);
    const small = abandonAllowance(budget, { ...options, smallTeamRisk: 0.05, smallTeamHiddenShare: 0.012 });
    expect(small.spent).toBe(false);
    expect(small.targetRate).toBeGreaterThan(0.01);
    expect(small.targetRate).toBeLessThanOrEqual(2 * 0.03);
    // A large team (hundreds of answers per half hour) keeps the normal margin.
    const large = { ...options, planningAnswers: 600 };
    expect(abandonAllowance(budget, { ...large, smallTeamRisk: 0.05, smallTeamHiddenShare: 0.012 })).toEqual(abandonAllowance(budget, large));
    // Without AMD drops the normal margin is a few abandons and stays in charge.
    const clean = { hiddenHumanShare: 0, planningAnswers: 33 };
    expect(abandonAllowance(budget, { ...clean, smallTeamRisk: 0.05, smallTeamHiddenShare: 0 })).toEqual(abandonAllowance(budget, clean));
  });
});
