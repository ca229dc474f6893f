import { createHmac, timingSafeEqual } from 'node:crypto';
import { appendFile, readFile } from 'node:fs/promises';
import type { TrailAnchor } from '../../domain/compliance/trail-anchor.ts';
import { PacerError } from '../../domain/pacer-error.ts';

/** One line of an anchor file that is not what its key signed (edited, forged, or another key's). */
export interface ForgedAnchorLine {
  line: number;
  campaignId: string | null;
  reason: string;
}

function mac(key: string, a: TrailAnchor): string {
  return createHmac('sha256', key).update(`pacer-trail-anchor-v1\n${a.campaignId}\n${a.seq}\n${a.hash}\n${a.anchoredAtMs}`).digest('hex');
}

/**
 * Appends signed chain heads to an anchor file (JSON lines, HMAC-SHA256 with `PACER_AUDIT_KEY`).
 * Keep the file where the database's writers cannot reach (another host, write-once storage): an
 * anchor is only as good as its distance from the trail.
 *
 * @example
 * ```ts
 * await appendAnchors('/secure/pacer-anchors.jsonl', key, [{ campaignId, seq: '812', hash, anchoredAtMs: Date.now() }]);
 * ```
 */
export async function appendAnchors(path: string, key: string, anchors: readonly TrailAnchor[]): Promise<void> {
  if (anchors.length === 0) return;
  const text = anchors.map((a) => JSON.stringify({ ...a, mac: mac(key, a) })).join('\n') + '\n';
  await appendFile(path, text, { mode: 0o600 });
}

/**
 * Reads an anchor file: the anchors whose signature holds, and every line that does not (reported,
 * never silently skipped).
 *
 * @throws PacerError `VALIDATION_FAILED` naming the file when it cannot be read.
 */
export async function readAnchors(path: string, key: string): Promise<{ anchors: TrailAnchor[]; forged: ForgedAnchorLine[] }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new PacerError('VALIDATION_FAILED', `cannot read the anchor file ${path}`, { cause: err, issues: [{ field: 'anchors', reason: 'file cannot be read' }] });
  }
  const anchors: TrailAnchor[] = [];
  const forged: ForgedAnchorLine[] = [];
  text.split('\n').forEach((raw, i) => {
    if (raw.trim() === '') return;
    const line = i + 1;
    let v: unknown;
    try {
      v = JSON.parse(raw);
    } catch {
      forged.push({ line, campaignId: null, reason: 'not JSON' });
      return;
    }
    const o = (typeof v === 'object' && v !== null ? v : {}) as Record<string, unknown>;
    const { campaignId, seq, hash, anchoredAtMs, mac: given } = o;
    if (typeof campaignId !== 'string' || typeof seq !== 'string' || !/^\d+$/.test(seq) || typeof hash !== 'string' || typeof anchoredAtMs !== 'number' || typeof given !== 'string') {
      forged.push({ line, campaignId: typeof campaignId === 'string' ? campaignId : null, reason: 'missing or malformed fields' });
      return;
    }
    const anchor: TrailAnchor = { campaignId, seq, hash, anchoredAtMs };
    const expected = Buffer.from(mac(key, anchor), 'hex');
    const presented = Buffer.from(given, 'hex');
    if (presented.length !== expected.length || !timingSafeEqual(presented, expected)) {
      forged.push({ line, campaignId, reason: 'signature does not match (edited, or signed with another key)' });
      return;
    }
    anchors.push(anchor);
  });
  return { anchors, forged };
}
