import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/app/config/load-config.ts';
import { isPacerError } from '../../../src/domain/pacer-error.ts';

function dir(files: Record<string, unknown> = {}): string {
  const d = mkdtempSync(join(tmpdir(), 'pacer-config-'));
  for (const [name, content] of Object.entries(files)) writeFileSync(join(d, name), typeof content === 'string' ? content : JSON.stringify(content));
  return d;
}

function issuesOf(fn: () => unknown): { field: string; reason: string }[] {
  try {
    fn();
  } catch (err) {
    if (isPacerError(err, 'CONFIG_INVALID')) return [...err.issues];
    throw err;
  }
  throw new Error('expected CONFIG_INVALID');
}

describe('loadConfig', () => {
  it('has zero-configuration defaults: embedded database, in-process queue, local-only listener', () => {
    const config = loadConfig({ env: {}, configDir: dir(), cwd: '/srv/pacer' });
    expect(config).toMatchObject({
      port: 3000,
      host: '127.0.0.1',
      databaseUrl: null,
      dataDir: '/srv/pacer/data',
      redisUrl: null,
      adminKey: null,
      logLevel: 'info',
      defaultRegion: 'US',
      autoMigrate: true,
      telephony: 'sim',
      sim: { agents: 4, speed: 1 },
    });
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.sim)).toBe(true);
  });

  it('reads the shipped config/default.json', () => {
    const config = loadConfig({ env: {} });
    expect(config.sources.some((s) => s.endsWith('default.json'))).toBe(true);
    expect(config.port).toBe(3000);
  });

  it('layers default.json, local.json and the environment, the environment winning', () => {
    const configDir = dir({ 'default.json': { port: 4000, logLevel: 'warn', simAgents: 2 }, 'local.json': { port: 5000, defaultRegion: 'gb' } });
    const config = loadConfig({ env: { PORT: '6000', PACER_AUTO_MIGRATE: 'false', DATABASE_URL: 'postgres://u:p@db:5432/pacer', REDIS_URL: 'redis://r:6379' }, configDir });
    expect(config).toMatchObject({ port: 6000, logLevel: 'warn', defaultRegion: 'GB', autoMigrate: false, databaseUrl: 'postgres://u:p@db:5432/pacer', redisUrl: 'redis://r:6379', sim: { agents: 2, speed: 1 } });
  });

  it('reads PACER_CONFIG_FILE instead of local.json, relative to cwd', () => {
    const configDir = dir({ 'local.json': { port: 5000 } });
    const other = dir({ 'pacer.json': { port: 7000 } });
    expect(loadConfig({ env: { PACER_CONFIG_FILE: 'pacer.json' }, configDir, cwd: other }).port).toBe(7000);
    expect(issuesOf(() => loadConfig({ env: { PACER_CONFIG_FILE: 'missing.json' }, configDir, cwd: other }))).toEqual([
      { field: 'PACER_CONFIG_FILE', reason: expect.stringContaining('not found') },
    ]);
  });

  it('reports every invalid setting at once, by env name or file key', () => {
    const configDir = dir({ 'default.json': { simSpeed: 0, colour: 'blue' } });
    const issues = issuesOf(() =>
      loadConfig({
        env: {
          PORT: 'eighty',
          DATABASE_URL: 'mysql://x',
          REDIS_URL: 'not a url',
          PACER_ADMIN_KEY: 'short',
          LOG_LEVEL: 'loud',
          PACER_DEFAULT_REGION: 'ZZ',
          PACER_AUTO_MIGRATE: 'maybe',
          PACER_TELEPHONY: 'pots',
          PACER_SIM_AGENTS: '-1',
        },
        configDir,
      }),
    );
    const fields = issues.map((i) => i.field);
    expect(fields).toEqual(
      expect.arrayContaining([
        'PORT',
        'DATABASE_URL',
        'REDIS_URL',
        'PACER_ADMIN_KEY',
        'LOG_LEVEL',
        'PACER_DEFAULT_REGION',
        'PACER_AUTO_MIGRATE',
        'PACER_TELEPHONY',
        'PACER_SIM_AGENTS',
        expect.stringMatching(/default\.json: simSpeed$/),
        expect.stringMatching(/default\.json: colour$/),
      ]),
    );
    expect(fields).toHaveLength(11);
  });

  it('refuses a sped-up simulated clock: pacer serve writes real compliance records', () => {
    const issues = issuesOf(() => loadConfig({ env: { PACER_SIM_SPEED: '10' }, configDir: dir({}) }));
    expect(issues).toEqual([{ field: 'PACER_SIM_SPEED', reason: expect.stringContaining('pacer simulate') }]);
  });

  it('rejects a config file that is not a JSON object', () => {
    const configDir = dir({ 'default.json': '{ port: 1' });
    expect(issuesOf(() => loadConfig({ env: {}, configDir }))[0]?.reason).toContain('not valid JSON');
  });

  it('treats empty environment values as unset', () => {
    const config = loadConfig({ env: { DATABASE_URL: '', PORT: '' }, configDir: dir() });
    expect(config.databaseUrl).toBeNull();
    expect(config.port).toBe(3000);
  });
});

