/** Figures of an AMD run: confusion matrix, decision times, beep detection (docs/benchmarks/amd.md). */
import type { AmdItem, Truth } from './amd-set.ts';

export type Verdict = 'human' | 'machine' | 'unknown' | 'error';

export interface Outcome {
  item: AmdItem;
  result: Verdict;
  cause: string;
  /** From the answer event to the amd event (Pacer's decisionMs). */
  decisionMs: number | undefined;
  /** The first beep event, in ms after the answer (undefined: none, or detection off). */
  beepAtMs: number | undefined;
}

const pct = (sorted: readonly number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] ?? Number.NaN;
const fmtMs = (ms: number): string => (Number.isNaN(ms) ? '-' : `${(ms / 1000).toFixed(2)} s`);
const rate = (n: number, d: number): string => (d === 0 ? '-' : `${n}/${d} (${((100 * n) / d).toFixed(0)} %)`);

export interface Summary {
  humans: number;
  machines: number;
  /** Human called machine: the costly error (a live person hung up on or sent a voicemail drop). */
  falseMachine: number;
  humanOk: number;
  humanUnknown: number;
  machineOk: number;
  /** Machine called human: costs agent time. */
  falseHuman: number;
  machineUnknown: number;
  errors: number;
}

export function summarize(outcomes: readonly Outcome[]): Summary {
  const count = (truth: Truth, v: Verdict): number => outcomes.filter((o) => o.item.truth === truth && o.result === v).length;
  return {
    humans: outcomes.filter((o) => o.item.truth === 'human').length,
    machines: outcomes.filter((o) => o.item.truth === 'machine').length,
    falseMachine: count('human', 'machine'),
    humanOk: count('human', 'human'),
    humanUnknown: count('human', 'unknown'),
    machineOk: count('machine', 'machine'),
    falseHuman: count('machine', 'human'),
    machineUnknown: count('machine', 'unknown'),
    errors: outcomes.filter((o) => o.result === 'error').length,
  };
}

export function confusion(outcomes: readonly Outcome[]): string {
  const rows = (['human', 'machine'] as const).map((truth) => {
    const of = outcomes.filter((o) => o.item.truth === truth);
    const n = (v: Verdict): number => of.filter((o) => o.result === v).length;
    return `| ${truth} (${of.length}) | ${n('human')} | ${n('machine')} | ${n('unknown')} | ${n('error')} |`;
  });
  return ['| truth \\ AMD said | human | machine | unknown (NOTSURE, timeout) | error |', '|---|---|---|---|---|', ...rows].join('\n');
}

function decisionTimes(outcomes: readonly Outcome[]): string {
  const groups: [string, (o: Outcome) => boolean][] = [
    ['human items', (o) => o.item.truth === 'human'],
    ['machine items', (o) => o.item.truth === 'machine'],
    ['decided human', (o) => o.result === 'human'],
    ['decided machine', (o) => o.result === 'machine'],
    ['unknown', (o) => o.result === 'unknown'],
  ];
  const rows = groups.map(([name, pred]) => {
    const ms = outcomes.filter(pred).flatMap((o) => (o.decisionMs === undefined ? [] : [o.decisionMs])).sort((a, b) => a - b);
    return `| ${name} | ${ms.length} | ${fmtMs(pct(ms, 0.5))} | ${fmtMs(pct(ms, 0.95))} | ${fmtMs(ms.at(-1) ?? Number.NaN)} |`;
  });
  return ['| decision time (answer to amd event) | n | p50 | p95 | max |', '|---|---|---|---|---|', ...rows].join('\n');
}

export function beepFigures(outcomes: readonly Outcome[]): string {
  const withBeep = outcomes.filter((o) => o.item.beepMs !== undefined);
  const detected = withBeep.filter((o) => o.beepAtMs !== undefined && o.item.beepMs !== undefined && o.beepAtMs >= o.item.beepMs);
  const early = withBeep.filter((o) => o.beepAtMs !== undefined && o.item.beepMs !== undefined && o.beepAtMs < o.item.beepMs);
  const delays = detected.map((o) => (o.beepAtMs ?? 0) - (o.item.beepMs ?? 0)).sort((a, b) => a - b);
  const without = outcomes.filter((o) => o.item.beepMs === undefined);
  const falseBeeps = without.filter((o) => o.beepAtMs !== undefined);
  return [
    `| greetings with a beep | beep detected (at or after the tone starts) | reported before the tone (on speech) | delay after the tone starts p50 / p95 / max | items without a beep that reported one |`,
    '|---|---|---|---|---|',
    `| ${withBeep.length} | ${rate(detected.length, withBeep.length)} | ${early.length} | ${fmtMs(pct(delays, 0.5))} / ${fmtMs(pct(delays, 0.95))} / ${fmtMs(delays.at(-1) ?? Number.NaN)} | ${rate(falseBeeps.length, without.length)}${falseBeeps.length > 0 ? `: ${falseBeeps.map((o) => o.item.id).join(', ')}` : ''} |`,
  ].join('\n');
}

