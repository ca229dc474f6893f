import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { inject } from 'vitest';
import { sql } from 'kysely';
import { createDatabase, type DatabaseHandle } from '../../src/adapters/db/create-database.ts';
import { DialDecisionRepository, type DialDecision } from '../../src/adapters/db/repositories/dial-decision-repository.ts';
import { verifyDecisionTrail } from '../../src/cli/commands/audit.ts';
import { unique } from './support/compliance-app.ts';

let database: DatabaseHandle;

beforeAll(() => {
  database = createDatabase({ connectionString: inject('databaseUrl'), maxConnections: 2 });
});
afterAll(async () => database.close());

/** A campaign with a valid chain of `n` decisions (appended in two batches). */
async function chain(n: number): Promise<string> {
  const c = await database.db.insertInto('campaigns').values({ name: unique('trail'), dial_mode: 'predictive', caller_id: '+12025550100' }).returning('id').executeTakeFirstOrThrow();
  const decisions: DialDecision[] = Array.from({ length: n }, (_, i) => ({
    campaignId: c.id, decidedAtMs: Date.parse('2026-05-01T14:00:00Z') + i * 1000, leadId: String(1000 + i), phone: `+1202555${String(2000 + i)}`,
    attemptId: null, decision: i % 3 === 0 ? 'blocked' : 'placed', reason: i % 3 === 0 ? 'outside_calling_hours' : null,
    inputs: { zone: 'America/New_York', localTime: '10:00', dnc: [{ id: 'internal', version: String(i) }], pacing: { dialLevel: 1.5 } },
  }));
  const trail = new DialDecisionRepository(database.db);
  await trail.append(c.id, decisions.slice(0, 4));
  await trail.append(c.id, decisions.slice(4));
  return c.id;
}

describe('pacer audit verify (verifyDecisionTrail)', () => {
  it('reports an intact chain', async () => {
    const id = await chain(8);
    const r = await verifyDecisionTrail(database.db, { campaignId: id });
    expect(r.breaks).toEqual([]);
    expect(r.chains).toMatchObject([{ campaignId: id, records: 8, lastSeq: '8' }]);
  });

  it('names an edited record', async () => {
    const id = await chain(8);
    await sql`UPDATE dial_decisions SET reason = 'dnc' WHERE campaign_id = ${id} AND seq = 5`.execute(database.db);
    const r = await verifyDecisionTrail(database.db, { campaignId: id });
    expect(r.breaks).toEqual([expect.objectContaining({ campaignId: id, seq: '5', kind: 'hash_mismatch' })]);
  });

  it('names an edit inside the JSON inputs', async () => {
    const id = await chain(6);
    await sql`UPDATE dial_decisions SET inputs = jsonb_set(inputs, '{localTime}', '"21:30"') WHERE campaign_id = ${id} AND seq = 2`.execute(database.db);
    const r = await verifyDecisionTrail(database.db, { campaignId: id });
    expect(r.breaks).toEqual([expect.objectContaining({ seq: '2', kind: 'hash_mismatch' })]);
  });

  it('names the record after a deleted one', async () => {
    const id = await chain(8);
    await sql`DELETE FROM dial_decisions WHERE campaign_id = ${id} AND seq = 3`.execute(database.db);
    const r = await verifyDecisionTrail(database.db, { campaignId: id });
    expect(r.breaks).toEqual([expect.objectContaining({ campaignId: id, seq: '4', kind: 'seq_gap' })]);
  });

  it('detects a deleted record whose successors were renumbered', async () => {
    const id = await chain(8);
    await sql`DELETE FROM dial_decisions WHERE campaign_id = ${id} AND seq = 3`.execute(database.db);
    await sql`UPDATE dial_decisions SET seq = seq - 1 WHERE campaign_id = ${id} AND seq > 3`.execute(database.db);
    const r = await verifyDecisionTrail(database.db, { campaignId: id });
    // Every break is reported: the renumbered records no longer match their hashes (seq is hashed).
    expect(r.breaks.map((b) => [b.seq, b.kind])).toEqual([['3', 'prev_hash_mismatch'], ['4', 'hash_mismatch'], ['5', 'hash_mismatch'], ['6', 'hash_mismatch'], ['7', 'hash_mismatch']]);
  });

  it('detects reordered records', async () => {
    const id = await chain(8);
    // Swap the contents of seq 6 and 7 (as a reordering would): their seq numbers stay in place.
    await sql`UPDATE dial_decisions d SET decided_at = o.decided_at, lead_id = o.lead_id, phone = o.phone, decision = o.decision, reason = o.reason, inputs = o.inputs, prev_hash = o.prev_hash, hash = o.hash
      FROM dial_decisions o WHERE d.campaign_id = ${id} AND o.campaign_id = ${id} AND ((d.seq = 6 AND o.seq = 7) OR (d.seq = 7 AND o.seq = 6))`.execute(database.db);
    const r = await verifyDecisionTrail(database.db, { campaignId: id });
    expect(r.breaks.map((b) => [b.seq, b.kind])).toEqual([['6', 'prev_hash_mismatch'], ['7', 'prev_hash_mismatch'], ['8', 'prev_hash_mismatch']]);
  });

  it('detects a re-inserted (moved) record by its stored order', async () => {
    const id = await chain(5);
    await sql`WITH moved AS (DELETE FROM dial_decisions WHERE campaign_id = ${id} AND seq = 2 RETURNING *)
      INSERT INTO dial_decisions (campaign_id, seq, decided_at, lead_id, phone, attempt_id, decision, reason, inputs, prev_hash, hash)
      SELECT campaign_id, seq, decided_at, lead_id, phone, attempt_id, decision, reason, inputs, prev_hash, hash FROM moved`.execute(database.db);
    const r = await verifyDecisionTrail(database.db, { campaignId: id });
    expect(r.breaks.map((b) => [b.seq, b.kind])).toEqual([['3', 'seq_gap'], ['2', 'seq_out_of_order']]);
  });
});

