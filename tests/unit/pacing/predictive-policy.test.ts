import { describe, expect, it } from 'vitest';
import { isPacerError } from '../../../src/domain/pacer-error.ts';
import type { AgentSnapshot, CallSnapshot, PacingSnapshot } from '../../../src/domain/pacing/pacing-policy.ts';
import { createPredictivePolicy } from '../../../src/domain/pacing/predictive-policy.ts';
import type { PredictivePolicy } from '../../../src/domain/pacing/predictive-policy.ts';

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

const HOUR_MS = 3_600_000;

function policy(window: '30d' | '24h' = '30d'): PredictivePolicy {
  return createPredictivePolicy({ name: 'predictive', maxAbandonRate: 0.03, abandonWindow: window });
}

/**
 * Feeds `calls` outcomes of a reference-like list (20 % live at 6-14 s, 25 % machines at
 * 17-27 s, 15 % failed, 40 % no answer at 27 s) and the matching talk / wrap-up times, over the
 * hour before `endMs`.
 */
function train(p: PredictivePolicy, calls: number, endMs: number, seed = 7): void {
  const next = uniform(seed);
  for (let i = 0; i < calls; i++) {
    const originatedAtMs = endMs - HOUR_MS + Math.floor((i / calls) * (HOUR_MS - 60_000));
    const u = next();
    if (u < 0.2) {
      const answeredAtMs = originatedAtMs + 6_000 + Math.floor(8_000 * next());
      const needsAgentAtMs = answeredAtMs + 2_500;
      p.observe({ type: 'call_ended', originatedAtMs, answeredAtMs, needsAgentAtMs, connectedAtMs: needsAgentAtMs, endedAtMs: needsAgentAtMs + 60_000, result: 'human', abandoned: false });
      p.observe({ type: 'agent_call_ended', talkMs: Math.floor(-120_000 * Math.log(1 - next())), atMs: needsAgentAtMs + 60_000 });
      p.observe({ type: 'agent_wrap_ended', wrapMs: 10_000 + Math.floor(10_000 * next()), atMs: needsAgentAtMs + 70_000 });
    } else if (u < 0.45) {
      const answeredAtMs = originatedAtMs + 17_000 + Math.floor(10_000 * next());
      p.observe({ type: 'call_ended', originatedAtMs, answeredAtMs, endedAtMs: answeredAtMs + 3_000, result: 'machine', abandoned: false });
    } else if (u < 0.6) {
      p.observe({ type: 'call_ended', originatedAtMs, endedAtMs: originatedAtMs + 5_000, result: 'failed', abandoned: false });
    } else {
      p.observe({ type: 'call_ended', originatedAtMs, endedAtMs: originatedAtMs + 27_000, result: 'no_answer', abandoned: false });
    }
  }
}

/** `ready` ready agents, `busy` agents talking for 30-300 s, no calls in flight. */
function snapshot(nowMs: number, ready: number, busy: number, overrides: Partial<PacingSnapshot> = {}): PacingSnapshot {
  const agents: AgentSnapshot[] = [];
  for (let i = 0; i < ready; i++) agents.push({ state: 'ready', stateSinceMs: nowMs - 1_000 });
  for (let i = 0; i < busy; i++) agents.push({ state: 'on_call', stateSinceMs: nowMs - 30_000 - ((i * 37_000) % 270_000) });
  return {
    nowMs,
    agents,
    calls: [],
    budget: { maxAbandonRate: 0.03, liveAnswers: 2_000, abandoned: 20 },
    leadsAvailable: Number.POSITIVE_INFINITY,
    capacity: Number.POSITIVE_INFINITY,
    ...overrides,
  };
}

const NOW = 10 * HOUR_MS;

