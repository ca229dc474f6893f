import { existsSync, readFileSync, statSync } from 'node:fs';
import { hostname } from 'node:os';
import type { DrachtioAdapterOptions } from '../../adapters/telephony/drachtio/drachtio-adapter-options.ts';
import { readDrachtioOptions, TELEPHONY_SETTINGS } from './telephony-config.ts';
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isSupportedCountry } from 'libphonenumber-js';
import { PacerError, type FieldIssue } from '../../domain/pacer-error.ts';
import type { CountryCode } from '../../domain/leads/phone-number.ts';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export type TelephonyMode = 'sim' | 'drachtio';

/** The one validated, frozen configuration, read once at startup. */
export interface PacerConfig {
  readonly port: number;
  /** Default 127.0.0.1 (local only); set HOST=0.0.0.0 to listen on every interface (the Docker image does). */
  readonly host: string;
  /** Null: run embedded PostgreSQL with its data under `dataDir`. */
  readonly databaseUrl: string | null;
  readonly dataDir: string;
  /**
   * Where Pacer reads call recordings (PACER_RECORDINGS_DIR, default `<dataDir>/recordings`): the
   * volume FreeSWITCH writes to (PACER_FS_RECORDINGS_DIR is the same directory as FreeSWITCH sees it).
   */
  readonly recordingsDir: string;
  /** Null: single-node in-process queue and event bus. */
  readonly redisUrl: string | null;
  /** Bootstraps (idempotently) an admin key with exactly this secret. */
  readonly adminKey: string | null;
  readonly logLevel: LogLevel;
  /** Region for numbers written without +. */
  readonly defaultRegion: CountryCode;
  readonly autoMigrate: boolean;
  readonly telephony: TelephonyMode;
  readonly sim: { readonly agents: number; readonly speed: number };
  /** This node's id, stable across restarts (attempts it left open are closed on its next start). */
  readonly nodeId: string;
  /** The drachtio/FreeSWITCH adapter options; null unless PACER_TELEPHONY=drachtio. */
  readonly drachtio: DrachtioAdapterOptions | null;
  /** Seed a running demo campaign on an empty database (simulated telephony only). */
  readonly demo: boolean;
  /** Graceful shutdown: how long live calls may go on after SIGTERM/SIGINT before they are hung up (PACER_DRAIN_TIMEOUT_MS, default 30000). */
  readonly drainTimeoutMs: number;
  /**
   * Secret that signs the dial-decision chain heads `pacer audit anchor` exports (PACER_AUDIT_KEY,
   * at least 32 characters); null: anchors can be neither written nor checked.
   */
  readonly auditKey: string | null;
  /** Config files that were read, in order. */
  readonly sources: readonly string[];
}

/** Each setting: its env variable and its key in config/*.json files. */
const SETTINGS = {
  port: 'PORT',
  host: 'HOST',
  databaseUrl: 'DATABASE_URL',
  dataDir: 'PACER_DATA_DIR',
  recordingsDir: 'PACER_RECORDINGS_DIR',
  redisUrl: 'REDIS_URL',
  adminKey: 'PACER_ADMIN_KEY',
  logLevel: 'LOG_LEVEL',
  defaultRegion: 'PACER_DEFAULT_REGION',
  autoMigrate: 'PACER_AUTO_MIGRATE',
  telephony: 'PACER_TELEPHONY',
  simAgents: 'PACER_SIM_AGENTS',
  simSpeed: 'PACER_SIM_SPEED',
  nodeId: 'PACER_NODE_ID',
  demo: 'PACER_DEMO',
  drainTimeoutMs: 'PACER_DRAIN_TIMEOUT_MS',
  auditKey: 'PACER_AUDIT_KEY',
  ...TELEPHONY_SETTINGS,
} as const;
type SettingKey = keyof typeof SETTINGS;

const defaultConfigDir = fileURLToPath(new URL('../../../config', import.meta.url));

export interface LoadConfigOptions {
  env?: Readonly<Record<string, string | undefined>>;
  /** Folder holding default.json and the optional local.json. Default: the project's config/. */
  configDir?: string;
  /** Base for relative paths (PACER_CONFIG_FILE, dataDir). Default process.cwd(). */
  cwd?: string;
}

