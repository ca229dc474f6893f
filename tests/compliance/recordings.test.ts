import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CallAttemptRepository } from '../../src/adapters/db/repositories/call-attempt-repository.ts';
import { RecordingRepository } from '../../src/adapters/db/repositories/recording-repository.ts';
import { RecordingFiles } from '../../src/adapters/recording/recording-files.ts';
import { RecordingRetentionSweep } from '../../src/adapters/recording/recording-retention-sweep.ts';
import { silentWav } from '../../src/adapters/telephony/sim/silent-wav.ts';
import { recordingPathFor } from '../../src/domain/call/recording-path.ts';
import { silentLogger } from '../../src/domain/ports/logger.ts';
import { VirtualScheduler } from '../../src/domain/time/virtual-scheduler.ts';
import { createComplianceApp, seedCampaignCalls, type ComplianceApp } from './support/compliance-app.ts';

/**
 * Recordings of call records: the download route, the export column and the retention sweep. Times
 * are in 2099 so that a real-time sweep of another test's server never finds these rows due.
 */
const T0 = Date.UTC(2099, 2, 1, 15);
const DAY_MS = 86_400_000;

let c: ComplianceApp;
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pacer-recordings-'));
  c = await createComplianceApp(T0, { recordingsDir: dir });
});
afterAll(async () => {
  await c.close();
  await rm(dir, { recursive: true, force: true });
});

/** A recorded call: its record carries the path (written as the runtime's write-behind does) and its file exists. */
async function recordedCall(endedAtMs = T0): Promise<{ id: string; campaignId: string; path: string; file: string }> {
  const seeded = await seedCampaignCalls(c.database, [{ originatedAtMs: endedAtMs - 60_000, outcome: 'human', answeredAfterMs: 5_000, agentConnectedAfterMs: 6_000, endedAfterMs: 60_000, agent: true }]);
  const id = seeded.attemptIds[0] ?? '';
  const path = recordingPathFor(seeded.campaignId, id, endedAtMs - 54_000);
  await new CallAttemptRepository(c.database.db).updateMany([{ id, patch: { originatedAtMs: endedAtMs - 60_000, abandoned: false, messagePlayed: false, recordingPath: path } }]);
  const file = join(dir, path);
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, silentWav(1000));
  return { id, campaignId: seeded.campaignId, path, file };
}

describe('GET /v1/call-records/{id}/recording', () => {
  it('streams the WAV to compliance and admin (audio/wav), and audits each download', async () => {
    const rec = await recordedCall();
    for (const role of ['compliance', 'admin'] as const) {
      const res = await c.get(`/v1/call-records/${rec.id}/recording`, { role });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.headers['content-type']).toBe('audio/wav');
      expect(res.headers['content-disposition']).toBe(`attachment; filename="${rec.id}.wav"`);
      expect(res.rawPayload.toString('ascii', 0, 4)).toBe('RIFF');
      expect(res.rawPayload.length).toBe(44 + 16_000);
    }
    const audit = await c.database.db.selectFrom('audit_log').select(['actor_role', 'after']).where('action', '=', 'call.recording.download').where('entity_id', '=', rec.id).orderBy('id').execute();
    expect(audit.map((a) => a.actor_role)).toEqual(['compliance', 'admin']);
    expect(audit[0]?.after).toEqual({ path: rec.path, bytes: 44 + 16_000 });
  });

  it('is forbidden to managers and agents (403), and nothing is audited', async () => {
    const rec = await recordedCall();
    for (const role of ['manager', 'agent'] as const) {
      const res = await c.get(`/v1/call-records/${rec.id}/recording`, { role });
      expect(res.statusCode).toBe(403);
      expect(JSON.parse(res.body)).toMatchObject({ error: { code: 'FORBIDDEN' } });
    }
    expect(await c.database.db.selectFrom('audit_log').select('id').where('action', '=', 'call.recording.download').where('entity_id', '=', rec.id).execute()).toEqual([]);
  });

  it('answers 404 with a code saying why: no such record, not recorded, file missing, expired', async () => {
    const code = async (id: string): Promise<[number, string]> => {
      const res = await c.get(`/v1/call-records/${id}/recording`);
      return [res.statusCode, (JSON.parse(res.body) as { error: { code: string } }).error.code];
    };
    expect(await code('6b0f4c3e-4a8e-4b59-9a63-2f8f4b0c0c0c')).toEqual([404, 'NOT_FOUND']);
    const unrecorded = await seedCampaignCalls(c.database, [{ originatedAtMs: T0, outcome: 'human' }]);
    expect(await code(unrecorded.attemptIds[0] ?? '')).toEqual([404, 'RECORDING_NOT_FOUND']);
    const missing = await recordedCall();
    await rm(missing.file);
    expect(await code(missing.id)).toEqual([404, 'RECORDING_NOT_FOUND']);
    const expired = await recordedCall();
    await new RecordingRepository(c.database.db).markExpired([expired.id], T0);
    expect(await code(expired.id)).toEqual([404, 'RECORDING_EXPIRED']);
  });

  it('puts the recording reference in the call-record export (NDJSON and CSV)', async () => {
    const rec = await recordedCall();
    const ndjson = await c.get(`/v1/call-records?campaignId=${rec.campaignId}`, { accept: 'application/x-ndjson' });
    const row = JSON.parse(ndjson.body.trim()) as { recordingPath: string | null; recordingExpiredAt: string | null };
    expect(row).toMatchObject({ recordingPath: rec.path, recordingExpiredAt: null });
    const csv = await c.get(`/v1/call-records?campaignId=${rec.campaignId}`, { accept: 'text/csv' });
    const [header, line] = csv.body.trim().split('\n');
    expect(header?.split(',').slice(-2)).toEqual(['recordingPath', 'recordingExpiredAt']);
    expect(line).toContain(rec.path);
  });
});

