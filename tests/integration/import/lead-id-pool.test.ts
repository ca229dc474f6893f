import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { inject } from 'vitest';
import { LeadIdPool } from '../../../src/adapters/db/repositories/lead-id-pool.ts';
import { SerialConnection } from '../../../src/adapters/db/serial-connection.ts';

// Lead ids reserved ahead from a real sequence, and statements run one at a time on one connection.
let pool: pg.Pool;
let client: pg.PoolClient;
let sequence: string;
beforeAll(async () => {
  pool = new pg.Pool({ connectionString: inject('databaseUrl'), max: 2 });
  client = await pool.connect();
  sequence = `lead_id_pool_test_${Date.now().toString(36)}`;
  await client.query(`CREATE SEQUENCE ${sequence}`);
});
afterAll(async () => {
  await client.query(`DROP SEQUENCE IF EXISTS ${sequence}`);
  client.release();
  await pool.end();
});

/** A client that records how many statements were running on it at once. */
function countingConnection(): { serial: SerialConnection; maxRunning: () => number; statements: string[] } {
  let running = 0;
  let max = 0;
  const statements: string[] = [];
  const counting = new Proxy(client, {
    get(target, prop, receiver) {
      if (prop !== 'query') return Reflect.get(target, prop, receiver) as unknown;
      return async (text: string, values?: unknown[]) => {
        running += 1;
        max = Math.max(max, running);
        statements.push(text);
        try {
          return await target.query(text, values);
        } finally {
          running -= 1;
        }
      };
    },
  });
  return { serial: new SerialConnection(counting), maxRunning: () => max, statements };
}

describe('SerialConnection (real PostgreSQL)', () => {
  it('runs queued statements one at a time, in order, each with its own outcome', async () => {
    const { serial, maxRunning, statements } = countingConnection();
    const results = [
      serial.run((c) => c.query<{ n: number }>('SELECT pg_sleep(0.05), 1 AS n')),
      serial.run((c) => c.query<{ n: number }>('SELECT 1 / 0 AS n')),
      serial.run((c) => c.query<{ n: number }>('SELECT 3 AS n')),
    ];
    const settled = await Promise.allSettled(results);
    expect(maxRunning()).toBe(1);
    expect(statements).toEqual(['SELECT pg_sleep(0.05), 1 AS n', 'SELECT 1 / 0 AS n', 'SELECT 3 AS n']);
    expect(settled.map((s) => (s.status === 'fulfilled' ? s.value.rows[0]?.n : (s.reason as { code?: string }).code))).toEqual([1, '22012', 3]);
  });
});

describe('LeadIdPool (real PostgreSQL)', () => {
  it('hands out consecutive sequence values in the order they were asked for, reserving ahead', async () => {
    const { serial, statements } = countingConnection();
    const ids = new LeadIdPool(serial, sequence, 10);
    const first = await ids.take(4);
    const second = ids.take(4);
    // The first reservation covered both: the second comes at once, without a round trip.
    expect(Array.isArray(second)).toBe(true);
    const third = ids.take(25);
    const fourth = ids.take(2);
    const all = [...first, ...(await second), ...(await third), ...(await fourth)];
    const start = all[0] ?? 0;
    expect(all).toEqual(Array.from({ length: 35 }, (_, i) => start + i));
    expect(statements.length).toBeGreaterThanOrEqual(2);
  });

  it('fails a take with PostgreSQL\'s error when the reservation fails, and every take after it', async () => {
    const { serial } = countingConnection();
    const ids = new LeadIdPool(serial, 'no_such_sequence_here', 10);
    await expect(ids.take(1)).rejects.toMatchObject({ code: '42P01' });
    ids.prefetch();
    await expect(ids.take(1)).rejects.toMatchObject({ code: '42P01' });
  });
});
