/**
 * `npm run bench:amd`: answering-machine detection on a labelled set of synthetic but realistic
 * answers (bench/amd/make-set.sh: live "hello"s and voicemail greetings, en / pt-BR / es, with and
 * without a 1 kHz beep), each played by a SIPp carrier into one real call that Pacer's drachtio
 * adapter originates through drachtio-server and FreeSWITCH (mod_amd, patched mod_avmd) with
 * `amd: { enabled: true, detectBeep: true }`. Reports the confusion matrix, decision times and beep
 * detection per parameter set, split (A: tuning half, B: held-out half) and language.
 * Figures and method: docs/benchmarks/amd.md.
 *
 * By default it regenerates the set, starts its own live stack (../shared/live-stack/start.sh) on
 * non-default ports with this checkout's config/freeswitch, plus a SIPp carrier playing the set,
 * and stops both at the end. Settings (env):
 *   AMD_LIVE_ENV=<file>   use a running stack (start.sh's output) instead of starting one
 *   AMD_SETS=original,configured   parameter sets to run (see PARAM_SETS; `configured` passes no
 *                         parameters, so mod_amd uses config/freeswitch/autoload_configs/amd.conf.xml)
 *   AMD_MODE=tune         run every PARAM_SETS candidate on split A only, AMD only (no beep), ranked
 *   AMD_SPLIT=A|B         only that half           AMD_CONCURRENCY=4   calls at once
 *   AMD_SET_DIR=<dir>     where the audio goes (default $TMPDIR/pacer-amd-set)  AMD_SKIP_GEN=1
 *   AMD_REPORT=<file>     write the markdown report there   AMD_JSON=<file>  raw outcomes
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { openSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CallEvent } from '../../src/domain/ports/telephony-port.ts';
// The live-stack helpers read the stack's environment when loaded: imported once it is set (main).
import type { LiveRig } from '../../tests/telephony/support/live-stack.ts';
import { numberOf, readManifest, writeCarrierScenario, type AmdItem } from './amd-set.ts';
import { perItem, section, summarize, headline, type Outcome, type Verdict } from './amd-report.ts';

type Params = Record<string, number>;

const CALLER_ID = '+12125550199';
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const env = process.env;
const SET_DIR = env.AMD_SET_DIR ?? join(tmpdir(), 'pacer-amd-set');
const LIVE_STACK = env.LIVE_STACK_DIR ?? resolve(ROOT, '../shared/live-stack');
const CONCURRENCY = Number(env.AMD_CONCURRENCY ?? 4);
const MODE = env.AMD_MODE ?? 'report';
const IP = '127.0.0.1';
const CARRIER_PORT = Number(env.AMD_CARRIER_PORT ?? 5280);
const CARRIER_RTP_PORT = Number(env.AMD_CARRIER_RTP_PORT ?? 6400);
/** Pacer's own AMD guard (telephony.amd.timeoutMs); above every total_analysis_time tried. */
const AMD_TIMEOUT_MS = Number(env.AMD_TIMEOUT_MS ?? 8000);

/** mod_amd's settings as shipped before this benchmark (= rtckit/mod_amd's defaults). */
const ORIGINAL: Params = { silence_threshold: 256, maximum_word_length: 5000, maximum_number_of_words: 3, between_words_silence: 50, min_word_length: 100, total_analysis_time: 5000, after_greeting_silence: 800, greeting: 1500, initial_silence: 2500 };
const withParams = (p: Params): Params => ({ ...ORIGINAL, ...p });

/**
 * The parameter sets (full sets: each overrides amd.conf.xml completely for its calls). `configured`
 * is whatever amd.conf.xml says (no per-call parameters).
 */
