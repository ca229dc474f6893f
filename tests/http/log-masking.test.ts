import { Writable } from 'node:stream';
import { randomUUID } from 'node:crypto';
import { inject, afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createDatabase, type DatabaseHandle } from '../../src/adapters/db/create-database.ts';
import { buildApp } from '../../src/adapters/http/app.ts';
import { createServices } from '../../src/app/create-services.ts';
import { createLogger } from '../../src/app/create-logger.ts';

const chunks: string[] = [];
let app: FastifyInstance;
let database: DatabaseHandle;
let key: string;

beforeAll(async () => {
  database = createDatabase({ connectionString: inject('databaseUrl'), maxConnections: 2 });
  const services = createServices({ db: database.db, pool: database.pool, defaultRegion: 'US' });
  const destination = new Writable({ write(chunk: Buffer, _enc, done) { chunks.push(chunk.toString()); done(); } });
  app = await buildApp({ services, readinessChecks: [], logger: createLogger({ level: 'info', destination }) });
  key = (await services.apiKeys.create({ role: 'admin', name: `log-${randomUUID()}` }, { actorKeyId: null, actorRole: 'system' })).secret;
});
afterAll(async () => {
  await app.close();
  await database.close();
});

describe('request logs', () => {
  it('mask phone numbers in request URLs (path and query, raw or percent-encoded)', async () => {
    const list = randomUUID();
    const urls = [
      `/v1/dnc-lists/${list}/numbers/+12125550123`,
      `/v1/dnc-lists/${list}/numbers/%2B12125550123`,
      '/v1/dnc/check?phone=%2B12125550123',
      '/v1/dnc/check?phone=+12125550123',
      '/v1/dnc/check?phone=(212)%20555-0123',
      '/v1/dnc/check?phone=2125550123',
    ];
    chunks.length = 0;
    for (const url of urls) await app.inject({ method: url.includes('/numbers/') ? 'DELETE' : 'GET', url, headers: { authorization: `Bearer ${key}` } });
    const text = chunks.join('');
    const lines = text.trim().split('\n').map((l) => JSON.parse(l) as { req?: { url?: string } });
    const logged = lines.flatMap((l) => (l.req?.url === undefined ? [] : [l.req.url]));
    expect(logged.length).toBeGreaterThanOrEqual(urls.length);
    expect(text).not.toMatch(/555.?0123/);
    expect(text).not.toContain('5550123');
    // The rest of the URL stays readable.
    expect(logged.some((u) => u.startsWith(`/v1/dnc-lists/${list}/numbers/`))).toBe(true);
    expect(logged.some((u) => u.startsWith('/v1/dnc/check?phone='))).toBe(true);
  });
});
