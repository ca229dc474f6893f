import { randomUUID } from 'node:crypto';
import type { Campaign } from '../domain/campaign/campaign.ts';
import { CallSession, type CallRecordPatch } from '../domain/call/call-session.ts';
import { AbandonLedger } from '../domain/compliance/abandon-ledger.ts';
import { nextWindowOpeningMs, type CallingHours } from '../domain/compliance/calling-window.ts';
import { evaluateDial, type DialBlockReason } from '../domain/compliance/dial-gate.ts';
import { createPacingPolicy } from '../domain/pacing/create-pacing-policy.ts';
import type { PacingDecision, PacingPolicy } from '../domain/pacing/pacing-policy.ts';
import { maskPhone, type Logger } from '../domain/ports/logger.ts';
import { NO_RUNTIME_METRICS, type RuntimeMetrics } from '../domain/ports/metrics.ts';
import type { Scheduler } from '../domain/ports/scheduler.ts';
import type { TelephonyPort } from '../domain/ports/telephony-port.ts';
import type { CallAttemptRepository, NewCallAttempt } from '../adapters/db/repositories/call-attempt-repository.ts';
import type { DialDecision, DialDecisionRepository } from '../adapters/db/repositories/dial-decision-repository.ts';
import type { DialGateRepository } from '../adapters/db/repositories/dial-gate-repository.ts';
import type { HopperRepository, LeasedLead } from '../adapters/db/repositories/hopper-repository.ts';
import { AttemptWriteBehind } from './attempt-write-behind.ts';
import { CallCoordinator, type CoordinatorListener } from './call-coordinator.ts';

export interface CampaignRunnerDeps {
  scheduler: Scheduler;
  telephony: TelephonyPort;
  hopper: HopperRepository;
  attempts: CallAttemptRepository;
  decisions: DialDecisionRepository;
  gate: DialGateRepository;
  logger: Logger;
  nodeId: string;
  /** Pacing tick period (the engine decides this often). */
  tickMs?: number;
  /** How long a leased lead stays with this node if it dies. */
  leadLeaseMs?: number;
  maxAttemptsPerNumber?: number;
  listener?: Pick<CoordinatorListener, 'onBridged' | 'onAgentState'>;
  metrics?: RuntimeMetrics;
}

export interface CampaignRunnerStats {
  campaignId: string;
  placing: boolean;
  liveCalls: number;
  callsByPhase: Record<string, number>;
  agentsByState: Record<string, number>;
  lastDecision: PacingDecision | undefined;
  abandonRate: number;
  liveAnswers: number;
  abandoned: number;
  originated: number;
  blocked: number;
}

const DAY_MS = 86_400_000;
/** How often the hopper depth (due leads) is recounted; between counts it is tracked from the leases. */
const HOPPER_REFRESH_MS = 15_000;

