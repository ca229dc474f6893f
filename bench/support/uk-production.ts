import type { PacingPolicyConfig } from '../../src/domain/pacing/pacing-policy.ts';
import type { Scenario } from '../../src/sim/scenario.ts';

/** One row of the UK production-wiring comparison (issue 13). */
export interface UkVariant {
  label: string;
  /** The predictive policy as production wired it before issue 13 (`before-issue-13.ts`). */
  before: boolean;
  scenario: Scenario;
}

/** What the comparison needs from a run. */
export interface UkOutcome {
  worstWindowAbandonRate: number;
  windowsOverCap: number;
  windowsOverTarget: number;
  windowsOver2: number;
  utilization: number;
  abandonRate: number;
}

/**
 * The UK 24 h scenario as production runs it: the campaign's configured AMD false-positive
 * estimate (possibly not the true 1 %), a nightly restart (20:00, the ledger rebuilt from the
 * history), before issue 13 (no estimate, hourly restore, a policy that assumed the ledger counted
 * the false positives) and after, with and without a 2 % target.
 */
export function ukVariants(uk: Scenario): UkVariant[] {
  const trueFp = uk.amd.falsePositive;
  const at = (fp: number, bucket: 60 | 3600, target?: number): Scenario => ({
    ...uk,
    name: `${uk.name} (configured ${fp}, restore ${bucket} s${target === undefined ? '' : `, target ${target}`})`,
    campaign: { amdFalsePositiveRate: fp, ...(target === undefined ? {} : { abandonTarget: target }) },
    events: [...(uk.events ?? []), { type: 'restart', atSec: 12 * 3600, historyBucketSec: bucket }],
  });
  return [
    { label: 'before: no estimate configured (the runtime had no setting), hourly restore', before: true, scenario: at(0, 3600) },
    { label: `before: estimate = true rate (${trueFp}), hourly restore`, before: true, scenario: at(trueFp, 3600) },
    { label: 'after: no estimate configured, per-minute restore', before: false, scenario: at(0, 60) },
    { label: `after: estimate half the true rate (${trueFp / 2})`, before: false, scenario: at(trueFp / 2, 60) },
    { label: `after: estimate = true rate (${trueFp})`, before: false, scenario: at(trueFp, 60) },
    { label: `after: estimate twice the true rate (${trueFp * 2})`, before: false, scenario: at(trueFp * 2, 60) },
    { label: `after: estimate = true rate, target 2 %`, before: false, scenario: at(trueFp, 60, 0.02) },
  ];
}

export function ukPolicy(s: Scenario): PacingPolicyConfig {
  return { name: 'predictive', maxAbandonRate: s.maxAbandonRate, abandonWindow: s.abandonWindow };
}

const pct = (x: number, d = 2): string => `${(x * 100).toFixed(d)} %`;

/** The markdown table, one row per variant, outcomes over the seeds. */
export function ukTable(rows: ReadonlyArray<{ variant: UkVariant; outcomes: readonly UkOutcome[] }>): string {
  const head = '| wiring | worst 24 h window | windows over 3 % (seeds over) | windows over 2 % | utilization | mean abandon |\n|---|---:|---:|---:|---:|---:|';
  const body = rows.map(({ variant, outcomes }) => {
    const sum = (f: (o: UkOutcome) => number): number => outcomes.reduce((s, o) => s + f(o), 0);
    const mean = (f: (o: UkOutcome) => number): number => sum(f) / Math.max(1, outcomes.length);
    const seedsOver = outcomes.filter((o) => o.windowsOverCap > 0).length;
    return `| ${variant.label} | ${pct(Math.max(0, ...outcomes.map((o) => o.worstWindowAbandonRate)))} | ${sum((o) => o.windowsOverCap)} (${seedsOver} of ${outcomes.length}) | ${sum((o) => o.windowsOver2)} | ${pct(mean((o) => o.utilization), 1)} | ${pct(mean((o) => o.abandonRate))} |`;
  });
  return [head, ...body].join('\n');
}
