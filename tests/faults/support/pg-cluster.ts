import { execFile } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { freePort, waitFor } from './free-port.ts';

const run = promisify(execFile);
const BIN = process.env.PG_BIN_DIR ?? '/usr/lib/postgresql/15/bin';
const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;

/** Runs a PostgreSQL tool, as the `postgres` user when we are root (initdb refuses root). */
async function pgTool(tool: string, args: string[], timeoutMs = 30_000): Promise<string> {
  const [cmd, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', join(BIN, tool), ...args]] : [join(BIN, tool), args];
  const { stdout } = await run(cmd, argv, { timeout: timeoutMs });
  return stdout;
}

/**
 * A PostgreSQL cluster of the test's own (initdb into a temp dir, a free port, trust auth on
 * loopback), so a test may stop it, freeze it (SIGSTOP) and start it again without touching the
 * machine's shared server.
 */
export class PgCluster {
  readonly port: number;
  readonly dir: string;
  #frozen: number[] = [];

  private constructor(dir: string, port: number) {
    this.dir = dir;
    this.port = port;
  }

  /** initdb + start; the temp dir is world-readable so the `postgres` user reaches it. */
  static async create(): Promise<PgCluster> {
    const dir = await mkdtemp(join(tmpdir(), 'pacer-faults-pg-'));
    await chmod(dir, 0o777);
    const cluster = new PgCluster(dir, await freePort());
    await pgTool('initdb', ['-D', cluster.dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync'], 60_000);
    await cluster.start();
    await cluster.query('CREATE DATABASE pacer');
    return cluster;
  }

  get dataDir(): string {
    return join(this.dir, 'data');
  }

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/pacer`;
  }

  async start(): Promise<void> {
    const opts = `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=60`;
    await pgTool('pg_ctl', ['-D', this.dataDir, '-o', opts, '-l', join(this.dir, 'server.log'), '-w', '-t', '30', 'start']);
  }

  /** `pg_ctl stop -m fast`: every connection is terminated, the server goes away. */
  async stopFast(): Promise<void> {
    await pgTool('pg_ctl', ['-D', this.dataDir, '-m', 'fast', '-w', '-t', '30', 'stop']);
  }

  /** SIGSTOP on the postmaster and every backend: connections stay open, nothing answers. */
  async freeze(): Promise<void> {
    const pids = await this.#pids();
    for (const pid of pids) process.kill(pid, 'SIGSTOP');
    this.#frozen = pids;
  }

  async thaw(): Promise<void> {
    for (const pid of this.#frozen) {
      try {
        process.kill(pid, 'SIGCONT');
      } catch {
        // a backend that was already gone
      }
    }
    this.#frozen = [];
  }

  async #pids(): Promise<number[]> {
    const head = (await readFile(join(this.dataDir, 'postmaster.pid'), 'utf8')).split('\n')[0] ?? '';
    const postmaster = Number(head);
    const { stdout } = await run('pgrep', ['-P', String(postmaster)]).catch(() => ({ stdout: '' }));
    return [postmaster, ...stdout.split('\n').filter((l) => l.trim() !== '').map(Number)];
  }

  /** One statement on a fresh connection (the harness's own reads; never the pool under test). */
  async query<R extends pg.QueryResultRow = pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<R[]> {
    const db = sql.startsWith('CREATE DATABASE') ? 'postgres' : 'pacer';
    const client = new pg.Client({ connectionString: `postgres://postgres@127.0.0.1:${this.port}/${db}`, connectionTimeoutMillis: 5_000, query_timeout: 30_000 });
    client.on('error', () => undefined);
    await client.connect();
    try {
      return (await client.query<R>(sql, params)).rows;
    } finally {
      await client.end();
    }
  }

  /** Waits until the server answers again (after a start or a thaw). */
  async ready(timeoutMs = 30_000): Promise<void> {
    await waitFor('PostgreSQL', async () => ((await this.query('SELECT 1 AS one')).length === 1 ? true : undefined), timeoutMs);
  }

  /** Thaws, stops (immediate) and removes the data. Never throws. */
  async destroy(): Promise<void> {
    await this.thaw();
    await pgTool('pg_ctl', ['-D', this.dataDir, '-m', 'immediate', '-w', '-t', '30', 'stop']).catch(() => undefined);
    await rm(this.dir, { recursive: true, force: true }).catch(() => undefined);
  }
}
