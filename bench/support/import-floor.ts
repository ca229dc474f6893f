import { createReadStream, createWriteStream } from 'node:fs';
import { open, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { cpuSecFromStat } from './proc-stat.ts';

/** What PostgreSQL alone needs for an import's rows, and for the file itself as raw text. */
export interface ImportFloor {
  /** Wall seconds of COPYing the import's `leads` and `lead_phones` rows again, in one transaction. */
  writeSec: number;
  /** Backend CPU seconds of that transaction (local server only; NaN otherwise). */
  writeCpuSec: number;
  /** Wall seconds of COPYing the CSV file into an unindexed table of text columns (no dedupe, no validation). */
  rawCopySec: number;
}

const LEAD_COLUMNS = 'id, campaign_id, lead_list_id, source_row, first_name, last_name, email, state, zip, timezone, timezone_source, timezone_candidates, custom, status, dnc_flagged';

/**
 * Measures the floor under an import: the rows it wrote (its lead list's `leads` and their
 * `lead_phones`) are dumped with COPY TO from `source`, then COPYed into `target` (a second, freshly
 * migrated database: the empty tables the import started from) in ONE transaction, as the import
 * writes them but with no CSV parsing, validation, dedupe or encoding in Node. Also the issue's
 * reference point: the CSV file itself COPYed into a table of text columns without indexes. Both
 * scratch databases are dropped afterwards, so nothing is cleaned up.
 *
 * @example
 * ```ts
 * const floor = await measureImportFloor(importPool, emptyPool, { leadListId, csvPath, dir });
 * console.log(`PostgreSQL alone: ${floor.writeSec} s`);
 * ```
 */
export async function measureImportFloor(source: pg.Pool, target: pg.Pool, input: { leadListId: string; csvPath: string; dir: string }): Promise<ImportFloor> {
  const leadsFile = join(input.dir, 'floor-leads.tsv');
  const phonesFile = join(input.dir, 'floor-phones.tsv');
  const reader = await source.connect();
  try {
    const list = reader.escapeLiteral(input.leadListId);
    await pipeline(
      reader.query(copyTo(`COPY (SELECT ${LEAD_COLUMNS} FROM leads WHERE lead_list_id = ${list} ORDER BY id) TO STDOUT`)),
      createWriteStream(leadsFile),
    );
    await pipeline(
      reader.query(copyTo(`COPY (SELECT p.lead_id, p.position, p.campaign_id, p.e164, p.dnc_flagged
        FROM lead_phones p JOIN leads l ON l.id = p.lead_id WHERE l.lead_list_id = ${list} ORDER BY p.lead_id, p.position) TO STDOUT`)),
      createWriteStream(phonesFile),
    );
  } finally {
    reader.release();
  }
  // Into a second, freshly migrated database: the same empty tables the import wrote into.
  const client = await target.connect();
  try {

    const cpuBefore = await backendCpuSec(client);
    const started = performance.now();
    await client.query('BEGIN');
    await pipeline(createReadStream(leadsFile), client.query(copyFrom(`COPY leads (${LEAD_COLUMNS}) FROM STDIN`)));
    await pipeline(createReadStream(phonesFile), client.query(copyFrom('COPY lead_phones (lead_id, position, campaign_id, e164, dnc_flagged) FROM STDIN')));
    await client.query('COMMIT');
    const writeSec = (performance.now() - started) / 1000;
    const writeCpuSec = (await backendCpuSec(client)) - cpuBefore;

    const header = (await firstBytes(input.csvPath, 64 * 1024)).split('\n')[0] ?? '';
    const width = header.split(',').length;
    await client.query(`CREATE TABLE bench_raw_csv (${Array.from({ length: width }, (_, i) => `c${i} text`).join(', ')})`);
    const rawStarted = performance.now();
    await pipeline(createReadStream(input.csvPath), client.query(copyFrom('COPY bench_raw_csv FROM STDIN (FORMAT csv, HEADER true)')));
    const rawCopySec = (performance.now() - rawStarted) / 1000;
    return { writeSec, writeCpuSec, rawCopySec };
  } finally {
    client.release();
  }
}

async function backendCpuSec(client: pg.PoolClient): Promise<number> {
  const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
  try {
    return cpuSecFromStat(await readFile(`/proc/${rows[0]?.pid ?? 0}/stat`, 'utf8'));
  } catch {
    return Number.NaN; // not a local server
  }
}

async function firstBytes(path: string, bytes: number): Promise<string> {
  const file = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(bytes);
    const { bytesRead } = await file.read(buffer, 0, bytes, 0);
    return buffer.subarray(0, bytesRead).toString('utf8');
  } finally {
    await file.close();
  }
}
