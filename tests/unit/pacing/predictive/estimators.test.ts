import { describe, expect, it } from 'vitest';
import { abandonAllowance } from '../../../../src/domain/pacing/predictive/abandon-allowance.ts';
import { AgentReleaseModel } from '../../../../src/domain/pacing/predictive/agent-release-model.ts';
import { CallArrivalModel } from '../../../../src/domain/pacing/predictive/call-arrival-model.ts';
import { DecayingHistogram } from '../../../../src/domain/pacing/predictive/decaying-histogram.ts';
import { ModelCalibration } from '../../../../src/domain/pacing/predictive/model-calibration.ts';
import { expectedPositivePart, normalCdf, positivePartMoments } from '../../../../src/domain/pacing/predictive/normal-distribution.ts';
import { OutcomeMixEstimator } from '../../../../src/domain/pacing/predictive/outcome-mix-estimator.ts';
import { ShortfallEstimator } from '../../../../src/domain/pacing/predictive/shortfall-estimator.ts';
import { WindowForecast } from '../../../../src/domain/pacing/predictive/window-forecast.ts';

/** Deterministic uniform [0, 1) stream (mulberry32). */
function uniform(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('DecayingHistogram', () => {
  it('converges on a known distribution (uniform 10..20 s)', () => {
    const next = uniform(1);
    const h = new DecayingHistogram({ scale: 'linear', minSec: 0, maxSec: 60, bins: 120, memory: 5000 });
    for (let i = 0; i < 5000; i++) h.add(10 + 10 * next());
    expect(h.cdf(10)).toBeLessThan(0.01);
    expect(h.cdf(15)).toBeCloseTo(0.5, 1);
    expect(h.cdf(20)).toBeGreaterThan(0.99);
    expect(h.quantile(0.25)).toBeCloseTo(12.5, 0);
    expect(h.mean()).toBeCloseTo(15, 0);
  });

  it('forgets old samples so it follows a shift, and its effective count saturates', () => {
    const h = new DecayingHistogram({ scale: 'log', minSec: 0.5, maxSec: 3600, bins: 200, memory: 200 });
    for (let i = 0; i < 2000; i++) h.add(10);
    for (let i = 0; i < 2000; i++) h.add(100);
    expect(h.quantile(0.5)).toBeGreaterThan(90);
    expect(h.effectiveCount).toBeGreaterThan(390);
    expect(h.effectiveCount).toBeLessThan(400);
  });

  it('forgets by time with a half-life: after a night the morning\'s first samples outweigh yesterday', () => {
    const h = new DecayingHistogram({ scale: 'linear', minSec: 0, maxSec: 60, bins: 120, memory: 2000, halfLifeMs: 7_200_000 });
    const hour = 3_600_000;
    for (let i = 0; i < 2000; i++) h.add(20, 1, (i / 2000) * 8 * hour);
    expect(h.quantile(0.5)).toBeGreaterThan(19);
    // 16 hours later (8 half-lives): 100 samples at 8 s, far fewer than the count memory.
    for (let i = 0; i < 100; i++) h.add(8, 1, 24 * hour + i * 1000);
    expect(h.quantile(0.5)).toBeLessThan(9);
    // A sample older than the latest one weighs as it did then (out-of-order observations).
    const late = new DecayingHistogram({ scale: 'linear', minSec: 0, maxSec: 60, bins: 120, memory: 1_000_000, halfLifeMs: hour });
    late.add(10, 1, 10 * hour);
    late.add(30, 1, 9 * hour);
    expect(late.cdf(20)).toBeCloseTo(2 / 3, 6);
  });

  it('rejects negative or non-finite samples', () => {
    const h = new DecayingHistogram({ scale: 'linear', minSec: 0, maxSec: 10, bins: 10, memory: 10 });
    expect(() => h.add(-1)).toThrow(RangeError);
    expect(() => h.add(Number.NaN)).toThrow(RangeError);
  });
});

describe('OutcomeMixEstimator', () => {
  it('converges on the true mix, with an upper bound that tightens as evidence grows', () => {
    const next = uniform(2);
    const mix = new OutcomeMixEstimator({ memory: 100_000 });
    const bounds: number[] = [];
    for (let i = 1; i <= 20_000; i++) {
      const u = next();
      mix.add(u < 0.2 ? 'human' : u < 0.45 ? 'machine' : u < 0.6 ? 'failed' : 'no_answer');
      if (i === 100 || i === 20_000) bounds.push(mix.humanUpperBound(1.5) - mix.probability('human'));
    }
    expect(Math.abs(mix.probability('human') - 0.2)).toBeLessThan(0.01);
    expect(Math.abs(mix.probability('machine') - 0.25)).toBeLessThan(0.01);
    expect(Math.abs(mix.probability('no_answer') - 0.4)).toBeLessThan(0.01);
    const [early = 0, late = 0] = bounds;
    expect(late).toBeLessThan(early / 5);
  });

  it('forgets by time: after a night its bound is wide and the morning\'s mix takes over within minutes', () => {
    const hour = 3_600_000;
    const mix = new OutcomeMixEstimator({ memory: 2000, halfLifeMs: 2 * hour });
    // An evening at 12 % live, 2,000 calls over 2 hours.
    for (let i = 0; i < 2000; i++) mix.add(i % 25 < 3 ? 'human' : 'no_answer', (i / 2000) * 2 * hour);
    const evening = mix.humanUpperBound(1.5) - mix.probability('human');
    // The next morning (14 h later) at 32 % live: 300 calls in 5 minutes.
    mix.add('no_answer', 16 * hour);
    expect(mix.humanUpperBound(1.5) - mix.probability('human')).toBeGreaterThan(5 * evening);
    for (let i = 0; i < 300; i++) mix.add(i % 25 < 8 ? 'human' : 'no_answer', 16 * hour + i * 1000);
    expect(mix.probability('human')).toBeGreaterThan(0.28);
    // Count-only forgetting still believes the evening.
    const countOnly = new OutcomeMixEstimator({ memory: 2000 });
    for (let i = 0; i < 2000; i++) countOnly.add(i % 25 < 3 ? 'human' : 'no_answer');
    for (let i = 0; i < 300; i++) countOnly.add(i % 25 < 8 ? 'human' : 'no_answer');
    expect(countOnly.probability('human')).toBeLessThan(0.2);
  });

  it('follows a change in the answer rate within its memory', () => {
    const mix = new OutcomeMixEstimator({ memory: 500 });
    for (let i = 0; i < 5000; i++) mix.add(i % 4 === 0 ? 'human' : 'no_answer');
    for (let i = 0; i < 5000; i++) mix.add(i % 10 === 0 ? 'human' : 'no_answer');
    expect(mix.probability('human')).toBeCloseTo(0.1, 2);
  });
});

describe('AgentReleaseModel', () => {
  it('gives P(free within t | busy for s) matching a memoryless talk time', () => {
    const next = uniform(3);
    const model = new AgentReleaseModel();
    for (let i = 0; i < 20_000; i++) {
      model.addTalk(-100 * Math.log(1 - next()));
      model.addWrap(0.1);
    }
    const checkpoints = Float64Array.of(5, 10, 20);
    model.rebuild(checkpoints);
    for (const elapsedSec of [0, 60, 200]) {
      const row = model.onCallRow(elapsedSec);
      for (let c = 0; c < checkpoints.length; c++) {
        const expected = 1 - Math.exp(-(checkpoints[c] ?? 0) / 100);
        expect(model.onCallTable[row + c]).toBeCloseTo(expected, 1);
      }
    }
    expect(model.meanHandleSec()).toBeGreaterThan(90);
    expect(model.meanHandleSec()).toBeLessThan(110);
  });

  it('knows an agent in a fixed 10 s wrap-up is free 10 s after it started', () => {
    const model = new AgentReleaseModel();
    for (let i = 0; i < 5000; i++) model.addWrap(10);
    model.rebuild(Float64Array.of(2, 5, 12));
    const fresh = model.wrapRow(0);
    expect(model.wrapTable[fresh + 0]).toBeLessThan(0.05);
    expect(model.wrapTable[fresh + 2]).toBeGreaterThan(0.95);
    const late = model.wrapRow(8);
    expect(model.wrapTable[late + 1]).toBeGreaterThan(0.95);
  });
});

describe('CallArrivalModel', () => {
  function trained(falsePositiveShare: number): CallArrivalModel {
    const next = uniform(4);
    const model = new CallArrivalModel();
    for (let i = 0; i < 8000; i++) {
      // The human answer-time band used for the AMD-drop estimate is set by rebuilds.
      if (i === 1000) model.rebuild(0, 8);
      const u = next();
      if (u < 0.2) {
        const answerSec = 6 + 8 * next();
        if (next() < falsePositiveShare) model.add({ result: 'machine', answerSec, classifySec: 3 });
        else model.add({ result: 'human', answerSec, classifySec: 2 });
      } else if (u < 0.45) model.add({ result: 'machine', answerSec: 20 + 8 * next(), classifySec: 3 });
      else if (u < 0.6) model.add({ result: 'failed', answerSec: 3 });
      else model.add({ result: 'no_answer', answerSec: 30 });
    }
    model.rebuild(0, 8);
    return model;
  }

  it('converges on the live-answer probability and its timing, by age of the call', () => {
    const model = trained(0);
    const k = model.checkpointsSec.length;
    expect(model.checkpointsSec[k - 1]).toBeGreaterThanOrEqual(15);
    expect(model.dialingHuman[model.dialingRowIndex(0)]).toBeCloseTo(0.2, 1);
    // A fresh call: live within the horizon with ~P(human).
    expect(model.dialingTable[model.dialingRow(0) + k - 1]).toBeCloseTo(0.2, 1);
    // Still ringing after 5 s: failures are ruled out, so a live answer is more likely.
    expect(model.dialingHuman[model.dialingRowIndex(5)]).toBeGreaterThan(0.22);
    // Still ringing after 16 s: people answer by 14 s, so it will not be a live answer.
    expect(model.dialingHuman[model.dialingRowIndex(16)]).toBeLessThan(0.02);
    // Answered 1 s ago: human or machine; a person needs an agent within the next second.
    const answered = model.answeredRow(1);
    expect(model.answeredTable[answered + k - 1]).toBeGreaterThan(0.3);
    expect(model.answeredTable[answered + k - 1]).toBeLessThan(0.6);
  });
});

describe('ShortfallEstimator', () => {
  it('matches the exact E[(A - R - B)+] for Poisson A and B', () => {
    const pmf = (m: number, k: number): number => {
      let p = Math.exp(-m);
      for (let i = 1; i <= k; i++) p *= m / i;
      return p;
    };
    const estimator = new ShortfallEstimator();
    for (const [a, b, ready, waiting] of [
      [0.6, 0.1, 2, 0],
      [3, 1.5, 2, 1],
      [8, 4, 5, 0],
    ] as const) {
      let exact = 0;
      for (let i = 0; i < 80; i++) for (let j = 0; j < 80; j++) exact += pmf(a, i) * pmf(b, j) * Math.max(0, waiting + i - ready - j);
      expect(estimator.expected({ waiting, ready, meanArrivals: a, meanFreed: b })).toBeCloseTo(exact, 6);
    }
  });

  it('is small for a few rare answers and many free agents', () => {
    const estimator = new ShortfallEstimator();
    expect(estimator.expected({ waiting: 0, ready: 2, meanArrivals: 0.6, meanFreed: 0.1 })).toBeLessThan(0.03);
    expect(estimator.expected({ waiting: 3, ready: 0, meanArrivals: 0, meanFreed: 0 })).toBe(3);
  });
});

describe('normal helpers', () => {
  it('computes the normal CDF and the moments of a clipped normal', () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 6);
    expect(normalCdf(1.96)).toBeCloseTo(0.975, 3);
    expect(expectedPositivePart(0, 1)).toBeCloseTo(0.3989, 3);
    expect(expectedPositivePart(5, 0)).toBe(5);
    const m = positivePartMoments(0, 1);
    expect(m.mean).toBeCloseTo(0.3989, 3);
    expect(m.variance).toBeCloseTo(0.5 - 0.3989 ** 2, 3);
  });
});