/**
 * Reads config/default.json, then config/local.json (if present) or PACER_CONFIG_FILE, then the
 * environment (which wins), and validates everything at once. The only reader of `process.env`.
 *
 * @throws PacerError `CONFIG_INVALID` listing every invalid setting (env name or file key).
 *
 * @example
 * ```ts
 * const config = loadConfig();            // process.env
 * const test = loadConfig({ env: { PORT: '0', DATABASE_URL: url } });
 * config.port; // 3000
 * ```
 */
export function loadConfig(options: LoadConfigOptions = {}): PacerConfig {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const configDir = options.configDir ?? defaultConfigDir;
  const issues: FieldIssue[] = [];
  const merged: Partial<Record<SettingKey, { value: unknown; from: string }>> = {};
  const sources: string[] = [];

  const readFile = (path: string, required: boolean): void => {
    if (!existsSync(path)) {
      if (required) issues.push({ field: 'PACER_CONFIG_FILE', reason: `file not found: ${path}` });
      return;
    }
    let data: unknown;
    try {
      data = JSON.parse(readFileSync(path, 'utf8'));
    } catch (err) {
      issues.push({ field: path, reason: `not valid JSON (${err instanceof Error ? err.name : 'parse error'})` });
      return;
    }
    if (typeof data !== 'object' || data === null || Array.isArray(data)) {
      issues.push({ field: path, reason: 'must hold a JSON object' });
      return;
    }
    sources.push(path);
    for (const [key, value] of Object.entries(data)) {
      if (!(key in SETTINGS)) issues.push({ field: `${path}: ${key}`, reason: `unknown setting; known: ${Object.keys(SETTINGS).join(', ')}` });
      else merged[key as SettingKey] = { value, from: `${path}: ${key}` };
    }
  };

  readFile(resolve(configDir, 'default.json'), false);
  const explicit = env.PACER_CONFIG_FILE;
  if (explicit !== undefined && explicit !== '') readFile(isAbsolute(explicit) ? explicit : resolve(cwd, explicit), true);
  else readFile(resolve(configDir, 'local.json'), false);
  for (const [key, name] of Object.entries(SETTINGS) as [SettingKey, string][]) {
    const value = env[name];
    if (value !== undefined && value !== '') merged[key] = { value, from: name };
  }

  const fieldOf = (key: SettingKey): string => merged[key]?.from ?? SETTINGS[key];
  const str = (key: SettingKey): string | null => {
    const v = merged[key]?.value;
    if (v === undefined || v === null) return null;
    if (typeof v !== 'string') {
      issues.push({ field: fieldOf(key), reason: 'must be a string' });
      return null;
    }
    return v.trim() === '' ? null : v.trim();
  };
  const num = (key: SettingKey, fallback: number, check: (n: number) => boolean, rule: string): number => {
    const v = merged[key]?.value;
    if (v === undefined || v === null) return fallback;
    const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : Number.NaN;
    if (!Number.isFinite(n) || !check(n)) {
      issues.push({ field: fieldOf(key), reason: `${rule}, got ${JSON.stringify(v)}` });
      return fallback;
    }
    return n;
  };
  const oneOf = <T extends string>(key: SettingKey, allowed: readonly T[], fallback: T): T => {
    const v = str(key);
    if (v === null) return fallback;
    if (!(allowed as readonly string[]).includes(v)) {
      issues.push({ field: fieldOf(key), reason: `must be one of ${allowed.join(', ')}, got ${JSON.stringify(v)}` });
      return fallback;
    }
    return v as T;
  };
  const bool = (key: SettingKey, fallback: boolean): boolean => {
    const v = merged[key]?.value;
    if (v === undefined || v === null) return fallback;
    if (typeof v === 'boolean') return v;
    const text = typeof v === 'string' ? v.trim().toLowerCase() : '';
    if (['true', '1', 'yes', 'on'].includes(text)) return true;
    if (['false', '0', 'no', 'off'].includes(text)) return false;
    issues.push({ field: fieldOf(key), reason: `must be true or false, got ${JSON.stringify(v)}` });
    return fallback;
  };
  const url = (key: SettingKey, protocols: readonly string[]): string | null => {
    const v = str(key);
    if (v === null) return null;
    let parsed: URL;
    try {
      parsed = new URL(v);
    } catch {
      issues.push({ field: fieldOf(key), reason: 'must be a URL' });
      return null;
    }
    if (!protocols.includes(parsed.protocol)) issues.push({ field: fieldOf(key), reason: `must start with ${protocols.map((p) => `${p}//`).join(' or ')}` });
    return v;
  };

  const port = num('port', 3000, (n) => Number.isInteger(n) && n >= 0 && n <= 65535, 'must be an integer port 0-65535');
  const host = str('host') ?? '127.0.0.1';
  const databaseUrl = url('databaseUrl', ['postgres:', 'postgresql:']);
  const dataDir = resolve(cwd, str('dataDir') ?? './data');
  const recordingsText = str('recordingsDir');
  const recordingsDir = resolve(cwd, recordingsText ?? resolve(dataDir, 'recordings'));
  if (/[\0\s]/.test(recordingsDir)) issues.push({ field: fieldOf('recordingsDir'), reason: 'must be a directory path without spaces or control characters' });
  else if (existsSync(recordingsDir) && !statSync(recordingsDir).isDirectory()) issues.push({ field: fieldOf('recordingsDir'), reason: `not a directory: ${recordingsDir}` });
  const redisUrl = url('redisUrl', ['redis:', 'rediss:']);
  const adminKey = str('adminKey');
  if (adminKey !== null && (adminKey.length < 16 || /\s/.test(adminKey))) issues.push({ field: fieldOf('adminKey'), reason: 'must be at least 16 characters with no spaces' });
  const logLevel = oneOf('logLevel', LOG_LEVELS, 'info');
  const region = (str('defaultRegion') ?? 'US').toUpperCase();
  if (!isSupportedCountry(region)) issues.push({ field: fieldOf('defaultRegion'), reason: `must be an ISO 3166-1 alpha-2 region with a phone plan (e.g. US, GB), got ${JSON.stringify(region)}` });
  const autoMigrate = bool('autoMigrate', true);
  const telephony = oneOf('telephony', ['sim', 'drachtio'] as const, 'sim');
  const agents = num('simAgents', 4, (n) => Number.isInteger(n) && n >= 0 && n <= 10_000, 'must be an integer 0-10000');
  // Simulated time never reaches compliance records: every call record, decision and audit row of
  // `pacer serve` is stamped with real time, so the service runs the simulated world at real time
  // only. Faster-than-real-time runs are `pacer simulate` (no database, its own report).
  const speed = num('simSpeed', 1, (n) => n === 1, 'must be 1: pacer serve writes real compliance records, so simulated time is not sped up there (use `pacer simulate` for faster-than-real-time runs)');
  const nodeId = str('nodeId') ?? hostname();
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(nodeId)) issues.push({ field: fieldOf('nodeId'), reason: 'must be 1-64 letters, digits, dots, dashes or underscores' });
  const demo = bool('demo', true);
  const drainTimeoutMs = num('drainTimeoutMs', 30_000, (n) => Number.isInteger(n) && n >= 0 && n <= 600_000, 'must be an integer number of milliseconds 0-600000');
  const auditKey = str('auditKey');
  if (auditKey !== null && auditKey.length < 32) issues.push({ field: fieldOf('auditKey'), reason: 'must be at least 32 characters' });
  const drachtio = readDrachtioOptions({ str, num, oneOf, fieldOf, issues }, telephony === 'drachtio');

  if (issues.length > 0) {
    throw new PacerError('CONFIG_INVALID', `invalid configuration:\n${issues.map((i) => `  - ${i.field}: ${i.reason}`).join('\n')}`, { issues });
  }
  return Object.freeze({
    port,
    host,
    databaseUrl,
    dataDir,
    recordingsDir,
    redisUrl,
    adminKey,
    logLevel,
    defaultRegion: region as CountryCode,
    autoMigrate,
    telephony,
    sim: Object.freeze({ agents, speed }),
    nodeId,
    demo,
    drainTimeoutMs,
    drachtio,
    auditKey,
    sources: Object.freeze([...sources]),
  });
}
