import { PacerError } from '../pacer-error.ts';

/** A live answer not connected to an agent within this long after the greeting ended is abandoned (47 CFR 64.1200(a)(7)). */
export const ABANDON_CONNECT_LIMIT_MS = 2_000;
const DAY_MS = 86_400_000;

/** The fields of a call record the abandonment rules look at (as exported: ISO-8601 UTC strings). */
export interface AbandonmentInput {
  outcome: string | null;
  abandoned: boolean;
  messagePlayed: boolean;
  amdResult: string | null;
  answeredAt: string | null;
  greetingEndedAt: string | null;
  agentConnectedAt: string | null;
}

/** A live answer: the callee (a person) answered, as classified at the end of the call. */
export function isLiveAnswer(r: Readonly<AbandonmentInput>): boolean {
  return r.outcome === 'human';
}

/**
 * An abandoned live answer: the runtime dropped it (`abandoned`), or it reached an agent later than
 * {@link ABANDON_CONNECT_LIMIT_MS} after the greeting ended (after the answer when no greeting).
 * AMD false drops are included when known: a call AMD called `machine` that was later dispositioned
 * human ends with outcome `human` and `abandoned`, so it is counted here.
 *
 * @example
 * ```ts
 * isAbandonedLiveAnswer({ outcome: 'human', abandoned: false, messagePlayed: false, amdResult: 'human',
 *   answeredAt: '2026-01-01T10:00:00Z', greetingEndedAt: '2026-01-01T10:00:01Z', agentConnectedAt: '2026-01-01T10:00:04Z' }); // true
 * ```
 */
export function isAbandonedLiveAnswer(r: Readonly<AbandonmentInput>): boolean {
  if (!isLiveAnswer(r)) return false;
  if (r.abandoned) return true;
  if (r.agentConnectedAt === null) return false;
  const start = r.greetingEndedAt ?? r.answeredAt;
  if (start === null) return false;
  return Date.parse(r.agentConnectedAt) - Date.parse(start) > ABANDON_CONNECT_LIMIT_MS;
}

/** Counts over a set of call records. */
export interface AbandonmentCounts {
  liveAnswers: number;
  abandoned: number;
  /** Abandoned live answers that heard the abandonment message. */
  abandonedWithMessage: number;
  /** Answers AMD classified as machine (their outcome is `machine`). */
  amdMachineDetections: number;
  /** Live answers the AMD passed as human: the base of the false-positive estimate (as in the abandon ledger). */
  amdPassedHumans: number;
}

/** Counts from records (the same rules the SQL report applies), e.g. to recompute a report from an export. */
export function countAbandonment(records: Iterable<Readonly<AbandonmentInput>>): AbandonmentCounts {
  const c: AbandonmentCounts = { liveAnswers: 0, abandoned: 0, abandonedWithMessage: 0, amdMachineDetections: 0, amdPassedHumans: 0 };
  for (const r of records) {
    if (isLiveAnswer(r)) c.liveAnswers += 1;
    if (isAbandonedLiveAnswer(r)) {
      c.abandoned += 1;
      if (r.messagePlayed) c.abandonedWithMessage += 1;
    }
    if (r.outcome === 'machine' && r.amdResult === 'machine') c.amdMachineDetections += 1;
    if (isLiveAnswer(r) && r.amdResult === 'human') c.amdPassedHumans += 1;
  }
  return c;
}

/** Where the AMD false-positive rate of a UK figure came from: the campaign's setting (with its evidence) or the request. */
export type AmdFalsePositiveRateSource = 'configured' | 'measured' | 'request';

/** The UK (Ofcom) figure: AMD false positives are live people the dialer treated as machines. */
export interface UkAbandonment {
  amdMachineDetections: number;
  amdPassedHumans: number;
  amdFalsePositiveRate: number;
  amdFalsePositiveSource: AmdFalsePositiveRateSource;
  /** amdPassedHumans x rate / (1 - rate): the live people the AMD hung up on, by the estimate. */
  estimatedAmdFalsePositives: number;
  /** (abandoned + estimated false positives) / (live answers + estimated false positives). */
  rate: number;
}