const PARAM_SETS: Record<string, Params | undefined> = {
  configured: undefined,
  original: ORIGINAL,
  words4: withParams({ maximum_number_of_words: 4 }),
  words5: withParams({ maximum_number_of_words: 5 }),
  words6: withParams({ maximum_number_of_words: 6 }),
  greet2500: withParams({ greeting: 2500 }),
  w5g2500: withParams({ maximum_number_of_words: 5, greeting: 2500 }),
  w6g2500: withParams({ maximum_number_of_words: 6, greeting: 2500 }),
  w5g2000: withParams({ maximum_number_of_words: 5, greeting: 2000 }),
  w5bws100: withParams({ maximum_number_of_words: 5, between_words_silence: 100 }),
  w5ags1000: withParams({ maximum_number_of_words: 5, after_greeting_silence: 1000 }),
  w5thr128: withParams({ maximum_number_of_words: 5, silence_threshold: 128 }),
  w5g2500tat6: withParams({ maximum_number_of_words: 5, greeting: 2500, total_analysis_time: 6000 }),
  w4g2500: withParams({ maximum_number_of_words: 4, greeting: 2500 }),
};

function parseEnvFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^([A-Z_]+)=(.*)$/.exec(line.trim());
    if (m?.[1] !== undefined) out[m[1]] = m[2] ?? '';
  }
  return out;
}

function run(cmd: string, args: string[], opts: { env?: NodeJS.ProcessEnv; stdout?: 'pipe' | 'inherit' } = {}): Promise<string> {
  return new Promise((res, rej) => {
    const child = spawn(cmd, args, { env: opts.env ?? process.env, stdio: ['ignore', opts.stdout ?? 'pipe', 'inherit'] });
    let out = '';
    child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', rej);
    child.on('exit', (code) => (code === 0 ? res(out) : rej(new Error(`${cmd} ${args.join(' ')} exited ${code}`))));
  });
}

interface Stack {
  env: Record<string, string>;
  stop(): Promise<void>;
}

/** The stack of AMD_LIVE_ENV, or our own one on non-default ports (never the default-port stack). */
async function liveStack(): Promise<Stack> {
  if (env.AMD_LIVE_ENV) return { env: parseEnvFile(await readFile(env.AMD_LIVE_ENV, 'utf8')), stop: async () => {} };
  const ports = { DRACHTIO_PORT: '9122', SIP_PORT: '5160', FS_SIP_PORT: '5170', ESL_PORT: '8121', CARRIER_PORT: '5180', CARRIER_RTP_PORT: '6200', AGENT_PORT: '5190', AGENT_RTP_PORT: '6300', RTP_START_PORT: '20000', RTP_END_PORT: '20200' };
  process.stderr.write('starting an own live stack (ports 9122 / 5160 / 5170 / 8121 / 5180 / 5190, RTP 20000-20200)\n');
  const out = await run('bash', [join(LIVE_STACK, 'start.sh')], { env: { ...process.env, ...ports, PACER_FS_CONFIG: join(ROOT, 'config/freeswitch') } });
  const stackEnv = parseEnvFile(out);
  const dir = stackEnv.PACER_LIVE_DIR ?? '';
  return { env: stackEnv, stop: async () => void (await run('bash', [join(LIVE_STACK, 'stop.sh'), dir], { stdout: 'inherit' })) };
}

async function startCarrier(): Promise<ChildProcess> {
  const log = openSync(join(SET_DIR, 'carrier-amd.out'), 'w');
  const child = spawn('sipp', ['-sf', 'carrier-amd.xml', '-i', IP, '-p', String(CARRIER_PORT), '-mi', IP, '-mp', String(CARRIER_RTP_PORT), '-aa', '-nostdin', '-trace_err', '-error_file', 'carrier-amd.errors.log', '-fd', '5'], { cwd: SET_DIR, stdio: ['ignore', log, log] });
  let exited = false;
  child.on('exit', () => (exited = true));
  await sleep(1000);
  if (exited) throw new Error(`the AMD carrier (SIPp on ${IP}:${CARRIER_PORT}) exited: see ${join(SET_DIR, 'carrier-amd.out')}`);
  return child;
}

