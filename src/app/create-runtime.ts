import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { createLogger } from './create-logger.ts';
import { importEmbeddedPostgres, stopOnProcessExit } from './import-embedded-postgres.ts';
import { createDatabase, type DatabaseHandle } from '../adapters/db/create-database.ts';
import { migrateToLatest } from '../adapters/db/migrate.ts';
import { createQueueBackend, type QueueBackend } from '../adapters/queue/create-queue-backend.ts';
import { buildApp } from '../adapters/http/app.ts';
import { createMetricsRegistry, type MetricsRegistry } from '../adapters/metrics/metrics-registry.ts';
import { metricsPlugin } from '../adapters/metrics/metrics-plugin.ts';
import { PacerError } from '../domain/pacer-error.ts';
import type { PacerConfig } from './config/load-config.ts';
import { createServices, type Services } from './create-services.ts';
import { importSpoolDir, registerImportFeature } from './register-import-feature.ts';
import { registerComplianceFeature } from './register-compliance-feature.ts';
import { createDialer, type Dialer } from './create-dialer.ts';
import { createConfiguredTelephony, dialerLifecycle } from './dialer-lifecycle.ts';
import { seedDemoCampaign } from './demo-campaign.ts';
import { startRecordingRetention } from './recording-retention.ts';

export interface Runtime {
  config: PacerConfig;
  logger: Logger;
  app: FastifyInstance;
  services: Services;
  database: DatabaseHandle;
  queue: QueueBackend;
  /** Prometheus registry behind `GET /metrics`; other components add their metrics to it. */
  metrics: MetricsRegistry;
  /** Where the database runs: `external` (DATABASE_URL) or `embedded`. */
  databaseKind: 'external' | 'embedded';
  /** A first admin key made because none existed and PACER_ADMIN_KEY was absent: show it once. */
  generatedAdminKey: string | null;
  dialer: Dialer;
  /** The demo campaign seeded on this start (empty database, simulated telephony), if any. */
  demoCampaignId: string | null;
  /** Stops the app, the queue, the database and embedded PostgreSQL, in that order. Idempotent. */
  close(): Promise<void>;
}

export interface CreateRuntimeOptions {
  logger?: Logger;
  /** Generate (and return) an admin key when no active one exists and none is configured. Default true. */
  generateAdminKey?: boolean;
}

/**
 * The composition root: embedded PostgreSQL when no DATABASE_URL, the database, migrations
 * (unless PACER_AUTO_MIGRATE=false), the queue backend (Redis/BullMQ or in-process), the services,
 * the admin-key bootstrap and the Fastify app. Whatever started is stopped again when a later step
 * fails.
 *
 * @example
 * ```ts
 * const runtime = await createRuntime(loadConfig());
 * await runtime.app.listen({ port: runtime.config.port, host: runtime.config.host });
 * process.once('SIGTERM', () => void runtime.close());
 * ```
 */
