import type { Campaign } from '../domain/campaign/campaign.ts';
import { CallSession, type CallRecordPatch } from '../domain/call/call-session.ts';
import type { AbandonLedger } from '../domain/compliance/abandon-ledger.ts';
import { campaignLedgerKey, createCampaignLedger, restoreAbandonLedger } from '../domain/compliance/campaign-ledger.ts';
import { createPacingPolicy } from '../domain/pacing/create-pacing-policy.ts';
import type { PacingDecision, PacingPolicy } from '../domain/pacing/pacing-policy.ts';
import type { CampaignLiveStats } from '../domain/ports/campaign-live-stats.ts';
import { maskPhone, type Logger } from '../domain/ports/logger.ts';
import { NO_RUNTIME_METRICS, type RuntimeMetrics } from '../domain/ports/metrics.ts';
import type { Scheduler } from '../domain/ports/scheduler.ts';
import type { TelephonyPort } from '../domain/ports/telephony-port.ts';
import { AttemptWriteBehind } from './attempt-write-behind.ts';
import { CallCoordinator, type CallCoordinatorOptions, type CoordinatorListener } from './call-coordinator.ts';
import { notDialed, planBatch, recheck, type PlannedDial } from './dial-planner.ts';
import { Mailbox } from './mailbox.ts';
import type { NotDialed } from './ports/dial-store.ts';
import type { CampaignStores } from './ports/runtime-stores.ts';

/** What a campaign's actor needs: its stores (hopper, DNC, leads, records, the dial batch), telephony, time. */
export interface CampaignRunnerDeps extends CampaignStores {
  scheduler: Scheduler;
  telephony: TelephonyPort;
  logger: Logger;
  nodeId: string;
  /** Pacing tick period (the engine decides this often). */
  tickMs?: number;
  /** How long a leased lead stays with this node if it dies. */
  leadLeaseMs?: number;
  maxAttemptsPerNumber?: number;
  /** A dial is not originated when the callee's window closes within this margin. */
  windowMarginMs?: number;
  /** Whether this node holds the campaign's lease by its local deadline (no proof, no dial). */
  leaseHeld?: () => boolean;
  listener?: Pick<CoordinatorListener, 'onBridged' | 'onAgentState'>;
  metrics?: RuntimeMetrics;
}

/** A running campaign's live figures (the port type, `src/domain/ports/campaign-live-stats.ts`). */
export type CampaignRunnerStats = CampaignLiveStats;

/** How often the hopper depth (due leads) is recounted; between counts it is tracked from the leases. */
const HOPPER_REFRESH_MS = 15_000;

type RunnerOptions = Required<Omit<CampaignRunnerDeps, 'listener'>>;

function policyFor(c: Campaign): PacingPolicy {
  return createPacingPolicy({
    name: c.dialMode === 'progressive' || c.dialMode === 'preview' ? 'progressive' : c.pacingPolicy,
    maxAbandonRate: c.maxAbandonRate,
    abandonWindow: c.abandonWindow,
    ...(c.pacingRatio === null ? {} : { ratio: c.pacingRatio }),
  });
}

const pacingKey = (c: Campaign): string => JSON.stringify([c.dialMode, c.pacingPolicy, c.pacingRatio, c.maxAbandonRate, c.abandonWindow, campaignLedgerKey(c)]);

/**
 * The single writer of one running campaign on this node (ADR 0007): one mailbox runs its pacing
 * ticks, settings changes and pause/stop one after the other, and owns its calls and agents (through
 * the {@link CallCoordinator}). A tick asks the pacing engine how many calls to place, leases due
 * leads (`SKIP LOCKED`), passes each through the one dial gate, commits decisions, records and lead
 * marks in one transaction, then re-checks every dial just before originate (still placing, lease
 * held, window open with a margin, no DNC entry committed since the batch's read). A stopped dial is
 * recorded as `not_dialed` with its reason; blocked dials never reach the telephony port.
 */
export class CampaignRunner {
  readonly coordinator: CallCoordinator;
  readonly #d: RunnerOptions;
  readonly #coordinatorOptions: CallCoordinatorOptions;
  readonly #log: Logger;
  readonly #writer: AttemptWriteBehind;
  readonly #mailbox = new Mailbox();
  readonly #leadByCall = new Map<string, { leadId: string }>();
  #campaign: Campaign;
  #pendingSettings: Campaign | undefined;
  #ledger: AbandonLedger;
  #policy: PacingPolicy;
  #placing = false;
  #stopped = false;
  /** Bumped by every pause, resume and stop: a tick or dial of an older generation does not place. */
  #generation = 0;
  #cancelTick: (() => void) | undefined;
  #lastDecision: PacingDecision | undefined;
  #hopperDepth = 0;
  #hopperCheckedAtMs = Number.NEGATIVE_INFINITY;
  #originated = 0;
  #blocked = 0;
  /** Stopped dials whose write failed (database unreachable): written again before the next batch. */
  #notDialedBacklog: NotDialed[] = [];

