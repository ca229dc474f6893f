import { Type } from 'typebox';
import {
  ABANDON_WINDOWS,
  AMD_FALSE_POSITIVE_SOURCES,
  CAMPAIGN_STATUSES,
  DIAL_MODES,
  MACHINE_ACTIONS,
  PACING_POLICIES,
  UNKNOWN_ZONE_POLICIES,
} from '../../../domain/campaign/campaign.ts';

const HHMM = '^([01][0-9]|2[0-3]):[0-5][0-9]$';
const strict = { additionalProperties: false } as const;

const RetryRuleInput = Type.Object(
  { delayMs: Type.Optional(Type.Integer({ minimum: 0 })), maxAttempts: Type.Optional(Type.Integer({ minimum: 0 })) },
  strict,
);
const RetryRule = Type.Object({ delayMs: Type.Integer(), maxAttempts: Type.Integer() });

/** Fields a campaign accepts; `CampaignCreateBody` makes name, dialMode and callerId required. */
const inputFields = {
  name: Type.String({ minLength: 1, maxLength: 200 }),
  dialMode: Type.Enum([...DIAL_MODES]),
  pacingPolicy: Type.Optional(Type.Enum([...PACING_POLICIES], { description: 'Default: predictive for predictive campaigns, progressive otherwise' })),
  pacingRatio: Type.Optional(Type.Union([Type.Number({ minimum: 1, maximum: 10 }), Type.Null()], { description: 'Lines per agent for the ratio policy' })),
  maxAbandonRate: Type.Optional(Type.Number({ minimum: 0, maximum: 1, description: 'Default 0.03; above 0.03 only with abandonRateOverride (admin only)' })),
  abandonRateOverride: Type.Optional(Type.Boolean({ description: 'Admin only: allows maxAbandonRate above 0.03' })),
  abandonWindow: Type.Optional(Type.Enum([...ABANDON_WINDOWS], { description: '30d (FTC) or 24h (Ofcom)' })),
  abandonTarget: Type.Optional(Type.Union([Type.Number({ exclusiveMinimum: 0, maximum: 1 }), Type.Null()], { description: 'Planning target at or below maxAbandonRate (e.g. 0.02 for head-room); null (or 0) plans at the cap' })),
  amdFalsePositiveRate: Type.Optional(Type.Number({ minimum: 0, exclusiveMaximum: 1, description: "Reasoned estimate (Ofcom) of the share of live people the AMD classifies as machines; default 0. Counted in 24h mode" })),
  amdFalsePositiveSource: Type.Optional(Type.Enum([...AMD_FALSE_POSITIVE_SOURCES], { description: 'Evidence for amdFalsePositiveRate: configured (own testing, default) or measured (from the records)' })),
  callerId: Type.String({ minLength: 1, maxLength: 32, description: 'Caller ID, stored as E.164' }),
  callingHours: Type.Optional(
    Type.Object(
      { start: Type.Optional(Type.String({ pattern: HHMM })), end: Type.Optional(Type.String({ pattern: HHMM })) },
      { ...strict, description: 'Callee local time, within 08:00-21:00; default 09:00-20:00' },
    ),
  ),
  unknownZonePolicy: Type.Optional(Type.Enum([...UNKNOWN_ZONE_POLICIES], { description: 'Leads without a known time zone: deny (default), campaign_zone, strictest' })),
  defaultTimeZone: Type.Optional(Type.Union([Type.String({ maxLength: 64 }), Type.Null()], { description: 'IANA zone, required by campaign_zone' })),
  ringTimeoutMs: Type.Optional(Type.Integer({ minimum: 15000, maximum: 120000 })),
  wrapUpLimitMs: Type.Optional(Type.Integer({ minimum: 0, maximum: 3600000 })),
  abandonMessage: Type.Optional(Type.Union([Type.String({ maxLength: 2048 }), Type.Null()], { description: 'Prompt file or URL played on abandon' })),
  amd: Type.Optional(
    Type.Object(
      {
        enabled: Type.Optional(Type.Boolean()),
        machineAction: Type.Optional(Type.Enum([...MACHINE_ACTIONS])),
        voicemailMessage: Type.Optional(Type.String({ maxLength: 2048 })),
      },
      strict,
    ),
  ),
  recording: Type.Optional(
    Type.Object(
      {
        enabled: Type.Optional(Type.Boolean({ description: 'Record bridged calls (default false)' })),
        retentionDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 3650, description: 'Days a recording is kept (default 90)' })),
        abandonMessage: Type.Optional(Type.Boolean({ description: 'Also record the identification message of abandoned calls (default true; the US TSR wants it kept)' })),
      },
      { ...strict, description: 'Call recording; off by default' },
    ),
  ),
  retryRules: Type.Optional(
    Type.Object(
      { noAnswer: Type.Optional(RetryRuleInput), busy: Type.Optional(RetryRuleInput), machine: Type.Optional(RetryRuleInput), failed: Type.Optional(RetryRuleInput) },
      strict,
    ),
  ),
  maxAttemptsPerLead: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
  dncListIds: Type.Optional(Type.Array(Type.String({ format: 'uuid' }), { maxItems: 100, description: 'DNC lists to attach (must exist)' })),
};

export const CampaignCreateBody = Type.Object(inputFields, strict);

export const CampaignPatchBody = Type.Object(
  { ...inputFields, name: Type.Optional(inputFields.name), dialMode: Type.Optional(inputFields.dialMode), callerId: Type.Optional(inputFields.callerId) },
  { ...strict, minProperties: 1 },
);

export const CampaignSchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  status: Type.Enum([...CAMPAIGN_STATUSES]),
  name: Type.String(),
  dialMode: Type.Enum([...DIAL_MODES]),
  pacingPolicy: Type.Enum([...PACING_POLICIES]),
  pacingRatio: Type.Union([Type.Number(), Type.Null()]),
  maxAbandonRate: Type.Number(),
  abandonRateOverride: Type.Boolean(),
  abandonWindow: Type.Enum([...ABANDON_WINDOWS]),
  abandonTarget: Type.Union([Type.Number(), Type.Null()]),
  amdFalsePositiveRate: Type.Number(),
  amdFalsePositiveSource: Type.Enum([...AMD_FALSE_POSITIVE_SOURCES]),
  callerId: Type.String(),
  callingHours: Type.Object({ start: Type.String(), end: Type.String() }),
  unknownZonePolicy: Type.Enum([...UNKNOWN_ZONE_POLICIES]),
  defaultTimeZone: Type.Union([Type.String(), Type.Null()]),
  ringTimeoutMs: Type.Integer(),
  wrapUpLimitMs: Type.Integer(),
  abandonMessage: Type.Union([Type.String(), Type.Null()]),
  amd: Type.Object({ enabled: Type.Boolean(), machineAction: Type.Enum([...MACHINE_ACTIONS]), voicemailMessage: Type.Optional(Type.String()) }),
  recording: Type.Object({ enabled: Type.Boolean(), retentionDays: Type.Integer(), abandonMessage: Type.Boolean() }),
  retryRules: Type.Object({ noAnswer: RetryRule, busy: RetryRule, machine: RetryRule, failed: RetryRule }),
  maxAttemptsPerLead: Type.Integer(),
  dncListIds: Type.Array(Type.String()),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
});

export const CampaignIdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });

export const CampaignListQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
    offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000_000, default: 0 })),
    status: Type.Optional(Type.Enum([...CAMPAIGN_STATUSES])),
  },
  strict,
);

export const CampaignList = Type.Object({ items: Type.Array(CampaignSchema), total: Type.Integer(), limit: Type.Integer(), offset: Type.Integer() });
