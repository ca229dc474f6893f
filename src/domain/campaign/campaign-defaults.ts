import type { AmdSettings, RecordingSettings, CallingHours, CampaignPacingPolicy, DialMode, RetryRules } from './campaign.ts';

/** The legal window (callee local time) no campaign may call outside of: TCPA 8 am - 9 pm. */
export const LEGAL_CALLING_HOURS: CallingHours = { start: '08:00', end: '21:00' };
export const DEFAULT_CALLING_HOURS: CallingHours = { start: '09:00', end: '20:00' };
/** The FTC / Ofcom ceiling; only an admin may set a campaign above it (`abandonRateOverride`). */
export const ABANDON_RATE_CEILING = 0.03;
export const MIN_RING_TIMEOUT_MS = 15_000;
export const MAX_RING_TIMEOUT_MS = 120_000;
export const DEFAULT_RING_TIMEOUT_MS = 25_000;
export const DEFAULT_WRAP_UP_LIMIT_MS = 60_000;
export const MAX_WRAP_UP_LIMIT_MS = 3_600_000;
export const DEFAULT_MAX_ATTEMPTS_PER_LEAD = 5;
export const MAX_ATTEMPTS_PER_LEAD = 100;
export const DEFAULT_AMD: AmdSettings = { enabled: true, machineAction: 'hangup' };
export const MIN_RECORDING_RETENTION_DAYS = 1;
export const MAX_RECORDING_RETENTION_DAYS = 3650;
/** Recording is off unless a campaign turns it on; once on, abandoned calls' messages are recorded too. */
export const DEFAULT_RECORDING: Readonly<RecordingSettings> = Object.freeze({ enabled: false, retentionDays: 90, abandonMessage: true });

/**
 * The one default retry table (per outcome class: delay before the next attempt, attempts with
 * that outcome after which the lead is closed). `retry-schedule.ts` falls back to this same object.
 */
export const DEFAULT_RETRY_RULES: Readonly<RetryRules> = Object.freeze({
  noAnswer: Object.freeze({ delayMs: 3_600_000, maxAttempts: 3 }),
  busy: Object.freeze({ delayMs: 600_000, maxAttempts: 3 }),
  machine: Object.freeze({ delayMs: 14_400_000, maxAttempts: 2 }),
  failed: Object.freeze({ delayMs: 3_600_000, maxAttempts: 1 }),
});

/**
 * The pacing policy a dial mode uses unless the campaign names one.
 *
 * @example
 * ```ts
 * defaultPacingPolicy('predictive'); // 'predictive'
 * defaultPacingPolicy('preview');    // 'progressive'
 * ```
 */
export function defaultPacingPolicy(dialMode: DialMode): CampaignPacingPolicy {
  return dialMode === 'predictive' ? 'predictive' : 'progressive';
}
