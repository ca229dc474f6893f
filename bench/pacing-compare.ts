/**
 * `npx tsx bench/pacing-compare.ts --before DIR [--scenarios a.json,b.json] [--seeds 1,2,3] [--days D] [--policy predictive] [--workers 2] [--only before|after]`
 *
 * Before/after in one run: the same scenarios and seeds through this checkout's simulator and
 * policies and through another copy of the project (`--before`, e.g. `git archive <commit> src
 * scenarios | tar -x -C /tmp/before` with a `node_modules` link), interleaved on the same worker
 * threads so both see the same machine load. Prints one line per scenario and seed, then a
 * summary per scenario: utilization, windows over cap, worst legal window, and the ground-truth
 * abandon rate of every day's first shift hour (from the call log, so an older simulator needs
 * no new result field).
 */
import { cpus } from 'node:os';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { isMainThread, parentPort, Worker } from 'node:worker_threads';

interface CompareTask {
  id: number;
  variant: 'before' | 'after';
  root: string;
  scenarioPath: string;
  policy: string;
  seed: number;
  days?: number;
}

interface CompareOutcome {
  id: number;
  scenario: string;
  utilization: number;
  abandonRate: number;
  worstWindow: number;
  windowsOverCap: number;
  firstHourRates: number[];
  cpuSec: number;
}

interface SimModule {
  runSimulation(options: { scenario: unknown; policy: { name: string; maxAbandonRate: number; abandonWindow: string }; seed: number; days?: number; recordCallLog?: boolean }): {
    scenario: string;
    utilization: number;
    abandonRate: number;
    worstWindowAbandonRate: number;
    windowsOverCap: number;
    callLog?: Array<{ truth: string; answeredAtMs?: number; truthAbandoned: boolean; amdFalsePositive: boolean }>;
  };
}
interface LoadModule {
  loadScenario(path: string): { maxAbandonRate: number; abandonWindow: string; days: number };
}

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
/** The simulator's virtual time origin (day d's shift starts d days after it), as in src/sim/call-simulator.ts. */
const SIM_EPOCH_MS = Date.UTC(2026, 0, 5, 8);

async function runTask(task: CompareTask): Promise<CompareOutcome> {
  const sim = (await import(pathToFileURL(resolve(task.root, 'src/sim/run-simulation.ts')).href)) as SimModule;
  const load = (await import(pathToFileURL(resolve(task.root, 'src/sim/load-scenario.ts')).href)) as LoadModule;
  const scenario = load.loadScenario(task.scenarioPath);
  const c0 = process.cpuUsage();
  const r = sim.runSimulation({
    scenario,
    policy: { name: task.policy, maxAbandonRate: scenario.maxAbandonRate, abandonWindow: scenario.abandonWindow },
    seed: task.seed,
    days: task.days,
    recordCallLog: true,
  });
  const c = process.cpuUsage(c0);
  const log = r.callLog ?? [];
  const startMs = SIM_EPOCH_MS;
  const days = task.days ?? scenario.days;
  const live = new Array<number>(days).fill(0);
  const ab = new Array<number>(days).fill(0);
  for (const x of log) {
    if (x.truth !== 'human' || x.answeredAtMs === undefined) continue;
    const since = x.answeredAtMs - startMs;
    const day = Math.floor(since / DAY_MS);
    if (day < 0 || day >= days || since - day * DAY_MS >= HOUR_MS) continue;
    live[day] = (live[day] ?? 0) + 1;
    if (x.truthAbandoned) ab[day] = (ab[day] ?? 0) + 1;
  }
  return {
    id: task.id,
    scenario: r.scenario,
    utilization: r.utilization,
    abandonRate: r.abandonRate,
    worstWindow: r.worstWindowAbandonRate,
    windowsOverCap: r.windowsOverCap,
    firstHourRates: live.map((l, i) => (l > 0 ? (ab[i] ?? 0) / l : 0)),
    cpuSec: (c.user + c.system) / 1e6,
  };
}

