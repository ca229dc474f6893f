import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../adapters/db/database.ts';
import { AgentRepository } from '../adapters/db/repositories/agent-repository.ts';
import { CampaignStatsRepository } from '../adapters/db/repositories/campaign-stats-repository.ts';
import agentRoutes from '../adapters/http/routes/agents.ts';
import campaignStatsRoutes from '../adapters/http/routes/campaign-stats.ts';
import campaignDiagnosticsRoutes from '../adapters/http/routes/campaign-diagnostics.ts';
import { CampaignDiagnosticsRepository } from '../adapters/db/repositories/campaign-diagnostics-repository.ts';
import { SimTelephony } from '../adapters/telephony/sim/sim-telephony.ts';
import { SystemScheduler } from '../adapters/time/system-scheduler.ts';
import type { EventBus } from '../domain/ports/event-bus.ts';
import type { Lease } from '../domain/ports/lease.ts';
import type { Logger } from '../domain/ports/logger.ts';
import type { Scheduler } from '../domain/ports/scheduler.ts';
import type { TelephonyPort } from '../domain/ports/telephony-port.ts';
import { DialerRuntime, type RuntimeEvents } from '../runtime/dialer-runtime.ts';
import { SimAgents } from '../runtime/sim-agents.ts';
import type { RunningCampaigns } from '../runtime/ports/running-campaigns.ts';
import { createPostgresRuntimeStores } from '../adapters/db/create-postgres-runtime-stores.ts';

export interface CreateDialerOptions {
  db: Kysely<Database>;
  lease: Lease;
  eventBus: EventBus;
  logger: Logger;
  nodeId: string;
  /** The campaigns the runtime may run (the campaign repository). */
  campaigns: RunningCampaigns;
  /** The telephony port; simulated when absent. */
  telephony?: TelephonyPort;
  sim: { agents: number; speed: number };
  /** Simulated telephony writes a short silent WAV per recording here (PACER_RECORDINGS_DIR). */
  recordingsDir?: string;
  /** The scheduler the dialer runs on (tests pass a VirtualScheduler); the wall clock when absent. */
  scheduler?: Scheduler;
  /**
   * Graceful shutdown: how long `close()` lets live calls go on (after placing stopped) before it
   * hangs up the rest (PACER_DRAIN_TIMEOUT_MS). Default 0: hang up at once, with complete records.
   */
  drainTimeoutMs?: number;
}

/** How often the drain looks whether the live calls have ended. */
const DRAIN_POLL_MS = 100;

export interface Dialer {
  runtime: DialerRuntime;
  scheduler: Scheduler;
  telephony: TelephonyPort;
  /** Registers the agent, disposition and stats routes on the `/v1` instance. */
  registerRoutes(v1: FastifyInstance): Promise<void>;
  /** Simulated mode: makes sure the campaign has its simulated agents, logged in and ready. */
  ensureSimAgents(campaignId: string): Promise<void>;
  /**
   * Drains, then closes: stops placing in every campaign, lets live calls end up to `drainTimeoutMs`,
   * hangs up the rest (their end events are applied and their records written), flushes the
   * write-behind, releases the leases, then closes telephony. Idempotent.
   */
  close(): Promise<void>;
}

/**
 * Wires the dialer: the wall-clock scheduler (sped up in simulated mode), the telephony port
 * (simulated unless one is given), simulated agents, and the dialer runtime.
 */
