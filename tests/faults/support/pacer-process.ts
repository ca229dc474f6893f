import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort, waitFor } from './free-port.ts';

const ROOT = resolve(import.meta.dirname, '../../..');
export const ADMIN_KEY = 'faults-admin-key-0123456789abcdef';

export interface PacerProcessOptions {
  databaseUrl: string;
  redisUrl?: string;
  simAgents: number;
  drainTimeoutMs?: number;
  /** Stable across restarts so a restarted node recovers what it left open. */
  nodeId: string;
  dataDir?: string;
  env?: Record<string, string>;
}

/**
 * The real `pacer serve` as a child process (`node --import tsx src/cli/main.ts serve`), simulated
 * telephony at real-time speed, on a free port. Its output is kept for the assertions.
 */
export class PacerProcess {
  readonly port: number;
  readonly dataDir: string;
  readonly #child: ChildProcess;
  readonly #ownsDataDir: boolean;
  #output = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  private constructor(child: ChildProcess, port: number, dataDir: string, ownsDataDir: boolean) {
    this.#child = child;
    this.port = port;
    this.dataDir = dataDir;
    this.#ownsDataDir = ownsDataDir;
    child.stdout?.on('data', (chunk: Buffer) => { this.#output += chunk.toString('utf8'); });
    child.stderr?.on('data', (chunk: Buffer) => { this.#output += chunk.toString('utf8'); });
    this.exited = new Promise((done) => child.once('exit', (code, signal) => done({ code, signal })));
  }

  static async start(options: PacerProcessOptions): Promise<PacerProcess> {
    const port = await freePort();
    const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'pacer-faults-data-')));
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '/tmp',
        DATABASE_URL: options.databaseUrl,
        ...(options.redisUrl === undefined ? {} : { REDIS_URL: options.redisUrl }),
        PORT: String(port),
        HOST: '127.0.0.1',
        PACER_TELEPHONY: 'sim',
        PACER_SIM_AGENTS: String(options.simAgents),
        PACER_SIM_SPEED: '1',
        PACER_ADMIN_KEY: ADMIN_KEY,
        PACER_DATA_DIR: dataDir,
        PACER_NODE_ID: options.nodeId,
        PACER_DRAIN_TIMEOUT_MS: String(options.drainTimeoutMs ?? 30_000),
        LOG_LEVEL: 'info',
        ...options.env,
      },
    });
    const proc = new PacerProcess(child, port, dataDir, options.dataDir === undefined);
    await waitFor('pacer serve to listen', async () => {
      if (child.exitCode !== null) throw new Error(`pacer serve exited (${child.exitCode}):\n${proc.output.slice(-4000)}`);
      return proc.output.includes('Pacer API on') ? true : undefined;
    }, 90_000);
    return proc;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get output(): string {
    return this.#output;
  }

  get alive(): boolean {
    return this.#child.exitCode === null && this.#child.signalCode === null;
  }

  get pid(): number {
    return this.#child.pid ?? -1;
  }

  /** GET with a hard timeout; resolves with the status and how long the answer took (wall ms). */
  async get(path: string, timeoutMs = 5_000): Promise<{ status: number; body: string; tookMs: number }> {
    const started = Date.now();
    const response = await fetch(`${this.url}${path}`, { headers: { authorization: `Bearer ${ADMIN_KEY}` }, signal: AbortSignal.timeout(timeoutMs) });
    return { status: response.status, body: await response.text(), tookMs: Date.now() - started };
  }

  async request(method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
    const response = await fetch(`${this.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${ADMIN_KEY}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(10_000),
    });
    const text = await response.text();
    return { status: response.status, json: text === '' ? null : (JSON.parse(text) as unknown) };
  }

  /** A request with a raw body (e.g. a CSV upload). */
  async send(method: string, path: string, body: string, contentType: string): Promise<{ status: number; json: unknown }> {
    const response = await fetch(`${this.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': contentType },
      body,
      signal: AbortSignal.timeout(30_000),
    });
    const text = await response.text();
    return { status: response.status, json: text === '' ? null : (JSON.parse(text) as unknown) };
  }

  signal(signal: NodeJS.Signals): void {
    if (this.alive) this.#child.kill(signal);
  }

  /** SIGKILL if still running, then removes the data dir it made. Never throws. */
  async destroy(): Promise<void> {
    if (this.alive) {
      this.#child.kill('SIGKILL');
      await this.exited;
    }
    if (this.#ownsDataDir) await rm(this.dataDir, { recursive: true, force: true }).catch(() => undefined);
  }
}
