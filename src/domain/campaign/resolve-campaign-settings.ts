import { IANAZone } from 'luxon';
import { normalizePhoneNumber, type CountryCode } from '../leads/phone-number.ts';
import { PacerError, type FieldIssue } from '../pacer-error.ts';
import type { Role } from '../auth/role.ts';
import { AMD_FALSE_POSITIVE_SOURCES, RETRY_OUTCOMES, type CampaignInput, type CampaignSettings, type RetryRules } from './campaign.ts';
import {
  ABANDON_RATE_CEILING,
  DEFAULT_AMD,
  DEFAULT_CALLING_HOURS,
  DEFAULT_MAX_ATTEMPTS_PER_LEAD,
  DEFAULT_RECORDING,
  DEFAULT_RETRY_RULES,
  DEFAULT_RING_TIMEOUT_MS,
  DEFAULT_WRAP_UP_LIMIT_MS,
  LEGAL_CALLING_HOURS,
  MAX_ATTEMPTS_PER_LEAD,
  MAX_RECORDING_RETENTION_DAYS,
  MAX_RING_TIMEOUT_MS,
  MAX_WRAP_UP_LIMIT_MS,
  MIN_RECORDING_RETENTION_DAYS,
  MIN_RING_TIMEOUT_MS,
  defaultPacingPolicy,
} from './campaign-defaults.ts';

export interface ResolveContext {
  actorRole: Role;
  /** Region used to read a caller ID written without `+`. */
  defaultRegion: CountryCode;
}

const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$/;

function minutesOf(hhmm: string): number | undefined {
  const m = HHMM.exec(hhmm);
  if (m === null) return undefined;
  return Number(m[1]) * 60 + Number(m[2]);
}

/**
 * Merges `input` over `current` (a stored campaign's settings, or null when creating) and checks
 * the result as a whole, reporting every problem at once.
 *
 * Rules: `callingHours` inside the legal 08:00-21:00 (callee local time) with start before end;
 * `maxAbandonRate` in [0, 0.03] unless `abandonRateOverride` is set, which only an admin may do;
 * `abandonTarget` null or in (0, maxAbandonRate]; `amdFalsePositiveRate` in [0, 1) (default 0) with
 * `amdFalsePositiveSource` `configured` (default) or `measured`;
 * `callerId` a valid number, stored as E.164; `defaultTimeZone` a valid IANA zone, required by
 * `unknownZonePolicy: campaign_zone`; `ringTimeoutMs` >= 15000; `amd.voicemailMessage` required when
 * `amd.machineAction` is `voicemail`; `pacingRatio` required by the `ratio` policy; `recording`
 * off by default, `recording.retentionDays` an integer 1-3650 (default 90), `recording.abandonMessage`
 * (default true) a boolean.
 *
 * @throws PacerError `VALIDATION_FAILED` with one issue per bad field; `FORBIDDEN` when a non-admin
 *   raises the abandon-rate ceiling.
 *
 * @example
 * ```ts
 * const settings = resolveCampaignSettings(null, { name: 'Spring', dialMode: 'predictive', callerId: '+12125550100' },
 *   { actorRole: 'manager', defaultRegion: 'US' });
 * settings.maxAbandonRate; // 0.03
 * ```
 */
