/**
 * A calling campaign: what to dial, how to pace it, and the compliance limits it runs under.
 */
export const DIAL_MODES = ['predictive', 'progressive', 'preview'] as const;
export type DialMode = (typeof DIAL_MODES)[number];

export const PACING_POLICIES = ['predictive', 'progressive', 'ratio', 'vicidial'] as const;
export type CampaignPacingPolicy = (typeof PACING_POLICIES)[number];

export const CAMPAIGN_STATUSES = ['draft', 'running', 'paused', 'stopped'] as const;
export type CampaignStatus = (typeof CAMPAIGN_STATUSES)[number];

export const ABANDON_WINDOWS = ['30d', '24h'] as const;
export type AbandonWindow = (typeof ABANDON_WINDOWS)[number];

/**
 * The evidence behind a campaign's AMD false-positive estimate (Ofcom's "reasoned estimate"):
 * `configured`, a figure entered from the user's own testing; `measured`, a rate measured from the
 * campaign's records (e.g. a sample of AMD-detected calls listened to).
 */
export const AMD_FALSE_POSITIVE_SOURCES = ['configured', 'measured'] as const;
export type AmdFalsePositiveSource = (typeof AMD_FALSE_POSITIVE_SOURCES)[number];

export const UNKNOWN_ZONE_POLICIES = ['deny', 'campaign_zone', 'strictest'] as const;
export type UnknownZonePolicy = (typeof UNKNOWN_ZONE_POLICIES)[number];

export const MACHINE_ACTIONS = ['hangup', 'voicemail', 'agent'] as const;
export type MachineAction = (typeof MACHINE_ACTIONS)[number];

/** Local time-of-day window (`HH:MM`, 24 h, callee local time). */
export interface CallingHours {
  start: string;
  end: string;
}

export interface AmdSettings {
  enabled: boolean;
  machineAction: MachineAction;
  /** Prompt file or URL played to a machine; required when `machineAction` is `voicemail`. */
  voicemailMessage?: string;
}

/**
 * Call recording (off by default). When enabled, the media server records the bridged conversation,
 * and with `abandonMessage` also the identification message played to an abandoned call (the US TSR,
 * 16 CFR 310.4(b)(4)(iii), wants a record of it kept). Files older than `retentionDays` are deleted
 * by the retention sweep.
 */
export interface RecordingSettings {
  enabled: boolean;
  /** Days a recording is kept after the call (1-3650). */
  retentionDays: number;
  /** Also record the identification message of abandoned calls (when `enabled`). */
  abandonMessage: boolean;
}

export interface RetryRule {
  delayMs: number;
  maxAttempts: number;
}

export const RETRY_OUTCOMES = ['noAnswer', 'busy', 'machine', 'failed'] as const;
export type RetryOutcome = (typeof RETRY_OUTCOMES)[number];
export type RetryRules = Record<RetryOutcome, RetryRule>;

/** Everything a user configures on a campaign. */
export interface CampaignSettings {
  name: string;
  dialMode: DialMode;
  pacingPolicy: CampaignPacingPolicy;
  /** Lines per ready agent for the `ratio` policy (1-10); null otherwise. */
  pacingRatio: number | null;
  /** Abandoned / live answers; at most 0.03 unless an admin set `abandonRateOverride`. */
  maxAbandonRate: number;
  abandonRateOverride: boolean;
  abandonWindow: AbandonWindow;
  /**
   * Planning target at or below `maxAbandonRate` (e.g. 0.02 for head-room): the pacing policies plan
   * for it; null plans at the cap. The cap stays the legal limit reported.
   */
  abandonTarget: number | null;
  /**
   * Reasoned estimate of the AMD false-positive rate: share of live people the AMD classifies as
   * machines (0 <= rate < 1, default 0). In 24 h mode the abandon ledger and the UK report add the
   * estimated false positives (AMD-passed humans x rate / (1 - rate)) to both counts.
   */
  amdFalsePositiveRate: number;
  /** Where `amdFalsePositiveRate` comes from (default `configured`). */
  amdFalsePositiveSource: AmdFalsePositiveSource;
  /** E.164. */
  callerId: string;
  callingHours: CallingHours;
  unknownZonePolicy: UnknownZonePolicy;
  /** IANA zone used for leads without a known zone when `unknownZonePolicy` is `campaign_zone`. */
  defaultTimeZone: string | null;
  ringTimeoutMs: number;
  wrapUpLimitMs: number;
  /** Prompt file or URL played to an answered call no agent could take. */
  abandonMessage: string | null;
  amd: AmdSettings;
  recording: RecordingSettings;
  retryRules: RetryRules;
  maxAttemptsPerLead: number;
  /** Campaign-scope (or extra global) DNC lists attached to the campaign. */
  dncListIds: string[];
}

/**
 * A stored campaign.
 *
 * @example
 * ```ts
 * const c: Campaign = await campaigns.get(id);
 * if (c.status === 'running') ...
 * ```
 */
export interface Campaign extends CampaignSettings {
  id: string;
  status: CampaignStatus;
  /** Bumped by every settings edit; each dial decision records the version it used. */
  settingsVersion: number;
  createdAt: Date;
  updatedAt: Date;
}

/** What a caller may send when creating (name, dialMode, callerId required) or patching a campaign. */
export interface CampaignInput {
  name?: string;
  dialMode?: DialMode;
  pacingPolicy?: CampaignPacingPolicy;
  pacingRatio?: number | null;
  maxAbandonRate?: number;
  abandonRateOverride?: boolean;
  abandonWindow?: AbandonWindow;
  abandonTarget?: number | null;
  amdFalsePositiveRate?: number;
  amdFalsePositiveSource?: AmdFalsePositiveSource;
  callerId?: string;
  callingHours?: Partial<CallingHours>;
  unknownZonePolicy?: UnknownZonePolicy;
  defaultTimeZone?: string | null;
  ringTimeoutMs?: number;
  wrapUpLimitMs?: number;
  abandonMessage?: string | null;
  amd?: Partial<AmdSettings>;
  recording?: Partial<RecordingSettings>;
  retryRules?: Partial<Record<RetryOutcome, Partial<RetryRule>>>;
  maxAttemptsPerLead?: number;
  dncListIds?: string[];
}
