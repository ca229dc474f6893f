import { afterEach, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { run as keys } from '../../../src/cli/commands/keys.ts';
import { run as migrate } from '../../../src/cli/commands/migrate.ts';
import { createDatabase } from '../../../src/adapters/db/create-database.ts';
import { AuditLogRepository } from '../../../src/adapters/db/repositories/audit-log-repository.ts';
import { ApiKeyRepository } from '../../../src/adapters/db/repositories/api-key-repository.ts';

/** Runs a CLI command, capturing what it prints. */
async function capture(fn: () => Promise<number>): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    err += String(chunk);
    return true;
  });
  try {
    return { code: await fn(), out, err };
  } finally {
    vi.restoreAllMocks();
  }
}

describe('pacer keys / pacer migrate', () => {
  beforeAll(() => {
    // The CLI reads its configuration from the environment (this test file runs in its own process).
    process.env.DATABASE_URL = inject('databaseUrl');
    process.env.LOG_LEVEL = 'silent';
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('creates a key printed once, which authenticates with its role, lists it and revokes it', async () => {
    const created = await capture(() => keys(['create', '--role', 'compliance', '--name', 'cli-test']));
    expect(created.code).toBe(0);
    const secret = created.out.trim();
    expect(secret).toMatch(/^pk_[A-Za-z0-9_-]{32}$/);
    const id = /key ([0-9a-f-]{36})/.exec(created.err)?.[1] ?? '';

    const database = createDatabase({ connectionString: inject('databaseUrl'), maxConnections: 1 });
    try {
      const repo = new ApiKeyRepository(database.db, new AuditLogRepository(database.db));
      expect(await repo.authenticate(secret)).toMatchObject({ keyId: id, role: 'compliance' });

      const listed = await capture(() => keys(['list']));
      expect(listed.out).toContain(id);
      expect(listed.out).not.toContain(secret);

      expect((await capture(() => keys(['revoke', id]))).code).toBe(0);
      expect(await repo.authenticate(secret)).toBeUndefined();
    } finally {
      await database.close();
    }
  });

  it('refuses a bad role, a bad id and an unknown action with a usage error', async () => {
    const role = await capture(() => keys(['create', '--role', 'root']));
    expect(role.code).toBe(2);
    expect(role.err).toContain('--role');
    expect((await capture(() => keys(['revoke', 'nope']))).code).toBe(2);
    expect((await capture(() => keys(['rotate']))).code).toBe(2);
    expect((await capture(() => keys(['revoke', '6b0f4c3e-4a8e-4b59-9a63-2f8f4b0c0c0c']))).code).toBe(1);
  });

  it('reports an already migrated database as up to date', async () => {
    const result = await capture(() => migrate([]));
    expect(result).toMatchObject({ code: 0, out: 'database is up to date\n' });
  });
});
