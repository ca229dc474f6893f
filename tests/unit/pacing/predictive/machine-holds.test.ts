import { describe, expect, it } from 'vitest';
import { AgentReleaseModel } from '../../../../src/domain/pacing/predictive/agent-release-model.ts';

describe('machines passed to agents are short holds, not talks', () => {
  it('an agent a second into a call is likely about to drop a machine; one 30 s in is talking', () => {
    const model = new AgentReleaseModel();
    // AMD off: of the calls reaching agents, 58 % are machines dropped in 4-6 s (no wrap-up),
    // 42 % people talking 90 s then wrapping up 15 s.
    for (let i = 0; i < 3000; i++) {
      if (i % 100 < 58) model.addMachineHold(4 + (i % 7) / 3);
      else {
        model.addTalk(90);
        model.addWrap(15);
      }
    }
    expect(model.machineHoldShare).toBeCloseTo(0.58, 1);
    model.rebuild(Float64Array.of(2, 5, 10, 20));
    const fresh = model.onCallRow(1);
    expect(model.onCallTable[fresh + 0]).toBeLessThan(0.1); // within 2 s: still holding (holds last 4-6 s)
    expect(model.onCallTable[fresh + 1]).toBeGreaterThan(0.3); // within 5 s: half the machines dropped
    expect(model.onCallTable[fresh + 2]).toBeGreaterThan(0.5); // within 10 s: the machines are dropped
    const talking = model.onCallRow(30);
    expect(model.onCallTable[talking + 3]).toBeLessThan(0.02);
  });
});