export function perLanguage(outcomes: readonly Outcome[]): string {
  const langs = [...new Set(outcomes.map((o) => o.item.lang))].sort();
  const rows = langs.map((lang) => {
    const of = outcomes.filter((o) => o.item.lang === lang);
    const s = summarize(of);
    const dec = (truth: Truth): string => {
      const ms = of.filter((o) => o.item.truth === truth && o.decisionMs !== undefined).map((o) => o.decisionMs ?? 0).sort((a, b) => a - b);
      return fmtMs(pct(ms, 0.5));
    };
    const beeps = of.filter((o) => o.item.beepMs !== undefined);
    const heard = beeps.filter((o) => o.beepAtMs !== undefined && o.beepAtMs >= (o.item.beepMs ?? 0));
    return `| ${lang} | ${rate(s.humanOk, s.humans)} | ${s.falseMachine} | ${s.humanUnknown} | ${rate(s.machineOk, s.machines)} | ${s.falseHuman} | ${s.machineUnknown} | ${dec('human')} / ${dec('machine')} | ${beeps.length === 0 ? '-' : `${heard.length}/${beeps.length}`} |`;
  });
  return ['| language | humans called human | human called machine | human unknown | machines called machine | machine called human | machine unknown | decision p50 human / machine items | beeps detected |', '|---|---|---|---|---|---|---|---|---|', ...rows].join('\n');
}

export function headline(outcomes: readonly Outcome[]): string {
  const s = summarize(outcomes);
  return `false machine (human called machine) ${rate(s.falseMachine, s.humans)}, humans to an agent (human or unknown) ${rate(s.humanOk + s.humanUnknown, s.humans)}, machine recall ${rate(s.machineOk, s.machines)}, machine called human ${rate(s.falseHuman, s.machines)}, errors ${s.errors}`;
}

export function section(title: string, outcomes: readonly Outcome[], withBeep: boolean): string {
  return [`#### ${title}`, '', headline(outcomes), '', confusion(outcomes), '', decisionTimes(outcomes), '', perLanguage(outcomes), ...(withBeep ? ['', beepFigures(outcomes)] : [])].join('\n');
}

/** One row per item: what each parameter set said (result, cause, decision time). */
export function perItem(runs: readonly { name: string; outcomes: readonly Outcome[] }[]): string {
  const ids = [...new Set(runs.flatMap((r) => r.outcomes.map((o) => o.item.id)))].sort();
  const head = `| item | split | truth | tags | text | ${runs.map((r) => r.name).join(' | ')} |`;
  const rows = ids.map((id) => {
    const any = runs.flatMap((r) => r.outcomes).find((o) => o.item.id === id);
    if (!any) return '';
    const cells = runs.map((r) => {
      const o = r.outcomes.find((x) => x.item.id === id);
      if (!o) return '';
      const mark = o.result === o.item.truth ? '' : o.result === 'unknown' ? ' (?)' : ' **x**';
      const beep = o.beepAtMs === undefined ? '' : `, beep ${fmtMs(o.beepAtMs)}`;
      return `${o.result} ${o.cause} ${o.decisionMs === undefined ? '' : fmtMs(o.decisionMs)}${beep}${mark}`;
    });
    const text = any.item.text.length > 48 ? `${any.item.text.slice(0, 45)}...` : any.item.text;
    return `| ${id} | ${any.item.split} | ${any.item.truth} | ${any.item.tags.join(' ')} | ${text.replace(/\|/g, '/')} | ${cells.join(' | ')} |`;
  });
  return [head, `|${'---|'.repeat(5 + runs.length)}`, ...rows].join('\n');
}