const WORKER_BOOT = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((m) => { m.register(); return import(${JSON.stringify(import.meta.url)}); });`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { before: { type: 'string' }, scenarios: { type: 'string' }, seeds: { type: 'string' }, days: { type: 'string' }, policy: { type: 'string' }, workers: { type: 'string' }, only: { type: 'string' } },
    strict: true,
  });
  const beforeRoot = values.before;
  if (beforeRoot === undefined) throw new Error('--before DIR is required');
  const afterRoot = resolve(import.meta.dirname, '..');
  const sharedDir = resolve(afterRoot, '..', 'shared', 'pacing');
  const scenarioPaths = (values.scenarios ?? 'fast-voicemail,amd-off-floor,hot-morning,small-team-3,reference-5,reference,reference-100,amd-errors,answer-rate-drop,uk-24h')
    .split(',')
    .map((s) => (s.endsWith('.json') || s.includes('/') ? resolve(s) : resolve(sharedDir, `${s}.json`)));
  const seeds = (values.seeds ?? '1,2,3').split(',').map(Number);
  const days = values.days === undefined ? undefined : Number(values.days);
  const policy = values.policy ?? 'predictive';
  const workers = Number(values.workers ?? Math.min(2, cpus().length));
  const tasks: CompareTask[] = [];
  let id = 0;
  // Interleaved: each (scenario, seed) runs before and after back to back.
  for (const scenarioPath of scenarioPaths) {
    for (const seed of seeds) {
      for (const [variant, root] of [['before', resolve(beforeRoot)], ['after', afterRoot]] as const) if (values.only === undefined || values.only === variant) tasks.push({ id: id++, variant, root, scenarioPath, policy, seed, days });
    }
  }
  const results = new Map<number, CompareOutcome>();
  const queue = [...tasks];
  const pool = Array.from({ length: workers }, () => new Worker(WORKER_BOOT, { eval: true }));
  const pct = (x: number, d = 1) => `${(x * 100).toFixed(d)} %`;
  const line = (t: CompareTask, o: CompareOutcome) =>
    `${o.scenario} seed ${t.seed} ${t.variant}: util ${pct(o.utilization)} abandon ${pct(o.abandonRate, 2)} worst ${pct(o.worstWindow, 2)} over ${o.windowsOverCap} first-hour ${o.firstHourRates.map((r) => pct(r)).join(' / ')} (${o.cpuSec.toFixed(1)} s CPU)`;
  await Promise.all(
    pool.map(
      (w) =>
        new Promise<void>((done, fail) => {
          const next = (): void => {
            const t = queue.shift();
            if (t === undefined) {
              void w.terminate().then(() => done());
              return;
            }
            w.once('message', (o: CompareOutcome) => {
              results.set(o.id, o);
              process.stdout.write(`${line(t, o)}\n`);
              next();
            });
            w.postMessage(t);
          };
          w.on('error', fail);
          next();
        }),
    ),
  );
  process.stdout.write('\n| scenario | before: utilization / windows over cap / worst window / worst first hour | after: the same |\n|---|---|---|\n');
  for (const scenarioPath of scenarioPaths) {
    const cells = (['before', 'after'] as const).map((variant) => {
      const outs = tasks.filter((t) => t.scenarioPath === scenarioPath && t.variant === variant).map((t) => results.get(t.id)).filter((o): o is CompareOutcome => o !== undefined);
      const util = outs.reduce((s, o) => s + o.utilization, 0) / Math.max(1, outs.length);
      const over = outs.reduce((s, o) => s + o.windowsOverCap, 0);
      const worst = Math.max(0, ...outs.map((o) => o.worstWindow));
      const firstHour = Math.max(0, ...outs.flatMap((o) => o.firstHourRates));
      return { name: outs[0]?.scenario ?? scenarioPath, text: `${pct(util)} / ${over} / ${pct(worst, 2)} / ${pct(firstHour)}` };
    });
    process.stdout.write(`| ${cells[0]?.name ?? ''} | ${cells[0]?.text ?? ''} | ${cells[1]?.text ?? ''} |\n`);
  }
}

if (!isMainThread) {
  const port = parentPort;
  if (port === null) throw new Error('worker without parent port');
  port.on('message', (task: CompareTask) => {
    void runTask(task).then((o) => port.postMessage(o));
  });
} else {
  await main();
}
