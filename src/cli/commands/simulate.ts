import { existsSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { isPacingPolicyName, PACING_POLICY_NAMES } from '../../domain/pacing/create-pacing-policy.ts';
import { isPacerError } from '../../domain/pacer-error.ts';
import { DEFAULT_DIAL_RATIO } from '../../domain/pacing/ratio-policy.ts';
import { loadScenario } from '../../sim/load-scenario.ts';
import { runSimulation } from '../../sim/run-simulation.ts';
import type { SimulationResult } from '../../sim/simulation-result.ts';

const USAGE = `usage: pacer simulate --scenario <file.json|built-in name> --policy <${PACING_POLICY_NAMES.join('|')}>
                      [--seed N] [--days D] [--ratio R] [--json] [--report out.html]

  --scenario  a scenario JSON file (schemas/scenario.schema.json) or a built-in name (reference, reference-5, ...)
  --policy    pacing policy to simulate
  --seed      PRNG seed (integer, default 1): same seed, same result
  --days      simulated days (overrides the scenario's days)
  --ratio     lines per ready agent for --policy ratio (default ${DEFAULT_DIAL_RATIO})
  --json      print one JSON object on one line instead of the summary
  --report    write an HTML report to this file
`;

const REPORT_MODULE = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'sim', 'report', 'html-report.ts');

interface ReportModule {
  renderHtmlReport(result: SimulationResult): string;
}

function fail(message: string): number {
  process.stderr.write(`pacer simulate: ${message}\n\n${USAGE}`);
  return 2;
}

function pct(x: number, digits = 1): string {
  return `${(x * 100).toFixed(digits)} %`;
}

function summary(r: SimulationResult): string {
  const lines = [
    `scenario ${r.scenario}, policy ${r.policy}, seed ${r.seed}: ${r.agents} agents, ${r.days} day(s) x ${r.shiftHours} h`,
    `  dials              ${r.dials}  (${r.dialsPerConnect.toFixed(2)} per connect)`,
    `  answers            ${r.humanAnswers} live, ${r.machineAnswers} machine; ${r.failed} failed, ${r.noAnswer} no answer`,
    `  connects           ${r.connects}  (${r.connectsPerAgentHour.toFixed(1)} per agent hour)`,
    `  abandoned          ${r.abandoned}  (${pct(r.abandonRate, 2)} of live answers; ${r.amdFalsePositives} AMD hang-ups on live people)`,
    `  legal windows      worst ${pct(r.worstWindowAbandonRate, 2)} over ${r.abandonWindow}, ${r.windowsOverCap} of ${r.windowsEvaluated} over the ${pct(r.maxAbandonRate, 1)} cap`,
    `  engine saw         ${pct(r.engineAbandonRate, 2)} abandoned`,
    `  utilization        ${pct(r.utilization)}  (talk ${pct(r.talkOccupancy)})`,
    `  agent wait         mean ${r.meanAgentWaitSec.toFixed(1)} s, p95 ${r.p95AgentWaitSec.toFixed(1)} s`,
    `  leads used         ${r.leadsUsed}${r.leadsExhausted ? ' (pool exhausted)' : ''}`,
  ];
  return `${lines.join('\n')}\n`;
}

/** `pacer simulate`: runs one simulation and prints a summary or one JSON line. Exit 0 ok, 2 bad usage or input. */
export async function run(argv: readonly string[]): Promise<number> {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        scenario: { type: 'string' },
        policy: { type: 'string' },
        seed: { type: 'string' },
        days: { type: 'string' },
        ratio: { type: 'string' },
        json: { type: 'boolean' },
        report: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    return fail(err instanceof Error ? err.message : String(err));
  }
  if (values['help'] === true) {
    process.stdout.write(USAGE);
    return 0;
  }
  const scenarioArg = values['scenario'];
  const policyArg = values['policy'];
  if (typeof scenarioArg !== 'string' || scenarioArg === '') return fail('--scenario is required');
  if (typeof policyArg !== 'string' || policyArg === '') return fail('--policy is required');
  if (!isPacingPolicyName(policyArg)) return fail(`--policy: unknown policy '${policyArg}'; known: ${PACING_POLICY_NAMES.join(', ')}`);
  const intFlag = (name: string, min: number, max: number): number | undefined | Error => {
    const raw = values[name];
    if (raw === undefined) return undefined;
    const n = Number(raw);
    if (typeof raw !== 'string' || !/^-?\d+$/.test(raw) || !Number.isSafeInteger(n) || n < min || n > max) {
      return new Error(`--${name} must be an integer from ${min} to ${max}, got '${String(raw)}'`);
    }
    return n;
  };
  const seed = intFlag('seed', 0, 2 ** 32 - 1);
  if (seed instanceof Error) return fail(seed.message);
  const days = intFlag('days', 1, 400);
  if (days instanceof Error) return fail(days.message);
  let ratio: number | undefined;
  if (values['ratio'] !== undefined) {
    if (policyArg !== 'ratio') return fail('--ratio only applies to --policy ratio');
    ratio = Number(values['ratio']);
    if (!Number.isFinite(ratio) || ratio < 1 || ratio > 100) return fail(`--ratio must be a number from 1 to 100, got '${String(values['ratio'])}'`);
  }
  const reportPath = values['report'];
  if (reportPath !== undefined && (typeof reportPath !== 'string' || reportPath === '')) return fail('--report needs a file name');
  let report: ReportModule | undefined;
  if (typeof reportPath === 'string') {
    if (!existsSync(REPORT_MODULE)) {
      process.stderr.write('pacer simulate: --report: report writer not available (src/sim/report/html-report.ts is missing)\n');
      return 1;
    }
    report = (await import(pathToFileURL(REPORT_MODULE).href)) as ReportModule;
  }

  let scenario;
  try {
    scenario = loadScenario(scenarioArg);
  } catch (err) {
    if (isPacerError(err, 'SCENARIO_INVALID')) {
      const issues = err.issues.map((i) => `  ${i.field}: ${i.reason}`).join('\n');
      process.stderr.write(`pacer simulate: ${err.message}\n${issues}\n`);
      return 2;
    }
    throw err;
  }
  const result = runSimulation({
    scenario,
    policy: { name: policyArg, maxAbandonRate: scenario.maxAbandonRate, abandonWindow: scenario.abandonWindow, ratio: policyArg === 'ratio' ? (ratio ?? DEFAULT_DIAL_RATIO) : undefined },
    seed: seed ?? 1,
    days,
    recordTimeline: report !== undefined,
  });
  if (report !== undefined && typeof reportPath === 'string') {
    writeFileSync(reportPath, report.renderHtmlReport(result));
  }
  if (values['json'] === true) {
    const { timeline: _timeline, ...flat } = result;
    process.stdout.write(`${JSON.stringify(flat)}\n`);
  } else {
    process.stdout.write(summary(result));
    if (typeof reportPath === 'string') process.stdout.write(`  report             ${reportPath}\n`);
  }
  return 0;
}
