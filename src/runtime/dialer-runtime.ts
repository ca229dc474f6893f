import type { AgentState } from '../domain/agent/agent-roster.ts';
import type { DialerEvents } from '../domain/ports/dialer-events.ts';
import { isDoNotCallDisposition } from '../domain/call/disposition.ts';
import { INTERNAL_DNC_LIST_ID } from '../domain/dnc/dnc-list.ts';
import type { Campaign } from '../domain/campaign/campaign.ts';
import { DEFAULT_RETRY_RULES, nextStep } from '../domain/call/retry-schedule.ts';
import { PacerError } from '../domain/pacer-error.ts';
import type { EventBus } from '../domain/ports/event-bus.ts';
import type { Lease } from '../domain/ports/lease.ts';
import type { Logger } from '../domain/ports/logger.ts';
import { NO_RUNTIME_METRICS, type RuntimeMetrics } from '../domain/ports/metrics.ts';
import type { Scheduler } from '../domain/ports/scheduler.ts';
import type { AgentLegLost, TelephonyPort } from '../domain/ports/telephony-port.ts';
import type { RuntimeStores } from './ports/runtime-stores.ts';
import { retryClass } from './attempt-write-behind.ts';
import { CampaignRunner, type CampaignRunnerStats } from './campaign-runner.ts';
import { CampaignLeaseKeeper } from './campaign-lease-keeper.ts';
import type { SimAgents } from './sim-agents.ts';

/** A campaign this node runs: paused by its manager, or by the lease keeper while it lacks the lease. */
interface RunningCampaign {
  runner: CampaignRunner;
  userPaused: boolean;
  keeper: CampaignLeaseKeeper;
}

/** How far ahead a callback may be scheduled. */
const MAX_CALLBACK_AHEAD_MS = 365 * 86_400_000;

/** The dialer's event-bus topics (the port type, `src/domain/ports/dialer-events.ts`). */
export type RuntimeEvents = DialerEvents;

export interface DialerRuntimeDeps {
  /** Everything the runtime reads and writes (PostgreSQL or in memory). */
  stores: RuntimeStores;
  scheduler: Scheduler;
  telephony: TelephonyPort;
  lease: Lease;
  eventBus: EventBus<RuntimeEvents>;
  logger: Logger;
  /** Stable across restarts: attempts this node left open are closed as `unknown` when it starts again. */
  nodeId: string;
  tickMs?: number;
  leaseTtlMs?: number;
  /** A dial is not originated when the callee's window closes within this margin (default 60 s). */
  windowMarginMs?: number;
  simAgents?: SimAgents;
  /** Called after this node took over a running campaign by itself (e.g. to give it simulated agents). */
  simAgentsFor?: (campaignId: string) => Promise<void>;
}

/**
 * The dialer on one node: the campaigns it runs (each under a lease, so only one node runs a
 * campaign), their agents, and the recovery of attempts a crash left open.
 */
export class DialerRuntime {
  readonly #d: DialerRuntimeDeps;
  readonly #runners = new Map<string, RunningCampaign>();
  readonly #stores: RuntimeStores;
  readonly #log: Logger;
  #closed = false;
  #cancelAdoption: (() => void) | undefined;
  #metrics: RuntimeMetrics = NO_RUNTIME_METRICS;
  /** Agents whose stream dropped: paused as soon as they are free (a bridged call is never cut). */
  readonly #disconnected = new Set<string>();
  /** The agent-state writes, chained so they reach the database in order. */
  #stateWrites: Promise<void> = Promise.resolve();

  constructor(deps: DialerRuntimeDeps) {
    this.#d = deps;
    this.#log = deps.logger.child({ component: 'dialer', nodeId: deps.nodeId });
    this.#stores = deps.stores;
  }

  /** Closes the attempts a previous run of this node left open, then resumes its running campaigns. */
  async start(): Promise<{ orphansClosed: number; campaignsResumed: number }> {
    const now = this.#d.scheduler.nowMs();
    const orphans = await this.#stores.attempts.closeOrphans(this.#d.nodeId, now);
    if (orphans.length > 0) {
      this.#log.warn({ count: orphans.length }, 'closed call attempts left open by a previous run as unknown');
      await this.#settleOrphanLeads(orphans, now);
    }
    await this.#stores.hopper.reclaimExpired(now);
    const resumed = await this.#adoptRunningCampaigns();
    this.#scheduleAdoption();
    return { orphansClosed: orphans.length, campaignsResumed: resumed };
  }