describe('abandonAllowance', () => {
  const options = { hiddenHumanShare: 0, planningAnswers: 200 };

  it('is spent when the window has no abandons left', () => {
    expect(abandonAllowance({ maxAbandonRate: 0.03, liveAnswers: 1000, abandoned: 30 }, options).spent).toBe(true);
    expect(abandonAllowance({ maxAbandonRate: 0.03, liveAnswers: 0, abandoned: 0 }, options).spent).toBe(true);
  });

  it('plans just under the cap with a healthy budget and spends a large surplus faster', () => {
    const healthy = abandonAllowance({ maxAbandonRate: 0.03, liveAnswers: 1000, abandoned: 24 }, options);
    expect(healthy.spent).toBe(false);
    expect(healthy.targetRate).toBeGreaterThan(0.02);
    expect(healthy.targetRate).toBeLessThanOrEqual(0.03);
    const surplus = abandonAllowance({ maxAbandonRate: 0.03, liveAnswers: 10_000, abandoned: 100 }, options);
    expect(surplus.targetRate).toBeGreaterThan(healthy.targetRate);
    expect(surplus.targetRate).toBeLessThanOrEqual(0.06);
    const low = abandonAllowance({ maxAbandonRate: 0.03, liveAnswers: 1000, abandoned: 27 }, options);
    expect(low.spent).toBe(false);
    expect(low.targetRate).toBeLessThan(healthy.targetRate);
  });

  it('leaves room for AMD drops the ledger cannot see', () => {
    const budget = { maxAbandonRate: 0.03, liveAnswers: 1000, abandoned: 12 };
    const seen = abandonAllowance(budget, options);
    const hidden = abandonAllowance(budget, { ...options, hiddenHumanShare: 0.02 });
    expect(hidden.effectiveMaxRate).toBeLessThan(0.011);
    expect(hidden.remaining).toBeLessThan(seen.remaining);
    expect(hidden.spent).toBe(true);
  });
});

