import type { Kysely } from 'kysely';
import { isInsideCallingHours } from '../domain/compliance/calling-window.ts';
import type { Database } from '../adapters/db/database.ts';

/** Zones with a sample of valid numbering for demo leads (US area codes, UK and AU mobile ranges). */
const DEMO_ZONES: readonly { zone: string; number: (i: number) => string }[] = [
  { zone: 'America/New_York', number: (i) => `+1212${String(2_000_000 + i).padStart(7, '0')}` },
  { zone: 'America/Chicago', number: (i) => `+1312${String(2_000_000 + i).padStart(7, '0')}` },
  { zone: 'America/Denver', number: (i) => `+1303${String(2_000_000 + i).padStart(7, '0')}` },
  { zone: 'America/Los_Angeles', number: (i) => `+1213${String(2_000_000 + i).padStart(7, '0')}` },
  { zone: 'Pacific/Honolulu', number: (i) => `+1808${String(2_000_000 + i).padStart(7, '0')}` },
  { zone: 'Europe/London', number: (i) => `+447700${String(900_000 + (i % 100_000)).padStart(6, '0')}` },
  { zone: 'Australia/Sydney', number: (i) => `+61412${String(100_000 + (i % 900_000)).padStart(6, '0')}` },
  { zone: 'Asia/Tokyo', number: (i) => `+8190${String(10_000_000 + i).padStart(8, '0')}` },
];

export interface DemoSeed {
  campaignId: string;
  leads: number;
  agentIds: string[];
  zones: string[];
}

/**
 * The zero-setup demo: on an empty database with simulated telephony, a running "Demo campaign" with
 * leads in zones where it is calling time right now (so calls start at once at any hour) and
 * simulated agents assigned to it. Does nothing when any campaign exists.
 */
export async function seedDemoCampaign(db: Kysely<Database>, options: { nowMs: number; leads: number; agents: number }): Promise<DemoSeed | undefined> {
  const existing = await db.selectFrom('campaigns').select('id').limit(1).execute();
  if (existing.length > 0) return undefined;
  const hours = { start: '09:00', end: '20:00' };
  const open = DEMO_ZONES.filter((z) => isInsideCallingHours(z.zone, options.nowMs, hours));
  const zones = open.length > 0 ? open : DEMO_ZONES;
  return db.transaction().execute(async (trx) => {
    const campaign = await trx
      .insertInto('campaigns')
      .values({ name: 'Demo campaign', dial_mode: 'predictive', pacing_policy: 'predictive', caller_id: '+12125550199', status: 'running', abandon_message: 'demo-identification.wav', wrap_up_limit_ms: 30_000 })
      .returning('id')
      .executeTakeFirstOrThrow();
    const list = await trx.insertInto('lead_lists').values({ campaign_id: campaign.id, name: 'Demo leads' }).returning('id').executeTakeFirstOrThrow();
    for (let start = 0; start < options.leads; start += 1_000) {
      const batch = Array.from({ length: Math.min(1_000, options.leads - start) }, (_, k) => start + k);
      const inserted = await trx
        .insertInto('leads')
        .values(batch.map((i) => {
          const z = zones[i % zones.length] ?? DEMO_ZONES[0];
          return { campaign_id: campaign.id, lead_list_id: list.id, source_row: i + 1, first_name: `Demo${i + 1}`, last_name: 'Lead', timezone: z?.zone ?? null, timezone_source: 'column' as const };
        }))
        .returning('id')
        .execute();
      await trx
        .insertInto('lead_phones')
        .values(inserted.map((row, k) => {
          const i = (batch[k] ?? 0);
          const z = zones[i % zones.length] ?? DEMO_ZONES[0];
          return { lead_id: row.id, position: 1, campaign_id: campaign.id, e164: z === undefined ? `+1212${String(2_000_000 + i).padStart(7, '0')}` : z.number(i) };
        }))
        .execute();
    }
    const agents = options.agents === 0 ? [] : await trx
      .insertInto('agents')
      .values(Array.from({ length: options.agents }, (_, a) => ({ name: `Simulated agent ${a + 1}`, campaign_id: campaign.id, external_ref: `sim-${a + 1}` })))
      .returning('id')
      .execute();
    return { campaignId: campaign.id, leads: options.leads, agentIds: agents.map((a) => a.id), zones: zones.map((z) => z.zone) };
  });
}
