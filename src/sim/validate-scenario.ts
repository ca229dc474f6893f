import { Type, type TSchema } from 'typebox';
import { Value } from 'typebox/value';
import { PacerError, type FieldIssue } from '../domain/pacer-error.ts';
import {
  eventBranches,
  AgentStepSchema,
  AmdSchema,
  distributionBranches,
  OutcomeMixSchema,
  OutcomeStepSchema,
  PausesSchema,
  ScenarioSchema,
  type Scenario,
} from './scenario.ts';

const DISTRIBUTION_FIELDS = [
  'dialDelaySec',
  'humanAnswerSec',
  'machineAnswerSec',
  'failSec',
  'greetingSec',
  'talkSec',
  'wrapSec',
] as const;

/** Top level with the union-typed fields left open: they are checked branch by branch below. */
const ShallowScenarioSchema = Type.Object(
  {
    ...ScenarioSchema.properties,
    agents: Type.Unknown(),
    outcomes: Type.Unknown(),
    amd: Type.Unknown(),
    pauses: Type.Optional(Type.Unknown()),
    machineHandleSec: Type.Optional(Type.Unknown()),
    events: Type.Optional(Type.Unknown()),
    ...Object.fromEntries(DISTRIBUTION_FIELDS.map((f) => [f, Type.Unknown()])),
  },
  { additionalProperties: false },
);

const ShallowAmdSchema = Type.Object(
  { ...AmdSchema.properties, humanDecisionSec: Type.Unknown(), machineDecisionSec: Type.Unknown() },
  { additionalProperties: false },
);
const ShallowPausesSchema = Type.Object({ ...PausesSchema.properties, durationSec: Type.Unknown() }, { additionalProperties: false });

/** `/amd/humanDecisionSec/value` -> `amd.humanDecisionSec.value`, `/agents/1/count` -> `agents[1].count`. */
function toField(prefix: string, instancePath: string): string {
  let out = prefix;
  for (const part of instancePath.split('/').slice(1)) {
    const key = part.replace(/~1/g, '/').replace(/~0/g, '~');
    if (/^\d+$/.test(key)) out += `[${key}]`;
    else out += out === '' ? key : `.${key}`;
  }
  return out;
}

function join(prefix: string, key: string): string {
  return prefix === '' ? key : `${prefix}.${key}`;
}

