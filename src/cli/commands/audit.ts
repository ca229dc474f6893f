import { parseArgs } from 'node:util';
import type { Kysely } from 'kysely';
import { openOrReport } from '../../app/open-database.ts';
import { loadCliConfig } from '../../app/config/load-cli-config.ts';
import type { Database } from '../../adapters/db/database.ts';
import { decisionHash, GENESIS_HASH } from '../../adapters/db/repositories/dial-decision-repository.ts';
import { TrailVerifier, type TrailBreak, type ChainSummary } from '../../domain/compliance/trail-verify.ts';

const USAGE = `usage: pacer audit verify [--campaign ID]

Recomputes every dial-decision hash chain (or one campaign's) and reports the first broken record
of each chain: edited (hash mismatch), deleted (seq gap / prev_hash mismatch) or reordered.
Exit 0 when every chain is intact, 1 when one is broken.
`;

const BATCH = 5000;

/**
 * Verifies the dial-decision chains stored in `db` (keyset-paginated, constant memory).
 *
 * @example
 * ```ts
 * const { chains, breaks } = await verifyDecisionTrail(db, { campaignId });
 * ```
 */
export async function verifyDecisionTrail(db: Kysely<Database>, options: { campaignId?: string } = {}): Promise<{ chains: ChainSummary[]; breaks: TrailBreak[] }> {
  const verifier = new TrailVerifier<{ campaignId: string; seq: string; prevHash: string; hash: string; decidedAt: Date; leadId: string | null; phone: string | null; attemptId: string | null; decision: 'placed' | 'blocked'; reason: string | null; inputs: unknown }>(
    GENESIS_HASH,
    (r, prev) => decisionHash(prev, r.seq, {
      campaignId: r.campaignId,
      decidedAtMs: r.decidedAt.getTime(),
      leadId: r.leadId,
      phone: r.phone,
      attemptId: r.attemptId,
      decision: r.decision,
      reason: r.reason,
      inputs: r.inputs as Record<string, unknown>,
    }),
  );
  // Stored order is the physical append order (id); the verifier checks seq follows it.
  let afterId: string | undefined;
  for (;;) {
    let q = db.selectFrom('dial_decisions').selectAll();
    if (options.campaignId !== undefined) q = q.where('campaign_id', '=', options.campaignId);
    if (afterId !== undefined) q = q.where('id', '>', afterId);
    const rows = await q.orderBy('id').limit(BATCH).execute();
    for (const r of rows) {
      verifier.add({
        campaignId: r.campaign_id,
        seq: String(r.seq),
        prevHash: r.prev_hash,
        hash: r.hash,
        decidedAt: r.decided_at,
        leadId: r.lead_id === null ? null : String(r.lead_id),
        phone: r.phone,
        attemptId: r.attempt_id,
        decision: r.decision,
        reason: r.reason,
        inputs: r.inputs,
      });
    }
    const last = rows[rows.length - 1];
    if (last === undefined || rows.length < BATCH) break;
    afterId = String(last.id);
  }
  return verifier.result();
}

/** `pacer audit verify [--campaign ID]`. */
export async function run(argv: readonly string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], allowPositionals: true, options: { campaign: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
  } catch (err) {
    process.stderr.write(`pacer audit: ${err instanceof Error ? err.message : String(err)}\n\n${USAGE}`);
    return 2;
  }
  if (parsed.values.help === true) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (parsed.positionals[0] !== 'verify' || parsed.positionals.length !== 1) {
    process.stderr.write(USAGE);
    return 2;
  }
  const campaignId = parsed.values.campaign;
  if (campaignId !== undefined && !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(campaignId)) {
    process.stderr.write(`pacer audit: --campaign must be a campaign id (uuid), got '${campaignId}'\n`);
    return 2;
  }
  const config = loadCliConfig();
  if (config === undefined) return 78;
  const opened = await openOrReport(config, { migrate: false });
  if (opened === undefined) return 1;
  try {
    const { chains, breaks } = await verifyDecisionTrail(opened.database.db, campaignId === undefined ? {} : { campaignId });
    for (const b of breaks) process.stderr.write(`BROKEN campaign ${b.campaignId} seq ${b.seq}: ${b.kind}: ${b.detail}\n`);
    const records = chains.reduce((n, c) => n + c.records, 0);
    if (breaks.length > 0) {
      process.stderr.write(`${breaks.length} of ${chains.length} chain(s) broken (${records} records read)\n`);
      return 1;
    }
    if (campaignId !== undefined && chains.length === 0) process.stdout.write(`no dial decisions for campaign ${campaignId}\n`);
    for (const c of chains) process.stdout.write(`ok campaign ${c.campaignId}: ${c.records} records, head seq ${c.lastSeq ?? '-'} ${c.headHash ?? ''}\n`);
    process.stdout.write(`intact: ${chains.length} chain(s), ${records} records\n`);
    return 0;
  } finally {
    await opened.close();
  }
}
