import { randomUUID } from 'node:crypto';
import { inject, afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createDatabase, type DatabaseHandle } from '../../src/adapters/db/create-database.ts';
import { buildApp } from '../../src/adapters/http/app.ts';
import { createServices, type Services } from '../../src/app/create-services.ts';

let app: FastifyInstance;
let database: DatabaseHandle;
let services: Services;
let admin: string;

beforeAll(async () => {
  database = createDatabase({ connectionString: inject('databaseUrl'), maxConnections: 2 });
  services = createServices({ db: database.db, pool: database.pool, defaultRegion: 'US' });
  app = await buildApp({ services, readinessChecks: [], authFailureLimit: { max: 3, timeWindowMs: 60_000 } });
  admin = (await services.apiKeys.create({ role: 'admin', name: `hard-${randomUUID()}` }, { actorKeyId: null, actorRole: 'system' })).secret;
});
afterAll(async () => {
  await app.close();
  await database.close();
});

const get = (key: string, remoteAddress: string) => app.inject({ method: 'GET', url: '/v1/campaigns', remoteAddress, headers: { authorization: `Bearer ${key}` } });

describe('failed authentication is rate limited per client address', () => {
  it('answers 429 after too many unknown keys, even for a right key from that address, and not for other addresses', async () => {
    const attacker = '203.0.113.7';
    for (let i = 0; i < 3; i++) expect((await get(`pk_guess${i}`, attacker)).statusCode).toBe(401);
    const limited = await get('pk_guess-next', attacker);
    expect(limited.statusCode).toBe(429);
    expect(JSON.parse(limited.body)).toMatchObject({ error: { code: 'RATE_LIMITED' } });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    // A correct guess from the limited address does not reveal itself.
    expect((await get(admin, attacker)).statusCode).toBe(429);
    expect((await get(admin, '198.51.100.9')).statusCode).toBe(200);
  });

  it('does not count successful requests', async () => {
    const client = '192.0.2.44';
    for (let i = 0; i < 10; i++) expect((await get(admin, client)).statusCode).toBe(200);
    expect((await get('pk_wrong', client)).statusCode).toBe(401);
  });
});

describe('stored key prefixes', () => {
  it('the bootstrap admin key (PACER_ADMIN_KEY) stores and shows none of its characters', async () => {
    const secret = `Adm1n-${randomUUID().slice(0, 10)}`;
    expect(await services.apiKeys.ensureAdminKey(secret)).toBe(true);
    const listed = (await services.apiKeys.list({ includeRevoked: false })).filter((k) => k.name.startsWith('bootstrap admin'));
    expect(listed.length).toBeGreaterThan(0);
    for (const k of listed) {
      for (let n = 3; n <= k.keyPrefix.length; n++) expect(secret.startsWith(k.keyPrefix.slice(0, n))).toBe(false);
    }
    const row = await database.db.selectFrom('api_keys').select('key_prefix').where('name', 'like', 'bootstrap admin%').execute();
    expect(row.every((r) => !secret.startsWith(r.key_prefix.slice(0, 3)))).toBe(true);
    expect(await services.apiKeys.authenticate(secret)).toMatchObject({ role: 'admin' });
  });

  it('a generated key shows `pk_` and at most 4 of its 32 random characters', async () => {
    const { key, secret } = await services.apiKeys.create({ role: 'manager', name: `p-${randomUUID()}` }, { actorKeyId: null, actorRole: 'system' });
    expect(secret.startsWith(key.keyPrefix)).toBe(true);
    expect(key.keyPrefix.length).toBeLessThanOrEqual(7);
  });
});
