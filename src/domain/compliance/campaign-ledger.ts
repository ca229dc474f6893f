import { AbandonLedger, type AbandonWindow } from './abandon-ledger.ts';

/**
 * The campaign settings the abandon ledger is built from. A stored `Campaign` has them all; the
 * simulator builds the same shape from a scenario, so simulation and production share one wiring.
 */
export interface CampaignLedgerSettings {
  abandonWindow: AbandonWindow;
  /** The legal cap (abandoned / live answers). */
  maxAbandonRate: number;
  /** A planning target at or below the cap (compliance head-room); null or absent: the cap. */
  abandonTarget?: number | null;
  /**
   * The campaign's reasoned estimate of the AMD false-positive rate (share of live people the AMD
   * classifies as machines and hangs up on). Counted in 24 h (UK) mode, when AMD is on.
   */
  amdFalsePositiveRate?: number;
  amd?: { enabled: boolean };
}

/**
 * One bucket of a campaign's abandon history, as the database returns it (per minute) and the
 * simulator keeps it: the ledger events recorded in `[atMs, atMs + bucket)`.
 */
export interface AbandonHistoryBucket {
  atMs: number;
  liveAnswers: number;
  abandoned: number;
  /** Live answers the AMD classified human (the base of the false-positive estimate). */
  amdPassedHumans: number;
}

/** Width of the history buckets the runtime restores (the 24 h ledger's own bucket). */
export const HISTORY_BUCKET_MS = 60_000;

/** The rate the policies plan for: `abandonTarget` when set (never above the cap), else the cap. */
export function plannedAbandonRate(s: Readonly<CampaignLedgerSettings>): number {
  const target = s.abandonTarget ?? null;
  return target === null ? s.maxAbandonRate : Math.min(target, s.maxAbandonRate);
}

/** The AMD false-positive rate the ledger adds to its counts: the campaign's estimate with AMD on, else 0. */
export function countedAmdFalsePositiveRate(s: Readonly<CampaignLedgerSettings>): number {
  return s.amd?.enabled === false ? 0 : (s.amdFalsePositiveRate ?? 0);
}

/**
 * Builds a campaign's abandon ledger from its settings: window, planned rate (target or cap) and,
 * in 24 h mode, the campaign's AMD false-positive estimate. The runtime (`campaign-runner.ts`) and
 * the simulator (`call-simulator.ts`) both call this, so they pace on the same budget.
 *
 * @example
 * ```ts
 * const ledger = createCampaignLedger({ abandonWindow: '24h', maxAbandonRate: 0.03, abandonTarget: 0.02, amdFalsePositiveRate: 0.01, amd: { enabled: true } });
 * ledger.snapshot(nowMs).maxAbandonRate; // 0.02
 * ```
 */
export function createCampaignLedger(s: Readonly<CampaignLedgerSettings>): AbandonLedger {
  return new AbandonLedger({ window: s.abandonWindow, maxAbandonRate: plannedAbandonRate(s), amdFalsePositiveRate: countedAmdFalsePositiveRate(s) });
}

/** A key that changes whenever the settings the ledger is built from change (rebuild on change). */
export function campaignLedgerKey(s: Readonly<CampaignLedgerSettings>): string {
  return JSON.stringify([s.abandonWindow, s.maxAbandonRate, plannedAbandonRate(s), countedAmdFalsePositiveRate(s)]);
}

/**
 * Restores a ledger from its history (after a restart or a settings change): each bucket's events
 * at the bucket's start. With per-minute buckets the restored ledger equals the one that recorded
 * the events live (its own buckets are a minute wide), estimated false positives included.
 *
 * @example
 * ```ts
 * restoreAbandonLedger(ledger, await attempts.abandonHistory(campaignId, nowMs - ledger.windowMs));
 * ```
 */
export function restoreAbandonLedger(ledger: AbandonLedger, history: Iterable<Readonly<AbandonHistoryBucket>>): void {
  for (const h of history) {
    if (h.liveAnswers > 0) ledger.record('live_answer', h.atMs, h.liveAnswers);
    if (h.abandoned > 0) ledger.record('abandon', h.atMs, h.abandoned);
    if (h.amdPassedHumans > 0) ledger.record('amd_passed_human', h.atMs, h.amdPassedHumans);
  }
}
