import { Type, type Static } from 'typebox';

/**
 * The scenario file format of the call simulator, defined once in TypeBox: the TypeScript type,
 * the validator (`validateScenario`) and `schemas/scenario.schema.json` all come from here.
 * Documented field by field in docs/simulator.md.
 *
 * @example
 * ```ts
 * import { ScenarioSchema } from './scenario.ts';
 * const jsonSchema = JSON.stringify(ScenarioSchema, null, 2);
 * ```
 */

const seconds = (description: string) => Type.Number({ minimum: 0, description });

export const ConstantDistributionSchema = Type.Object(
  { dist: Type.Literal('constant'), value: seconds('the value, seconds') },
  { additionalProperties: false },
);
export const UniformDistributionSchema = Type.Object(
  { dist: Type.Literal('uniform'), min: seconds('lower bound, seconds'), max: seconds('upper bound, seconds') },
  { additionalProperties: false },
);
export const ExponentialDistributionSchema = Type.Object(
  { dist: Type.Literal('exponential'), mean: Type.Number({ exclusiveMinimum: 0, description: 'mean, seconds' }) },
  { additionalProperties: false },
);
export const LognormalDistributionSchema = Type.Object(
  {
    dist: Type.Literal('lognormal'),
    mean: Type.Number({ exclusiveMinimum: 0, description: 'mean, seconds' }),
    cv: Type.Number({ minimum: 0, description: 'coefficient of variation (standard deviation / mean)' }),
  },
  { additionalProperties: false },
);

/** The four distribution shapes, keyed by their `dist` value. */
export const distributionBranches = {
  constant: ConstantDistributionSchema,
  uniform: UniformDistributionSchema,
  exponential: ExponentialDistributionSchema,
  lognormal: LognormalDistributionSchema,
} as const;

export const DistributionSchema = Type.Union(
  [ConstantDistributionSchema, UniformDistributionSchema, ExponentialDistributionSchema, LognormalDistributionSchema],
  { description: 'A duration in seconds drawn from a distribution.' },
);

const probability = (description: string) => Type.Number({ minimum: 0, maximum: 1, description });

export const OutcomeMixSchema = Type.Object(
  {
    human: probability('a live person answers'),
    machine: probability('an answering machine / voicemail answers'),
    failed: probability('busy, invalid number, congestion'),
    noAnswer: probability('rings until the ring timeout'),
  },
  { additionalProperties: false },
);

export const OutcomeStepSchema = Type.Object(
  {
    atSec: seconds('from the start of each day\'s shift'),
    human: probability('a live person answers'),
    machine: probability('an answering machine answers'),
    failed: probability('busy, invalid, congestion'),
    noAnswer: probability('rings until the ring timeout'),
  },
  { additionalProperties: false },
);

export const AgentStepSchema = Type.Object(
  {
    atSec: seconds('from the start of each day\'s shift'),
    count: Type.Integer({ minimum: 0, maximum: 100_000, description: 'agents logged in from atSec on' }),
  },
  { additionalProperties: false },
);

export const AmdSchema = Type.Object(
  {
    enabled: Type.Boolean({ description: 'answering-machine detection on' }),
    humanDecisionSec: DistributionSchema,
    machineDecisionSec: DistributionSchema,
    falsePositive: Type.Number({ minimum: 0, exclusiveMaximum: 1, description: 'share of live people classified machine (hung up on)' }),
    falseNegative: Type.Number({ minimum: 0, maximum: 1, description: 'share of machines classified human (passed to agents)' }),
  },
  { additionalProperties: false },
);

export const PausesSchema = Type.Object(
  {
    perAgentPerHour: Type.Number({ minimum: 0, maximum: 60, description: 'pauses each agent takes per logged-in hour (Poisson)' }),
    durationSec: DistributionSchema,
  },
  { additionalProperties: false },
);

const eventDay = Type.Optional(Type.Integer({ minimum: 0, maximum: 399, description: 'the day it happens on (0 = the first); every day when absent' }));
const eventAt = seconds('when it starts, from the start of the day\'s shift');

