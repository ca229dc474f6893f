/**
 * `npm run bench:live`: Pacer's drachtio adapter placing calls through a real drachtio-server and
 * FreeSWITCH to the SIPp carrier of ../shared/live-stack, with agents on real SIP legs to the SIPp
 * agent phone, ramped step by step until it saturates. Per step it reports the call attempts per
 * second sustained, INVITEs refused or failed unexpectedly, the most calls bridged with audio at
 * once, answer-to-bridge latency (p50 / p99, from the answer event to `bridge()` resolving) and the
 * CPU each process used over the step's window (sampled before the step's calls are drained) (drachtio-server, FreeSWITCH, the two SIPp, this Node process) and the
 * sessions FreeSWITCH created (its `status` count).
 *
 * Each step runs once per warm-endpoint setting of BENCH_WARM_ENDPOINTS (default `0,64`: 0 is one
 * new FreeSWITCH endpoint per call, as before issue 12's change; 64 keeps that many warm and
 * lets refused calls give theirs back), alternating the order from step to step (A B, B A, ...)
 * on a fresh adapter each time, so that both are measured side by side under the same load of
 * the shared machine. A setting stops at its first saturated step.
 *
 * It needs the live stack running and its environment exported (start.sh prints it). FreeSWITCH's
 * RTP range bounds the concurrent endpoints (2 ports each): start the stack with a wide one, e.g.
 *   RTP_END_PORT=18384 PACER_FS_CONFIG=$PWD/config/freeswitch bash ../shared/live-stack/start.sh > live.env
 *   set -a; . ./live.env; set +a; npm run bench:live
 * Settings (env): BENCH_STEPS_CPS=10,20,40,60,80,100,120,150  BENCH_STEP_SEC=10  BENCH_AGENTS=20
 *   BENCH_WARM_ENDPOINTS=0,64
 *   BENCH_ANSWER_SHARE=0.2 (the rest are 486 busy)  BENCH_TALK_MS=3000  BENCH_REPORT=<file> (markdown)
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { cpus } from 'node:os';
import type { CallEvent } from '../src/domain/ports/telephony-port.ts';
import { CARRIER, sleep, startLiveRig, type LiveRig } from '../tests/telephony/support/live-stack.ts';

const STEPS = (process.env.BENCH_STEPS_CPS ?? '10,20,40,60,80,100,120,150').split(',').map(Number);
const STEP_SEC = Number(process.env.BENCH_STEP_SEC ?? 10);
const AGENTS = Number(process.env.BENCH_AGENTS ?? 20);
const ANSWER_SHARE = Number(process.env.BENCH_ANSWER_SHARE ?? 0.2);
const TALK_MS = Number(process.env.BENCH_TALK_MS ?? 3000);
const WARM_MODES = (process.env.BENCH_WARM_ENDPOINTS ?? '0,64').split(',').map(Number);
const CLK_TCK = 100;

interface StepResult {
  warm: number;
  targetCps: number;
  fsSessions: number;
  attempts: number;
  sustainedCps: number;
  refused: number;
  unexpected: number;
  answered: number;
  bridged: number;
  noAgent: number;
  maxBridged: number;
  bridgeP50Ms: number;
  bridgeP99Ms: number;
  cpu: Record<string, number>;
  openAfter: number;
}

async function procCpuSec(pid: number): Promise<number> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
  } catch {
    return Number.NaN;
  }
}

async function stackPids(liveDir: string): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const name of ['drachtio', 'freeswitch', 'sipp-carrier', 'sipp-agent']) {
    out[name] = Number((await readFile(join(liveDir, `${name}.pid`), 'utf8').catch(() => '0')).trim());
  }
  return out;
}

const pct = (sorted: readonly number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN;

/** FreeSWITCH's own count of the sessions it created since it started (`status`). */
async function fsSessionsSinceStartup(rig: LiveRig): Promise<number> {
  const match = /(\d+)\s+session\(s\) since startup/.exec(await rig.probe.api('status'));
  return Number(match?.[1] ?? Number.NaN);
}

