/**
 * `npm run bench:export`: streams call records as CSV through the real HTTP route
 * (`GET /v1/call-records`, listening on a local port) and reports rows/s and peak RSS for a small and
 * a large export, to show memory does not grow with the row count.
 *
 * Uses a dedicated database on the local PostgreSQL, created and dropped here:
 *   BENCH_ADMIN_URL=postgres://postgres@127.0.0.1:5432/postgres (default)
 *   BENCH_ROWS=1000000 (default)  BENCH_SMALL_ROWS=100000 (default)
 */
import { sql } from 'kysely';
import { buildApp } from '../src/adapters/http/app.ts';
import { createServices } from '../src/app/create-services.ts';
import { registerComplianceFeature } from '../src/app/register-compliance-feature.ts';
import { createScratchDatabase } from './support/scratch-database.ts';

const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const SMALL_ROWS = Number(process.env.BENCH_SMALL_ROWS ?? 100_000);
const ADMIN_URL = process.env.BENCH_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const T0 = Date.parse('2026-01-05T14:00:00Z');

async function main(): Promise<void> {
  const scratch = await createScratchDatabase({ adminUrl: ADMIN_URL, prefix: 'pacer_bench_export', maxConnections: 4 });
  const { handle } = scratch;
  try {
    const seedStart = performance.now();
    const campaign = await handle.db.insertInto('campaigns').values({ name: 'bench export', dial_mode: 'predictive', caller_id: '+12125550100' }).returning('id').executeTakeFirstOrThrow();
    const list = await handle.db.insertInto('lead_lists').values({ campaign_id: campaign.id, name: 'bench leads' }).returning('id').executeTakeFirstOrThrow();
    const agent = await handle.db.insertInto('agents').values({ name: 'bench agent' }).returning('id').executeTakeFirstOrThrow();
    await sql`INSERT INTO leads (campaign_id, lead_list_id, source_row, first_name, last_name, timezone, timezone_source)
      SELECT ${campaign.id}::uuid, ${list.id}::uuid, g, 'Lead', 'No' || g, 'America/New_York', 'column' FROM generate_series(1, ${ROWS}::int) g`.execute(handle.db);
    // One call per lead, one a second; a realistic mix of outcomes.
    await sql`INSERT INTO call_attempts (campaign_id, lead_id, phone, caller_id, timezone, local_time_at_dial, dnc_lists_checked, originated_at, ringing_at,
        answered_at, greeting_ended_at, agent_connected_at, ended_at, outcome, amd_result, abandoned, message_played, agent_id, disposition, node_id)
      SELECT ${campaign.id}::uuid, l.id, '+1212' || lpad((l.id % 10000000)::text, 7, '0'), '+12125550100', 'America/New_York', '2026-01-05T09:00:00-05:00',
        '[{"id":"00000000-0000-0000-0000-000000000001","version":"7"}]'::jsonb,
        ts, ts + interval '1 s', CASE WHEN l.id % 3 <> 0 THEN ts + interval '6 s' END, CASE WHEN l.id % 3 = 1 THEN ts + interval '7 s' END,
        CASE WHEN l.id % 3 = 1 AND l.id % 50 <> 1 THEN ts + interval '7.5 s' END, ts + interval '60 s',
        CASE l.id % 3 WHEN 1 THEN 'human' WHEN 2 THEN 'machine' ELSE 'no_answer' END,
        CASE l.id % 3 WHEN 1 THEN 'human' WHEN 2 THEN 'machine' END,
        l.id % 50 = 1, l.id % 50 = 1, CASE WHEN l.id % 3 = 1 AND l.id % 50 <> 1 THEN ${agent.id}::uuid END,
        CASE WHEN l.id % 3 = 1 THEN 'sale' END, 'bench'
      FROM (SELECT id, ${new Date(T0)}::timestamptz + (row_number() OVER (ORDER BY id)) * interval '1 s' AS ts FROM leads WHERE campaign_id = ${campaign.id}) l
      JOIN leads USING (id)`.execute(handle.db);
    await sql`ANALYZE`.execute(handle.db);
    console.log(`seeded ${ROWS} call records in ${((performance.now() - seedStart) / 1000).toFixed(1)} s`);

    const services = createServices({ db: handle.db, pool: handle.pool, defaultRegion: 'US' });
    const key = (await services.apiKeys.create({ role: 'compliance', name: 'bench' }, { actorKeyId: null, actorRole: 'system' })).secret;
    const app = await buildApp({ services, readinessChecks: [], registerFeatures: async (v1) => { await registerComplianceFeature(v1, { db: handle.db, clock: { nowMs: () => Date.now() } }); } });
    const address = await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      for (const rows of [SMALL_ROWS, ROWS]) {
        global.gc?.();
        const to = new Date(T0 + (rows + 1) * 1000).toISOString();
        let peakRss = process.memoryUsage().rss;
        const sampler = setInterval(() => { peakRss = Math.max(peakRss, process.memoryUsage().rss); }, 20);
        const start = performance.now();
        const res = await fetch(`${address}/v1/call-records?campaignId=${campaign.id}&to=${to}`, { headers: { authorization: `Bearer ${key}`, accept: 'text/csv' } });
        if (res.status !== 200 || res.body === null) throw new Error(`export answered ${res.status}: ${await res.text()}`);
        let bytes = 0;
        let lines = 0;
        for await (const chunk of res.body) {
          bytes += chunk.length;
          for (const b of chunk) if (b === 10) lines += 1;
        }
        const sec = (performance.now() - start) / 1000;
        clearInterval(sampler);
        peakRss = Math.max(peakRss, process.memoryUsage().rss);
        const dataRows = lines - 1;
        if (dataRows !== rows) throw new Error(`expected ${rows} rows, got ${dataRows}`);
        console.log(`${rows.toLocaleString('en-US')} rows: ${sec.toFixed(1)} s, ${Math.round(rows / sec).toLocaleString('en-US')} rows/s, ${(bytes / 1e6).toFixed(0)} MB CSV, peak RSS ${(peakRss / 1024 ** 2).toFixed(0)} MiB`);
      }
    } finally {
      await app.close();
    }
  } finally {
    await scratch.dispose();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
