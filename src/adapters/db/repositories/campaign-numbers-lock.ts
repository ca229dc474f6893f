import type pg from 'pg';

/**
 * Takes the lock every writer of a campaign's `lead_phones` holds until its transaction ends: with
 * no unique index on (campaign_id, e164) (ADR 0005) it is what keeps a number from entering a
 * campaign twice. Must be called inside a transaction.
 */
export async function lockCampaignNumbers(client: pg.ClientBase, campaignId: string): Promise<void> {
  await client.query(`SELECT pg_advisory_xact_lock(hashtextextended('pacer.lead-import:' || $1, 0))`, [campaignId]);
}
