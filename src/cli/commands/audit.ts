import { parseArgs } from 'node:util';
import type { Kysely } from 'kysely';
import { openOrReport } from '../../app/open-database.ts';
import { loadCliConfig } from '../../app/config/load-cli-config.ts';
import type { Database } from '../../adapters/db/database.ts';
import { decisionHash, GENESIS_HASH } from '../../adapters/db/repositories/dial-decision-repository.ts';
import { TrailVerifier, type TrailBreak, type ChainSummary } from '../../domain/compliance/trail-verify.ts';
import { checkAnchors, newestPerCampaign, type TrailAnchor } from '../../domain/compliance/trail-anchor.ts';
import { appendAnchors, readAnchors } from '../../adapters/audit/trail-anchor-file.ts';

const USAGE = `usage: pacer audit verify [--campaign ID] [--anchors FILE]
       pacer audit anchor --file FILE

verify: recomputes every dial-decision hash chain (or one campaign's) and reports every broken
record: edited (hash mismatch), deleted (seq gap / prev_hash mismatch) or reordered. With
--anchors, also checks the chain heads exported by \`pacer audit anchor\`: a trail whose newest
records were deleted (truncated) or rebuilt after an anchor, and any anchor line whose signature
does not hold. Exit 0 when every chain is intact, 1 when one is broken.

anchor: appends each campaign's current chain head (seq, hash), signed with PACER_AUDIT_KEY, to
FILE. Run it periodically (cron) and keep FILE where the database's writers cannot reach.
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
export async function verifyDecisionTrail(db: Kysely<Database>, options: { campaignId?: string; anchors?: readonly TrailAnchor[] } = {}): Promise<{ chains: ChainSummary[]; breaks: TrailBreak[] }> {
  const anchors = newestPerCampaign((options.anchors ?? []).filter((a) => options.campaignId === undefined || a.campaignId === options.campaignId));
  const wanted = new Map(anchors.map((a) => [a.campaignId, a.seq]));
  const hashAt = new Map<string, string>();
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
      if (wanted.get(r.campaign_id) === String(r.seq)) hashAt.set(r.campaign_id, r.hash);
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
  const result = verifier.result();
  const lastSeq = new Map(result.chains.map((c) => [c.campaignId, c.lastSeq]));
  const anchorBreaks = checkAnchors(anchors, (campaignId) => ({ lastSeq: lastSeq.get(campaignId) ?? null, hashAtSeq: hashAt.get(campaignId) }));
  return { chains: result.chains, breaks: [...result.breaks, ...anchorBreaks] };
}

/**
 * Each campaign's current chain head (its highest seq and that record's hash), as anchors.
 *
 * @example
 * ```ts
 * await appendAnchors(file, key, await currentHeads(db, Date.now()));
 * ```
 */
export async function currentHeads(db: Kysely<Database>, nowMs: number): Promise<TrailAnchor[]> {
  const rows = await db
    .selectFrom('dial_decisions as d')
    .select(['d.campaign_id', 'd.seq', 'd.hash'])
    .where(({ eb, selectFrom }) => eb('d.seq', '=', selectFrom('dial_decisions as m').select((x) => x.fn.max('m.seq').as('s')).whereRef('m.campaign_id', '=', 'd.campaign_id')))
    .orderBy('d.campaign_id')
    .execute();
  return rows.map((r) => ({ campaignId: r.campaign_id, seq: String(r.seq), hash: r.hash, anchoredAtMs: nowMs }));
}

/** `pacer audit verify [--campaign ID]`. */
export async function run(argv: readonly string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], allowPositionals: true, options: { campaign: { type: 'string' }, anchors: { type: 'string' }, file: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
  } catch (err) {
    process.stderr.write(`pacer audit: ${err instanceof Error ? err.message : String(err)}\n\n${USAGE}`);
    return 2;
  }
  if (parsed.values.help === true) {
    process.stdout.write(USAGE);
    return 0;
  }
  const command = parsed.positionals[0];
  if ((command !== 'verify' && command !== 'anchor') || parsed.positionals.length !== 1) {
    process.stderr.write(USAGE);
    return 2;
  }
  const campaignId = parsed.values.campaign;
  if (campaignId !== undefined && !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(campaignId)) {
    process.stderr.write(`pacer audit: --campaign must be a campaign id (uuid), got '${campaignId}'\n`);
    return 2;
  }
  const anchorFile = command === 'anchor' ? parsed.values.file : parsed.values.anchors;
  if (command === 'anchor' && anchorFile === undefined) {
    process.stderr.write(`pacer audit anchor: --file is required\n\n${USAGE}`);
    return 2;
  }
  const config = loadCliConfig();
  if (config === undefined) return 78;
  if (anchorFile !== undefined && config.auditKey === null) {
    process.stderr.write('pacer audit: PACER_AUDIT_KEY is required to write or check anchors (at least 32 characters)\n');
    return 78;
  }
  const opened = await openOrReport(config, { migrate: false });
  if (opened === undefined) return 1;
  try {
    const db = opened.database.db;
    if (command === 'anchor' && anchorFile !== undefined && config.auditKey !== null) {
      const heads = await currentHeads(db, Date.now());
      await appendAnchors(anchorFile, config.auditKey, heads);
      process.stdout.write(`anchored ${heads.length} chain head(s) to ${anchorFile}\n`);
      return 0;
    }
    let anchors: TrailAnchor[] = [];
    let forgedLines = 0;
    if (anchorFile !== undefined && config.auditKey !== null) {
      const read = await readAnchors(anchorFile, config.auditKey);
      anchors = read.anchors;
      for (const f of read.forged) process.stderr.write(`BROKEN anchor file ${anchorFile} line ${f.line}${f.campaignId === null ? '' : ` (campaign ${f.campaignId})`}: anchor_forged: ${f.reason}\n`);
      forgedLines = read.forged.length;
    }
    const { chains, breaks } = await verifyDecisionTrail(db, { ...(campaignId === undefined ? {} : { campaignId }), anchors });
    for (const b of breaks) process.stderr.write(`BROKEN campaign ${b.campaignId} seq ${b.seq}: ${b.kind}: ${b.detail}\n`);
    const records = chains.reduce((n, c) => n + c.records, 0);
    if (breaks.length > 0 || forgedLines > 0) {
      const brokenChains = new Set(breaks.map((b) => b.campaignId)).size;
      process.stderr.write(`${breaks.length} break(s) in ${brokenChains} of ${chains.length} chain(s)${forgedLines > 0 ? `, ${forgedLines} forged anchor line(s)` : ''} (${records} records read)\n`);
      return 1;
    }
    if (campaignId !== undefined && chains.length === 0) process.stdout.write(`no dial decisions for campaign ${campaignId}\n`);
    for (const c of chains) process.stdout.write(`ok campaign ${c.campaignId}: ${c.records} records, head seq ${c.lastSeq ?? '-'} ${c.headHash ?? ''}\n`);
    process.stdout.write(`intact: ${chains.length} chain(s), ${records} records${anchors.length > 0 ? `, ${newestPerCampaign(anchors).length} anchor(s) hold` : ''}\n`);
    return 0;
  } finally {
    await opened.close();
  }
}