async function runStep(rig: LiveRig, agents: string[], targetCps: number, warm: number, seq: { n: number }): Promise<StepResult> {
  const pids = await stackPids(rig.env.liveDir);
  const fsBefore = await fsSessionsSinceStartup(rig);
  const cpuBefore: Record<string, number> = {};
  for (const [name, pid] of Object.entries(pids)) cpuBefore[name] = await procCpuSec(pid);
  const nodeBefore = process.cpuUsage();
  const free = [...agents];
  const open = new Set<string>();
  const bridgeMs: number[] = [];
  const r = { attempts: 0, refused: 0, unexpected: 0, answered: 0, bridged: 0, noAgent: 0, maxBridged: 0 };
  let bridgedNow = 0;
  const startedMs = Date.now();
  const endMs = startedMs + STEP_SEC * 1000;
  const intervalMs = 1000 / targetCps;
  let next = startedMs;
  const pending: Promise<void>[] = [];
  while (Date.now() < endMs) {
    const now = Date.now();
    if (now < next) {
      await sleep(Math.max(0, Math.min(5, next - now)));
      continue;
    }
    next += intervalMs;
    seq.n += 1;
    // Exactly ANSWER_SHARE of the calls, spread evenly.
    const answer = Math.floor(seq.n * ANSWER_SHARE) !== Math.floor((seq.n - 1) * ANSWER_SHARE);
    const to = answer ? CARRIER.human : CARRIER.busy;
    const callId = `bench-${process.pid}-${seq.n}`;
    open.add(callId);
    const onEvent = (e: CallEvent): void => {
      if (e.type === 'answered') {
        r.answered += 1;
        const agent = free.shift();
        if (agent === undefined) {
          r.noAgent += 1;
          void rig.telephony.hangup(callId);
          return;
        }
        const t0 = performance.now();
        void rig.telephony.bridge(callId, agent).then(async (b) => {
          if (b.ok) {
            bridgeMs.push(performance.now() - t0);
            r.bridged += 1;
            bridgedNow += 1;
            r.maxBridged = Math.max(r.maxBridged, bridgedNow);
            await sleep(TALK_MS);
            bridgedNow -= 1;
          }
          await rig.telephony.hangup(callId);
          free.push(agent);
        });
      } else if (e.type === 'failed' || e.type === 'hangup') {
        open.delete(callId);
        if (e.type === 'failed' && e.reason !== 'busy') r.unexpected += 1;
      }
    };
    pending.push(
      rig.telephony.originate({ callId, to, callerId: '+12125550199', ringTimeoutMs: 15_000, amd: { enabled: false } }, onEvent).then((res) => {
        if (res.ok) r.attempts += 1;
        else {
          r.refused += 1;
          open.delete(callId);
        }
      }, () => {
        r.unexpected += 1;
        open.delete(callId);
      }),
    );
  }
  const wallSec = (Date.now() - startedMs) / 1000;
  // CPU over the step's window only (sampled before the drain below, which is not load).
  const cpu: Record<string, number> = {};
  for (const [name, pid] of Object.entries(pids)) cpu[name] = ((await procCpuSec(pid)) - (cpuBefore[name] ?? 0)) / wallSec;
  const n = process.cpuUsage(nodeBefore);
  cpu.pacer = (n.user + n.system) / 1e6 / wallSec;
  await Promise.all(pending);
  // Let the step's calls end before the next one (bounded).
  const drainUntil = Date.now() + TALK_MS + 10_000;
  while (open.size > 0 && Date.now() < drainUntil) await sleep(100);
  const fsSessions = (await fsSessionsSinceStartup(rig)) - fsBefore;
  bridgeMs.sort((a, b) => a - b);
  return { warm, targetCps, fsSessions, ...r, sustainedCps: r.attempts / wallSec, bridgeP50Ms: pct(bridgeMs, 0.5), bridgeP99Ms: pct(bridgeMs, 0.99), cpu, openAfter: open.size };
}