  constructor(campaign: Campaign, deps: CampaignRunnerDeps) {
    this.#campaign = campaign;
    this.#d = {
      tickMs: 250, leadLeaseMs: 5 * 60_000, maxAttemptsPerNumber: campaign.maxAttemptsPerLead, metrics: NO_RUNTIME_METRICS,
      windowMarginMs: 60_000, leaseHeld: () => true, ...deps,
    } as RunnerOptions;
    this.#log = deps.logger.child({ campaignId: campaign.id });
    this.#ledger = createCampaignLedger(campaign);
    this.#policy = policyFor(campaign);
    this.#coordinatorOptions = {
      scheduler: deps.scheduler,
      telephony: deps.telephony,
      policy: this.#policy,
      ledger: this.#ledger,
      logger: this.#log,
      abandonMessage: campaign.abandonMessage,
      voicemailMessage: campaign.amd.voicemailMessage ?? null,
      wrapUpLimitMs: campaign.wrapUpLimitMs,
      metrics: this.#d.metrics,
      campaignId: campaign.id,
      recording: campaign.recording,
      listener: {
        ...deps.listener,
        onCallEnded: (callId, record) => this.#callEnded(callId, record),
        onCallUpdated: (callId, record) => {
          this.#writer.record(callId, record);
          return Promise.resolve();
        },
      },
    };
    this.coordinator = new CallCoordinator(this.#coordinatorOptions);
    this.#writer = new AttemptWriteBehind({
      scheduler: deps.scheduler,
      attempts: deps.attempts,
      leads: deps.leads,
      logger: this.#log,
      retryRules: campaign.retryRules,
      maxAttemptsPerLead: campaign.maxAttemptsPerLead,
    });
  }

  /** The settings the campaign runs with now. */
  get campaign(): Campaign {
    return this.#campaign;
  }

  /** Rebuilds the abandon ledger from the records of the legal window, then starts placing calls. */
  async start(): Promise<void> {
    await this.#rebuildLedger(this.#ledger, this.#campaign);
    this.#placing = true;
    this.#generation++;
    this.#scheduleTick(this.#d.scheduler.nowMs());
  }

  /**
   * Stops placing calls at once (a dial not yet originated is stopped by its re-check); resolves when
   * the tick in progress, if any, is over, so no call of this campaign is originated afterwards.
   * Calls in progress go on.
   */
  pause(): Promise<void> {
    this.#placing = false;
    this.#generation++;
    this.#cancelTick?.();
    this.#cancelTick = undefined;
    return this.#mailbox.idle();
  }

  resume(): void {
    if (this.#stopped || this.#placing) return;
    this.#placing = true;
    this.#generation++;
    this.#scheduleTick(this.#d.scheduler.nowMs());
  }

  /** New settings (calling hours, caps, attempt limits, AMD, caller ID, ...): in force from the next tick. */
  applySettings(campaign: Campaign): void {
    if (campaign.id !== this.#campaign.id) throw new RangeError(`settings of campaign ${campaign.id} sent to ${this.#campaign.id}`);
    this.#pendingSettings = campaign;
  }

  /** Stops placing and waits for in-flight work; live calls finish unless `hangup` is set. Idempotent. */
  async stop(options: { hangup?: boolean } = {}): Promise<void> {
    this.#stopped = true;
    await this.pause();
    if (options.hangup === true) await this.coordinator.hangupAll();
    await this.coordinator.whenIdle();
    await this.#writeNotDialed([]).catch((err: unknown) => this.#log.error({ err }, 'stopped dials not written; recovery closes them on the next start'));
    await this.#writer.flush();
  }

  /** Writes every pending record and lead update now. */
  flush(): Promise<void> {
    return this.#writer.flush();
  }

  /** Waits for every asynchronous step started so far (virtual-clock tests). */
  async whenIdle(): Promise<void> {
    await this.#mailbox.idle();
    await this.coordinator.whenIdle();
    await this.#writer.idle();
  }

  stats(): CampaignRunnerStats {
    const now = this.#d.scheduler.nowMs();
    const budget = this.#ledger.snapshot(now);
    return {
      campaignId: this.#campaign.id,
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

  async #rebuildLedger(ledger: AbandonLedger, c: Campaign): Promise<void> {
    restoreAbandonLedger(ledger, await this.#d.attempts.abandonHistory(c.id, this.#d.scheduler.nowMs() - ledger.windowMs));
  }

  /**
   * Ticks at a fixed rate: the next one is due `tickMs` after this one started (at once if this one
   * took longer). One loop per generation: a tick is never scheduled while one is pending, and a
   * loop whose generation ended (pause, resume, stop) schedules no more.
   */
  #scheduleTick(atMs: number): void {
    if (!this.#placing || this.#cancelTick !== undefined) return;
    const generation = this.#generation;
    this.#cancelTick = this.#d.scheduler.at(atMs, () => {
      this.#cancelTick = undefined;
      const startedAtMs = this.#d.scheduler.nowMs();
      void this.#mailbox
        .post(() => this.#tick(generation))
        .catch((err: unknown) => this.#log.error({ err }, 'pacing tick failed; retrying next tick'))
        .finally(() => {
          if (generation === this.#generation) this.#scheduleTick(Math.max(this.#d.scheduler.nowMs(), startedAtMs + this.#d.tickMs));
        });
    });
  }

  #current(generation: number): boolean {
    return this.#placing && generation === this.#generation;
  }

  async #tick(generation: number): Promise<void> {
    if (!this.#current(generation)) return;
    await this.#applyPendingSettings();
    if (this.#notDialedBacklog.length > 0) await this.#writeNotDialed([]);
    if (!this.#current(generation) || !this.#d.leaseHeld()) return;
    const startedAt = performance.now();
    const { scheduler, telephony, hopper } = this.#d;
    const c = this.#campaign;
    const nowMs = scheduler.nowMs();
    if (nowMs - this.#hopperCheckedAtMs >= HOPPER_REFRESH_MS) {
      this.#hopperDepth = await hopper.dueCount(c.id, nowMs, this.#d.maxAttemptsPerNumber);
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
    this.#d.metrics.pacingDecision(c.id, decision.dialLevel, decision.expectedLiveAnswers, count);
    if (count > 0 && telephony.ready()) await this.#place(generation, count, nowMs, decision);
    this.#d.metrics.pacingTick(c.id, decideMs, performance.now() - startedAt);
  }

  async #applyPendingSettings(): Promise<void> {
    const next = this.#pendingSettings;
    if (next === undefined) return;
    this.#pendingSettings = undefined;
    const before = this.#campaign;
    if (pacingKey(next) !== pacingKey(before)) {
      const ledger = createCampaignLedger(next);
      await this.#rebuildLedger(ledger, next);
      this.#ledger = ledger;
      this.#policy = policyFor(next);
      this.#coordinatorOptions.ledger = ledger;
      this.#coordinatorOptions.policy = this.#policy;
    }
    this.#coordinatorOptions.abandonMessage = next.abandonMessage;
    this.#coordinatorOptions.voicemailMessage = next.amd.voicemailMessage ?? null;
    this.#coordinatorOptions.wrapUpLimitMs = next.wrapUpLimitMs;
    this.#coordinatorOptions.recording = next.recording;
    this.#writer.applyRules(next.retryRules, next.maxAttemptsPerLead);
    if (this.#d.maxAttemptsPerNumber === before.maxAttemptsPerLead) this.#d.maxAttemptsPerNumber = next.maxAttemptsPerLead;
    this.#campaign = next;
    this.#log.info({ settingsVersion: next.settingsVersion }, 'campaign settings applied');
  }

  async #place(generation: number, count: number, nowMs: number, decision: PacingDecision): Promise<void> {
    const { hopper, dnc, dials: store, nodeId } = this.#d;
    const c = this.#campaign;
    const leads = await hopper.lease({ campaignId: c.id, nodeId, count, nowMs, leaseMs: this.#d.leadLeaseMs, maxAttemptsPerNumber: this.#d.maxAttemptsPerNumber, readyAgentIds: this.coordinator.roster.readyAgentIds() });
    // Fewer due leads than asked for: the hopper is empty until the next refresh.
    this.#hopperDepth = leads.length < count ? 0 : Math.max(0, this.#hopperDepth - leads.length);
    if (leads.length === 0) return;
    const lists = await dnc.listsApplyingTo(c.id);
    const dncHits = await dnc.dncHits(leads.map((l) => l.phoneE164), lists.map((l) => l.id));
    let dials: PlannedDial[] = [];
    const ctx = { campaign: c, nodeId, nowMs, maxAttemptsPerNumber: this.#d.maxAttemptsPerNumber, lists, dncHits, decision, liveHere: (e164: string) => this.coordinator.isNumberLive(e164) };
    const batch = await store.commitBatch({ campaignId: c.id, nodeId, numbers: leads.map((l) => l.phoneE164) }, (live) => {
      const planned = planBatch(leads, ctx, live);
      dials = planned.dials;
      return planned.batch;
    });
    for (const d of batch.trail) {
      if (d.decision === 'blocked') {
        this.#blocked++;
        this.#d.metrics.dialBlocked(c.id, d.reason ?? 'unknown');
      }
    }
    if (dials.length === 0) return;
    // The re-check, after the commit and immediately before originate.
    const newDnc = await this.#dncSince(lists, dials);
    const checkedAtMs = this.#d.scheduler.nowMs();
    const { go, stopped } = recheck(dials, { campaign: c, nowMs: checkedAtMs, placing: this.#current(generation), leaseHeld: this.#d.leaseHeld(), windowMarginMs: this.#d.windowMarginMs, newDnc });
    const refused = await this.#originateAll(go);
    await this.#writeNotDialed([...stopped, ...refused]);
  }

  /** Numbers of the batch held by a DNC list whose version moved (or that was attached) since the batch's read. */
  async #dncSince(lists: readonly { id: string; version: string }[], dials: readonly PlannedDial[]): Promise<Map<string, string[]>> {
    const { dnc } = this.#d;
    const now = await dnc.listsApplyingTo(this.#campaign.id);
    const before = new Map(lists.map((l) => [l.id, l.version]));
    const changed = now.filter((l) => before.get(l.id) !== l.version).map((l) => l.id);
    if (changed.length === 0) return new Map();
    return dnc.dncHits(dials.map((d) => d.lead.phoneE164), changed);
  }

  /**
   * Originates every dial that passed the re-check, without yielding between them; the ones the
   * telephony port refused or threw on come back as stopped dials (never a phantom call).
   */
  async #originateAll(dials: readonly PlannedDial[]): Promise<NotDialed[]> {
    const { telephony, scheduler } = this.#d;
    const c = this.#campaign;
    const results = dials.map((d) => {
      const atMs = scheduler.nowMs();
      const session = new CallSession({ callId: d.attemptId, amdEnabled: c.amd.enabled, machineAction: c.amd.machineAction, beepTimeoutMs: 30_000 }, atMs);
      const log = this.#log.child({ callId: d.attemptId, phone: maskPhone(d.lead.phoneE164) });
      const sink = this.coordinator.track(d.attemptId, d.lead.phoneE164, session, log, d.lead.callbackAgentId ?? undefined);
      this.#leadByCall.set(d.attemptId, { leadId: d.lead.leadId });
      const startedAt = performance.now();
      const request = { callId: d.attemptId, campaignId: c.id, to: d.lead.phoneE164, callerId: c.callerId, ringTimeoutMs: c.ringTimeoutMs, amd: { enabled: c.amd.enabled, detectBeep: c.amd.machineAction === 'voicemail' } };
      let pending: Promise<{ ok: true } | { ok: false; reason: string }>;
      try {
        pending = telephony.originate(request, sink);
      } catch (err) {
        pending = Promise.reject(err instanceof Error ? err : new Error(String(err)));
      }
      return pending.then(
        (r) => ({ d, log, startedAt, r, err: undefined as unknown }),
        (err: unknown) => ({ d, log, startedAt, r: undefined, err }),
      );
    });
    const stopped: NotDialed[] = [];
    for (const { d, log, startedAt, r, err } of await Promise.all(results)) {
      if (r?.ok === true) {
        this.#originated++;
        this.#d.metrics.callOriginated(c.id, performance.now() - startedAt);
        continue;
      }
      // Nothing reached the network: no call to track, the attempt is given back.
      this.coordinator.untrack(d.attemptId);
      this.#leadByCall.delete(d.attemptId);
      if (r === undefined) log.error({ err }, 'originate threw: the dial is recorded as not dialed');
      else log.warn({ reason: r.reason }, 'originate refused');
      const reason = r === undefined ? 'originate_error' : 'telephony_refused';
      stopped.push(notDialed(d, reason, c, scheduler.nowMs(), r === undefined ? { error: String(err) } : { telephonyReason: r.reason }));
    }
    return stopped;
  }

  async #writeNotDialed(items: readonly NotDialed[]): Promise<void> {
    for (const i of items) {
      this.#blocked++;
      this.#d.metrics.dialBlocked(this.#campaign.id, i.reason);
    }
    const all = [...this.#notDialedBacklog, ...items];
    if (all.length === 0) return;
    this.#notDialedBacklog = [];
    try {
      await this.#d.dials.recordNotDialed(this.#campaign.id, all);
    } catch (err) {
      this.#notDialedBacklog = all;
      throw err;
    }
  }

  #callEnded(callId: string, record: CallRecordPatch): Promise<void> {
    const lead = this.#leadByCall.get(callId);
    this.#leadByCall.delete(callId);
    if (lead === undefined) this.#writer.record(callId, record);
    else this.#writer.ended(callId, lead.leadId, record);
    return Promise.resolve();
  }
}