function check(schema: TSchema, value: unknown, prefix: string, issues: FieldIssue[]): boolean {
  if (Value.Check(schema, value)) return true;
  const seen = new Set<string>();
  for (const e of Value.Errors(schema, value)) {
    let field = toField(prefix, e.instancePath);
    let reason: string;
    if (e.keyword === 'additionalProperties') continue; // reported per property by the `boolean` error
    if (e.keyword === 'boolean') reason = 'unknown field';
    else if (e.keyword === 'required') {
      const missing = (e.params as { requiredProperties?: string[] }).requiredProperties ?? [];
      for (const m of missing) {
        const f = join(field, m);
        if (!seen.has(f)) {
          seen.add(f);
          issues.push({ field: f, reason: 'is required' });
        }
      }
      continue;
    } else reason = e.message;
    if (field === '') field = prefix === '' ? '(root)' : prefix;
    const key = `${field}\u0000${reason}`;
    if (seen.has(key)) continue;
    seen.add(key);
    issues.push({ field, reason });
  }
  return false;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function checkDistribution(value: unknown, field: string, issues: FieldIssue[]): void {
  if (!isRecord(value)) {
    issues.push({ field, reason: 'must be a distribution object like { "dist": "constant", "value": 2 }' });
    return;
  }
  const dist = value['dist'];
  if (dist !== 'constant' && dist !== 'uniform' && dist !== 'exponential' && dist !== 'lognormal') {
    issues.push({ field: join(field, 'dist'), reason: 'must be one of "constant", "uniform", "exponential", "lognormal"' });
    return;
  }
  if (!check(distributionBranches[dist], value, field, issues)) return;
  if (dist === 'uniform' && typeof value['min'] === 'number' && typeof value['max'] === 'number' && value['min'] > value['max']) {
    issues.push({ field: join(field, 'max'), reason: 'must be >= min' });
  }
}

const MIX_KEYS = ['human', 'machine', 'failed', 'noAnswer'] as const;

function checkMixSum(mix: Record<string, unknown>, field: string, issues: FieldIssue[]): void {
  let sum = 0;
  for (const k of MIX_KEYS) sum += typeof mix[k] === 'number' ? mix[k] : 0;
  if (Math.abs(sum - 1) > 1e-6) {
    issues.push({ field, reason: `human + machine + failed + noAnswer must sum to 1 (got ${Number(sum.toFixed(6))})` });
  }
}

function checkSchedule(steps: readonly unknown[], field: string, shiftSec: number | undefined, issues: FieldIssue[]): void {
  let prev = -1;
  steps.forEach((step, i) => {
    if (!isRecord(step) || typeof step['atSec'] !== 'number') return;
    const at = step['atSec'];
    const f = `${field}[${i}].atSec`;
    if (i === 0 && at !== 0) issues.push({ field: f, reason: 'the first step must start at 0 (the start of the shift)' });
    else if (i > 0 && at <= prev) issues.push({ field: f, reason: 'steps must be in strictly increasing atSec order' });
    if (shiftSec !== undefined && at >= shiftSec) issues.push({ field: f, reason: `must be inside the shift (< ${shiftSec} s)` });
    prev = at;
  });
}

/**
 * Checks a parsed scenario and returns it typed, or throws `PacerError('SCENARIO_INVALID')` whose
 * `issues` name every bad field (`amd.falsePositive`, `outcomes[1].human`, `talkSec.dist`...).
 *
 * @example
 * ```ts
 * const scenario = validateScenario(JSON.parse(text), 'my-scenario.json');
 * ```
 */
/** Each event against its own shape (by `type`), then inside the shift and the run. */
function checkEvents(events: unknown, shiftSec: number | undefined, days: number | undefined, issues: FieldIssue[]): void {
  if (!Array.isArray(events)) {
    issues.push({ field: 'events', reason: 'must be an array of events' });
    return;
  }
  if (events.length > 1000) issues.push({ field: 'events', reason: 'must have at most 1000 events' });
  events.forEach((event: unknown, i) => {
    const field = `events[${i}]`;
    if (!isRecord(event)) return void issues.push({ field, reason: 'must be an event object like { "type": "outage", "atSec": 3600, "durationSec": 30 }' });
    const type = event['type'];
    if (type !== 'outage' && type !== 'pause' && type !== 'mass_login' && type !== 'restart') {
      return void issues.push({ field: `${field}.type`, reason: 'must be one of "outage", "pause", "mass_login", "restart"' });
    }
    if (!check(eventBranches[type], event, field, issues)) return;
    const at = Number(event['atSec']);
    if (type !== 'restart' && shiftSec !== undefined && at >= shiftSec) issues.push({ field: `${field}.atSec`, reason: `must be inside the shift (< ${shiftSec} s)` });
    const duration = event['durationSec'];
    if (shiftSec !== undefined && typeof duration === 'number' && at + duration > shiftSec) {
      issues.push({ field: `${field}.durationSec`, reason: `must end inside the shift (atSec + durationSec <= ${shiftSec} s)` });
    }
    const day = event['day'];
    if (days !== undefined && typeof day === 'number' && day >= days) issues.push({ field: `${field}.day`, reason: `must be < days (${days})` });
  });
}

export function validateScenario(input: unknown, source = 'scenario'): Scenario {
  const issues: FieldIssue[] = [];
  if (!isRecord(input)) {
    throw new PacerError('SCENARIO_INVALID', `${source}: a scenario must be a JSON object`, {
      issues: [{ field: '(root)', reason: 'must be a JSON object' }],
    });
  }
  check(ShallowScenarioSchema, input, '', issues);
  const shiftSec = typeof input['shiftHours'] === 'number' && input['shiftHours'] > 0 ? input['shiftHours'] * 3600 : undefined;

  for (const f of DISTRIBUTION_FIELDS) if (f in input) checkDistribution(input[f], f, issues);
  if (input['machineHandleSec'] !== undefined) checkDistribution(input['machineHandleSec'], 'machineHandleSec', issues);

  const amd = input['amd'];
  if ('amd' in input) {
    check(ShallowAmdSchema, amd, 'amd', issues);
    if (isRecord(amd)) {
      if ('humanDecisionSec' in amd) checkDistribution(amd['humanDecisionSec'], 'amd.humanDecisionSec', issues);
      if ('machineDecisionSec' in amd) checkDistribution(amd['machineDecisionSec'], 'amd.machineDecisionSec', issues);
    }
  }
  const pauses = input['pauses'];
  if (pauses !== undefined) {
    check(ShallowPausesSchema, pauses, 'pauses', issues);
    if (isRecord(pauses) && 'durationSec' in pauses) checkDistribution(pauses['durationSec'], 'pauses.durationSec', issues);
  }

  const agents = input['agents'];
  if (Array.isArray(agents)) {
    if (check(Type.Array(AgentStepSchema, { minItems: 1, maxItems: 1000 }), agents, 'agents', issues)) {
      checkSchedule(agents, 'agents', shiftSec, issues);
    }
  } else if ('agents' in input) {
    check(ScenarioSchema.properties.agents.anyOf[0], agents, 'agents', issues);
  }

  const campaign = input['campaign'];
  if (isRecord(campaign) && typeof campaign['abandonTarget'] === 'number' && typeof input['maxAbandonRate'] === 'number' && campaign['abandonTarget'] > input['maxAbandonRate']) {
    issues.push({ field: 'campaign.abandonTarget', reason: `must not exceed maxAbandonRate (${input['maxAbandonRate']})` });
  }
  if (input['events'] !== undefined) checkEvents(input['events'], shiftSec, typeof input['days'] === 'number' ? input['days'] : undefined, issues);

  const outcomes = input['outcomes'];
  if (Array.isArray(outcomes)) {
    if (check(Type.Array(OutcomeStepSchema, { minItems: 1, maxItems: 1000 }), outcomes, 'outcomes', issues)) {
      checkSchedule(outcomes, 'outcomes', shiftSec, issues);
      outcomes.forEach((step, i) => {
        if (isRecord(step)) checkMixSum(step, `outcomes[${i}]`, issues);
      });
    }
  } else if ('outcomes' in input) {
    if (check(OutcomeMixSchema, outcomes, 'outcomes', issues) && isRecord(outcomes)) checkMixSum(outcomes, 'outcomes', issues);
  }

  if (issues.length > 0) {
    const summary = issues
      .slice(0, 5)
      .map((i) => `${i.field}: ${i.reason}`)
      .join('; ');
    throw new PacerError('SCENARIO_INVALID', `${source}: invalid scenario: ${summary}${issues.length > 5 ? `; and ${issues.length - 5} more` : ''}`, {
      issues,
    });
  }
  if (!Value.Check(ScenarioSchema, input)) {
    // Every branch was checked above; this guards against the two validators drifting apart.
    throw new PacerError('SCENARIO_INVALID', `${source}: invalid scenario`, { issues: [{ field: '(root)', reason: 'does not match the scenario schema' }] });
  }
  return input;
}
