import { describe, expect, it } from 'vitest';
import { InProcessJobQueue } from '../../../src/adapters/queue/in-process-job-queue.ts';
import { ManualTimers } from '../../../src/adapters/queue/manual-timers.ts';
import { isPacerError } from '../../../src/domain/pacer-error.ts';
import type { JobFailure } from '../../../src/domain/ports/job-queue.ts';
import { RecordingLogger, flush, waitFor } from '../../contract/wait-for.ts';

function setup(options: { keepFinishedJobs?: number } = {}) {
  const timers = new ManualTimers();
  const logger = new RecordingLogger();
  const queue = new InProcessJobQueue({ logger, clock: timers.clock, timers, ...options });
  return { timers, logger, queue };
}

describe('InProcessJobQueue specifics (virtual time)', () => {
  it('backs off exponentially between retries', async () => {
    const { timers, queue } = setup();
    const startedAt: number[] = [];
    const failures: JobFailure[] = [];
    queue.onFailed((f) => failures.push(f));
    queue.process('q', async () => {
      startedAt.push(timers.clock.nowMs());
      throw new Error('down');
    });
    const id = await queue.add('q', 'call-crm', {}, { attempts: 4, backoff: { type: 'exponential', delayMs: 100 } });
    for (const waitMs of [100, 200, 400]) {
      await waitFor(async () => (await queue.getJob('q', id))?.state === 'delayed', 'the retry to be scheduled');
      timers.advanceMs(waitMs - 1);
      await flush();
      expect((await queue.getJob('q', id))?.state).toBe('delayed');
      timers.advanceMs(1);
    }
    await waitFor(() => failures.length === 1, 'the failure');
    expect(startedAt).toEqual([0, 100, 300, 700]);
    await queue.close();
  });

  it('close drops delayed jobs, says so, and runs nothing more', async () => {
    const { timers, logger, queue } = setup();
    let runs = 0;
    queue.process('q', async () => {
      runs++;
    });
    await queue.add('q', 'later', {}, { delayMs: 1_000 });
    await queue.close();
    timers.advanceMs(5_000);
    await flush();
    expect(runs).toBe(0);
    expect(logger.entries).toContainEqual({ level: 'warn', obj: { dropped: 1 }, msg: expect.stringContaining('dropped') });
  });

  it('keeps only the newest `keepFinishedJobs` finished jobs; a pruned jobId can be added again', async () => {
    const { queue } = setup({ keepFinishedJobs: 2 });
    const runs: string[] = [];
    queue.process('q', async (job) => {
      runs.push(job.id);
    });
    for (const jobId of ['job-a', 'job-b', 'job-c']) await queue.add('q', 'x', {}, { jobId });
    await waitFor(() => runs.length === 3, 'three jobs');
    await flush();
    expect(await queue.getJob('q', 'job-a')).toBeUndefined();
    expect((await queue.getJob('q', 'job-c'))?.state).toBe('completed');
    await queue.add('q', 'x', {}, { jobId: 'job-a' });
    await waitFor(() => runs.length === 4, 'job-a again');
    expect(runs).toEqual(['job-a', 'job-b', 'job-c', 'job-a']);
    await queue.close();
  });

  it('runs jobs added before the handler is registered, with their creation time', async () => {
    const { timers, queue } = setup();
    const id = await queue.add('q', 'early', { n: 1 });
    timers.advanceMs(50);
    expect((await queue.getJob('q', id))?.state).toBe('waiting');
    const seen: unknown[] = [];
    queue.process('q', async (job) => {
      seen.push(job.data);
    });
    const info = await waitFor(async () => {
      const job = await queue.getJob('q', id);
      return job?.state === 'completed' ? job : undefined;
    }, 'completion');
    expect(seen).toEqual([{ n: 1 }]);
    expect(info).toMatchObject({ createdAtMs: 0, processedAtMs: 50, finishedAtMs: 50 });
    await queue.close();
  });

  it('rejects a non-JSON progress with VALIDATION_FAILED naming progress', async () => {
    const { queue } = setup();
    const errors: unknown[] = [];
    queue.process('q', async (job) => {
      try {
        await job.updateProgress({ big: 1n } as unknown as Record<string, unknown>);
      } catch (err) {
        errors.push(err);
      }
    });
    await queue.add('q', 'x', {});
    await waitFor(() => errors.length === 1, 'the progress error');
    const [err] = errors;
    expect(isPacerError(err, 'VALIDATION_FAILED') && err.issues[0]?.field).toBe('progress');
    await queue.close();
  });

  it('rejects a bad keepFinishedJobs with CONFIG_INVALID', () => {
    expect(() => new InProcessJobQueue({ keepFinishedJobs: -1 })).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
  });
});