export function resolveCampaignSettings(current: CampaignSettings | null, input: CampaignInput, ctx: ResolveContext): CampaignSettings {
  const issues: FieldIssue[] = [];
  const issue = (field: string, reason: string): void => {
    issues.push({ field, reason });
  };

  if (current === null) {
    if (input.name === undefined) issue('name', 'is required');
    if (input.dialMode === undefined) issue('dialMode', 'is required');
    if (input.callerId === undefined) issue('callerId', 'is required');
  }
  const dialMode = input.dialMode ?? current?.dialMode ?? 'predictive';
  const name = (input.name ?? current?.name ?? '').trim();
  if (input.name !== undefined && (name.length === 0 || name.length > 200)) issue('name', 'must be 1-200 characters');

  // Changing the dial mode without naming a policy moves the policy along with it.
  const pacingPolicy = input.pacingPolicy ?? (input.dialMode !== undefined || current === null ? defaultPacingPolicy(dialMode) : current.pacingPolicy);
  if (dialMode === 'preview' && pacingPolicy !== 'progressive') issue('pacingPolicy', 'preview campaigns dial one call per agent: use progressive');
  const pacingRatio = input.pacingRatio !== undefined ? input.pacingRatio : (current?.pacingRatio ?? null);
  if (pacingRatio !== null && !(pacingRatio >= 1 && pacingRatio <= 10)) issue('pacingRatio', 'must be between 1 and 10');
  if (pacingPolicy === 'ratio' && pacingRatio === null) issue('pacingRatio', 'is required by the ratio pacing policy');

  const abandonRateOverride = input.abandonRateOverride ?? current?.abandonRateOverride ?? false;
  const maxAbandonRate = input.maxAbandonRate ?? current?.maxAbandonRate ?? ABANDON_RATE_CEILING;
  const overrideRaised = abandonRateOverride && !(current?.abandonRateOverride ?? false);
  const rateRaisedAboveCeiling = input.maxAbandonRate !== undefined && input.maxAbandonRate > ABANDON_RATE_CEILING;
  if (!(maxAbandonRate >= 0 && maxAbandonRate <= 1)) issue('maxAbandonRate', 'must be between 0 and 1');
  else if (maxAbandonRate > ABANDON_RATE_CEILING && !abandonRateOverride) {
    issue('maxAbandonRate', `must not exceed ${ABANDON_RATE_CEILING} (3% of live answers) unless an admin sets abandonRateOverride`);
  }
  const abandonWindow = input.abandonWindow ?? current?.abandonWindow ?? '30d';
  const abandonTarget = input.abandonTarget !== undefined ? input.abandonTarget : (current?.abandonTarget ?? null);
  if (abandonTarget !== null) {
    if (!(typeof abandonTarget === 'number' && abandonTarget > 0 && abandonTarget <= 1)) issue('abandonTarget', 'must be a number above 0 and at most 1, or null (plan at the cap)');
    else if (abandonTarget > maxAbandonRate) issue('abandonTarget', `must not exceed maxAbandonRate (${maxAbandonRate}): it is a target below the legal cap`);
  }
  const amdFalsePositiveRate = input.amdFalsePositiveRate ?? current?.amdFalsePositiveRate ?? 0;
  if (!(typeof amdFalsePositiveRate === 'number' && amdFalsePositiveRate >= 0 && amdFalsePositiveRate < 1)) {
    issue('amdFalsePositiveRate', 'must be a number from 0 to below 1 (share of live people the AMD classifies as machines)');
  }
  const amdFalsePositiveSource = input.amdFalsePositiveSource ?? current?.amdFalsePositiveSource ?? 'configured';
  if (!(AMD_FALSE_POSITIVE_SOURCES as readonly string[]).includes(amdFalsePositiveSource)) issue('amdFalsePositiveSource', `must be one of ${AMD_FALSE_POSITIVE_SOURCES.join(', ')}`);

  let callerId = current?.callerId ?? '';
  if (input.callerId !== undefined) {
    const normalized = normalizePhoneNumber(input.callerId, ctx.defaultRegion);
    if (normalized.ok) callerId = normalized.e164;
    else issue('callerId', `not a valid phone number (${normalized.reason})`);
  }

  const callingHours = {
    start: input.callingHours?.start ?? current?.callingHours.start ?? DEFAULT_CALLING_HOURS.start,
    end: input.callingHours?.end ?? current?.callingHours.end ?? DEFAULT_CALLING_HOURS.end,
  };
  const startMin = minutesOf(callingHours.start);
  const endMin = minutesOf(callingHours.end);
  const legalStart = minutesOf(LEGAL_CALLING_HOURS.start) ?? 0;
  const legalEnd = minutesOf(LEGAL_CALLING_HOURS.end) ?? 0;
  const legal = `${LEGAL_CALLING_HOURS.start}-${LEGAL_CALLING_HOURS.end} callee local time`;
  if (startMin === undefined) issue('callingHours.start', 'must be HH:MM (24 h)');
  else if (startMin < legalStart) issue('callingHours.start', `must not be before ${LEGAL_CALLING_HOURS.start}: calls are only legal ${legal}`);
  if (endMin === undefined) issue('callingHours.end', 'must be HH:MM (24 h)');
  else if (endMin > legalEnd) issue('callingHours.end', `must not be after ${LEGAL_CALLING_HOURS.end}: calls are only legal ${legal}`);
  if (startMin !== undefined && endMin !== undefined && startMin >= endMin) issue('callingHours', 'start must be before end');

  const unknownZonePolicy = input.unknownZonePolicy ?? current?.unknownZonePolicy ?? 'deny';
  const defaultTimeZone = input.defaultTimeZone !== undefined ? input.defaultTimeZone : (current?.defaultTimeZone ?? null);
  if (defaultTimeZone !== null && !IANAZone.isValidZone(defaultTimeZone)) issue('defaultTimeZone', `'${defaultTimeZone}' is not an IANA time zone`);
  if (unknownZonePolicy === 'campaign_zone' && defaultTimeZone === null) issue('defaultTimeZone', 'is required when unknownZonePolicy is campaign_zone');

  const ringTimeoutMs = input.ringTimeoutMs ?? current?.ringTimeoutMs ?? DEFAULT_RING_TIMEOUT_MS;
  if (!(Number.isInteger(ringTimeoutMs) && ringTimeoutMs >= MIN_RING_TIMEOUT_MS && ringTimeoutMs <= MAX_RING_TIMEOUT_MS)) {
    issue('ringTimeoutMs', `must be an integer between ${MIN_RING_TIMEOUT_MS} and ${MAX_RING_TIMEOUT_MS} (ring at least 15 s before giving up)`);
  }
  const wrapUpLimitMs = input.wrapUpLimitMs ?? current?.wrapUpLimitMs ?? DEFAULT_WRAP_UP_LIMIT_MS;
  if (!(Number.isInteger(wrapUpLimitMs) && wrapUpLimitMs >= 0 && wrapUpLimitMs <= MAX_WRAP_UP_LIMIT_MS)) {
    issue('wrapUpLimitMs', `must be an integer between 0 and ${MAX_WRAP_UP_LIMIT_MS}`);
  }
  const abandonMessage = input.abandonMessage !== undefined ? input.abandonMessage : (current?.abandonMessage ?? null);

  const baseAmd = current?.amd ?? DEFAULT_AMD;
  const amd = {
    enabled: input.amd?.enabled ?? baseAmd.enabled,
    machineAction: input.amd?.machineAction ?? baseAmd.machineAction,
    ...((input.amd?.voicemailMessage ?? baseAmd.voicemailMessage) !== undefined ? { voicemailMessage: input.amd?.voicemailMessage ?? baseAmd.voicemailMessage } : {}),
  };
  if (amd.machineAction === 'voicemail' && (amd.voicemailMessage === undefined || amd.voicemailMessage.trim() === '')) {
    issue('amd.voicemailMessage', 'is required when amd.machineAction is voicemail');
  }

  const baseRecording = current?.recording ?? DEFAULT_RECORDING;
  const recording = {
    enabled: input.recording?.enabled ?? baseRecording.enabled,
    retentionDays: input.recording?.retentionDays ?? baseRecording.retentionDays,
    abandonMessage: input.recording?.abandonMessage ?? baseRecording.abandonMessage,
  };
  if (typeof recording.enabled !== 'boolean') issue('recording.enabled', 'must be true or false');
  if (!(Number.isInteger(recording.retentionDays) && recording.retentionDays >= MIN_RECORDING_RETENTION_DAYS && recording.retentionDays <= MAX_RECORDING_RETENTION_DAYS)) {
    issue('recording.retentionDays', `must be an integer number of days between ${MIN_RECORDING_RETENTION_DAYS} and ${MAX_RECORDING_RETENTION_DAYS}`);
  }
  if (typeof recording.abandonMessage !== 'boolean') issue('recording.abandonMessage', 'must be true or false');

  const maxAttemptsPerLead = input.maxAttemptsPerLead ?? current?.maxAttemptsPerLead ?? DEFAULT_MAX_ATTEMPTS_PER_LEAD;
  if (!(Number.isInteger(maxAttemptsPerLead) && maxAttemptsPerLead >= 1 && maxAttemptsPerLead <= MAX_ATTEMPTS_PER_LEAD)) {
    issue('maxAttemptsPerLead', `must be an integer between 1 and ${MAX_ATTEMPTS_PER_LEAD}`);
  }
  const baseRules = current?.retryRules ?? DEFAULT_RETRY_RULES;
  const retryRules = {} as RetryRules;
  for (const outcome of RETRY_OUTCOMES) {
    const rule = { delayMs: input.retryRules?.[outcome]?.delayMs ?? baseRules[outcome].delayMs, maxAttempts: input.retryRules?.[outcome]?.maxAttempts ?? baseRules[outcome].maxAttempts };
    if (!(Number.isInteger(rule.delayMs) && rule.delayMs >= 0)) issue(`retryRules.${outcome}.delayMs`, 'must be a non-negative integer');
    if (!(Number.isInteger(rule.maxAttempts) && rule.maxAttempts >= 0)) issue(`retryRules.${outcome}.maxAttempts`, 'must be a non-negative integer');
    else if (rule.maxAttempts > maxAttemptsPerLead) issue(`retryRules.${outcome}.maxAttempts`, `must not exceed maxAttemptsPerLead (${maxAttemptsPerLead})`);
    retryRules[outcome] = rule;
  }

  const dncListIds = [...new Set(input.dncListIds ?? current?.dncListIds ?? [])];

  if (issues.length > 0) {
    throw new PacerError('VALIDATION_FAILED', `invalid campaign: ${issues.map((i) => i.field).join(', ')}`, { issues });
  }
  if ((overrideRaised || (rateRaisedAboveCeiling && abandonRateOverride)) && ctx.actorRole !== 'admin') {
    throw new PacerError('FORBIDDEN', 'only an admin may allow an abandon rate above 3% (abandonRateOverride)', {
      issues: [{ field: overrideRaised ? 'abandonRateOverride' : 'maxAbandonRate', reason: 'requires the admin role' }],
    });
  }
  return {
    name,
    dialMode,
    pacingPolicy,
    pacingRatio,
    maxAbandonRate,
    abandonRateOverride,
    abandonWindow,
    abandonTarget,
    amdFalsePositiveRate,
    amdFalsePositiveSource,
    callerId,
    callingHours,
    unknownZonePolicy,
    defaultTimeZone,
    ringTimeoutMs,
    wrapUpLimitMs,
    abandonMessage,
    amd,
    recording,
    retryRules,
    maxAttemptsPerLead,
    dncListIds,
  };
}