  /**
   * Runs every `running` campaign no node runs: at start, and every lease TTL after (a campaign whose
   * lease a dead node still held at our start is taken over once that lease expires).
   */
  async #adoptRunningCampaigns(): Promise<number> {
    const running = await this.#stores.campaigns.runningIds();
    let resumed = 0;
    for (const id of running) {
      if (this.#closed || this.#runners.has(id)) continue;
      // One campaign that cannot be resumed (e.g. deleted meanwhile) does not keep the others down.
      const r = await this.runCampaign(id).catch((err: unknown) => {
        this.#log.error({ err, campaignId: id }, 'campaign not resumed');
        return 'failed' as const;
      });
      if (r === 'running') resumed++;
    }
    return resumed;
  }

  #scheduleAdoption(): void {
    if (this.#closed) return;
    const { scheduler } = this.#d;
    this.#cancelAdoption = scheduler.at(scheduler.nowMs() + (this.#d.leaseTtlMs ?? 15_000), () => {
      void this.#adoptRunningCampaigns()
        .then(async (n) => {
          if (n > 0) {
            this.#log.info({ campaigns: n }, 'took over running campaigns no node was dialing');
            for (const id of this.runningCampaignIds()) await this.#d.simAgentsFor?.(id); // idempotent
          }
        })
        .catch((err: unknown) => this.#log.error({ err }, 'running campaigns not checked; trying again'))
        .finally(() => this.#scheduleAdoption());
    });
  }

