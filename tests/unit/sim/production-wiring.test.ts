import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../../src/sim/load-scenario.ts';
import { runSimulation } from '../../../src/sim/run-simulation.ts';
import type { Scenario } from '../../../src/sim/scenario.ts';
import { validateScenario } from '../../../src/sim/validate-scenario.ts';

const uk = loadScenario('uk-24h');
const nightly = { type: 'restart', atSec: 12 * 3600 } as const;
const predictive = { name: 'predictive', maxAbandonRate: 0.03, abandonWindow: '24h' } as const;

describe('the simulator drives the production ledger wiring (issue 13)', () => {
  it('accepts a nightly restart (outside the shift) and the campaign block, and names bad fields', () => {
    expect(validateScenario({ ...uk, events: [nightly], campaign: { amdFalsePositiveRate: 0, abandonTarget: 0.02 } }).events).toHaveLength(1);
    const bad = (s: unknown): string[] => {
      try {
        validateScenario(s);
        return [];
      } catch (err) {
        return ((err as { issues?: { field: string }[] }).issues ?? []).map((i) => i.field);
      }
    };
    expect(bad({ ...uk, campaign: { abandonTarget: 0.04 } })).toContain('campaign.abandonTarget');
    expect(bad({ ...uk, events: [{ type: 'restart', atSec: 86_400 }] })).toContain('events[0].atSec');
    expect(bad({ ...uk, events: [{ type: 'restart', atSec: 3600, historyBucketSec: 600 }] }).some((f) => f.startsWith('events[0]'))).toBe(true);
  });

  it('UK 24 h with no AMD estimate configured and a nightly restart stays within the cap in every window', () => {
    const scenario: Scenario = { ...uk, campaign: { amdFalsePositiveRate: 0 }, events: [nightly] };
    const r = runSimulation({ scenario, policy: predictive, seed: 3, days: 3 });
    expect(r.restarts).toBe(3);
    // The ledger counts no estimate: the policy makes room for the AMD drops itself.
    expect(r.engineBudget.estimatedAmdFalsePositiveRate).toBe(0);
    expect(r.windowsOverCap).toBe(0);
    expect(r.worstWindowAbandonRate).toBeLessThanOrEqual(0.03);
  });

  it('plans for a 2 % target: no window over 2 %', () => {
    const scenario: Scenario = { ...uk, campaign: { amdFalsePositiveRate: 0.01, abandonTarget: 0.02 }, events: [nightly] };
    const r = runSimulation({ scenario, policy: predictive, seed: 1, days: 3 });
    expect(r.abandonTarget).toBe(0.02);
    expect(r.engineBudget.maxAbandonRate).toBe(0.02);
    expect(r.windowsOverTarget).toBe(0);
    expect(r.utilization).toBeGreaterThan(0.5);
  });
});