describe('recording retention sweep (manual clock)', () => {
  it("deletes recordings older than the campaign's retentionDays and marks them expired, keeping the path; younger ones stay", async () => {
    const old = await recordedCall(T0);
    const young = await recordedCall(T0 + 10 * DAY_MS);
    await c.database.db.updateTable('campaigns').set({ recording_retention_days: 30 }).where('id', 'in', [old.campaignId, young.campaignId]).execute();
    const scheduler = new VirtualScheduler(T0 + 30 * DAY_MS - 60_000);
    const sweep = new RecordingRetentionSweep({ scheduler, recordings: new RecordingRepository(c.database.db), files: new RecordingFiles(dir), logger: silentLogger, intervalMs: 10 * DAY_MS });
    const expiredAt = async (id: string) => (await c.database.db.selectFrom('call_attempts').select(['recording_path', 'recording_expired_at']).where('id', '=', id).executeTakeFirstOrThrow());
    const exists = (file: string) => stat(file).then(() => true, () => false);

    // The first run is at start: 30 days minus a minute after the first call ended, nothing is due yet.
    sweep.start();
    await scheduler.advanceBy(0);
    await sweep.idle();
    await sweep.stop();
    expect(await exists(old.file)).toBe(true);
    expect((await expiredAt(old.id)).recording_expired_at).toBeNull();

    // Two minutes later (a run at start again): the first is past its 30 days.
    await scheduler.advanceBy(2 * 60_000);
    sweep.start();
    await scheduler.advanceBy(0);
    await sweep.idle();
    expect(await exists(old.file)).toBe(false);
    expect(await expiredAt(old.id)).toEqual({ recording_path: old.path, recording_expired_at: new Date(T0 + 30 * DAY_MS + 60_000) });
    expect(await exists(young.file)).toBe(true);
    expect((await expiredAt(young.id)).recording_expired_at).toBeNull();
    expect((await c.get(`/v1/call-records/${old.id}/recording`)).statusCode).toBe(404);

    // The next run comes one interval (10 days) later: the second call's recording goes too.
    await scheduler.advanceBy(10 * DAY_MS - 1);
    await sweep.idle();
    expect(await exists(young.file)).toBe(true);
    await scheduler.advanceBy(1);
    await sweep.idle();
    await sweep.stop();
    expect(await exists(young.file)).toBe(false);
    expect((await expiredAt(young.id)).recording_expired_at).toEqual(new Date(T0 + 40 * DAY_MS + 60_000));
  });

  it('marks a recording whose file is already gone as expired too; the next sweep finds nothing', async () => {
    const gone = await recordedCall(T0 + 100 * DAY_MS);
    await rm(gone.file);
    const scheduler = new VirtualScheduler(T0 + 200 * DAY_MS);
    const sweep = new RecordingRetentionSweep({ scheduler, recordings: new RecordingRepository(c.database.db), files: new RecordingFiles(dir), logger: silentLogger });
    const first = await sweep.sweepOnce();
    expect(first.expired).toBeGreaterThanOrEqual(1);
    expect(first.failed).toBe(0);
    expect((await c.database.db.selectFrom('call_attempts').select('recording_expired_at').where('id', '=', gone.id).executeTakeFirstOrThrow()).recording_expired_at).not.toBeNull();
    expect(await sweep.sweepOnce()).toEqual({ expired: 0, failed: 0 });
  });
});