let seq = 0;

/** One call: originate, record the amd and beep events, hang up when the item has been heard. */
async function runItem(rig: LiveRig, item: AmdItem, detectBeep: boolean): Promise<Outcome> {
  seq += 1;
  const callId = `amd-${item.id}-${process.pid}-${seq}`;
  let answeredAt: number | undefined;
  let amd: Extract<CallEvent, { type: 'amd' }> | undefined;
  let beepAt: number | undefined;
  let ended: CallEvent | undefined;
  const onEvent = (e: CallEvent): void => {
    if (e.type === 'answered') answeredAt = e.atMs;
    else if (e.type === 'amd') amd = e;
    else if (e.type === 'beep') beepAt ??= e.atMs;
    else if (e.type === 'failed' || e.type === 'hangup') ended = e;
  };
  const started = Date.now();
  const res = await rig.telephony.originate({ callId, to: numberOf(item), callerId: CALLER_ID, ringTimeoutMs: 15_000, amd: { enabled: true, detectBeep } }, onEvent);
  if (!res.ok) return { item, result: 'error', cause: `not placed: ${res.reason}`, decisionMs: undefined, beepAtMs: undefined };
  // With beep detection the whole file is heard (a beep after the decision, or one reported on
  // speech, counts); without, the call ends at the decision.
  const heard = (): boolean => amd !== undefined && (!detectBeep || (answeredAt !== undefined && Date.now() >= answeredAt + item.durationMs + 500));
  while (ended === undefined && !heard() && Date.now() - started < 45_000) await sleep(50);
  if (ended === undefined) await rig.telephony.hangup(callId);
  const deadline = Date.now() + 5000;
  while (ended === undefined && Date.now() < deadline) await sleep(50);
  const decided = amd as Extract<CallEvent, { type: 'amd' }> | undefined;
  if (decided === undefined) {
    const why = ended?.type === 'failed' ? `failed ${ended.reason}` : ended?.type === 'hangup' ? `hangup ${ended.by}` : 'no amd event';
    return { item, result: 'error', cause: why, decisionMs: undefined, beepAtMs: undefined };
  }
  return { item, result: decided.result as Verdict, cause: decided.cause ?? '', decisionMs: decided.decisionMs, beepAtMs: beepAt === undefined || answeredAt === undefined ? undefined : beepAt - answeredAt };
}

async function runSet(name: string, items: readonly AmdItem[], detectBeep: boolean): Promise<Outcome[]> {
  const params = PARAM_SETS[name];
  if (!(name in PARAM_SETS)) throw new Error(`unknown parameter set ${name} (one of ${Object.keys(PARAM_SETS).join(', ')})`);
  const { startLiveRig } = await import('../../tests/telephony/support/live-stack.ts');
  const rig = await startLiveRig({ amd: { engine: 'mod_amd', timeoutMs: AMD_TIMEOUT_MS, ...(params === undefined ? {} : { params }) }, beep: { engine: 'mod_avmd' } }, { maxSessions: 100, maxCps: 10 });
  const outcomes: Outcome[] = [];
  const queue = [...items];
  try {
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        for (let item = queue.shift(); item !== undefined; item = queue.shift()) {
          const o = await runItem(rig, item, detectBeep);
          outcomes.push(o);
          const mark = o.result === item.truth ? 'ok' : o.result === 'unknown' ? '? ' : 'XX';
          process.stderr.write(`  ${name} ${mark} ${item.id.padEnd(8)} ${item.truth.padEnd(7)} -> ${o.result} ${o.cause} ${o.decisionMs ?? '-'} ms${o.beepAtMs === undefined ? '' : `, beep at ${o.beepAtMs} ms (tone at ${item.beepMs ?? '-'})`}\n`);
        }
      }),
    );
  } finally {
    await rig.cleanup();
    await rig.finish(15_000).catch((err: unknown) => process.stderr.write(`teardown: ${String(err)}\n`));
  }
  return outcomes.sort((a, b) => a.item.index - b.item.index);
}