export const OutageEventSchema = Type.Object(
  {
    type: Type.Literal('outage'),
    atSec: eventAt,
    durationSec: Type.Number({ exclusiveMinimum: 0, maximum: 86_400, description: 'how long no call can be placed (calls in progress finish)' }),
    day: eventDay,
  },
  { additionalProperties: false, description: 'the dialer cannot place calls (database or telephony outage); calls in progress finish' },
);
export const PauseEventSchema = Type.Object(
  {
    type: Type.Literal('pause'),
    atSec: eventAt,
    durationSec: Type.Number({ exclusiveMinimum: 0, maximum: 86_400, description: 'how long the campaign stays paused' }),
    day: eventDay,
  },
  { additionalProperties: false, description: 'the campaign is paused, then resumed; agents stay logged in, calls in progress finish' },
);
export const MassLoginEventSchema = Type.Object(
  {
    type: Type.Literal('mass_login'),
    atSec: eventAt,
    count: Type.Integer({ minimum: 1, maximum: 100_000, description: 'agents who log in (ready) at once, on top of the schedule, until the end of the shift' }),
    day: eventDay,
  },
  { additionalProperties: false, description: 'many agents become ready at once' },
);
export const RestartEventSchema = Type.Object(
  {
    type: Type.Literal('restart'),
    atSec: Type.Number({ minimum: 0, exclusiveMaximum: 86_400, description: "when the dialer restarts, from the start of the day's shift (may be after the shift: a nightly restart)" }),
    day: eventDay,
    historyBucketSec: Type.Optional(Type.Union([Type.Literal(60), Type.Literal(3600)], {
      description: 'width of the history buckets the ledger is restored from: 60 (what the runtime restores, default); 3600 reproduces the hourly restore of before issue 13',
    })),
  },
  { additionalProperties: false, description: 'the dialer restarts: a new pacing policy, and the abandon ledger rebuilt from the call history through the runtime\'s restore function' },
);
export const ScenarioEventSchema = Type.Union([OutageEventSchema, PauseEventSchema, MassLoginEventSchema, RestartEventSchema], {
  description: 'something that happens during a day: outage, pause (and resume), mass login, restart',
});

/** The event shapes, keyed by their `type` value. */
export const eventBranches = { outage: OutageEventSchema, pause: PauseEventSchema, mass_login: MassLoginEventSchema, restart: RestartEventSchema } as const;

export const CampaignSettingsSchema = Type.Object(
  {
    amdFalsePositiveRate: Type.Optional(Type.Number({ minimum: 0, exclusiveMaximum: 1, description: "the campaign's configured AMD false-positive estimate, counted by the ledger in 24 h mode (default: the true amd.falsePositive, an estimate that is right)" })),
    abandonTarget: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 1, description: 'planning target at or below maxAbandonRate (default: the cap)' })),
  },
  { additionalProperties: false, description: "the campaign's own settings, where they may differ from the scenario's truth" },
);

export const ScenarioSchema = Type.Object(
  {
    $schema: Type.Optional(Type.String()),
    name: Type.String({ minLength: 1, maxLength: 200, description: 'scenario name, shown in results' }),
    description: Type.Optional(Type.String({ maxLength: 4000, description: 'free text' })),
    agents: Type.Union(
      [Type.Integer({ minimum: 0, maximum: 100_000 }), Type.Array(AgentStepSchema, { minItems: 1, maxItems: 1000 })],
      { description: 'agents logged in during the shift: a number, or a daily schedule starting at atSec 0' },
    ),
    days: Type.Integer({ minimum: 1, maximum: 400, description: 'simulated days (each 24 h, with one shift at its start)' }),
    shiftHours: Type.Number({ exclusiveMinimum: 0, maximum: 24, description: 'length of the daily shift' }),
    outcomes: Type.Union([OutcomeMixSchema, Type.Array(OutcomeStepSchema, { minItems: 1, maxItems: 1000 })], {
      description: 'what a dial leads to: probabilities summing to 1, or a daily schedule of them',
    }),
    dialDelaySec: DistributionSchema,
    humanAnswerSec: DistributionSchema,
    machineAnswerSec: DistributionSchema,
    failSec: DistributionSchema,
    noAnswerTimeoutSec: Type.Number({ exclusiveMinimum: 0, maximum: 600, description: 'ring timeout, counted after the dial delay' }),
    greetingSec: DistributionSchema,
    amd: AmdSchema,
    talkSec: DistributionSchema,
    wrapSec: DistributionSchema,
    maxAbandonRate: Type.Number({ minimum: 0, maximum: 1, description: 'legal cap on abandoned / live answers, e.g. 0.03' }),
    abandonWindow: Type.Union([Type.Literal('30d'), Type.Literal('24h')], { description: "legal window: '30d' (US) or '24h' (UK, AMD false positives estimated)" }),
    leads: Type.Integer({ minimum: 0, description: 'dialable leads in the pool (each dial uses one)' }),
    pauses: Type.Optional(PausesSchema),
    machineHandleSec: Type.Optional(DistributionSchema),
    abandonAfterSec: Type.Optional(Type.Number({ minimum: 0, maximum: 60, description: 'seconds after the greeting before an unconnected live call is abandoned (default 2)' })),
    maxLines: Type.Optional(Type.Integer({ minimum: 1, description: 'telephony sessions available (default unlimited)' })),
    events: Type.Optional(Type.Array(ScenarioEventSchema, { maxItems: 1000, description: 'outages, pauses, mass logins and restarts' })),
    campaign: Type.Optional(CampaignSettingsSchema),
  },
  { additionalProperties: false, $id: 'https://pacer.dev/schemas/scenario.schema.json', title: 'Pacer simulator scenario' },
);

export type Scenario = Static<typeof ScenarioSchema>;
export type OutcomeMix = Static<typeof OutcomeMixSchema>;
export type AgentStep = Static<typeof AgentStepSchema>;
export type OutcomeStep = Static<typeof OutcomeStepSchema>;
export type ScenarioEvent = Static<typeof ScenarioEventSchema>;
export type ScenarioCampaignSettings = Static<typeof CampaignSettingsSchema>;