describe('every break is reported', () => {
  it('two edits far apart are two findings, not one', async () => {
    const id = await chain(10);
    await sql`UPDATE dial_decisions SET reason = 'dnc' WHERE campaign_id = ${id} AND seq IN (2, 9)`.execute(database.db);
    const r = await verifyDecisionTrail(database.db, { campaignId: id });
    expect(r.breaks.map((b) => [b.seq, b.kind])).toEqual([['2', 'hash_mismatch'], ['9', 'hash_mismatch']]);
  });
});

describe('pacer audit verify (command)', () => {
  it('exits 0 with a summary when intact and 1 naming the first broken record', async () => {
    const { run } = await import('../../src/cli/commands/audit.ts');
    const id = await chain(4);
    const out: string[] = [];
    const previousUrl = process.env.DATABASE_URL;
    process.env.DATABASE_URL = inject('databaseUrl');
    const spyOut = vi.spyOn(process.stdout, 'write').mockImplementation((s) => { out.push(String(s)); return true; });
    const spyErr = vi.spyOn(process.stderr, 'write').mockImplementation((s) => { out.push(String(s)); return true; });
    try {
      expect(await run(['verify', '--campaign', id])).toBe(0);
      expect(out.join('')).toContain(`ok campaign ${id}: 4 records, head seq 4`);
      out.length = 0;
      await sql`UPDATE dial_decisions SET phone = '+12025550000' WHERE campaign_id = ${id} AND seq = 2`.execute(database.db);
      expect(await run(['verify', '--campaign', id])).toBe(1);
      expect(out.join('')).toContain(`BROKEN campaign ${id} seq 2: hash_mismatch`);
      expect(await run(['verify', '--campaign', 'not-a-uuid'])).toBe(2);
      expect(await run(['check'])).toBe(2);
    } finally {
      spyOut.mockRestore();
      spyErr.mockRestore();
      if (previousUrl === undefined) delete process.env.DATABASE_URL;
      else process.env.DATABASE_URL = previousUrl;
    }
  });
});