async function main(): Promise<void> {
  if (env.AMD_SKIP_GEN !== '1') await run('bash', [join(ROOT, 'bench/amd/make-set.sh'), SET_DIR], { stdout: 'inherit' });
  let items = await readManifest(SET_DIR);
  if (env.AMD_SPLIT === 'A' || env.AMD_SPLIT === 'B') items = items.filter((i) => i.split === env.AMD_SPLIT);
  if (env.AMD_ITEMS) items = items.filter((i) => (env.AMD_ITEMS ?? '').split(',').includes(i.id));
  await writeCarrierScenario(SET_DIR, items);
  const stack = await liveStack();
  const carrier = await startCarrier();
  Object.assign(process.env, {
    DRACHTIO_URL: stack.env.DRACHTIO_URL,
    FREESWITCH_URL: stack.env.FREESWITCH_URL,
    LIVE_AGENT_CONTACT: stack.env.LIVE_AGENT_CONTACT,
    PACER_LIVE_DIR: stack.env.PACER_LIVE_DIR,
    LIVE_TRUNK_URI: `sip:{to}@${IP}:${CARRIER_PORT}`,
  });
  const tune = MODE === 'tune';
  const names = tune ? Object.keys(PARAM_SETS).filter((n) => n !== 'configured') : (env.AMD_SETS ?? 'original,configured').split(',');
  const setItems = tune ? items.filter((i) => i.split === 'A') : items;
  const runs: { name: string; outcomes: Outcome[] }[] = [];
  const startedAt = new Date();
  try {
    for (const name of names) {
      process.stderr.write(`parameter set ${name}: ${setItems.length} calls, ${CONCURRENCY} at once\n`);
      runs.push({ name, outcomes: await runSet(name, setItems, !tune) });
    }
  } finally {
    carrier.kill('SIGTERM');
    await stack.stop();
  }
  const parts = [`${startedAt.toISOString()}, ${cpus().length} cores, ${setItems.length} items, ${CONCURRENCY} calls at once, Pacer AMD timeout ${AMD_TIMEOUT_MS} ms, mode ${MODE}.`, ''];
  const paramsOf = (name: string): string => {
    const p = PARAM_SETS[name];
    if (p === undefined) return 'amd.conf.xml as committed';
    const diff = Object.entries(p).filter(([k, v]) => ORIGINAL[k] !== v);
    return diff.length === 0 ? 'the original amd.conf.xml values' : diff.map(([k, v]) => `${k}=${v}`).join(' ');
  };
  if (tune) {
    const ranked = [...runs].sort((a, b) => {
      const x = summarize(a.outcomes);
      const y = summarize(b.outcomes);
      return x.falseMachine - y.falseMachine || y.machineOk - x.machineOk || x.falseHuman - y.falseHuman;
    });
    parts.push('| set | parameters (vs original) | result on split A |', '|---|---|---|', ...ranked.map((r) => `| ${r.name} | ${paramsOf(r.name)} | ${headline(r.outcomes)} |`), '');
  } else {
    for (const r of runs) {
      parts.push(`### ${r.name}: ${paramsOf(r.name)}`, '');
      parts.push(section('all items', r.outcomes, true), '');
      for (const split of ['A', 'B'] as const) {
        const of = r.outcomes.filter((o) => o.item.split === split);
        if (of.length > 0) parts.push(section(`split ${split} (${split === 'A' ? 'tuning half' : 'held-out half'})`, of, true), '');
      }
    }
  }
  parts.push('### per item', '', perItem(runs), '');
  const out = parts.join('\n');
  process.stdout.write(`\n${out}`);
  if (env.AMD_REPORT) await writeFile(env.AMD_REPORT, out);
  if (env.AMD_JSON) await writeFile(env.AMD_JSON, JSON.stringify(runs, null, 1));
}

await main();
