import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { InProcessJobQueue } from '../../../src/adapters/queue/in-process-job-queue.ts';
import { IMPORT_JOB, IMPORT_QUEUE, LeadImportService } from '../../../src/adapters/import/lead-import-service.ts';
import { registerLeadImportWorker } from '../../../src/adapters/import/lead-import-worker.ts';
import { createCampaign, leadsOf, openImportFixture, queueImport, spoolDir, uniqueNational, type ImportFixture } from './import-fixtures.ts';

let f: ImportFixture;
const queue = new InProcessJobQueue();
beforeAll(() => {
  f = openImportFixture();
  registerLeadImportWorker(queue, f.deps);
});
afterAll(async () => {
  await queue.close();
  await f.close();
});

describe('registerLeadImportWorker', () => {
  it('runs imports queued on the imports queue', async () => {
    const campaignId = await createCampaign(f);
    const good = await queueImport(f, campaignId, `phone\n${uniqueNational()}\n${uniqueNational()}\n`);
    const bad = await queueImport(f, campaignId, 'name\nAnn\n');
    await queue.add(IMPORT_QUEUE, IMPORT_JOB, { importId: good.importId }, { jobId: good.importId });
    await queue.add(IMPORT_QUEUE, IMPORT_JOB, { importId: bad.importId }, { jobId: bad.importId });
    await vi.waitFor(async () => {
      expect((await queue.getJob(IMPORT_QUEUE, good.importId))?.state).toBe('completed');
      // A bad file is an expected outcome: the import fails, the job does not.
      expect((await queue.getJob(IMPORT_QUEUE, bad.importId))?.state).toBe('completed');
    }, { timeout: 20_000, interval: 50 });
    expect(await f.imports.find(good.importId)).toMatchObject({ status: 'completed', rowsAccepted: 2 });
    expect(await f.imports.find(bad.importId)).toMatchObject({ status: 'failed', error: { code: 'IMPORT_FAILED', message: "no 'phone' column; found header 'name'" } });
    expect(await leadsOf(f, good.leadListId)).toHaveLength(2);
  });

  it('re-enqueues imports left queued by a crash, once', async () => {
    const campaignId = await createCampaign(f);
    const stranded = await queueImport(f, campaignId, `phone\n${uniqueNational()}\n`);
    const service = new LeadImportService({
      db: f.database.db, imports: f.imports, auditLog: { record: async () => undefined }, queue, spoolDir, defaultRegion: 'US', maxUploadBytes: 1024,
    });
    // Scoped to this test's campaign: other test files' queued imports share the database.
    expect(await service.requeueUnfinished({ campaignId })).toBe(1);
    await service.requeueUnfinished({ campaignId });
    await vi.waitFor(async () => {
      expect((await f.imports.find(stranded.importId))?.status).toBe('completed');
    }, { timeout: 20_000, interval: 50 });
    expect(await leadsOf(f, stranded.leadListId)).toHaveLength(1);
  });
});