export async function createRuntime(config: PacerConfig, options: CreateRuntimeOptions = {}): Promise<Runtime> {
  const logger = options.logger ?? createLogger({ level: config.logLevel });
  /** Closers, last started first. */
  const stack: { name: string; close: () => Promise<void> }[] = [];
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      const errors: unknown[] = [];
      for (const { name, close: stop } of [...stack].reverse()) {
        try {
          await stop();
          logger.debug({ component: name }, 'stopped');
        } catch (err) {
          logger.error({ err, component: name }, 'failed to stop cleanly');
          errors.push(err);
        }
      }
      if (errors.length > 0) throw new PacerError('INTERNAL', 'shutdown was not clean', { cause: new AggregateError(errors) });
    })();
    return closing;
  };

  try {
    let connectionString = config.databaseUrl;
    const databaseKind = connectionString === null ? 'embedded' : 'external';
    if (connectionString === null) {
      logger.info({ dataDir: config.dataDir }, 'no DATABASE_URL: starting embedded PostgreSQL');
      const embedded = await (await importEmbeddedPostgres()).startEmbeddedPostgres({ dataDir: config.dataDir, onLog: (message) => logger.debug({ component: 'embedded-postgres' }, message) });
      const cancelExitStop = stopOnProcessExit(config.dataDir);
      stack.push({
        name: 'embedded-postgres',
        close: async () => {
          await embedded.stop();
          cancelExitStop();
        },
      });
      connectionString = embedded.connectionString;
    }
    let databaseClosing = false;
    const database = createDatabase({
      connectionString,
      // Idle connections cut by the server while we shut it down are expected; anything else is not.
      onPoolError: (err) => {
        const detail = { err: { message: err.message, code: (err as { code?: unknown }).code } };
        if (databaseClosing) logger.debug(detail, 'database connection closed during shutdown');
        else logger.error(detail, 'database pool error');
      },
    });
    stack.push({
      name: 'database',
      close: () => {
        databaseClosing = true;
        return database.close();
      },
    });
    try {
      await database.pool.query('SELECT 1');
    } catch (err) {
      throw new PacerError('DATABASE_UNAVAILABLE', 'cannot reach the database (check DATABASE_URL)', { cause: err });
    }
    if (config.autoMigrate) {
      const { applied } = await migrateToLatest(database.db as unknown as Kysely<unknown>);
      if (applied.length > 0) logger.info({ applied }, 'migrations applied');
    }

    const queue = createQueueBackend(config.redisUrl === null ? { logger } : { redisUrl: config.redisUrl, logger });
    stack.push({ name: 'queue', close: () => queue.close() });

    const services = createServices({ db: database.db, pool: database.pool, defaultRegion: config.defaultRegion });
    let generatedAdminKey: string | null = null;
    if (config.adminKey !== null) {
      if (await services.apiKeys.ensureAdminKey(config.adminKey)) logger.info('admin key from PACER_ADMIN_KEY registered');
    } else if ((options.generateAdminKey ?? true) && !(await services.apiKeys.hasActiveAdmin())) {
      generatedAdminKey = (await services.apiKeys.create({ role: 'admin', name: 'generated at first start' }, { actorKeyId: null, actorRole: 'system' })).secret;
      logger.warn('no admin key existed and PACER_ADMIN_KEY is not set: generated one (printed once on the console)');
    }

    const dialer = createDialer({
      db: database.db,
      lease: queue.lease,
      eventBus: queue.eventBus,
      logger,
      nodeId: config.nodeId,
      campaigns: services.campaignRepository,
      sim: config.sim,
      drainTimeoutMs: config.drainTimeoutMs,
      recordingsDir: config.recordingsDir,
      ...(config.telephony === 'sim' ? {} : { telephony: createConfiguredTelephony(config, logger, { nowMs: () => Date.now() }) }),
    });
    stack.push({ name: 'dialer', close: () => dialer.close() });
    services.campaigns.setLifecycle(dialerLifecycle(dialer, database.db, config));

    const metrics = createMetricsRegistry();
    const app = await buildApp({
      services,
      logger,
      registerRootFeatures: (root) => metricsPlugin(root, { metrics }),
      readinessChecks: [
        { name: 'database', check: async () => (await database.pool.query('SELECT 1')).rowCount === 1 },
        { name: 'queue', check: () => queue.ping() },
        { name: 'telephony', check: async () => dialer.telephony.ready() },
      ],
      registerFeatures: async (v1) => {
        await registerImportFeature(v1, { database, jobQueue: queue.jobQueue, services, defaultRegion: config.defaultRegion, spoolDir: importSpoolDir(config.dataDir) });
        await dialer.registerRoutes(v1);
        const runtimeMetrics = await registerComplianceFeature(v1, { db: database.db, clock: dialer.scheduler, recordingsDir: config.recordingsDir, backgroundExports: { jobQueue: queue.jobQueue, dir: join(config.dataDir, 'exports') }, metrics: { registry: metrics.registry, runtime: dialer.runtime, telephony: dialer.telephony } });
        if (runtimeMetrics !== undefined) dialer.runtime.setMetrics(runtimeMetrics);
      },
    });
    stack.push({ name: 'http', close: () => app.close() });
    const retention = startRecordingRetention({ db: database.db, scheduler: dialer.scheduler, recordingsDir: config.recordingsDir, logger });
    stack.push({ name: 'recording-retention', close: () => retention.stop() });

    const demo = config.demo && config.telephony === 'sim' ? await seedDemoCampaign(database.db, { nowMs: dialer.scheduler.nowMs(), leads: 5_000, agents: config.sim.agents }) : undefined;
    if (demo !== undefined) logger.info({ campaignId: demo.campaignId, leads: demo.leads, agents: demo.agentIds.length, zones: demo.zones }, 'empty database: seeded a running demo campaign on simulated telephony');
    const resumed = await dialer.runtime.start();
    for (const campaignId of dialer.runtime.runningCampaignIds()) await dialer.ensureSimAgents(campaignId);
    if (resumed.campaignsResumed > 0) logger.info(resumed, 'dialer started');
    return { config, logger, app, services, database, queue, metrics, dialer, demoCampaignId: demo?.campaignId ?? null, databaseKind, generatedAdminKey, close };
  } catch (err) {
    await close().catch((closeErr: unknown) => logger.error({ err: closeErr }, 'cleanup after a failed start also failed'));
    throw err;
  }
}