/** When a blocked lead may be tried again, or how it is closed. */
function afterBlock(reason: DialBlockReason, zones: readonly string[], hours: CallingHours, nowMs: number): { status: 'scheduled' | 'exhausted'; nextAttemptAtMs: number | null } {
  switch (reason) {
    case 'attempt_limit_lead':
    case 'attempt_limit_number':
      return { status: 'exhausted', nextAttemptAtMs: null };
    case 'outside_calling_hours': {
      // The latest opening among the zones evaluated (all must be open); the gate checks again then.
      const openings = zones.map((z) => nextWindowOpeningMs(z, nowMs, hours) ?? nowMs + DAY_MS);
      return { status: 'scheduled', nextAttemptAtMs: Math.max(nowMs + 60_000, ...openings) };
    }
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

/**
 * Runs one campaign on this node: every tick it asks the pacing engine how many calls to place,
 * leases that many due leads (`SKIP LOCKED`), passes each through the one dial gate (DNC now, callee
 * local time, attempt limits, live duplicates), records the decision in the hash-chained trail, writes
 * the call record and originates. Blocked dials never reach the telephony port.
 */
export class CampaignRunner {
  readonly campaign: Campaign;
  readonly coordinator: CallCoordinator;
  readonly #d: Required<Omit<CampaignRunnerDeps, 'listener'>>;
  readonly #ledger: AbandonLedger;
  readonly #log: Logger;
  readonly #policy: PacingPolicy;
  readonly #writer: AttemptWriteBehind;
  readonly #leadByCall = new Map<string, { leadId: string }>();
  #placing = false;
  #stopped = false;
  #cancelTick: (() => void) | undefined;
  #ticking: Promise<void> | undefined;
  #lastDecision: PacingDecision | undefined;
  #hopperDepth = 0;
  #hopperCheckedAtMs = Number.NEGATIVE_INFINITY;
  #originated = 0;
  #blocked = 0;

  constructor(campaign: Campaign, deps: CampaignRunnerDeps) {
    this.campaign = campaign;
    this.#d = { tickMs: 250, leadLeaseMs: 5 * 60_000, maxAttemptsPerNumber: campaign.maxAttemptsPerLead, metrics: NO_RUNTIME_METRICS, ...deps } as Required<Omit<CampaignRunnerDeps, 'listener'>>;
    this.#log = deps.logger.child({ campaignId: campaign.id });
    this.#ledger = new AbandonLedger({ window: campaign.abandonWindow, maxAbandonRate: campaign.maxAbandonRate });
    const policy = createPacingPolicy({
      name: campaign.dialMode === 'progressive' || campaign.dialMode === 'preview' ? 'progressive' : campaign.pacingPolicy,
      maxAbandonRate: campaign.maxAbandonRate,
      abandonWindow: campaign.abandonWindow,
      ...(campaign.pacingRatio === null ? {} : { ratio: campaign.pacingRatio }),
    });
    this.coordinator = new CallCoordinator({
      scheduler: deps.scheduler,
      telephony: deps.telephony,
      policy,
      ledger: this.#ledger,
      logger: this.#log,
      abandonMessage: campaign.abandonMessage,
      voicemailMessage: campaign.amd.voicemailMessage ?? null,
      wrapUpLimitMs: campaign.wrapUpLimitMs,
      metrics: this.#d.metrics,
      campaignId: campaign.id,
      listener: {
        ...deps.listener,
        onCallEnded: (callId, record) => this.#callEnded(callId, record),
        onCallUpdated: (callId, record) => {
          this.#writer.record(callId, record);
          return Promise.resolve();
        },
      },
    });
    this.#policy = policy;
    this.#writer = new AttemptWriteBehind({
      scheduler: deps.scheduler,
      attempts: deps.attempts,
      gate: deps.gate,
      logger: this.#log,
      retryRules: campaign.retryRules,
      maxAttemptsPerLead: campaign.maxAttemptsPerLead,
    });
  }

  /** Rebuilds the abandon ledger from the records of the legal window, then starts placing calls. */
  async start(): Promise<void> {
    const now = this.#d.scheduler.nowMs();
    const windowMs = this.campaign.abandonWindow === '24h' ? DAY_MS : 30 * DAY_MS;
    for (const h of await this.#d.gate.abandonHistory(this.campaign.id, now - windowMs)) {
      if (h.liveAnswers > 0) this.#ledger.record('live_answer', h.hourMs, h.liveAnswers);
      if (h.abandoned > 0) this.#ledger.record('abandon', h.hourMs, h.abandoned);
    }
    this.#placing = true;
    this.#scheduleTick(now);
  }

  /** Stops placing calls; calls in progress go on. */
  pause(): void {
    this.#placing = false;
  }

  resume(): void {
    if (this.#stopped || this.#placing) return;
    this.#placing = true;
    this.#scheduleTick(this.#d.scheduler.nowMs());
  }

  /** Stops placing and waits for in-flight work; live calls finish unless `hangup` is set. Idempotent. */
  async stop(options: { hangup?: boolean } = {}): Promise<void> {
    this.#placing = false;
    this.#stopped = true;
    this.#cancelTick?.();
    await this.#ticking;
    if (options.hangup === true) await this.coordinator.hangupAll();
    await this.coordinator.whenIdle();
    await this.#writer.flush();
  }

  /** Writes every pending record and lead update now. */
  flush(): Promise<void> {
    return this.#writer.flush();
  }

  /** Waits for every asynchronous step started so far (virtual-clock tests). */
  async whenIdle(): Promise<void> {
    await this.#ticking;
    await this.coordinator.whenIdle();
    await this.#writer.idle();
  }

  stats(): CampaignRunnerStats {
    const now = this.#d.scheduler.nowMs();
    const budget = this.#ledger.snapshot(now);
    return {
      campaignId: this.campaign.id,
      placing: this.#placing,
      liveCalls: this.coordinator.liveCallCount,
      callsByPhase: this.coordinator.callCountsByPhase(),
      agentsByState: this.coordinator.roster.countByState(),
      lastDecision: this.#lastDecision,
      abandonRate: this.#ledger.rate(now),
      liveAnswers: budget.liveAnswers,
      abandoned: budget.abandoned,
      originated: this.#originated,
      blocked: this.#blocked,
    };
  }

  get hopperDepth(): number {
    return this.#hopperDepth;
  }

  /**
   * Ticks at a fixed rate: the next one is due `tickMs` after this one started (at once if this one
   * took longer), so the time spent writing a batch of calls does not slow the pacing cadence.
   */
  #scheduleTick(atMs: number): void {
    if (!this.#placing) return;
    this.#cancelTick = this.#d.scheduler.at(atMs, () => {
      const startedAtMs = this.#d.scheduler.nowMs();
      this.#ticking = this.#tick().catch((err: unknown) => this.#log.error({ err }, 'pacing tick failed; retrying next tick'));
      void this.#ticking.finally(() => this.#scheduleTick(Math.max(this.#d.scheduler.nowMs(), startedAtMs + this.#d.tickMs)));
    });
  }

  async #tick(): Promise<void> {
    if (!this.#placing) return;
    const startedAt = performance.now();
    const { scheduler, telephony, hopper } = this.#d;
    const nowMs = scheduler.nowMs();
    if (nowMs - this.#hopperCheckedAtMs >= HOPPER_REFRESH_MS) {
      this.#hopperDepth = await hopper.dueCount(this.campaign.id, nowMs);
      this.#hopperCheckedAtMs = nowMs;
    }
    const capacity = telephony.capacity();
    const decideStartedAt = performance.now();
    const decision = this.#policy.decide({
      nowMs,
      agents: this.coordinator.roster.pacingSnapshot(),
      calls: this.coordinator.pacingCalls(),
      budget: this.#ledger.snapshot(nowMs),
      leadsAvailable: this.#hopperDepth,
      capacity: Math.min(capacity.freeSessions, capacity.cpsTokens),
    });
    this.#lastDecision = decision;
    const decideMs = performance.now() - decideStartedAt;
    const count = Math.min(decision.callsToPlace, this.#hopperDepth, capacity.freeSessions, capacity.cpsTokens);
    this.#d.metrics.pacingDecision(this.campaign.id, decision.dialLevel, decision.expectedLiveAnswers, count);
    if (count > 0 && telephony.ready()) await this.#place(count, nowMs, decision);
    this.#d.metrics.pacingTick(this.campaign.id, decideMs, performance.now() - startedAt);
  }

  async #place(count: number, nowMs: number, decision: PacingDecision): Promise<void> {
    const { hopper, gate, attempts, decisions, nodeId } = this.#d;
    const c = this.campaign;
    const leads = await hopper.lease({ campaignId: c.id, nodeId, count, nowMs, leaseMs: this.#d.leadLeaseMs, maxAttemptsPerNumber: this.#d.maxAttemptsPerNumber, readyAgentIds: this.coordinator.roster.readyAgentIds() });
    // Fewer due leads than asked for: the hopper is empty until the next refresh.
    this.#hopperDepth = leads.length < count ? 0 : Math.max(0, this.#hopperDepth - leads.length);
    if (leads.length === 0) return;
    const lists = await gate.listsApplyingTo(c.id);
    const hits = await gate.dncHits(leads.map((l) => l.phoneE164), lists.map((l) => l.id));
    const trail: DialDecision[] = [];
    const released: { leadId: string; status: 'scheduled' | 'exhausted'; nextAttemptAtMs: number | null }[] = [];
    const toDial: { lead: LeasedLead; attempt: NewCallAttempt & { id: string } }[] = [];
    const dialingNow = new Set<string>();
    const pacing = { callsToPlace: decision.callsToPlace, dialLevel: decision.dialLevel, reason: decision.reason };
    for (const lead of leads) {
      const dncHits = hits.get(lead.phoneE164) ?? [];
      const verdict = evaluateDial(
        { phoneE164: lead.phoneE164, timezone: lead.timezone, timezoneSource: lead.timezoneSource, timezoneCandidates: lead.timezoneCandidates, leadAttempts: lead.leadAttempts, numberAttempts: lead.numberAttempts },
        {
          nowMs,
          rules: { callingHours: c.callingHours, unknownZonePolicy: c.unknownZonePolicy, defaultTimeZone: c.defaultTimeZone, maxAttemptsPerLead: c.maxAttemptsPerLead, maxAttemptsPerNumber: this.#d.maxAttemptsPerNumber },
          dncHits,
          numberInLiveCall: this.coordinator.isNumberLive(lead.phoneE164) || dialingNow.has(lead.phoneE164),
        },
      );
      const inputs = { dncListsChecked: lists, dncHits, timezone: lead.timezone, timezoneSource: lead.timezoneSource, zonesEvaluated: verdict.zones, localTimes: verdict.localTimes, rule: verdict.rule, callingHours: c.callingHours, leadAttempts: lead.leadAttempts, numberAttempts: lead.numberAttempts, pacing };
      if (!verdict.allowed) {
        this.#blocked++;
        this.#d.metrics.dialBlocked(c.id, verdict.reason);
        trail.push({ campaignId: c.id, decidedAtMs: nowMs, leadId: lead.leadId, phone: lead.phoneE164, attemptId: null, decision: 'blocked', reason: verdict.reason, inputs });
        if (verdict.reason === 'dnc') await gate.flagDnc(lead.leadId, lead.phoneE164);
        released.push({ leadId: lead.leadId, ...afterBlock(verdict.reason, verdict.zones, c.callingHours, nowMs) });
        continue;
      }
      const attempt = {
        id: randomUUID(),
        campaignId: c.id,
        leadId: lead.leadId,
        phone: lead.phoneE164,
        callerId: c.callerId,
        timezone: verdict.zones[0] ?? null,
        localTimeAtDial: verdict.localTimes[0] ?? null,
        dncListsChecked: lists,
        originatedAtMs: nowMs,
        nodeId,
      };
      trail.push({ campaignId: c.id, decidedAtMs: nowMs, leadId: lead.leadId, phone: lead.phoneE164, attemptId: attempt.id, decision: 'placed', reason: null, inputs });
      toDial.push({ lead, attempt });
      dialingNow.add(lead.phoneE164);
    }
    // The decisions are on record before any call reaches the network; blocked leads go back.
    await decisions.append(c.id, trail);
    await hopper.release(nodeId, released);
    await attempts.insertMany(toDial.map((d) => d.attempt));
    await gate.markPlaced(toDial.map((d) => ({ leadId: d.lead.leadId, e164: d.lead.phoneE164 })));
    for (const { lead, attempt } of toDial) await this.#originate(lead, attempt.id, nowMs);
  }

  async #originate(lead: LeasedLead, attemptId: string, nowMs: number): Promise<void> {
    const { telephony, gate, attempts } = this.#d;
    const c = this.campaign;
    const session = new CallSession({ callId: attemptId, amdEnabled: c.amd.enabled, machineAction: c.amd.machineAction, beepTimeoutMs: 30_000 }, nowMs);
    const log = this.#log.child({ callId: attemptId, phone: maskPhone(lead.phoneE164) });
    const sink = this.coordinator.track(attemptId, lead.phoneE164, session, log, lead.callbackAgentId ?? undefined);
    this.#leadByCall.set(attemptId, { leadId: lead.leadId });
    const startedAt = performance.now();
    const result = await telephony.originate(
      { callId: attemptId, campaignId: c.id, to: lead.phoneE164, callerId: c.callerId, ringTimeoutMs: c.ringTimeoutMs, amd: { enabled: c.amd.enabled, detectBeep: c.amd.machineAction === 'voicemail' } },
      sink,
    );
    if (!result.ok) {
      // The port refused before anything reached the network: close the record, give the lead back.
      this.coordinator.untrack(attemptId);
      this.#leadByCall.delete(attemptId);
      log.warn({ reason: result.reason }, 'originate refused');
      await attempts.update(attemptId, { ...session.record, endedAtMs: nowMs, outcome: 'failed' });
      await gate.settleLeads([{ leadId: lead.leadId, status: 'scheduled', nextAttemptAtMs: nowMs + 60_000, lastOutcome: 'failed' }]);
      return;
    }
    this.#originated++;
    this.#d.metrics.callOriginated(c.id, performance.now() - startedAt);
  }

  #callEnded(callId: string, record: CallRecordPatch): Promise<void> {
    const lead = this.#leadByCall.get(callId);
    this.#leadByCall.delete(callId);
    if (lead === undefined) this.#writer.record(callId, record);
    else this.#writer.ended(callId, lead.leadId, record);
    return Promise.resolve();
  }
}
