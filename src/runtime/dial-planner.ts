import { randomUUID } from 'node:crypto';
import type { Campaign } from '../domain/campaign/campaign.ts';
import { isInsideCallingHours, nextWindowOpeningMs, type CallingHours } from '../domain/compliance/calling-window.ts';
import { evaluateDial, type DialBlockReason } from '../domain/compliance/dial-gate.ts';
import type { PacingDecision } from '../domain/pacing/pacing-policy.ts';
import type { DncListVersion } from './ports/dnc-store.ts';
import type { DialDecision } from './ports/dial-decision.ts';
import type { LeasedLead } from './ports/hopper-store.ts';
import type { DialBatch, NotDialed, NotDialedReason, ReleasedLead } from './ports/dial-store.ts';

const DAY_MS = 86_400_000;

/** A dial of a committed batch: what the re-check needs about it. */
export interface PlannedDial {
  lead: LeasedLead;
  attemptId: string;
  /** The zones the gate evaluated for the dialed number (all must stay open). */
  zones: readonly string[];
}

export interface PlanContext {
  campaign: Campaign;
  nodeId: string;
  nowMs: number;
  maxAttemptsPerNumber: number;
  lists: readonly DncListVersion[];
  dncHits: ReadonlyMap<string, readonly string[]>;
  decision: PacingDecision;
  /** Numbers this node's calls of the campaign are on. */
  liveHere: (e164: string) => boolean;
}

/** When a blocked lead may be tried again, or how it is closed. */
export function afterBlock(reason: DialBlockReason, zones: readonly string[], hours: CallingHours, nowMs: number): Omit<ReleasedLead, 'leadId'> {
  switch (reason) {
    case 'attempt_limit_lead':
    case 'attempt_limit_number':
      return { status: 'exhausted', nextAttemptAtMs: null };
    case 'outside_calling_hours':
      return { status: 'scheduled', nextAttemptAtMs: nextOpeningMs(zones, hours, nowMs) };
    case 'unknown_time_zone':
      // Callable only if the campaign's zone policy changes: look again in six hours.
      return { status: 'scheduled', nextAttemptAtMs: nowMs + 6 * 3_600_000 };
    case 'number_in_live_call':
      return { status: 'scheduled', nextAttemptAtMs: nowMs + 5 * 60_000 };
    case 'dnc':
      // The number is flagged; another number of the lead may still be dialed.
      return { status: 'scheduled', nextAttemptAtMs: nowMs };
  }
}

/** The latest opening among the zones (all must be open), at least a minute from now. */
function nextOpeningMs(zones: readonly string[], hours: CallingHours, nowMs: number): number {
  const openings = zones.map((z) => nextWindowOpeningMs(z, nowMs, hours) ?? nowMs + DAY_MS);
  return Math.max(nowMs + 60_000, ...openings);
}

/**
 * Builds one dial batch from leased leads: every lead through the one dial gate, with the numbers
 * found in a live call anywhere (`liveNumbers`, from the dial transaction) and on this node. Pure but
 * for the attempt ids.
 */
