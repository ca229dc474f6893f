import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InProcessJobQueue } from '../../../src/adapters/queue/in-process-job-queue.ts';
import { IMPORT_QUEUE } from '../../../src/adapters/import/lead-import-service.ts';
import { registerImportFeature } from '../../../src/app/register-import-feature.ts';
import type { Services } from '../../../src/app/create-services.ts';
import { createCampaign, openImportFixture, queueImport, spoolDir, uniqueNational, type ImportFixture } from './import-fixtures.ts';

let f: ImportFixture;
const queue = new InProcessJobQueue();
beforeAll(() => {
  f = openImportFixture();
});
afterAll(async () => {
  await queue.close();
  await f.close();
});

describe('registerImportFeature (server start)', () => {
  it('re-enqueues imports a crash left queued or running', async () => {
    const campaignId = await createCampaign(f);
    const queued = await queueImport(f, campaignId, `phone\n${uniqueNational()}\n`);
    const running = await queueImport(f, campaignId, `phone\n${uniqueNational()}\n`);
    expect(await f.imports.markRunning(running.importId)).toBe(true);
    expect(await queue.getJob(IMPORT_QUEUE, queued.importId)).toBeUndefined();

    const services = { auditLog: { record: async () => undefined }, dncRepository: { listIdsApplyingToCampaign: async () => [] } } as unknown as Services;
    const app = Fastify();
    try {
      const { requeued } = await registerImportFeature(app, { database: f.database, jobQueue: queue, services, defaultRegion: 'US', spoolDir, runWorker: false });
      // Other test files share the database: at least these two, each queued under its import id.
      expect(requeued).toBeGreaterThanOrEqual(2);
      expect(await queue.getJob(IMPORT_QUEUE, queued.importId)).toMatchObject({ id: queued.importId, data: { importId: queued.importId } });
      expect(await queue.getJob(IMPORT_QUEUE, running.importId)).toMatchObject({ id: running.importId, data: { importId: running.importId } });
    } finally {
      await app.close();
    }
  });
});
