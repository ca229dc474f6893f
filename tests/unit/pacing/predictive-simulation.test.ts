import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../../src/sim/load-scenario.ts';
import { runSimulation } from '../../../src/sim/run-simulation.ts';

describe('predictive policy in the simulator', () => {
  it('keeps a 5-agent team within the abandon cap and busier than progressive dialing', () => {
    const scenario = loadScenario('reference-5');
    const config = { maxAbandonRate: scenario.maxAbandonRate, abandonWindow: scenario.abandonWindow };
    const predictive = runSimulation({ scenario, policy: { name: 'predictive', ...config }, seed: 1, days: 1 });
    const progressive = runSimulation({ scenario, policy: { name: 'progressive', ...config }, seed: 1, days: 1 });
    expect(predictive.worstWindowAbandonRate).toBeLessThanOrEqual(scenario.maxAbandonRate);
    expect(predictive.windowsOverCap).toBe(0);
    expect(predictive.abandoned).toBeGreaterThan(0);
    expect(predictive.utilization).toBeGreaterThan(progressive.utilization + 0.05);
  });
});
