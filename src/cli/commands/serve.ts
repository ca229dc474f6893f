import { createRuntime } from '../../app/create-runtime.ts';
import { startServer } from '../../app/server.ts';
import { loadCliConfig } from '../../app/config/load-cli-config.ts';

/** Longest wait for a clean shutdown, beyond the drain of live calls, before the process exits anyway. */
const SHUTDOWN_GRACE_MS = 15_000;

/**
 * `pacer serve`: starts the API (embedded PostgreSQL and in-process queues unless configured) and
 * runs until SIGINT/SIGTERM, then shuts down in reverse order.
 */
export async function run(argv: readonly string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write('usage: pacer serve\n\nConfigured by environment (PORT, HOST, DATABASE_URL, REDIS_URL, PACER_ADMIN_KEY, ...) and config/*.json.\n');
    return 0;
  }
  const config = loadCliConfig();
  if (config === undefined) return 78;
  // Listen for signals before anything starts, so one arriving mid-start still shuts down in order
  // (the default action would kill the process and orphan embedded PostgreSQL).
  const signal = new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
  if (config.databaseUrl === null) process.stdout.write(`Starting embedded PostgreSQL in ${config.dataDir} (no DATABASE_URL)…\n`);
  const runtime = await createRuntime(config);
  let server;
  try {
    server = await startServer(runtime);
  } catch (err) {
    await runtime.close();
    throw err;
  }
  process.stdout.write(`Pacer API on ${server.url}/v1 — docs at ${server.url}/docs\n`);
  process.stdout.write(`Database: ${runtime.databaseKind === 'embedded' ? `embedded PostgreSQL (${config.dataDir})` : 'DATABASE_URL'}; queue: ${runtime.queue.kind}\n`);
  process.stdout.write(`Telephony: ${config.telephony === 'sim' ? `simulated (speed x${config.sim.speed}, ${config.sim.agents} simulated agents per campaign)` : config.telephony}\n`);
  if (runtime.demoCampaignId !== null) {
    process.stdout.write(
      `\nDemo: campaign ${runtime.demoCampaignId} is running on simulated telephony with simulated agents.\n` +
        `Watch it: curl -H "Authorization: Bearer <admin key>" ${server.url}/v1/campaigns/${runtime.demoCampaignId}/stats\n`,
    );
  }
  if (runtime.generatedAdminKey !== null) {
    process.stdout.write(
      `\nNo admin API key existed and PACER_ADMIN_KEY is not set, so one was generated.\n` +
        `It is shown only this once — store it now:\n\n  ${runtime.generatedAdminKey}\n\n` +
        `Use it as: Authorization: Bearer <key>\n\n`,
    );
  }

  const received = await signal;
  runtime.logger.info({ signal: received }, 'shutting down');
  // The drain lets live calls go on for up to PACER_DRAIN_TIMEOUT_MS, then hangs up, flushes and closes.
  const shutdownLimitMs = config.drainTimeoutMs + SHUTDOWN_GRACE_MS;
  const force = setTimeout(() => {
    process.stderr.write(`pacer: shutdown took longer than ${shutdownLimitMs} ms, exiting\n`);
    process.exit(1);
  }, shutdownLimitMs);
  force.unref();
  process.once(received, () => {
    process.stderr.write('pacer: second signal, exiting now\n');
    process.exit(1);
  });
  try {
    await server.close();
  } catch (err) {
    runtime.logger.error({ err }, 'shutdown was not clean');
    return 1;
  }
  runtime.logger.info('stopped');
  return 0;
}
