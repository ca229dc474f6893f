/**
 * `npm run bench:pacing [-- --quick] [--seeds N] [--days D] [--workers W] [--out FILE] [--skip-headline] [--recovery-only] [--shared-only] [--uk-only]`
 *
 * `--uk-only`: only the UK 24 h production-wiring comparison (issue 13), printed (and written to
 * `--out` when given; the report is not rewritten).
 *
 * Every pacing policy on a grid of scenarios (team size, live-answer rate, talk time, AMD errors,
 * a regime change), the shared scenarios of `../shared/pacing` (3 seeds x their own days), several seeds each, plus the best fixed ratio chosen in hindsight (highest
 * utilization whose every seed keeps every legal window within the cap). Writes a markdown report
 * to docs/benchmarks/pacing.md and prints the headline rows for reference-5 / reference / reference-100.
 */
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { isMainThread, parentPort, Worker } from 'node:worker_threads';
import type { PacingPolicyConfig, PacingPolicyName } from '../src/domain/pacing/pacing-policy.ts';
import { NO_DIAL_LIMITS } from '../src/domain/pacing/predictive/dial-limits.ts';
import { isPacerError } from '../src/domain/pacer-error.ts';
import { loadScenario } from '../src/sim/load-scenario.ts';
import { runSimulation } from '../src/sim/run-simulation.ts';
import type { Scenario } from '../src/sim/scenario.ts';
import { sharedGrid } from './support/shared-scenarios.ts';
import { policyBeforeIssue13 } from './support/before-issue-13.ts';
import { ukPolicy, ukTable, ukVariants } from './support/uk-production.ts';

interface Task {
  id: number;
  scenario: Scenario;
  policy: PacingPolicyConfig;
  seed: number;
  days: number;
  /** Drive the predictive policy as production wired it before issue 13. */
  before?: boolean;
}
interface Outcome {
  id: number;
  error?: string;
  abandonRate: number;
  worstWindowAbandonRate: number;
  windowsOverCap: number;
  windowsOverTarget: number;
  windowsOver2: number;
  utilization: number;
  meanAgentWaitSec: number;
  p95AgentWaitSec: number;
  connectsPerAgentHour: number;
  /** Worst ground-truth rate over the 5- and 15-minute windows after a start, resume or mass login. */
  worstRecovery5: number;
  worstRecovery15: number;
  recoveryOverCap5: number;
  /** Ground-truth abandon rate of each day's first shift hour. */
  firstHourRates: number[];
  cpuMs: number;
}

function simulate(task: Task): Outcome {
  const t0 = performance.now();
  try {
    const r = runSimulation({ scenario: task.scenario, policy: task.before === true ? policyBeforeIssue13(task.policy) : task.policy, seed: task.seed, days: task.days });
    return {
      id: task.id,
      abandonRate: r.abandonRate,
      worstWindowAbandonRate: r.worstWindowAbandonRate,
      windowsOverCap: r.windowsOverCap,
      windowsOverTarget: r.windowsOverTarget,
      windowsOver2: r.windowsOverTwoPercent,
      utilization: r.utilization,
      meanAgentWaitSec: r.meanAgentWaitSec,
      p95AgentWaitSec: r.p95AgentWaitSec,
      connectsPerAgentHour: r.connectsPerAgentHour,
      worstRecovery5: Math.max(0, ...(r.recoveryWindows ?? []).filter((w) => w.minutes === 5).map((w) => w.rate)),
      worstRecovery15: Math.max(0, ...(r.recoveryWindows ?? []).filter((w) => w.minutes === 15).map((w) => w.rate)),
      recoveryOverCap5: (r.recoveryWindows ?? []).filter((w) => w.minutes === 5 && w.rate > r.maxAbandonRate + 1e-12).length,
      firstHourRates: r.firstHourAbandonRates ?? [],
      cpuMs: performance.now() - t0,
    };
  } catch (err) {
    if (!isPacerError(err)) throw err;
    return { id: task.id, error: `${err.code}: ${err.message}`, abandonRate: 0, worstWindowAbandonRate: 0, windowsOverCap: 0, windowsOverTarget: 0, windowsOver2: 0, utilization: 0, meanAgentWaitSec: 0, p95AgentWaitSec: 0, connectsPerAgentHour: 0, worstRecovery5: 0, worstRecovery15: 0, recoveryOverCap5: 0, firstHourRates: [], cpuMs: performance.now() - t0 };
  }
}