/**
 * Ofcom's Persistent Misuse statement (2016, annex "Calculating the abandoned call rate"): where AMD is
 * used, the abandoned call rate must include a reasoned estimate of AMD false positives (live calls
 * the AMD treated as machines and dropped), added to both the abandoned calls and the live calls.
 * Ofcom prescribes no fixed rate: the estimate must rest on the user's own testing. The rate is the
 * campaign's `amdFalsePositiveRate` (share of live people the AMD classifies as machines), the same
 * figure and formula the abandon ledger paces on: estimated = AMD-passed humans x rate / (1 - rate).
 *
 * @example
 * ```ts
 * ukAbandonment(counts, 0.01, 'measured').rate;
 * ```
 */
export function ukAbandonment(c: Readonly<AbandonmentCounts>, amdFalsePositiveRate: number, source: AmdFalsePositiveRateSource = 'configured'): UkAbandonment {
  const rate = Math.min(0.999, Math.max(0, amdFalsePositiveRate));
  const estimated = (c.amdPassedHumans * rate) / (1 - rate);
  const denominator = c.liveAnswers + estimated;
  return {
    amdMachineDetections: c.amdMachineDetections,
    amdPassedHumans: c.amdPassedHumans,
    amdFalsePositiveRate,
    amdFalsePositiveSource: source,
    estimatedAmdFalsePositives: estimated,
    rate: denominator === 0 ? 0 : (c.abandoned + estimated) / denominator,
  };
}

/** A resolved report window: `[fromMs, toMs)`. */
export interface ReportWindow {
  window: '30d' | '24h' | 'range';
  fromMs: number;
  toMs: number;
}

/**
 * Resolves `window` (`30d`, `24h`) or an explicit `from`/`to` date range (ISO-8601) against `nowMs`.
 * `30d` starts no earlier than the campaign (US rule: the whole campaign if shorter than 30 days).
 * Throws `VALIDATION_FAILED` naming the bad field.
 *
 * @example
 * ```ts
 * resolveReportWindow({ window: '24h' }, clock.nowMs(), { campaignStartMs, maxRangeMs: 400 * 86_400_000 });
 * ```
 */
export function resolveReportWindow(
  q: Readonly<{ window?: string | undefined; from?: string | undefined; to?: string | undefined }>,
  nowMs: number,
  opts: Readonly<{ campaignStartMs?: number; maxRangeMs: number }>,
): ReportWindow {
  const invalid = (field: string, reason: string): PacerError => new PacerError('VALIDATION_FAILED', `${field}: ${reason}`, { issues: [{ field, reason }] });
  if (q.window !== undefined && q.window !== 'range') {
    if (q.from !== undefined || q.to !== undefined) throw invalid('window', 'give either window (30d, 24h) or a from/to date range, not both');
    if (q.window === '24h') return { window: '24h', fromMs: nowMs - DAY_MS, toMs: nowMs };
    if (q.window === '30d') return { window: '30d', fromMs: Math.max(nowMs - 30 * DAY_MS, opts.campaignStartMs ?? -Infinity), toMs: nowMs };
    throw invalid('window', `must be 30d, 24h or a from/to date range, got '${q.window}'`);
  }
  if (q.from === undefined) throw invalid(q.window === undefined ? 'window' : 'from', q.window === undefined ? 'required: 30d, 24h, or give from and to' : 'required with window=range');
  if (q.to === undefined) throw invalid('to', 'required with from');
  const fromMs = Date.parse(q.from);
  const toMs = Date.parse(q.to);
  if (Number.isNaN(fromMs)) throw invalid('from', `not an ISO-8601 date or date-time: '${q.from}'`);
  if (Number.isNaN(toMs)) throw invalid('to', `not an ISO-8601 date or date-time: '${q.to}'`);
  if (toMs <= fromMs) throw invalid('to', 'must be after from');
  if (toMs - fromMs > opts.maxRangeMs) throw invalid('to', `range longer than the limit of ${Math.round(opts.maxRangeMs / DAY_MS)} days`);
  return { window: 'range', fromMs, toMs };
}