describe('chain heads anchored outside the database (truncation)', () => {
  const KEY = 'k'.repeat(40);

  async function anchorFile(): Promise<string> {
    const { mkdtemp } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    return join(await mkdtemp(join(tmpdir(), 'pacer-anchors-')), 'anchors.jsonl');
  }

  it('holds for an intact trail that grew after the anchor', async () => {
    const { appendAnchors, readAnchors } = await import('../../src/adapters/audit/trail-anchor-file.ts');
    const { currentHeads } = await import('../../src/cli/commands/audit.ts');
    const id = await chain(6);
    const file = await anchorFile();
    await appendAnchors(file, KEY, (await currentHeads(database.db, Date.now())).filter((h) => h.campaignId === id));
    await new DialDecisionRepository(database.db).append(id, [{ campaignId: id, decidedAtMs: Date.parse('2026-05-01T15:00:00Z'), leadId: '1', phone: '+12025559999', attemptId: null, decision: 'blocked', reason: 'dnc', inputs: {} }]);
    const { anchors, forged } = await readAnchors(file, KEY);
    expect(forged).toEqual([]);
    expect(anchors).toEqual([expect.objectContaining({ campaignId: id, seq: '6' })]);
    expect((await verifyDecisionTrail(database.db, { campaignId: id, anchors })).breaks).toEqual([]);
  });

  it('detects the newest records deleted after the anchor, which the chain alone cannot show', async () => {
    const { appendAnchors, readAnchors } = await import('../../src/adapters/audit/trail-anchor-file.ts');
    const { currentHeads } = await import('../../src/cli/commands/audit.ts');
    const id = await chain(8);
    const file = await anchorFile();
    await appendAnchors(file, KEY, (await currentHeads(database.db, Date.now())).filter((h) => h.campaignId === id));
    await sql`DELETE FROM dial_decisions WHERE campaign_id = ${id} AND seq >= 6`.execute(database.db);
    expect((await verifyDecisionTrail(database.db, { campaignId: id })).breaks).toEqual([]);
    const { anchors } = await readAnchors(file, KEY);
    expect((await verifyDecisionTrail(database.db, { campaignId: id, anchors })).breaks).toEqual([expect.objectContaining({ campaignId: id, seq: '8', kind: 'truncated' })]);
    // Every record gone is a truncation too.
    await sql`DELETE FROM dial_decisions WHERE campaign_id = ${id}`.execute(database.db);
    expect((await verifyDecisionTrail(database.db, { anchors })).breaks).toContainEqual(expect.objectContaining({ campaignId: id, kind: 'truncated' }));
  });

  it('detects a chain rebuilt after the anchor, and an anchor line edited or signed with another key', async () => {
    const { appendAnchors, readAnchors } = await import('../../src/adapters/audit/trail-anchor-file.ts');
    const { currentHeads } = await import('../../src/cli/commands/audit.ts');
    const { readFile, writeFile } = await import('node:fs/promises');
    const id = await chain(5);
    const file = await anchorFile();
    await appendAnchors(file, KEY, (await currentHeads(database.db, Date.now())).filter((h) => h.campaignId === id));
    await sql`UPDATE dial_decisions SET hash = md5(hash) || md5(hash) WHERE campaign_id = ${id} AND seq = 5`.execute(database.db);
    const { anchors } = await readAnchors(file, KEY);
    expect((await verifyDecisionTrail(database.db, { campaignId: id, anchors })).breaks).toContainEqual(expect.objectContaining({ seq: '5', kind: 'anchor_mismatch' }));
    const original = await readFile(file, 'utf8');
    await writeFile(file, original.replace(/"seq":"5"/, '"seq":"3"'));
    expect((await readAnchors(file, KEY)).forged).toEqual([expect.objectContaining({ line: 1, campaignId: id })]);
    await writeFile(file, original);
    expect((await readAnchors(file, 'x'.repeat(40))).forged).toHaveLength(1);
  });
});