/** Worker bootstrap: registers tsx's loader in the worker, then loads this file (which then serves tasks). */
const WORKER_BOOT = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((m) => { m.register(); return import(${JSON.stringify(import.meta.url)}); });`;

/** A fixed set of worker threads (or inline execution with 1) that runs simulation tasks. */
class Pool {
  readonly #workers: Worker[] = [];
  readonly #idle: Worker[] = [];
  readonly #pending = new Map<Worker, (o: Outcome) => void>();
  readonly #queue: Array<{ task: Task; done: (o: Outcome) => void }> = [];
  readonly #fail: (err: unknown) => void;

  constructor(size: number, onError: (err: unknown) => void) {
    this.#fail = onError;
    for (let i = 0; i < (size > 1 ? size : 0); i++) {
      const w = new Worker(WORKER_BOOT, { eval: true });
      w.on('message', (o: Outcome) => {
        const done = this.#pending.get(w);
        this.#pending.delete(w);
        this.#idle.push(w);
        done?.(o);
        this.#pump();
      });
      w.on('error', (err) => this.#fail(err));
      this.#workers.push(w);
      this.#idle.push(w);
    }
  }

  async runAll(tasks: readonly Task[]): Promise<Map<number, Outcome>> {
    const results = new Map<number, Outcome>();
    if (this.#workers.length === 0) {
      for (const t of tasks) results.set(t.id, simulate(t));
      return results;
    }
    await Promise.all(
      tasks.map(
        (task) =>
          new Promise<void>((resolve) => {
            this.#queue.push({ task, done: (o) => (results.set(o.id, o), resolve()) });
            this.#pump();
          }),
      ),
    );
    return results;
  }

  #pump(): void {
    while (this.#idle.length > 0 && this.#queue.length > 0) {
      const w = this.#idle.pop();
      const job = this.#queue.shift();
      if (w === undefined || job === undefined) return;
      this.#pending.set(w, job.done);
      w.postMessage(job.task);
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.#workers.map((w) => w.terminate()));
  }
}

export interface GridScenario {
  group: string;
  label: string;
  scenario: Scenario;
}

function grid(): GridScenario[] {
  const ref = loadScenario('reference');
  const out: GridScenario[] = [];
  for (const agents of [3, 5, 10, 20, 50, 100, 250]) {
    out.push({ group: 'team size', label: `reference, ${agents} agents`, scenario: { ...ref, name: `reference-${agents}a`, agents } });
  }
  const at20 = (label: string, s: Partial<Scenario>): GridScenario => ({ group: 'variants (20 agents)', label, scenario: { ...ref, ...s, name: label, agents: s.agents ?? 20 } });
  out.push(at20('live 8 %', { outcomes: { human: 0.08, machine: 0.25, failed: 0.15, noAnswer: 0.52 } }));
  out.push(at20('live 40 %', { outcomes: { human: 0.4, machine: 0.2, failed: 0.1, noAnswer: 0.3 } }));
  out.push(at20('talk 45 s', { talkSec: { dist: 'lognormal', mean: 45, cv: 0.8 } }));
  out.push(at20('talk 300 s', { talkSec: { dist: 'lognormal', mean: 300, cv: 0.8 } }));
  out.push(at20('AMD off', { amd: { ...ref.amd, enabled: false } }));
  out.push(at20('AMD fp 1 %, fn 10 %', { amd: { ...loadScenario('amd-errors').amd, falsePositive: 0.01, falseNegative: 0.1 } }));
  out.push(at20('AMD fp 3 %, fn 15 %', { amd: { ...loadScenario('amd-errors').amd, falsePositive: 0.03, falseNegative: 0.15 } }));
  out.push(at20('UK 24 h, AMD fp 2 %', { ...loadScenario('uk-24h'), agents: 20 }));
  out.push({ group: 'regime change', label: 'answer-rate-drop (30 -> 20 agents, live 25 % -> 10 %)', scenario: loadScenario('answer-rate-drop') });
  out.push({ group: 'regime change', label: 'small-team-3 (pauses, AMD errors)', scenario: loadScenario('small-team-3') });
  return out;
}

/** Starts, outages, pauses and mass logins (scenario events): where a jump in dial level abandons. */
function recoveryGrid(): GridScenario[] {
  return [
    { group: 'recovery', label: 'outage-200 (200 agents, two 30 s outages a shift)', scenario: loadScenario('outage-200') },
    { group: 'recovery', label: 'mass-login (20 agents, +180 at once at 1 h)', scenario: loadScenario('mass-login') },
    { group: 'recovery', label: 'pause-resume (100 agents, paused 10 min and 1 min)', scenario: loadScenario('pause-resume') },
  ];
}

interface Row {
  policy: string;
  error?: string;
  meanAbandon: number;
  worstAbandon: number;
  windowsOverCap: number;
  utilization: number;
  meanWaitSec: number;
  p95WaitSec: number;
  worstRecovery5: number;
  worstRecovery15: number;
  recoveryOverCap5: number;
  /** Highest first-shift-hour abandon rate of any day in any seed. */
  worstFirstHour: number;
}

function aggregate(policy: string, outs: readonly Outcome[]): Row {
  const err = outs.find((o) => o.error !== undefined);
  const mean = (f: (o: Outcome) => number) => outs.reduce((s, o) => s + f(o), 0) / Math.max(1, outs.length);
  return {
    policy,
    error: err?.error,
    meanAbandon: mean((o) => o.abandonRate),
    worstAbandon: Math.max(0, ...outs.map((o) => o.worstWindowAbandonRate)),
    windowsOverCap: outs.reduce((s, o) => s + o.windowsOverCap, 0),
    utilization: mean((o) => o.utilization),
    meanWaitSec: mean((o) => o.meanAgentWaitSec),
    p95WaitSec: mean((o) => o.p95AgentWaitSec),
    worstRecovery5: Math.max(0, ...outs.map((o) => o.worstRecovery5)),
    worstRecovery15: Math.max(0, ...outs.map((o) => o.worstRecovery15)),
    recoveryOverCap5: outs.reduce((s, o) => s + o.recoveryOverCap5, 0),
    worstFirstHour: Math.max(0, ...outs.flatMap((o) => o.firstHourRates)),
  };
}

interface PolicyVariant {
  label: string;
  name: PacingPolicyName;
  ratio?: number;
  noLimits?: boolean;
}
const POLICIES: readonly PolicyVariant[] = [
  { label: 'progressive', name: 'progressive' },
  { label: 'ratio 2.0', name: 'ratio', ratio: 2 },
  { label: 'vicidial', name: 'vicidial' },
  { label: 'predictive', name: 'predictive' },
];
/** The predictive policy without its ramp and caps (as before they existed), side by side. */
const WITH_UNLIMITED: readonly PolicyVariant[] = [...POLICIES, { label: 'predictive, no dial limits (before)', name: 'predictive', noLimits: true }];

let id = 0;

/** Evaluates every policy, then searches the fixed-ratio grid for the best ratio within the cap. */
async function evaluate(scenarios: readonly GridScenario[], seeds: readonly number[], days: number | undefined, ratioStep: number, pool: Pool, policies: readonly PolicyVariant[] = POLICIES): Promise<Map<string, Row[]>> {
  const tasks: Task[] = [];
  const index = new Map<number, { scenario: number; policy: string }>();
  scenarios.forEach((g, si) => {
    for (const p of policies) {
      for (const seed of seeds) {
        index.set(id, { scenario: si, policy: p.label });
        const limits = p.noLimits === true ? { predictive: { ...NO_DIAL_LIMITS } } : {};
        tasks.push({ id: id++, scenario: g.scenario, seed, days: days ?? g.scenario.days, policy: { name: p.name, ratio: p.ratio, ...limits, maxAbandonRate: g.scenario.maxAbandonRate, abandonWindow: g.scenario.abandonWindow } });
      }
    }
  });
  const res = await pool.runAll(tasks);
  const rows = new Map<string, Row[]>();
  scenarios.forEach((g, si) => {
    rows.set(
      g.label,
      policies.map((p) => aggregate(p.label, tasks.filter((t) => index.get(t.id)?.scenario === si && index.get(t.id)?.policy === p.label).map((t) => res.get(t.id)).filter((o): o is Outcome => o !== undefined))),
    );
  });
  // Best fixed ratio in hindsight: bisection over the ratio grid 1, 1 + step, ..., 15, all scenarios in
  // lock-step rounds (abandons grow with the ratio, so "every seed within the cap" is monotone).
  const ladder = Array.from({ length: Math.floor(14 / ratioStep + 1e-9) + 1 }, (_, i) => 1 + i * ratioStep);
  const best = new Map<number, Row>();
  const lo = scenarios.map(() => -1);
  const hi = scenarios.map(() => ladder.length);
  for (;;) {
    const round: Task[] = [];
    const owner = new Map<number, { si: number; k: number }>();
    scenarios.forEach((g, si) => {
      const l = lo[si] ?? -1;
      const h = hi[si] ?? 0;
      if (h - l <= 1) return;
      const k = Math.floor((l + h) / 2);
      for (const seed of seeds) {
        owner.set(id, { si, k });
        round.push({ id: id++, scenario: g.scenario, seed, days: days ?? g.scenario.days, policy: { name: 'ratio', ratio: ladder[k] ?? 1, maxAbandonRate: g.scenario.maxAbandonRate, abandonWindow: g.scenario.abandonWindow } });
      }
    });
    if (round.length === 0) break;
    const out = await pool.runAll(round);
    const bySi = new Map<number, { k: number; outs: Outcome[] }>();
    for (const t of round) {
      const o = out.get(t.id);
      const w = owner.get(t.id);
      if (o === undefined || w === undefined) continue;
      const e = bySi.get(w.si) ?? { k: w.k, outs: [] };
      e.outs.push(o);
      bySi.set(w.si, e);
    }
    for (const [si, { k, outs }] of bySi) {
      const cap = scenarios[si]?.scenario.maxAbandonRate ?? 0;
      if (outs.some((o) => o.worstWindowAbandonRate > cap + 1e-12)) hi[si] = k;
      else {
        lo[si] = k;
        best.set(si, aggregate(`best fixed ratio ${(ladder[k] ?? 1).toFixed(2)} (hindsight)`, outs));
      }
    }
  }
  scenarios.forEach((g, si) => {
    const b = best.get(si);
    rows.get(g.label)?.push(b ?? { policy: 'best fixed ratio: none within the cap', meanAbandon: 0, worstAbandon: 0, windowsOverCap: 0, utilization: 0, meanWaitSec: 0, p95WaitSec: 0, worstRecovery5: 0, worstRecovery15: 0, recoveryOverCap5: 0, worstFirstHour: 0 });
  });
  return rows;
}

/** UK 24 h as production runs it, before and after issue 13 (3 seeds each, side by side). */
async function ukComparison(pool: Pool, days: number | undefined): Promise<string> {
  const variants = ukVariants(loadScenario(join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'shared', 'pacing', 'uk-24h.json')));
  const tasks = variants.flatMap((v, vi) => [1, 2, 3].map((seed) => ({ vi, task: { id: id++, scenario: v.scenario, seed, days: days ?? v.scenario.days, policy: ukPolicy(v.scenario), before: v.before } })));
  const res = await pool.runAll(tasks.map((t) => t.task));
  const rows = variants.map((variant, vi) => ({ variant, outcomes: tasks.filter((t) => t.vi === vi).map((t) => res.get(t.task.id)).filter((o): o is Outcome => o !== undefined) }));
  const error = rows.flatMap((r) => r.outcomes).find((o) => o.error !== undefined);
  if (error?.error !== undefined) throw new Error(`UK comparison: ${error.error}`);
  return ukTable(rows);
}

const pct = (x: number, d = 1) => `${(x * 100).toFixed(d)} %`;

function table(rows: readonly Row[]): string {
  const head = '| policy | mean abandon | worst window | windows over cap | utilization | agent wait mean / p95 | worst 5 / 15 min after start or event | 5-min windows over cap | worst first hour of a day |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|';
  const body = rows.map((r) =>
    r.error !== undefined
      ? `| ${r.policy} | n/a | n/a | n/a | n/a | ${r.error.replace(/\|/g, '/')} | n/a | n/a | n/a |`
      : `| ${r.policy} | ${pct(r.meanAbandon, 2)} | ${pct(r.worstAbandon, 2)} | ${r.windowsOverCap} | ${pct(r.utilization)} | ${r.meanWaitSec.toFixed(0)} s / ${r.p95WaitSec.toFixed(0)} s | ${pct(r.worstRecovery5)} / ${pct(r.worstRecovery15)} | ${r.recoveryOverCap5} | ${pct(r.worstFirstHour)} |`,
  );
  return [head, ...body].join('\n');
}

/** CPU seconds (user + system) of this thread's work in `fn`; the wall clock lies on a shared machine. */
function timeIt(fn: () => void): number {
  const c0 = process.cpuUsage();
  fn();
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1e6;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { quick: { type: 'boolean' }, 'skip-headline': { type: 'boolean' }, 'recovery-only': { type: 'boolean' }, 'shared-only': { type: 'boolean' }, 'uk-only': { type: 'boolean' }, seeds: { type: 'string' }, days: { type: 'string' }, workers: { type: 'string' }, out: { type: 'string' } },
    strict: true,
  });
  const quick = values.quick === true;
  const seedCount = Number(values.seeds ?? (quick ? 3 : 10));
  const days = Number(values.days ?? (quick ? 2 : 3));
  const workers = Number(values.workers ?? Math.min(2, cpus().length));
  const ratioStep = quick ? 0.25 : 0.1;
  const out = values.out ?? join(dirname(fileURLToPath(import.meta.url)), '..', 'docs', 'benchmarks', 'pacing.md');
  for (const [k, v] of Object.entries({ seeds: seedCount, days, workers })) {
    if (!Number.isInteger(v) || v < 1) throw new Error(`--${k} must be a positive integer`);
  }
  const started = performance.now();
  const seeds = Array.from({ length: seedCount }, (_, i) => i + 1);

  // Speed: 100 agents x 20 eight-hour days.
  const ref100 = loadScenario('reference-100');
  const ukOnly = values['uk-only'] === true;
  const skipPerf = values['recovery-only'] === true || values['shared-only'] === true || ukOnly;
  const perf = skipPerf ? { progressive: 0, ratio: 0, predictive: 0 } : {
    progressive: timeIt(() => runSimulation({ scenario: ref100, policy: { name: 'progressive', maxAbandonRate: 0.03, abandonWindow: '30d' }, seed: 1, days: 20 })),
    ratio: timeIt(() => runSimulation({ scenario: ref100, policy: { name: 'ratio', ratio: 2.5, maxAbandonRate: 0.03, abandonWindow: '30d' }, seed: 1, days: 20 })),
    predictive: timeIt(() => runSimulation({ scenario: ref100, policy: { name: 'predictive', maxAbandonRate: 0.03, abandonWindow: '30d' }, seed: 1, days: 20 })),
  };
  process.stdout.write(`speed: 100 agents x 20 days: progressive ${perf.progressive.toFixed(1)} s CPU, ratio ${perf.ratio.toFixed(1)} s CPU, predictive ${perf.predictive.toFixed(1)} s CPU\n`);

  // Headline: the reference scenarios, 3 seeds x 5 days.
  const headlineScenarios: GridScenario[] = ['reference-5', 'reference', 'reference-100'].map((n) => ({ group: 'headline', label: n, scenario: loadScenario(n) }));
  let failure: unknown;
  const pool = new Pool(workers, (err) => {
    failure = err;
    process.stderr.write(`bench:pacing: a worker failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  });
  const ukDays = values.days === undefined ? undefined : days;
  const ukText = await ukComparison(pool, ukDays);
  process.stdout.write(`UK 24 h as production runs it (nightly restart, 3 seeds x ${ukDays ?? 'the scenario\'s'} days):\n${ukText}\n`);
  if (ukOnly) {
    await pool.close();
    if (values.out !== undefined) writeFileSync(values.out, `${ukText}\n`);
    return;
  }
  const recoveryOnly = values['recovery-only'] === true;
  const headline = values['skip-headline'] === true || recoveryOnly || values['shared-only'] === true ? new Map<string, Row[]>() : await evaluate(headlineScenarios, [1, 2, 3], 5, 0.1, pool, WITH_UNLIMITED);
  const headlineText = [...headline].map(([label, rows]) => `### ${label} (3 seeds x 5 days)\n\n${table(rows)}`).join('\n\n');
  for (const [label, rows] of headline) {
    process.stdout.write(`${label}: ${rows.map((r) => (r.error !== undefined ? `${r.policy} n/a` : `${r.policy} ${pct(r.utilization)} (worst ${pct(r.worstAbandon, 2)})`)).join('; ')}\n`);
  }

  const sharedOnly = values['shared-only'] === true;
  // The shared scenarios: 3 seeds each over the scenario's own days (2 days in quick mode).
  const shared = recoveryOnly ? [] : sharedGrid(['reference-5', 'reference', 'reference-100']);
  const sharedRows = await evaluate(shared, [1, 2, 3], quick ? 2 : undefined, ratioStep, pool);
  for (const [label, rs] of sharedRows) {
    process.stdout.write(`${label}: ${rs.map((r) => (r.error !== undefined ? `${r.policy} n/a` : `${r.policy} ${pct(r.utilization)} (worst ${pct(r.worstAbandon, 2)}, over ${r.windowsOverCap}, first hour ${pct(r.worstFirstHour)})`)).join('; ')}\n`);
  }
  const recovery = sharedOnly ? [] : recoveryGrid();
  const recoveryRows = await evaluate(recovery, seeds, days, ratioStep, pool, WITH_UNLIMITED);
  const scenarios = recoveryOnly || sharedOnly ? [] : grid();
  const rows = new Map([...sharedRows, ...recoveryRows, ...(await evaluate(scenarios, seeds, days, ratioStep, pool))]);
  await pool.close();
  if (failure !== undefined) throw failure;
  const wallSec = (performance.now() - started) / 1000;
  let body = '';
  let group = '';
  for (const g of [...shared, ...recovery, ...scenarios]) {
    if (g.group !== group) {
      group = g.group;
      body += `\n## ${group}\n`;
    }
    body += `\n### ${g.label}\n\n${table(rows.get(g.label) ?? [])}\n`;
  }
  const md = `# Pacing benchmark

Generated by \`npm run bench:pacing${quick ? ' -- --quick' : ''}\` on ${new Date().toISOString().slice(0, 10)} (${cpus().length} cores, ${workers} worker thread(s), ${wallSec.toFixed(0)} s wall).
Mode: ${quick ? 'quick' : 'full'}: ${seedCount} seeds x ${days} simulated days per scenario and policy (8 h shift a day; the shared scenarios: 3 seeds x ${quick ? '2 days' : 'their own days'}); fixed-ratio grid step ${ratioStep}.

Columns: *mean abandon* = abandoned / live answers over the run, averaged over seeds (ground truth: includes AMD hang-ups on
live people); *worst window* = highest rate over the legal windows (30 days, or 24 h in UK mode; a run shorter than its
window is one window) across all seeds; *windows over cap* = windows above the scenario's cap (3 %), summed over seeds;
*utilization* = (talk + wrap-up) / logged-in time, paused time excluded; *agent wait* = idle time from ready to the next connect;
*worst first hour of a day* = the highest ground-truth abandon rate of a day's first shift hour, over days and seeds (target: at most 2 x the cap).
The *best fixed ratio (hindsight)* searches ratios 1.0 to 15.0 (grid step above; 0.1 for the headline) for the highest whose every seed stays within the cap in
every window: a baseline no real dialer can reach because it picks the ratio after seeing the outcome. Policies that are not
implemented yet show \`n/a\`. Model and metrics: [docs/simulator.md](../simulator.md).

Speed (one thread, CPU time): 100 agents x 20 eight-hour days: progressive ${perf.progressive.toFixed(1)} s, ratio 2.5 ${perf.ratio.toFixed(1)} s, predictive ${perf.predictive.toFixed(1)} s (target: under 30 s).

## Headline

${headlineText}

## UK 24 h as production runs it (issue 13)

\`uk-24h\` (true AMD false-positive rate 1 %) with the campaign's configured estimate, a nightly
restart at 20:00 (new policy, ledger rebuilt from the history) and the runtime's wiring; *before*
replays the wiring before issue 13 (no estimate setting, hourly restore, a policy that assumed the
ledger counted the false positives). 3 seeds x ${ukDays ?? 'the scenario\'s 5'} days; ground truth.

${ukText}
${body}`;
  writeFileSync(out, md);
  process.stdout.write(`wrote ${out} in ${wallSec.toFixed(0)} s\n`);
}

if (!isMainThread) {
  const port = parentPort;
  if (port === null) throw new Error('worker without parent port');
  port.on('message', (task: Task | null) => {
    if (task === null) {
      port.close();
      return;
    }
    port.postMessage(simulate(task));
  });
} else {
  await main();
}