export function planBatch(leads: readonly LeasedLead[], ctx: PlanContext, liveNumbers: ReadonlySet<string>): { batch: DialBatch; dials: PlannedDial[] } {
  const c = ctx.campaign;
  const { nowMs } = ctx;
  const batch: DialBatch = { trail: [], released: [], attempts: [], dncFlags: [] };
  const dials: PlannedDial[] = [];
  const dialingNow = new Set<string>();
  const pacing = { callsToPlace: ctx.decision.callsToPlace, dialLevel: ctx.decision.dialLevel, reason: ctx.decision.reason };
  for (const lead of leads) {
    const dncHits = ctx.dncHits.get(lead.phoneE164) ?? [];
    const verdict = evaluateDial(
      { phoneE164: lead.phoneE164, timezone: lead.timezone, timezoneSource: lead.timezoneSource, timezoneCandidates: lead.timezoneCandidates, leadAttempts: lead.leadAttempts, numberAttempts: lead.numberAttempts },
      {
        nowMs,
        rules: { callingHours: c.callingHours, unknownZonePolicy: c.unknownZonePolicy, defaultTimeZone: c.defaultTimeZone, maxAttemptsPerLead: c.maxAttemptsPerLead, maxAttemptsPerNumber: ctx.maxAttemptsPerNumber },
        dncHits,
        numberInLiveCall: liveNumbers.has(lead.phoneE164) || ctx.liveHere(lead.phoneE164) || dialingNow.has(lead.phoneE164),
      },
    );
    const inputs = {
      settingsVersion: c.settingsVersion,
      dncListsChecked: ctx.lists, dncHits, timezone: lead.timezone, timezoneSource: lead.timezoneSource, phonePosition: lead.phonePosition,
      zonesEvaluated: verdict.zones, localTimes: verdict.localTimes, rule: verdict.rule, callingHours: c.callingHours,
      leadAttempts: lead.leadAttempts, numberAttempts: lead.numberAttempts, pacing,
    };
    if (!verdict.allowed) {
      batch.trail.push({ campaignId: c.id, decidedAtMs: nowMs, leadId: lead.leadId, phone: lead.phoneE164, attemptId: null, decision: 'blocked', reason: verdict.reason, inputs });
      if (verdict.reason === 'dnc') batch.dncFlags.push({ leadId: lead.leadId, e164: lead.phoneE164 });
      batch.released.push({ leadId: lead.leadId, ...afterBlock(verdict.reason, verdict.zones, c.callingHours, nowMs) });
      continue;
    }
    const attemptId = randomUUID();
    batch.attempts.push({
      id: attemptId,
      campaignId: c.id,
      leadId: lead.leadId,
      phone: lead.phoneE164,
      callerId: c.callerId,
      timezone: verdict.zones[0] ?? null,
      localTimeAtDial: verdict.localTimes[0] ?? null,
      dncListsChecked: ctx.lists,
      nodeId: ctx.nodeId,
    });
    batch.trail.push({ campaignId: c.id, decidedAtMs: nowMs, leadId: lead.leadId, phone: lead.phoneE164, attemptId, decision: 'placed', reason: null, inputs });
    dials.push({ lead, attemptId, zones: verdict.zones });
    dialingNow.add(lead.phoneE164);
  }
  return { batch, dials };
}

export interface RecheckContext {
  campaign: Campaign;
  nowMs: number;
  /** Still placing, and no pause or stop since the batch was planned. */
  placing: boolean;
  /** The campaign lease is held, by the local deadline. */
  leaseHeld: boolean;
  /** A dial is stopped when its window closes within this margin. */
  windowMarginMs: number;
  /** Numbers found on a DNC list committed after the batch's DNC read. */
  newDnc: ReadonlyMap<string, readonly string[]>;
}

/**
 * The re-check just before originate, on the campaign's actor: what changed since the batch was
 * planned stops the dial. Returns the dials to originate and the ones stopped, with their reasons.
 */
export function recheck(dials: readonly PlannedDial[], ctx: RecheckContext): { go: PlannedDial[]; stopped: NotDialed[] } {
  const go: PlannedDial[] = [];
  const stopped: NotDialed[] = [];
  const c = ctx.campaign;
  for (const d of dials) {
    const reason = recheckReason(d, ctx);
    if (reason === undefined) {
      go.push(d);
      continue;
    }
    stopped.push(notDialed(d, reason, c, ctx.nowMs, { newDncLists: ctx.newDnc.get(d.lead.phoneE164) ?? [] }));
  }
  return { go, stopped };
}

function recheckReason(d: PlannedDial, ctx: RecheckContext): NotDialedReason | undefined {
  if (!ctx.placing) return 'campaign_paused';
  if (!ctx.leaseHeld) return 'lease_not_held';
  if ((ctx.newDnc.get(d.lead.phoneE164)?.length ?? 0) > 0) return 'dnc';
  const hours = ctx.campaign.callingHours;
  const open = d.zones.every((z) => isInsideCallingHours(z, ctx.nowMs, hours) && isInsideCallingHours(z, ctx.nowMs + ctx.windowMarginMs, hours));
  return open ? undefined : 'outside_calling_hours';
}

/** A recorded dial that does not go out: its `blocked` decision, and when its lead is due again. */
export function notDialed(d: PlannedDial, reason: NotDialedReason, c: Campaign, nowMs: number, extra: Record<string, unknown> = {}): NotDialed {
  const nextAttemptAtMs = reason === 'outside_calling_hours' ? nextOpeningMs(d.zones, c.callingHours, nowMs) : reason === 'telephony_refused' || reason === 'originate_error' ? nowMs + 60_000 : nowMs;
  const decision: DialDecision = {
    campaignId: c.id, decidedAtMs: nowMs, leadId: d.lead.leadId, phone: d.lead.phoneE164, attemptId: d.attemptId, decision: 'blocked', reason: `not_dialed:${reason}`,
    inputs: { settingsVersion: c.settingsVersion, stage: 'recheck', zonesEvaluated: d.zones, callingHours: c.callingHours, ...extra },
  };
  return { attemptId: d.attemptId, leadId: d.lead.leadId, e164: d.lead.phoneE164, reason, nextAttemptAtMs, endedAtMs: nowMs, decision };
}