  /**
   * The leads of attempts a crash left open are still `in_call`. Each is settled from what the record
   * knew: a human reached (not abandoned) closes the lead as `done`; an attempt recovery closed as
   * `unknown` (nothing known of it: the callee may never have been rung) gives back the attempt
   * counted at dial on the lead and the number, counts toward no limit, and is retried after the
   * campaign's retry delay (the `failed` rule's); any other outcome goes back to the hopper under the
   * retry rule of its class, or is closed as exhausted. A lead already settled (e.g. by a
   * disposition) is left alone.
   */
  async #settleOrphanLeads(attemptIds: readonly string[], nowMs: number): Promise<void> {
    const rows = await this.#stores.leads.inCallLeadsOf(attemptIds);
    const byCampaign = new Map<string, typeof rows>();
    for (const r of rows) byCampaign.set(r.campaignId, [...(byCampaign.get(r.campaignId) ?? []), r]);
    for (const [campaignId, orphans] of byCampaign) {
      const campaign = await this.#stores.campaigns.load(campaignId);
      const unknown = orphans.filter((o) => (o.outcome ?? 'unknown') === 'unknown');
      await this.#stores.leads.giveBackAttempts(unknown.map((o) => ({ leadId: o.leadId, e164: o.phone })));
      const counts = await this.#stores.leads.attemptCounts(orphans.map((o) => o.leadId));
      const retryDelayMs = campaign?.retryRules.failed.delayMs ?? DEFAULT_RETRY_RULES.failed.delayMs;
      await this.#stores.leads.settleLeads(
        orphans.map(({ leadId, outcome, abandoned }) => {
          const lastOutcome = outcome ?? 'unknown';
          if (lastOutcome === 'unknown') return { leadId, status: 'scheduled' as const, nextAttemptAtMs: nowMs + retryDelayMs, lastOutcome };
          const cls = retryClass({ originatedAtMs: nowMs, outcome: lastOutcome, abandoned, messagePlayed: false });
          if (cls === 'final') return { leadId, status: 'done' as const, nextAttemptAtMs: null, lastOutcome };
          const c = counts.get(leadId) ?? { lead: 0, noAnswer: 0, busy: 0, machine: 0, failed: 0 };
          const step = campaign === undefined ? undefined : nextStep({ outcome: cls, attemptsWithOutcome: c[cls], leadAttempts: c.lead }, campaign.retryRules, campaign.maxAttemptsPerLead, nowMs);
          return step?.action === 'retry'
            ? { leadId, status: 'scheduled' as const, nextAttemptAtMs: step.atMs, lastOutcome }
            : { leadId, status: 'exhausted' as const, nextAttemptAtMs: null, lastOutcome };
        }),
      );
    }
  }

  /** Starts (or resumes) dialing a campaign on this node, if no other node holds it. */
  async runCampaign(campaignId: string): Promise<'running' | 'held_elsewhere'> {
    if (this.#closed) throw new PacerError('CONFLICT', 'the dialer is shutting down');
    const existing = this.#runners.get(campaignId);
    if (existing !== undefined) {
      existing.userPaused = false;
      // Without the lease (Redis unreachable, or another node took over) it resumes once it holds it again.
      if (existing.keeper.held) existing.runner.resume();
      return 'running';
    }
    const ttlMs = this.#d.leaseTtlMs ?? 15_000;
    const leaseName = `campaign:${campaignId}`;
    const acquiredAtMs = this.#d.scheduler.nowMs();
    if (!(await this.#d.lease.acquire(leaseName, this.#d.nodeId, ttlMs))) return 'held_elsewhere';
    // Holding the lease proves no other node runs the campaign: records another node (a crashed one,
    // perhaps under another id) left open are orphans now.
    await this.#closeOrphansOfOtherNodes(campaignId, acquiredAtMs);
    const campaign = await this.#stores.campaigns.load(campaignId);
    if (campaign === undefined) {
      await this.#d.lease.release(leaseName, this.#d.nodeId);
      throw new PacerError('NOT_FOUND', `campaign ${campaignId} not found`);
    }
    const { hopper, dnc, leads, attempts, dials } = this.#stores;
    const runner = new CampaignRunner(campaign, {
      hopper, dnc, leads, attempts, dials,
      scheduler: this.#d.scheduler,
      telephony: this.#d.telephony,
      logger: this.#d.logger,
      nodeId: this.#d.nodeId,
      metrics: this.#metrics,
      leaseHeld: () => entry.keeper.heldNow(),
      ...(this.#d.tickMs === undefined ? {} : { tickMs: this.#d.tickMs }),
      ...(this.#d.windowMarginMs === undefined ? {} : { windowMarginMs: this.#d.windowMarginMs }),
      listener: {
        onAgentState: (agentId, state, reason) => this.#agentState(agentId, state, reason),
        onBridged: (agentId, callId) => this.#screenPop(agentId, callId),
      },
    });
    const entry: RunningCampaign = {
      runner,
      userPaused: false,
      keeper: new CampaignLeaseKeeper({
        lease: this.#d.lease,
        scheduler: this.#d.scheduler,
        nodeId: this.#d.nodeId,
        campaignId,
        ttlMs,
        acquiredAtMs,
        logger: this.#log,
        // Called from a later renewal, when `entry` exists.
        onHeldChange: (held) => {
          if (!held) void runner.pause();
          else if (!entry.userPaused) runner.resume();
        },
      }),
    };
    entry.keeper.start();
    this.#runners.set(campaignId, entry);
    // Agents of the campaign known to this node rejoin with their stored state.
    await runner.start();
    return 'running';
  }

  /** Stops placing calls for the campaign; resolves once no call of it can be originated any more. */
  async pauseCampaign(campaignId: string): Promise<void> {
    const entry = this.#runners.get(campaignId);
    if (entry === undefined) return;
    entry.userPaused = true;
    await entry.runner.pause();
  }

  /** The campaign's settings were edited: its runner uses them from its next tick. */
  campaignChanged(campaign: Campaign): void {
    this.#runners.get(campaign.id)?.runner.applySettings(campaign);
  }

  /**
   * Closes the open records of `campaignId` written by other nodes (this node holds the campaign's
   * lease, so none of them is dialing it) and settles their leads like crash orphans.
   */
  async #closeOrphansOfOtherNodes(campaignId: string, nowMs: number): Promise<void> {
    const ids = await this.#stores.attempts.closeOpenOfOtherNodes(campaignId, this.#d.nodeId, nowMs);
    if (ids.length === 0) return;
    this.#log.warn({ campaignId, count: ids.length }, 'closed call attempts left open by another node as unknown');
    await this.#settleOrphanLeads(ids, nowMs);
  }

  /** Stops placing calls for the campaign; calls in progress finish; the lease is released. */
  async stopCampaign(campaignId: string): Promise<void> {
    const entry = this.#runners.get(campaignId);
    if (entry === undefined) return;
    this.#runners.delete(campaignId);
    entry.keeper.stop();
    await entry.runner.stop();
    await this.#d.lease.release(`campaign:${campaignId}`, this.#d.nodeId);
  }

  /** Where campaigns started from now on report their calls and decisions (Prometheus). */
  setMetrics(metrics: RuntimeMetrics): void {
    this.#metrics = metrics;
  }

  runningCampaignIds(): string[] {
    return [...this.#runners.keys()];
  }

  runner(campaignId: string): CampaignRunner | undefined {
    return this.#runners.get(campaignId)?.runner;
  }

  stats(campaignId: string): CampaignRunnerStats | undefined {
    return this.#runners.get(campaignId)?.runner.stats();
  }

  /** Waits for every runner's in-flight work (virtual-clock tests). */
  async whenIdle(): Promise<void> {
    await Promise.all([...this.#runners.values()].map((e) => e.runner.whenIdle()));
    await this.#stateWrites;
  }

  /**
   * An agent (or supervisor) sets the agent's state. On a node running the agent's campaign the
   * dialer acts on it at once; otherwise the state is stored and applies when the campaign runs.
   */
  async setAgentState(agentId: string, state: 'ready' | 'paused' | 'logged_out', reason?: string): Promise<{ ok: true; state: AgentState } | { ok: false; reason: string; from?: AgentState }> {
    const agent = await this.#stores.agents.find(agentId);
    if (agent === undefined) throw new PacerError('NOT_FOUND', `agent ${agentId} not found`);
    const runner = agent.campaignId === null ? undefined : this.runner(agent.campaignId);
    if (runner === undefined) {
      const atMs = this.#d.scheduler.nowMs();
      await this.#stores.agents.saveState(agentId, state, state === 'paused' ? (reason ?? 'unspecified') : null, atMs);
      // A leg set up while the campaign ran outlives a stop: logging out releases it (idempotent).
      if (state === 'logged_out') await this.#d.telephony.agentLogout(agentId);
      return { ok: true, state };
    }
    if (state !== 'logged_out' && runner.coordinator.needsTelephonyLogin(agentId)) {
      const endpoint = agent.sipContact === null ? { agentId } : { agentId, contact: agent.sipContact };
      await this.#d.telephony.agentLogin(endpoint, (lost) => this.#agentLegLost(lost));
      runner.coordinator.agentLoggedIn(agentId);
    }
    const r = runner.coordinator.setAgentState(agentId, state, reason);
    if (!r.ok) return r;
    if (state === 'logged_out') await this.#d.telephony.agentLogout(agentId);
    // The answer reflects the stored state.
    await this.#stateWrites;
    return { ok: true, state };
  }

  /**
   * The agent's disposition for a call it took: stored on the record, a callback scheduled when asked
   * (it goes through the same dial gate when due), and the agent's wrap-up ends.
   */
  async setDisposition(input: { callId: string; agentId: string | null; code: string; note: string | null; callbackAtMs: number | null; actor?: { actorKeyId: string | null; actorRole: string | null } }): Promise<void> {
    const call = await this.#stores.attempts.callById(input.callId);
    if (call === undefined) throw new PacerError('NOT_FOUND', `call ${input.callId} not found`);
    if (input.agentId !== null && call.agentId !== input.agentId) throw new PacerError('FORBIDDEN', 'this call was not connected to you');
    // An agent sets a call's disposition once; a supervisor may correct it (audited either way).
    if (input.agentId !== null && call.disposition !== null) throw new PacerError('CONFLICT', `call ${input.callId} already has disposition ${call.disposition}; a manager or admin may change it`);
    const doNotCall = isDoNotCallDisposition(input.code);
    if (doNotCall && input.callbackAtMs !== null) throw new PacerError('VALIDATION_FAILED', 'a do-not-call disposition takes no callback', { issues: [{ field: 'callbackAt', reason: `not allowed with disposition ${input.code}` }] });
    if (input.callbackAtMs !== null && !(input.callbackAtMs > this.#d.scheduler.nowMs() && input.callbackAtMs <= this.#d.scheduler.nowMs() + MAX_CALLBACK_AHEAD_MS)) {
      throw new PacerError('VALIDATION_FAILED', 'callbackAt must be in the future, at most a year ahead', { issues: [{ field: 'callbackAt', reason: 'must be in the future, at most 365 days ahead' }] });
    }
    const actor = input.actor ?? { actorKeyId: null, actorRole: input.agentId === null ? 'system' : 'agent' };
    await this.#stores.attempts.setDisposition(input.callId, { code: input.code, note: input.note, callbackAtMs: input.callbackAtMs }, { ...actor, ...(doNotCall ? { addToDnc: INTERNAL_DNC_LIST_ID } : {}) });
    if (input.callbackAtMs !== null) {
      await this.#stores.leads.settleLead(call.leadId, { status: 'callback', nextAttemptAtMs: input.callbackAtMs, lastOutcome: 'human', callbackAgentId: call.agentId });
    }
    const agentId = call.agentId;
    if (agentId !== null) this.runner(call.campaignId)?.coordinator.endWrapUp(agentId, 'ready');
  }

  /**
   * Ends a live call: the agent connected to it (`agentId`), or a supervisor (`agentId` null).
   * @throws PacerError `NOT_FOUND` (no such call), `FORBIDDEN` (another agent's call), `CONFLICT`
   *   (the call is not in progress on this node).
   */
  async hangupCall(input: { callId: string; agentId: string | null }): Promise<void> {
    const call = await this.#stores.attempts.callById(input.callId);
    if (call === undefined) throw new PacerError('NOT_FOUND', `call ${input.callId} not found`);
    const r = (await this.runner(call.campaignId)?.coordinator.hangup(input.callId, input.agentId ?? undefined)) ?? 'not_live';
    if (r === 'not_yours') throw new PacerError('FORBIDDEN', 'this call is not connected to you');
    if (r === 'not_live') throw new PacerError('CONFLICT', `call ${input.callId} is not in progress on this node`);
  }

  /** The agent's event stream opened: the agent can take calls again once it sets itself ready. */
  agentConnected(agentId: string): void {
    this.#disconnected.delete(agentId);
  }

  /**
   * The agent's event stream dropped. A free agent is paused at once; an agent on a call keeps it
   * (its voice leg is separate from the stream) and is paused when the call and wrap-up end.
   */
  async agentDisconnected(agentId: string): Promise<void> {
    this.#disconnected.add(agentId);
    const agent = await this.#stores.agents.find(agentId);
    const runner = agent?.campaignId === null || agent === undefined ? undefined : this.runner(agent.campaignId);
    const current = runner?.coordinator.roster.get(agentId);
    if (runner === undefined || current === undefined) return;
    if (current.state === 'ready') runner.coordinator.setAgentState(agentId, 'paused', 'stream_disconnected');
    else if (current.state === 'wrap_up') runner.coordinator.endWrapUp(agentId, 'paused', 'stream_disconnected');
  }

  /** The agent's telephony leg went away: it takes no call until it sets itself ready again (a new login). */
  #agentLegLost(lost: AgentLegLost): void {
    this.#log.warn({ agentId: lost.agentId, cause: lost.cause }, "agent's telephony leg lost: paused until it logs in again");
    for (const { runner } of this.#runners.values()) runner.coordinator.agentLegLost(lost.agentId);
  }

  #agentState(agentId: string, state: AgentState, reason: string | undefined): void {
    const atMs = this.#d.scheduler.nowMs();
    this.#d.simAgents?.onAgentState(agentId, state);
    if (this.#disconnected.has(agentId) && (state === 'ready' || state === 'wrap_up')) {
      // No one is watching this agent's screen: take it out of the rotation as soon as it is free.
      queueMicrotask(() => {
        for (const { runner } of this.#runners.values()) {
          const a = runner.coordinator.roster.get(agentId);
          if (a?.state === 'ready') runner.coordinator.setAgentState(agentId, 'paused', 'stream_disconnected');
          else if (a?.state === 'wrap_up') runner.coordinator.endWrapUp(agentId, 'paused', 'stream_disconnected');
        }
      });
    }
    // One write after the other: states of one agent land in the order they happened.
    this.#stateWrites = this.#stateWrites.then(() =>
      this.#stores.agents
        .saveState(agentId, state, reason ?? null, atMs)
        .then(
          () => undefined,
          (err: unknown) => this.#log.error({ err, agentId }, 'agent state not saved'),
        ),
    );
    void this.#d.eventBus.publish('agent.state', { agentId, state, reason: reason ?? null, atMs }).catch((err: unknown) => this.#log.error({ err, agentId }, 'agent state not published'));
  }

  #screenPop(agentId: string, callId: string): void {
    const atMs = this.#d.scheduler.nowMs();
    void this.#stores.attempts
      .callById(callId)
      .then((call) => this.#d.eventBus.publish('agent.screen-pop', { agentId, callId, leadId: call?.leadId ?? null, atMs }))
      .catch((err: unknown) => this.#log.error({ err, agentId, callId }, 'screen pop not delivered'));
  }

  /** Stops every campaign (calls in progress finish unless `hangup`), releases leases. Idempotent. */
  async close(options: { hangup?: boolean } = {}): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#cancelAdoption?.();
    for (const [campaignId, entry] of [...this.#runners]) {
      this.#runners.delete(campaignId);
      entry.keeper.stop();
      await entry.runner.stop(options);
      await this.#d.lease.release(`campaign:${campaignId}`, this.#d.nodeId).catch((err: unknown) => this.#log.error({ err, campaignId }, 'lease release failed'));
    }
  }
}