describe('predictive policy', () => {
  it('dials progressively while the sample is too small', () => {
    const p = policy();
    const first = p.decide(snapshot(NOW, 5, 15));
    expect(first).toMatchObject({ callsToPlace: 5, reason: 'small_sample_progressive' });
    train(p, 60, NOW);
    // The 5 calls asked for 2 s ago are not in the snapshot yet: they count as in flight (asking
    // again is how a dialer whose writes lag over-dials).
    expect(p.decide(snapshot(NOW + 2_000, 5, 15))).toMatchObject({ callsToPlace: 0, reason: 'small_sample_progressive' });
    const few = p.decide(snapshot(NOW + 4_000, 5, 15));
    expect(few).toMatchObject({ callsToPlace: 5, reason: 'small_sample_progressive' });
    // Progressive counts calls in flight against ready agents.
    const calls: CallSnapshot[] = [{ stage: 'dialing', originatedAtMs: NOW + 5_000, stageSinceMs: NOW + 5_000 }];
    expect(p.decide(snapshot(NOW + 7_000, 5, 15, { calls })).callsToPlace).toBe(4);
  });

  it('places more calls than progressive once it has evidence and a healthy budget', () => {
    const p = policy();
    train(p, 3_000, NOW);
    const decision = p.decide(snapshot(NOW, 3, 17));
    expect(decision.reason).toBe('predictive');
    expect(decision.callsToPlace).toBeGreaterThan(3);
    expect(decision.dialLevel).toBeCloseTo(decision.callsToPlace / 20, 10);
    expect(decision.expectedLiveAnswers).toBeGreaterThan(0);
    // It plans for the live answers it expects: far fewer than one call per live answer it would need.
    expect(decision.expectedLiveAnswers).toBeLessThan(3 + 17);
    const diagnostics = p.diagnostics();
    expect(diagnostics.liveShare).toBeGreaterThan(0.15);
    expect(diagnostics.liveShare).toBeLessThan(0.25);
  });

  it('places more when more agents are about to be free', () => {
    const p = policy();
    train(p, 3_000, NOW);
    const fewReady = p.decide(snapshot(NOW, 1, 19)).callsToPlace;
    const manyReady = p.decide(snapshot(NOW + 1_000, 10, 10)).callsToPlace;
    expect(manyReady).toBeGreaterThan(fewReady);
  });

  it('stops dialing beyond progressive when the budget is spent, and resumes when it recovers', () => {
    const p = policy();
    train(p, 3_000, NOW);
    const spent = p.decide(snapshot(NOW, 3, 17, { budget: { maxAbandonRate: 0.03, liveAnswers: 2_000, abandoned: 60 } }));
    expect(spent).toMatchObject({ callsToPlace: 3, reason: 'budget_spent_progressive' });
    // 3 s later (the 3 calls asked for are no longer "unconfirmed"; the snapshot shows none).
    const over = p.decide(snapshot(NOW + 3_000, 3, 17, { budget: { maxAbandonRate: 0.03, liveAnswers: 2_000, abandoned: 75 } }));
    expect(over).toMatchObject({ callsToPlace: 3, reason: 'budget_spent_progressive' });
    const recovered = p.decide(snapshot(NOW + 6_000, 3, 17, { budget: { maxAbandonRate: 0.03, liveAnswers: 4_000, abandoned: 75 } }));
    expect(recovered.reason).toBe('predictive');
    expect(recovered.callsToPlace).toBeGreaterThan(3);
  });

  it('dials nothing beyond what covers ready agents when calls in flight already will', () => {
    const p = policy();
    train(p, 3_000, NOW);
    const calls: CallSnapshot[] = [];
    for (let i = 0; i < 40; i++) calls.push({ stage: 'waiting_agent', originatedAtMs: NOW - 12_000, stageSinceMs: NOW - 100 });
    const decision = p.decide(snapshot(NOW, 0, 20, { calls }));
    expect(decision.callsToPlace).toBe(0);
  });

  it('respects leadsAvailable and capacity', () => {
    const p = policy();
    train(p, 3_000, NOW);
    expect(p.decide(snapshot(NOW, 3, 17, { leadsAvailable: 2 })).callsToPlace).toBe(2);
    expect(p.decide(snapshot(NOW + 1_000, 3, 17, { leadsAvailable: 2.7 })).callsToPlace).toBe(2);
    expect(p.decide(snapshot(NOW + 2_000, 3, 17, { capacity: 0 })).callsToPlace).toBe(0);
    expect(p.decide(snapshot(NOW + 3_000, 3, 17, { capacity: 4, leadsAvailable: 100 })).callsToPlace).toBeLessThanOrEqual(4);
    const fresh = policy();
    expect(fresh.decide(snapshot(NOW, 5, 0, { leadsAvailable: 1 })).callsToPlace).toBe(1);
  });

  it('never returns a negative or fractional number of calls', () => {
    const p = policy();
    train(p, 3_000, NOW);
    const next = uniform(11);
    const states = ['ready', 'reserved', 'on_call', 'wrap_up', 'paused'] as const;
    const stages = ['dialing', 'answered', 'waiting_agent'] as const;
    let nowMs = NOW;
    for (let round = 0; round < 300; round++) {
      nowMs += Math.floor(next() * 3_000);
      const agents: AgentSnapshot[] = [];
      const agentCount = Math.floor(next() * 40);
      for (let i = 0; i < agentCount; i++) agents.push({ state: states[Math.floor(next() * states.length)] ?? 'ready', stateSinceMs: nowMs - Math.floor(next() * 2_000_000) });
      const calls: CallSnapshot[] = [];
      const callCount = Math.floor(next() * 60);
      for (let i = 0; i < callCount; i++) {
        const originatedAtMs = nowMs - Math.floor(next() * 90_000);
        calls.push({ stage: stages[Math.floor(next() * stages.length)] ?? 'dialing', originatedAtMs, stageSinceMs: originatedAtMs + Math.floor((nowMs - originatedAtMs) * next()) });
      }
      const liveAnswers = Math.floor(next() * 5_000);
      const leads = next() < 0.2 ? Math.floor(next() * 10) : Number.POSITIVE_INFINITY;
      const decision = p.decide({ nowMs, agents, calls, budget: { maxAbandonRate: 0.03, liveAnswers, abandoned: Math.floor(next() * liveAnswers * 0.05) }, leadsAvailable: leads, capacity: Number.POSITIVE_INFINITY });
      expect(Number.isInteger(decision.callsToPlace)).toBe(true);
      expect(decision.callsToPlace).toBeGreaterThanOrEqual(0);
      expect(decision.callsToPlace).toBeLessThanOrEqual(leads);
      expect(Number.isFinite(decision.dialLevel)).toBe(true);
    }
  });

  it('dials nothing without logged-in agents', () => {
    const p = policy();
    train(p, 3_000, NOW);
    expect(p.decide(snapshot(NOW, 0, 0))).toMatchObject({ callsToPlace: 0, reason: 'no_agents' });
    const paused: AgentSnapshot[] = [{ state: 'paused', stateSinceMs: NOW - 1_000 }];
    expect(p.decide(snapshot(NOW + 1_000, 0, 0, { agents: paused })).callsToPlace).toBe(0);
  });

  it('leaves room for the AMD drops it infers beyond those the ledger counts (UK: the campaign\'s estimate)', () => {
    const withHidden = (p: PredictivePolicy): PredictivePolicy => {
      train(p, 3_000, NOW - HOUR_MS);
      p.decide(snapshot(NOW - HOUR_MS, 3, 17)); // learns the human answer-time band
      train(p, 3_000, NOW, 9);
      // About 2.5 % of people hung up by AMD: "machines" answering as people do (6-14 s), where
      // no real machine answers.
      for (let i = 0; i < 30; i++) {
        const originatedAtMs = NOW - HOUR_MS + i * 100_000;
        const answeredAtMs = originatedAtMs + 6_000 + Math.floor((i * 8_000) / 30);
        p.observe({ type: 'call_ended', originatedAtMs, answeredAtMs, endedAtMs: answeredAtMs + 3_000, result: 'machine', abandoned: false });
      }
      return p;
    };
    const us = withHidden(policy('30d'));
    const uk = withHidden(policy('24h'));
    const ukUncounted = withHidden(policy('24h'));
    const budget = { maxAbandonRate: 0.03, liveAnswers: 2_000, abandoned: 25 };
    const usDecision = us.decide(snapshot(NOW, 3, 17, { budget }));
    // The UK ledger adds the campaign's estimate (at least what the policy infers) to both counts.
    const ukDecision = uk.decide(snapshot(NOW, 3, 17, { budget: { ...budget, estimatedAmdFalsePositiveRate: 0.05 } }));
    // A UK ledger without an estimate (a campaign with none configured): the policy must not assume one.
    const uncountedDecision = ukUncounted.decide(snapshot(NOW, 3, 17, { budget }));
    expect(us.diagnostics().hiddenHumanShare).toBeGreaterThan(0.01);
    expect(uk.diagnostics().hiddenHumanShare).toBe(0);
    expect(ukUncounted.diagnostics().hiddenHumanShare).toBeCloseTo(us.diagnostics().hiddenHumanShare, 12);
    expect(usDecision.reason).toBe('budget_spent_progressive');
    expect(uncountedDecision.reason).toBe('budget_spent_progressive');
    expect(ukDecision.callsToPlace).toBeGreaterThan(usDecision.callsToPlace);
  });

  it('runs the model at most once a second and covers newly ready agents in between', () => {
    const p = policy();
    train(p, 3_000, NOW);
    const first = p.decide(snapshot(NOW, 3, 17));
    expect(first.reason).toBe('predictive');
    // 200 ms later the calls just placed are in flight and 2 more agents than they cover are ready.
    const placed = first.callsToPlace;
    const calls: CallSnapshot[] = Array.from({ length: placed }, () => ({ stage: 'dialing', originatedAtMs: NOW, stageSinceMs: NOW }));
    expect(p.decide(snapshot(NOW + 200, placed + 2, 18 - placed, { calls }))).toMatchObject({ callsToPlace: 2, reason: 'between_evaluations_progressive' });
    expect(p.decide(snapshot(NOW + 1_000, 3, 17)).reason).toBe('predictive');
  });

  it('ramps instead of jumping after a gap in decisions (pause, outage) and after a mass login', () => {
    const p = createPredictivePolicy({ name: 'predictive', maxAbandonRate: 0.03, abandonWindow: '30d', predictive: { firstWarmupMs: 10_000, warmupMs: 10_000, unconfirmedCallMs: 0 } });
    train(p, 3_000, NOW);
    const at = (ms: number, ready: number) => p.decide(snapshot(NOW + ms, ready, 0));
    for (let ms = 0; ms <= 11_000; ms += 1_000) at(ms, 20);
    const steady = at(12_000, 20).callsToPlace;
    expect(steady).toBeGreaterThan(21);
    // 18 s without a decision: a resume. Progressive (20) plus one step (max(1, 0.02 x 20)).
    expect(at(30_000, 20)).toMatchObject({ callsToPlace: 21, reason: 'predictive' });
    for (let ms = 31_000; ms <= 41_000; ms += 1_000) at(ms, 20);
    expect(at(42_000, 20).callsToPlace).toBeGreaterThan(21);
    // 40 agents log in at once: progressive for them, plus one step, not the model's full level.
    expect(at(43_000, 60).callsToPlace).toBe(60 + 2);
  });

  it('rejects bad input with errors naming the field', () => {
    expect(() => createPredictivePolicy({ name: 'predictive', maxAbandonRate: 1.5, abandonWindow: '30d' })).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID', issues: [expect.objectContaining({ field: 'maxAbandonRate' })] }),
    );
    const p = policy();
    let caught: unknown;
    try {
      p.decide(snapshot(NOW, 1, 1, { leadsAvailable: Number.NaN }));
    } catch (err) {
      caught = err;
    }
    expect(isPacerError(caught, 'VALIDATION_FAILED')).toBe(true);
    expect(isPacerError(caught) ? caught.issues.map((i) => i.field) : []).toEqual(['leadsAvailable']);
    expect(() => p.observe({ type: 'call_ended', originatedAtMs: 10_000, endedAtMs: 5_000, result: 'failed', abandoned: false })).toThrow(
      expect.objectContaining({ code: 'VALIDATION_FAILED' }),
    );
    expect(() => p.observe({ type: 'agent_call_ended', talkMs: -1, atMs: 0 })).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }));
  });

  it('is deterministic: the same inputs give the same decisions', () => {
    const run = (): number[] => {
      const p = policy();
      train(p, 2_000, NOW, 3);
      return [0, 1, 2, 3].map((i) => p.decide(snapshot(NOW + i * 1_000, 2 + i, 18 - i)).callsToPlace);
    };
    expect(run()).toEqual(run());
  });
});