describe('ModelCalibration', () => {
  it('converges on realized / projected abandons', () => {
    const calibration = new ModelCalibration({ memory: 200, priorFactor: 1.5, priorAbandons: 5 });
    expect(calibration.factor).toBeCloseTo(1.5, 5);
    // The model projects 1 abandon per 10 s; 2 really happen.
    let nowMs = 0;
    for (let i = 0; i < 2000; i++) {
      calibration.planned(nowMs, 1, 10_000);
      nowMs += 10_000;
      calibration.abandoned();
      calibration.abandoned();
    }
    calibration.planned(nowMs, 1, 10_000);
    expect(calibration.factor).toBeCloseTo(2, 1);
  });
});

describe('WindowForecast', () => {
  it('tells what leaves a sliding 24-hour window and keeps the window totals', () => {
    const minute = 60_000;
    const forecast = new WindowForecast({ windowMs: 1_440 * minute, bucketMs: minute });
    // Day 1: 100 answers in the first hour with no abandon, then 100 answers with 5 abandons.
    for (let i = 0; i < 100; i++) forecast.record(i * 30_000, 'live_answer');
    for (let i = 0; i < 95; i++) forecast.record(60 * minute + i * 30_000, 'live_answer');
    for (let i = 0; i < 5; i++) forecast.record(90 * minute + i * 1_000, 'abandon');
    expect(forecast.inWindow(121 * minute)).toEqual({ liveAnswers: 200, abandoned: 5 });
    // 24 h later the first hour leaves within the next hour: 100 answers, no abandon.
    expect(forecast.leaving(1_440 * minute, 60 * minute)).toEqual({ liveAnswers: 100, abandoned: 0 });
    expect(forecast.leaving(1_500 * minute, 60 * minute)).toEqual({ liveAnswers: 100, abandoned: 5 });
    expect(forecast.inWindow(1_500 * minute)).toEqual({ liveAnswers: 100, abandoned: 5 });
    // Old buckets are reused for new time without leaking their counts.
    forecast.record(1_501 * minute, 'abandon');
    expect(forecast.inWindow(1_502 * minute)).toEqual({ liveAnswers: 97, abandoned: 6 }); // minutes 60-61 left
  });

  it('makes the allowance budget for answers leaving the window with few abandons', () => {
    const budget = { maxAbandonRate: 0.03, liveAnswers: 2_000, abandoned: 40 };
    const steady = abandonAllowance(budget, { hiddenHumanShare: 0, planningAnswers: 200 });
    const leavingClean = abandonAllowance(budget, { hiddenHumanShare: 0, planningAnswers: 200, leaving: { liveAnswers: 300, abandoned: 0 } });
    expect(leavingClean.remaining).toBeCloseTo(steady.remaining - 9, 6);
    expect(leavingClean.targetRate).toBeLessThan(steady.targetRate);
  });
});