function table(results: readonly StepResult[]): string {
  const procs = ['pacer', 'drachtio', 'freeswitch', 'sipp-carrier', 'sipp-agent'];
  const head = `| warm endpoints | target CPS | attempts/s | FreeSWITCH sessions created | refused | unexpected failures | answered | bridged | no free agent | max bridged at once | answer to bridge p50 / p99 | CPU (cores): ${procs.join(' / ')} |`;
  const rows = results.map((x) => `| ${x.warm} | ${x.targetCps} | ${x.sustainedCps.toFixed(1)} | ${x.fsSessions} | ${x.refused} | ${x.unexpected} | ${x.answered} | ${x.bridged} | ${x.noAgent} | ${x.maxBridged} | ${x.bridgeP50Ms.toFixed(1)} / ${x.bridgeP99Ms.toFixed(1)} ms | ${procs.map((p) => (x.cpu[p] ?? Number.NaN).toFixed(2)).join(' / ')} |`);
  return [head, `|${'---|'.repeat(12)}`, ...rows].join('\n');
}

const saturated = (x: StepResult): boolean => x.sustainedCps < 0.9 * x.targetCps || x.unexpected + x.refused > 0.05 * Math.max(1, x.attempts);

/** One step with one warm-endpoint setting, on a fresh adapter (its agents logged in, its pool filled). */
async function runMode(warm: number, cps: number, seq: { n: number }): Promise<StepResult> {
  const rig = await startLiveRig({ amd: { engine: 'none', timeoutMs: 5000 } }, { maxSessions: 1000, maxCps: 1000, warmEndpoints: warm });
  const agents: string[] = [];
  for (let i = 0; i < AGENTS; i++) agents.push(`bench-agent-${i}`);
  try {
    for (const a of agents) await rig.loginAgent(a);
    const deadline = Date.now() + 20_000;
    while ((await rig.probe.channelCount()) < AGENTS + warm && Date.now() < deadline) await sleep(100);
    return await runStep(rig, agents, cps, warm, seq);
  } finally {
    await rig.cleanup();
    await rig.finish(15_000).catch((err: unknown) => process.stderr.write(`teardown: ${String(err)}\n`));
  }
}

async function main(): Promise<void> {
  const results: StepResult[] = [];
  const seq = { n: 0 };
  const stopped = new Set<number>();
  for (const [i, cps] of STEPS.entries()) {
    const order = i % 2 === 0 ? WARM_MODES : [...WARM_MODES].reverse();
    for (const warm of order.filter((w) => !stopped.has(w))) {
      const step = await runMode(warm, cps, seq);
      results.push(step);
      process.stdout.write(`warm ${warm}, ${cps} cps target: ${step.sustainedCps.toFixed(1)} attempts/s, ${step.refused} refused, ${step.unexpected} unexpected, bridge p50/p99 ${step.bridgeP50Ms.toFixed(1)}/${step.bridgeP99Ms.toFixed(1)} ms, freeswitch ${step.cpu.freeswitch?.toFixed(2)} cores, ${step.fsSessions} FS sessions\n`);
      // Saturated: the stack no longer keeps up with the target, or calls fail.
      if (saturated(step)) stopped.add(warm);
    }
    if (WARM_MODES.every((w) => stopped.has(w))) break;
  }
  const summary = WARM_MODES.map((warm) => {
    const best = results.filter((x) => x.warm === warm && !saturated(x)).at(-1);
    return `Sustained with ${warm} warm endpoints: ${best === undefined ? 'none' : `${best.sustainedCps.toFixed(1)} call attempts/s (target ${best.targetCps}), answer-to-bridge p50 ${best.bridgeP50Ms.toFixed(1)} ms, p99 ${best.bridgeP99Ms.toFixed(1)} ms`}.`;
  }).join('\n');
  const out = `${new Date().toISOString()}, ${cpus().length} cores, ${AGENTS} agents, ${Math.round(ANSWER_SHARE * 100)} % answered (${TALK_MS} ms bridged), steps of ${STEP_SEC} s.\n\n${table(results)}\n\n${summary}\n`;
  process.stdout.write(`\n${out}`);
  const report = process.env.BENCH_REPORT;
  if (report !== undefined && report !== '') await writeFile(report, out);
}

await main();
