import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/app/config/load-config.ts';
import { createRuntime, type Runtime } from '../../../src/app/create-runtime.ts';

/**
 * The zero-configuration path, exercised in CI: no DATABASE_URL, so the composition root runs
 * embedded PostgreSQL in a temporary data directory, migrates it and serves.
 */
describe('runtime on embedded PostgreSQL', () => {
  let dataDir: string;
  let runtime: Runtime | undefined;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'pacer-embedded-'));
    // mkdtemp makes it 0700; as root, embedded PostgreSQL runs as an unprivileged user that must enter it.
    await chmod(dataDir, 0o755);
    const config = loadConfig({ env: { PACER_DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'silent' } });
    runtime = await createRuntime(config, { logger: pino({ level: 'silent' }) });
  }, 120_000);

  afterAll(async () => {
    if (runtime === undefined) return;
    await runtime.close();
    await runtime.close(); // idempotent
    await rm(dataDir, { recursive: true, force: true });
  }, 60_000);

  it('serves /healthz and /readyz with database and queue ready, and a generated admin key works', async () => {
    if (runtime === undefined) throw new Error('runtime did not start');
    expect(runtime.databaseKind).toBe('embedded');
    expect((await runtime.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    const ready = await runtime.app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toMatchObject({ status: 'ready', dependencies: [{ name: 'database', ok: true }, { name: 'queue', ok: true }, { name: 'telephony', ok: true }] });
    expect(runtime.generatedAdminKey).toMatch(/^pk_/);
    const res = await runtime.app.inject({ method: 'GET', url: '/v1/api-keys', headers: { authorization: `Bearer ${runtime.generatedAdminKey ?? ''}` } });
    expect(res.statusCode).toBe(200);
    const metrics = await runtime.app.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.statusCode).toBe(200);
    expect(metrics.body).toContain('pacer_http_request_duration_seconds_count{method="GET",route="/readyz",status="200"} 1');
    // The composition root wires the import feature too.
    const doc = runtime.app.swagger() as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/v1/campaigns/{id}/leads', '/v1/imports/{id}']));
  });
});
