import { describe, expect, it } from 'vitest';
import { NO_DIAL_LIMITS } from '../../../src/domain/pacing/predictive/dial-limits.ts';
import type { PacingPolicyConfig } from '../../../src/domain/pacing/pacing-policy.ts';
import { loadScenario } from '../../../src/sim/load-scenario.ts';
import { runSimulation } from '../../../src/sim/run-simulation.ts';
import type { CallRecord } from '../../../src/sim/simulation-result.ts';
import type { Scenario } from '../../../src/sim/scenario.ts';
import { validateScenario } from '../../../src/sim/validate-scenario.ts';

const DAY0_MS = Date.UTC(2026, 0, 5, 8);

/** Ground truth: abandoned / live answers among the people who answered before `atSec` (day 0). */
function legalRateAt(log: readonly CallRecord[], atSec: number): number {
  let live = 0;
  let abandoned = 0;
  for (const c of log) {
    if (c.truth !== 'human' || c.answeredAtMs === undefined || c.answeredAtMs >= DAY0_MS + atSec * 1000) continue;
    live++;
    if (c.truthAbandoned) abandoned++;
  }
  return live > 0 ? abandoned / live : 0;
}

function run(scenario: Scenario, seed: number, noLimits = false) {
  const policy: PacingPolicyConfig = { name: 'predictive', maxAbandonRate: scenario.maxAbandonRate, abandonWindow: scenario.abandonWindow, ...(noLimits ? { predictive: { ...NO_DIAL_LIMITS } } : {}) };
  return runSimulation({ scenario, policy, seed, days: 1, recordCallLog: noLimits ? false : true });
}

describe('abandons after a start, an outage, a pause and a mass login (simulation, fixed seeds)', () => {
  it.each([
    ['outage-200', 1],
    ['outage-200', 2],
    ['mass-login', 1],
    ['pause-resume', 1],
  ] as const)('%s seed %i: the 1- and 5-minute windows after a start or event, and the legal window every 10 s for 15 min after them, stay within the cap', (name, seed) => {
    const scenario = loadScenario(name);
    const r = run(scenario, seed);
    const windows = r.recoveryWindows ?? [];
    expect(windows.filter((w) => w.kind !== 'start').length).toBeGreaterThan(0);
    for (const w of windows.filter((x) => x.minutes <= 5)) {
      expect({ ...w, over: w.rate > scenario.maxAbandonRate }).toMatchObject({ over: false });
    }
    expect(r.windowsOverCap).toBe(0);
    // The legal (30-day) window as it stood every 10 s over the 15 minutes after the start and each
    // event: at the start it holds nothing but the first minutes.
    const starts = [0, ...(scenario.events ?? []).map((e) => (e.type === 'mass_login' || e.type === 'restart' ? e.atSec : e.atSec + e.durationSec))];
    let worst = { t: 0, rate: 0 };
    for (const from of starts) {
      for (let t = from; t <= from + 900; t += 10) {
        const rate = legalRateAt(r.callLog ?? [], t);
        if (rate > worst.rate) worst = { t, rate };
      }
    }
    expect(worst.rate, `legal window at ${worst.t} s`).toBeLessThanOrEqual(scenario.maxAbandonRate);
    // Nothing is placed while an outage or a pause blocks dialing.
    for (const e of scenario.events ?? []) {
      if (e.type === 'mass_login' || e.type === 'restart') continue;
      const from = DAY0_MS + e.atSec * 1000;
      const placed = (r.callLog ?? []).filter((c) => c.originatedAtMs >= from && c.originatedAtMs < from + e.durationSec * 1000);
      expect(placed.length).toBe(0);
    }
  });

  it('the same start without the dial limits abandons over the cap in its first 5 minutes (what the limits fix)', () => {
    const r = run(loadScenario('outage-200'), 1, true);
    const start5 = (r.recoveryWindows ?? []).find((w) => w.kind === 'start' && w.minutes === 5);
    expect(start5?.rate).toBeGreaterThan(0.03);
  });

  it('validates events: type, inside the shift, day inside the run', () => {
    const base = { ...loadScenario('reference'), $schema: undefined };
    expect(validateScenario({ ...base, events: [{ type: 'outage', atSec: 60, durationSec: 30 }] }).events).toHaveLength(1);
    const bad = (events: unknown) => {
      try {
        validateScenario({ ...base, events });
      } catch (err) {
        return (err as { issues?: Array<{ field: string }> }).issues?.map((i) => i.field) ?? [];
      }
      return [];
    };
    expect(bad([{ type: 'flood', atSec: 1 }])).toContain('events[0].type');
    expect(bad([{ type: 'pause', atSec: 28_790, durationSec: 60 }])).toContain('events[0].durationSec');
    expect(bad([{ type: 'mass_login', atSec: 10, count: 5, day: 9 }])).toContain('events[0].day');
  });
});
