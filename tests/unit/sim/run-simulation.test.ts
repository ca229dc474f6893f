import { describe, expect, it } from 'vitest';
import { isPacerError } from '../../../src/domain/pacer-error.ts';
import type { PacingObservation, PacingPolicy, PacingPolicyConfig } from '../../../src/domain/pacing/pacing-policy.ts';
import { createRatioPolicy } from '../../../src/domain/pacing/ratio-policy.ts';
import { SIM_EPOCH_MS } from '../../../src/sim/call-simulator.ts';
import { evaluateWindows, runSimulation } from '../../../src/sim/run-simulation.ts';
import { builtIn, closedFormScenario } from './sim-fixtures.ts';

const progressive: PacingPolicyConfig = { name: 'progressive', maxAbandonRate: 0.03, abandonWindow: '30d' };
const ratio = (r: number): PacingPolicyConfig => ({ name: 'ratio', ratio: r, maxAbandonRate: 0.03, abandonWindow: '30d' });

describe('runSimulation', () => {
  it('is reproducible: same seed, identical result; another seed, another result', () => {
    const scenario = builtIn('amd-errors', { agents: 10 });
    const a = runSimulation({ scenario, policy: ratio(2), seed: 9, days: 1, recordTimeline: true });
    const b = runSimulation({ scenario, policy: ratio(2), seed: 9, days: 1, recordTimeline: true });
    const c = runSimulation({ scenario, policy: ratio(2), seed: 10, days: 1, recordTimeline: true });
    expect(b).toEqual(a);
    expect(c.dials).not.toBe(a.dials);
    expect(a.amdFalsePositives).toBeGreaterThan(0);
  });

  it('reports the ground-truth abandon rate of every day\'s first shift hour, as recounted from the call log', () => {
    const scenario = builtIn('amd-errors', { agents: 10 });
    const r = runSimulation({ scenario, policy: ratio(3), seed: 3, days: 2, recordCallLog: true });
    expect(r.firstHourAbandonRates).toHaveLength(2);
    for (let day = 0; day < 2; day++) {
      const start = SIM_EPOCH_MS + day * 86_400_000;
      const firstHour = (r.callLog ?? []).filter((c) => c.truth === 'human' && c.answeredAtMs !== undefined && c.answeredAtMs >= start && c.answeredAtMs < start + 3_600_000);
      const rate = firstHour.filter((c) => c.truthAbandoned).length / firstHour.length;
      expect(firstHour.length).toBeGreaterThan(50);
      expect(r.firstHourAbandonRates?.[day]).toBeCloseTo(rate, 12);
    }
    expect(Math.max(...(r.firstHourAbandonRates ?? []))).toBeGreaterThan(0);
  });

  it('progressive never abandons: every live call finds its agent the moment it needs one', () => {
    for (const name of ['reference', 'high-answer-rate']) {
      const r = runSimulation({ scenario: builtIn(name, { agents: 10 }), policy: progressive, seed: 4, days: 1, recordCallLog: true });
      expect(r.abandoned).toBe(0);
      expect(r.engineBudget.abandoned).toBe(0);
      const humans = (r.callLog ?? []).filter((c) => c.result === 'human');
      expect(humans.length).toBe(r.connects);
      expect(humans.length).toBeGreaterThan(100);
      for (const c of humans) expect(c.connectedAtMs).toBe(c.needsAgentAtMs);
    }
    // The same measurement does see abandons when the pacing overdials.
    const over = runSimulation({ scenario: builtIn('reference', { agents: 10 }), policy: ratio(4), seed: 4, days: 1 });
    expect(over.abandoned).toBeGreaterThan(0);
    expect(over.abandonRate).toBeGreaterThan(0.03);
  });

  it('progressive utilization matches the closed form U = h / (h + E[attempt] / p_live) within 1 point', () => {
    const s = closedFormScenario();
    const h = 120 + 15;
    // Line busy time per dial by outcome: dial delay + (answer + AMD human decision | answer + machine decision | fail | timeout).
    const attempt = 2 + 0.2 * (9 + 0) + 0.25 * (20 + 3) + 0.15 * 3 + 0.4 * 25;
    const expected = h / (h + attempt / 0.2);
    const r = runSimulation({ scenario: s, policy: progressive, seed: 21, days: 8 });
    expect(expected).toBeCloseTo(0.5745, 3);
    expect(Math.abs(r.utilization - expected)).toBeLessThan(0.01);
    expect(r.abandoned).toBe(0);
    expect(r.dialsPerConnect).toBeGreaterThan(4.5);
    expect(r.dialsPerConnect).toBeLessThan(5.5);
  });

  it('follows agent and outcome schedules within each day (answer-rate-drop)', () => {
    const r = runSimulation({ scenario: builtIn('answer-rate-drop'), policy: progressive, seed: 2, days: 2, recordCallLog: true, recordTimeline: true });
    // 30 agents for 4 h then 20 for 4 h, each day (plus the few seconds of the end-of-shift drain).
    expect(r.agentHours).toBeGreaterThan(2 * 200 * 0.98);
    expect(r.agentHours).toBeLessThan(2 * 200 * 1.02);
    const early = (r.callLog ?? []).filter((c) => ((c.originatedAtMs - SIM_EPOCH_MS) / 1000) % 86_400 < 14_400 - 60);
    const late = (r.callLog ?? []).filter((c) => ((c.originatedAtMs - SIM_EPOCH_MS) / 1000) % 86_400 >= 14_400);
    const liveShare = (calls: typeof early) => calls.filter((c) => c.truth === 'human').length / calls.length;
    expect(liveShare(early)).toBeGreaterThan(0.22);
    expect(liveShare(early)).toBeLessThan(0.28);
    expect(liveShare(late)).toBeGreaterThan(0.08);
    expect(liveShare(late)).toBeLessThan(0.12);
    const at = (sec: number) => r.timeline.find((p) => p.atSec === sec);
    const before = at(14_400 - 60);
    const after = at(14_400 + 600);
    expect(before && before.agentsReady + before.agentsOnCall + before.agentsWrapUp).toBe(30);
    expect(after && after.agentsReady + after.agentsOnCall + after.agentsWrapUp).toBe(20);
    expect(r.timeline.length).toBe(2 * 8 * 60);
    for (const p of r.timeline) expect(p.utilization).toBeGreaterThanOrEqual(0);
  });

  it('stops at the end of a finite lead pool', () => {
    const r = runSimulation({ scenario: builtIn('reference-5', { leads: 300 }), policy: ratio(2), seed: 1, days: 1 });
    expect(r.dials).toBe(300);
    expect(r.leadsExhausted).toBe(true);
  });

  it('takes agents off the floor for pauses and leaves paused time out of utilization', () => {
    const base = builtIn('reference', { agents: 10 });
    const paused = runSimulation({ scenario: { ...base, pauses: { perAgentPerHour: 2, durationSec: { dist: 'constant', value: 600 } } }, policy: progressive, seed: 3, days: 1, recordTimeline: true });
    const plain = runSimulation({ scenario: base, policy: progressive, seed: 3, days: 1 });
    expect(paused.timeline.some((p) => p.agentsPaused > 0)).toBe(true);
    expect(paused.agentHours).toBeLessThan(plain.agentHours * 0.85);
    expect(Math.abs(paused.utilization - plain.utilization)).toBeLessThan(0.03);
  });

  it('feeds the policy one call_ended observation per dial', () => {
    let ended = 0;
    let agentCalls = 0;
    const factory = (): PacingPolicy => {
      const inner = createRatioPolicy(ratio(2));
      return {
        name: 'ratio',
        observe(o: PacingObservation) {
          if (o.type === 'call_ended') ended++;
          if (o.type === 'agent_call_ended') agentCalls++;
        },
        decide: (s) => inner.decide(s),
      };
    };
    const r = runSimulation({ scenario: builtIn('reference-5'), policy: factory, seed: 1, days: 1 });
    expect(ended).toBe(r.dials);
    expect(agentCalls).toBe(r.connects);
  });

  it('rejects a policy that asks for a fractional or negative number of calls', () => {
    const bad = (): PacingPolicy => ({ name: 'ratio', observe: () => undefined, decide: () => ({ callsToPlace: 1.5, dialLevel: 1, reason: 'bad' }) });
    let caught: unknown;
    try {
      runSimulation({ scenario: builtIn('reference-5'), policy: bad, seed: 1, days: 1 });
    } catch (err) {
      caught = err;
    }
    expect(isPacerError(caught, 'INTERNAL')).toBe(true);
  });
});

describe('evaluateWindows', () => {
  it('uses the whole run when it is shorter than the window, else slides hour by hour', () => {
    const live = [10, 10, 10, 10];
    const ab = [0, 2, 0, 0];
    expect(evaluateWindows(live, ab, 720, 0.03)).toEqual({ worst: 0.05, overCap: 1, evaluated: 1 });
    const w = evaluateWindows(live, ab, 2, 0.06);
    expect(w.evaluated).toBe(3);
    expect(w.worst).toBeCloseTo(0.1, 10);
    expect(w.overCap).toBe(2);
  });
});