describe('loadConfig: drachtio telephony', () => {
  it('builds the adapter options from DRACHTIO_URL, FREESWITCH_URL and the trunk', () => {
    const config = loadConfig({
      env: {
        PACER_TELEPHONY: 'drachtio',
        DRACHTIO_URL: 'drachtio://s3cret@10.0.0.5:9022',
        FREESWITCH_URL: 'esl://ClueCon@fs1.local:8021, esl://pw2@fs2.local',
        PACER_TRUNK_URI: 'sip:{to}@carrier.example.com',
        PACER_AMD_ENGINE: 'none',
        PACER_MEDIA_MAX_CPS: '50',
        PACER_MEDIA_WARM_ENDPOINTS: '16',
      },
      configDir: dir(),
    });
    expect(config.drachtio).toMatchObject({
      drachtio: { host: '10.0.0.5', port: 9022, secret: 's3cret' },
      mediaServers: [
        { id: 'fs1', eslHost: 'fs1.local', eslPort: 8021, eslSecret: 'ClueCon', maxCps: 50, warmEndpoints: 16, hasModAmd: false, hasModAvmd: true },
        { id: 'fs2', eslHost: 'fs2.local', eslPort: 8021, eslSecret: 'pw2' },
      ],
      trunk: { uri: 'sip:{to}@carrier.example.com' },
      amd: { engine: 'none' },
    });
  });

  it('names every missing or malformed telephony setting at once', () => {
    const issues = issuesOf(() => loadConfig({ env: { PACER_TELEPHONY: 'drachtio', DRACHTIO_URL: 'http://x', PACER_AMD_TIMEOUT_MS: '10' }, configDir: dir() }));
    const fields = issues.map((i) => i.field);
    expect(fields).toEqual(expect.arrayContaining(['DRACHTIO_URL', 'FREESWITCH_URL', 'PACER_TRUNK_URI', 'PACER_AMD_TIMEOUT_MS']));
  });

  it('refuses PACER_MEDIA_WARM_ENDPOINTS above PACER_MEDIA_MAX_SESSIONS or negative', () => {
    const env = { PACER_TELEPHONY: 'drachtio', DRACHTIO_URL: 'drachtio://s@d:9022', FREESWITCH_URL: 'esl://p@fs:8021', PACER_TRUNK_URI: 'sip:{to}@c.example.com', PACER_MEDIA_MAX_SESSIONS: '10' };
    for (const value of ['11', '-1', '2.5']) {
      const fields = issuesOf(() => loadConfig({ env: { ...env, PACER_MEDIA_WARM_ENDPOINTS: value }, configDir: dir() })).map((i) => i.field);
      expect(fields).toContain('PACER_MEDIA_WARM_ENDPOINTS');
    }
  });

  it('rejects a trunk URI that is not a SIP URI or whose braces are not the {to} placeholder, naming PACER_TRUNK_URI / PACER_TRUNK_PROXY', () => {
    const env = { PACER_TELEPHONY: 'drachtio', DRACHTIO_URL: 'drachtio://s@d:9022', FREESWITCH_URL: 'esl://p@fs:8021' };
    // What a compose file makes of `${PACER_TRUNK_URI:-sip:{to}@host}` when the default ends at the first `}`.
    expect(issuesOf(() => loadConfig({ env: { ...env, PACER_TRUNK_URI: 'sip:{to@carrier.example.com}' }, configDir: dir() }))).toEqual([
      { field: 'PACER_TRUNK_URI', reason: "has a '{' or '}' that is not part of the {to} placeholder" },
    ]);
    expect(issuesOf(() => loadConfig({ env: { ...env, PACER_TRUNK_URI: 'carrier.example.com', PACER_TRUNK_PROXY: 'http://sbc' }, configDir: dir() }))).toEqual([
      { field: 'PACER_TRUNK_URI', reason: 'must be a sip: or sips: URI' },
      { field: 'PACER_TRUNK_PROXY', reason: 'must be a sip: or sips: URI' },
    ]);
  });

  it('leaves the options out in simulated mode', () => {
    expect(loadConfig({ env: {}, configDir: dir() }).drachtio).toBeNull();
  });
});
