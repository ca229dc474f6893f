import { describe, expect, it } from 'vitest';
import { createPredictivePolicy } from '../../../../src/domain/pacing/predictive-policy.ts';
import { HiddenHumanEstimator } from '../../../../src/domain/pacing/predictive/hidden-human-estimator.ts';

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

/** Standard normal draw (Box-Muller). */
function gaussian(next: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
}

/** Lognormal with the given mean and coefficient of variation (the simulator's parametrisation). */
function lognormal(next: () => number, mean: number, cv: number): number {
  const s2 = Math.log(1 + cv * cv);
  return Math.exp(Math.log(mean) - s2 / 2 + Math.sqrt(s2) * gaussian(next));
}

interface AnsweredCall {
  kind: 'human' | 'machine';
  answerSec: number;
  atMs: number;
}

/**
 * The answered calls of `fast-voicemail.json` as the engine sees them: 18 % people (dial 2 s +
 * lognormal 8 s, cv 0.6), 35 % machines answering 4-18 s after ringing (overlapping people), AMD
 * false positives `fp` (a person classified machine: seen as a machine, at a human answer time),
 * one answered call every `gapMs`.
 */
function* fastVoicemail(seed: number, count: number, fp: number, startMs = 0, gapMs = 200): Generator<AnsweredCall> {
  const next = uniform(seed);
  for (let i = 0; i < count; i++) {
    const atMs = startMs + i * gapMs;
    if (next() < 0.18 / 0.53) {
      const answerSec = 2 + lognormal(next, 8, 0.6);
      if (answerSec > 27) continue; // past the ring timeout: a no-answer
      yield { kind: next() < fp ? 'machine' : 'human', answerSec, atMs };
    } else yield { kind: 'machine', answerSec: 2 + 4 + 14 * next(), atMs };
  }
}

describe('HiddenHumanEstimator', () => {
  it('does not count machines answering at human-like times as people (fast voicemail, 0.5 % false positives)', () => {
    const hidden = new HiddenHumanEstimator();
    for (const c of fastVoicemail(1, 100_000, 0.005)) hidden.add(c.kind, c.answerSec, c.atMs);
    // The old band estimator (machine results inside the 20th-60th percentile of human answer
    // times) read 23-25 % here.
    expect(hidden.share()).toBeGreaterThan(0.002);
    expect(hidden.share()).toBeLessThan(0.012);
  });

  it('estimates near 0 without false positives and near the truth when machines answer later than people', () => {
    const none = new HiddenHumanEstimator();
    for (const c of fastVoicemail(2, 100_000, 0)) none.add(c.kind, c.answerSec, c.atMs);
    expect(none.share()).toBeLessThan(0.006);

    // Reference-like: people 6-14 s, machines 20-28 s, 2 % and 5 % of people hung up by AMD.
    for (const fp of [0.02, 0.05]) {
      const next = uniform(3);
      const model = new HiddenHumanEstimator();
      for (let i = 0; i < 60_000; i++) {
        if (next() < 0.45) {
          const answerSec = 6 + 8 * next();
          model.add(next() < fp ? 'machine' : 'human', answerSec, i * 200);
        } else model.add('machine', 20 + 8 * next(), i * 200);
      }
      expect(model.share()).toBeGreaterThan(fp * 0.9);
      expect(model.share()).toBeLessThan(fp * 1.4);
    }
  });

  it('forgets by time: an early mistake is gone a day later, however few calls came since', () => {
    const hidden = new HiddenHumanEstimator();
    // Day 1 morning: a burst of machine results at human times (say, a mis-tuned AMD) ...
    for (const c of fastVoicemail(4, 20_000, 0.2, 0, 100)) hidden.add(c.kind, c.answerSec, c.atMs);
    expect(hidden.share()).toBeGreaterThan(0.1);
    // ... then two days of a clean, slower list: 6,000 answered calls a day (far fewer than the
    // 50,000-call count memory).
    const day = 86_400_000;
    for (const c of fastVoicemail(5, 12_000, 0, day, (2 * day) / 12_000)) hidden.add(c.kind, c.answerSec, c.atMs);
    expect(hidden.share()).toBeLessThan(0.02);
  });
});

describe('predictive policy: AMD drops on a fast-voicemail list', () => {
  it('estimates the hidden share near the truth, not the machines answering like people', () => {
    const policy = createPredictivePolicy({ name: 'predictive', maxAbandonRate: 0.03, abandonWindow: '30d' });
    let last = 0;
    let seen = 0;
    const agents = Array.from({ length: 20 }, () => ({ state: 'ready' as const, stateSinceMs: 0 }));
    const decideAt = (nowMs: number): void => {
      policy.decide({ nowMs, agents, calls: [], budget: { maxAbandonRate: 0.03, liveAnswers: 20_000, abandoned: 0 }, leadsAvailable: Infinity, capacity: Infinity });
    };
    for (const c of fastVoicemail(6, 60_000, 0.005)) {
      const answeredAtMs = c.atMs;
      last = answeredAtMs;
      // The policy evaluates (and refreshes what it learned) as the calls come in.
      if (++seen % 5_000 === 0) decideAt(answeredAtMs);
      if (c.kind === 'human') {
        policy.observe({ type: 'call_ended', originatedAtMs: answeredAtMs - c.answerSec * 1000, answeredAtMs, needsAgentAtMs: answeredAtMs + 2000, connectedAtMs: answeredAtMs + 2000, endedAtMs: answeredAtMs + 50_000, result: 'human', abandoned: false });
        policy.observe({ type: 'agent_call_ended', talkMs: 45_000, atMs: answeredAtMs + 50_000 });
      } else {
        policy.observe({ type: 'call_ended', originatedAtMs: answeredAtMs - c.answerSec * 1000, answeredAtMs, endedAtMs: answeredAtMs + 3000, result: 'machine', abandoned: false });
      }
    }
    decideAt(last + 600_000);
    const share = policy.diagnostics().hiddenHumanShare;
    expect(share).toBeGreaterThan(0.002);
    expect(share).toBeLessThan(0.012);
  });
});