export function createDialer(options: CreateDialerOptions): Dialer {
  const simulated = options.telephony === undefined;
  // The wall-clock scheduler is ours to cancel at close; a scheduler passed in belongs to the caller.
  const systemScheduler = options.scheduler === undefined ? new SystemScheduler({ speed: simulated ? options.sim.speed : 1 }) : undefined;
  const scheduler: Scheduler = systemScheduler ?? (options.scheduler as Scheduler);
  const telephony = options.telephony ?? new SimTelephony({ scheduler, seed: Date.now() % 2_147_483_647, ...(options.recordingsDir === undefined ? {} : { recordingsDir: options.recordingsDir }) });
  const simAgents = simulated && options.sim.agents > 0 ? new SimAgents({ scheduler, telephony, seed: 1 }) : undefined;
  const eventBus = options.eventBus as EventBus<RuntimeEvents>;
  const runtime = new DialerRuntime({
    stores: createPostgresRuntimeStores(options.db, options.campaigns),
    scheduler,
    telephony,
    lease: options.lease,
    eventBus,
    logger: options.logger,
    nodeId: options.nodeId,
    ...(simAgents === undefined ? {} : { simAgents, simAgentsFor: (campaignId: string) => ensureSimAgents(campaignId) }),
  });
  const agents = new AgentRepository(options.db);
  const stats = new CampaignStatsRepository(options.db);

  const ensureSimAgents = async (campaignId: string): Promise<void> => {
    if (simAgents === undefined) return;
    const runner = runtime.runner(campaignId);
    if (runner === undefined) return;
    let mine = (await agents.list(campaignId)).filter((a) => a.externalRef?.startsWith('sim-') === true);
    for (let k = mine.length; k < options.sim.agents; k++) {
      await agents.create({ name: `Simulated agent ${k + 1}`, campaignId, sipContact: null, externalRef: `sim-${campaignId.slice(0, 8)}-${k + 1}` });
    }
    mine = (await agents.list(campaignId)).filter((a) => a.externalRef?.startsWith('sim-') === true);
    for (const a of mine.slice(0, options.sim.agents)) {
      if (runner.coordinator.roster.get(a.id) === undefined) await simAgents.login(a.id, runner.coordinator);
    }
  };

  const liveCalls = (): number => runtime.runningCampaignIds().reduce((n, id) => n + (runtime.stats(id)?.liveCalls ?? 0), 0);
  const waitForLiveCalls = (deadlineMs: number): Promise<void> =>
    new Promise((resolve) => {
      const look = (): void => {
        if (liveCalls() === 0 || scheduler.nowMs() >= deadlineMs) resolve();
        else scheduler.at(Math.min(deadlineMs, scheduler.nowMs() + DRAIN_POLL_MS), look);
      };
      look();
    });
  const drain = async (): Promise<void> => {
    const ids = runtime.runningCampaignIds();
    // 1. Stop placing: pauseCampaign marks the pause as the user's, so no lease renewal resumes it.
    // Each pause resolves once its campaign can originate nothing more.
    await Promise.all(ids.map((id) => runtime.pauseCampaign(id)));
    const liveAtStart = liveCalls();
    options.logger.info({ liveCalls: liveAtStart, drainTimeoutMs: options.drainTimeoutMs ?? 0 }, 'draining: placing stopped, waiting for live calls');
    // 2. Live calls go on until they end or the drain timeout passes.
    if ((options.drainTimeoutMs ?? 0) > 0) await waitForLiveCalls(scheduler.nowMs() + (options.drainTimeoutMs ?? 0));
    const hungUpCalls = liveCalls();
    // 3. The rest are hung up; each runner applies their end events, flushes its write-behind; leases released.
    await runtime.close({ hangup: true });
    options.logger.info({ drainedCalls: liveAtStart - hungUpCalls, hungUpCalls }, 'drained');
  };
  let closing: Promise<void> | undefined;

  return {
    runtime,
    scheduler,
    telephony,
    ensureSimAgents,
    async registerRoutes(v1) {
      await v1.register(agentRoutes, { agents, dialer: runtime, eventBus });
      await v1.register(campaignStatsRoutes, {
        stats,
        clock: scheduler,
        live: (id) => runtime.stats(id),
        exists: async (id) => (await options.campaigns.load(id)) !== undefined,
      });
      await v1.register(campaignDiagnosticsRoutes, { diagnostics: new CampaignDiagnosticsRepository(options.db), clock: scheduler, live: (id) => runtime.stats(id) });
    },
    close() {
      closing ??= (async () => {
        try {
          await drain();
        } finally {
          await telephony.close();
          systemScheduler?.cancelAll();
        }
      })();
      return closing;
    },
  };
}
