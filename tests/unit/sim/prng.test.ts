import { describe, expect, it } from 'vitest';
import { compileDistribution, distributionMean, type Distribution } from '../../../src/sim/distribution.ts';
import { Prng } from '../../../src/sim/prng.ts';

describe('Prng (xoshiro128** seeded by splitmix32)', () => {
  it('repeats the same sequence for the same seed and differs across seeds', () => {
    const a = new Prng(42);
    const b = new Prng(42);
    const c = new Prng(43);
    const seqA = Array.from({ length: 20 }, () => a.nextUint32());
    const seqB = Array.from({ length: 20 }, () => b.nextUint32());
    const seqC = Array.from({ length: 20 }, () => c.nextUint32());
    expect(seqA).toEqual(seqB);
    expect(seqA).not.toEqual(seqC);
    expect(new Set(seqA).size).toBe(20);
  });

  it('gives doubles in [0, 1) with the moments of a uniform', () => {
    const rng = new Prng(7);
    const n = 100_000;
    let sum = 0;
    let sumSq = 0;
    let min = 1;
    let max = 0;
    for (let i = 0; i < n; i++) {
      const u = rng.next();
      sum += u;
      sumSq += u * u;
      min = Math.min(min, u);
      max = Math.max(max, u);
    }
    expect(min).toBeGreaterThanOrEqual(0);
    expect(max).toBeLessThan(1);
    expect(sum / n).toBeCloseTo(0.5, 2);
    expect(sumSq / n - (sum / n) ** 2).toBeCloseTo(1 / 12, 2);
  });

  it('rejects a non-finite seed', () => {
    expect(() => new Prng(Number.NaN)).toThrow(RangeError);
  });
});

describe('distributions', () => {
  const cases: Array<[Distribution, number]> = [
    [{ dist: 'constant', value: 2.5 }, 0],
    [{ dist: 'uniform', min: 15, max: 25 }, Math.sqrt(100 / 12) / 20],
    [{ dist: 'exponential', mean: 30 }, 1],
    [{ dist: 'lognormal', mean: 120, cv: 1 }, 1],
    [{ dist: 'lognormal', mean: 9, cv: 0.5 }, 0.5],
  ];
  it.each(cases)('%o samples with its mean and coefficient of variation', (d, cv) => {
    const sample = compileDistribution(d);
    const rng = new Prng(11);
    const n = 200_000;
    let sum = 0;
    let sumSq = 0;
    let min = Infinity;
    for (let i = 0; i < n; i++) {
      const x = sample(rng);
      if (x < min) min = x;
      sum += x;
      sumSq += x * x;
    }
    expect(min).toBeGreaterThanOrEqual(0);
    const mean = sum / n;
    const sd = Math.sqrt(Math.max(0, sumSq / n - mean * mean));
    expect(Math.abs(mean / distributionMean(d) - 1)).toBeLessThan(0.02);
    expect(Math.abs(sd / mean - cv)).toBeLessThan(0.05);
  });
});
