import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PacerError, isPacerError } from '../../src/domain/pacer-error.ts';
import type { JobFailure, JobQueue } from '../../src/domain/ports/job-queue.ts';
import { Gate, RecordingLogger, flush, waitFor } from './wait-for.ts';

export interface JobQueueHarness {
  queue: JobQueue;
  /**
   * Lets `ms` of the adapter's time pass: virtual time advances at once; on real time this does
   * nothing and the test polls (bounded) for the outcome instead.
   */
  advanceMs(ms: number): Promise<void>;
  /** Time is virtual: the test may assert that nothing happens before a delay is over. */
  virtualTime: boolean;
  /** Closes the queue (if the test did not) and removes what the harness created. */
  dispose(): Promise<void>;
}

export type JobQueueHarnessFactory = (options: { logger: RecordingLogger }) => Promise<JobQueueHarness>;

function expectPacerError(err: unknown, code: string, field?: string): void {
  expect(err).toBeInstanceOf(PacerError);
  if (!isPacerError(err)) return;
  expect(err.code).toBe(code);
  if (field !== undefined) expect(err.issues.map((i) => i.field)).toContain(field);
}

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection');
}

/**
 * The behaviour every `JobQueue` adapter must show. Each test runs on its own random queue name.
 */
export function describeJobQueueContract(name: string, createHarness: JobQueueHarnessFactory): void {
  describe(`JobQueue contract: ${name}`, () => {
    let h: JobQueueHarness;
    let logger: RecordingLogger;
    let q: string;

    beforeEach(async () => {
      logger = new RecordingLogger();
      h = await createHarness({ logger });
      q = `q-${randomUUID()}`;
    });

    afterEach(async () => {
      await h.dispose();
    });

    it('processes every job exactly once, at most `concurrency` at a time', async () => {
      const seen = new Map<string, number>();
      const gate = new Gate();
      let running = 0;
      let maxRunning = 0;
      h.queue.process<{ n: number }>(
        q,
        async (job) => {
          running++;
          maxRunning = Math.max(maxRunning, running);
          await gate.promise;
          seen.set(job.id, (seen.get(job.id) ?? 0) + 1);
          expect(job.data.n).toBeTypeOf('number');
          running--;
        },
        { concurrency: 4 },
      );
      const ids = await Promise.all(Array.from({ length: 30 }, (_, n) => h.queue.add(q, 'count', { n })));
      expect(new Set(ids).size).toBe(30);
      await waitFor(() => running === 4, 'four jobs running at once');
      gate.open();
      await waitFor(() => seen.size === 30, 'all jobs processed');
      await flush();
      expect([...seen.values()].every((count) => count === 1)).toBe(true);
      expect(new Set(seen.keys())).toEqual(new Set(ids));
      expect(maxRunning).toBe(4);
    });

    it('passes the job its queue, name, data and attempt, and records completion', async () => {
      const jobs: unknown[] = [];
      h.queue.process<{ importId: string }>(q, async (job) => {
        jobs.push({ id: job.id, queue: job.queue, name: job.name, data: job.data, attempt: job.attempt });
      });
      const id = await h.queue.add(q, 'import', { importId: 'imp-1' });
      const info = await waitFor(async () => {
        const job = await h.queue.getJob(q, id);
        return job?.state === 'completed' ? job : undefined;
      }, 'completion');
      expect(jobs).toEqual([{ id, queue: q, name: 'import', data: { importId: 'imp-1' }, attempt: 1 }]);
      expect(info).toMatchObject({ id, queue: q, name: 'import', data: { importId: 'imp-1' }, attemptsMade: 1, attempts: 1 });
      expect(info.finishedAtMs).toBeGreaterThanOrEqual(info.createdAtMs);
      expect(info.failedReason).toBeUndefined();
    });

    it('ignores a second add with the same jobId', async () => {
      const jobId = `import-${randomUUID()}`;
      const first = await h.queue.add(q, 'import', { v: 1 }, { jobId });
      const second = await h.queue.add(q, 'import', { v: 2 }, { jobId });
      expect(first).toBe(jobId);
      expect(second).toBe(jobId);
      const runs: unknown[] = [];
      h.queue.process(q, async (job) => {
        runs.push(job.data);
      });
      await waitFor(async () => (await h.queue.getJob(q, jobId))?.state === 'completed', 'completion');
      // Still ignored once the job is done (it is kept for a while).
      expect(await h.queue.add(q, 'import', { v: 3 }, { jobId })).toBe(jobId);
      await flush();
      expect(runs).toEqual([{ v: 1 }]);
      expect((await h.queue.getJob(q, jobId))?.data).toEqual({ v: 1 });
    });

    it('runs a delayed job only after its delay', async () => {
      const delayMs = 300;
      const ran: number[] = [];
      h.queue.process(q, async (job) => {
        ran.push(job.attempt);
      });
      const id = await h.queue.add(q, 'later', {}, { delayMs });
      if (h.virtualTime) {
        expect((await h.queue.getJob(q, id))?.state).toBe('delayed');
        await h.advanceMs(delayMs - 1);
        await flush();
        expect(ran).toEqual([]);
        expect((await h.queue.getJob(q, id))?.state).toBe('delayed');
      }
      await h.advanceMs(h.virtualTime ? 1 : delayMs);
      const info = await waitFor(async () => {
        const job = await h.queue.getJob(q, id);
        return job?.state === 'completed' ? job : undefined;
      }, 'the delayed job');
      expect(ran).toEqual([1]);
      expect(info.processedAtMs).toBeDefined();
      expect((info.processedAtMs ?? 0) - info.createdAtMs).toBeGreaterThanOrEqual(delayMs);
    });

    it('retries a failing job up to `attempts`, then fails it and reports the error as cause', async () => {
      const failures: JobFailure[] = [];
      h.queue.onFailed((f) => failures.push(f));
      const thrown: Error[] = [];
      const attempts: number[] = [];
      h.queue.process(q, async (job) => {
        attempts.push(job.attempt);
        const err = new Error(`boom ${job.attempt}`);
        thrown.push(err);
        throw err;
      });
      const id = await h.queue.add(q, 'flaky', { x: 1 }, { attempts: 3, backoff: { type: 'fixed', delayMs: 20 } });
      if (h.virtualTime) {
        for (let retry = 1; retry < 3; retry++) {
          await waitFor(async () => (await h.queue.getJob(q, id))?.state === 'delayed', `retry ${retry} to be scheduled`);
          await h.advanceMs(20);
        }
      }
      await waitFor(() => failures.length > 0, 'the failure report');
      expect(attempts).toEqual([1, 2, 3]);
      expect(failures).toHaveLength(1);
      const [failure] = failures;
      expect(failure).toMatchObject({ queue: q, jobId: id, name: 'flaky', data: { x: 1 }, attemptsMade: 3 });
      expect(failure?.error).toBeInstanceOf(PacerError);
      expect(failure?.error.code).toBe('INTERNAL');
      expect(failure?.error.cause).toBe(thrown[2]);
      const info = await h.queue.getJob(q, id);
      expect(info).toMatchObject({ state: 'failed', attemptsMade: 3, attempts: 3, failedReason: 'boom 3' });
    });

    it('completes a job that succeeds on a retry, without a failure report', async () => {
      const failures: JobFailure[] = [];
      h.queue.onFailed((f) => failures.push(f));
      h.queue.process(q, async (job) => {
        if (job.attempt === 1) throw new Error('transient');
      });
      const id = await h.queue.add(q, 'flaky', {}, { attempts: 2 });
      const info = await waitFor(async () => {
        const job = await h.queue.getJob(q, id);
        return job?.state === 'completed' ? job : undefined;
      }, 'completion');
      expect(info.attemptsMade).toBe(2);
      expect(failures).toEqual([]);
    });

    it('fails a job at once when the handler throws a permanent PacerError', async () => {
      const failures: JobFailure[] = [];
      h.queue.onFailed((f) => failures.push(f));
      const permanent = new PacerError('VALIDATION_FAILED', 'bad row', { issues: [{ field: 'phone', reason: 'invalid', row: 3 }] });
      let runs = 0;
      h.queue.process(q, async () => {
        runs++;
        throw permanent;
      });
      const id = await h.queue.add(q, 'import', {}, { attempts: 5 });
      await waitFor(() => failures.length > 0, 'the failure report');
      expect(runs).toBe(1);
      expect(failures[0]?.error.code).toBe('VALIDATION_FAILED');
      expect(failures[0]?.error.cause).toBe(permanent);
      expect(await h.queue.getJob(q, id)).toMatchObject({ state: 'failed', attemptsMade: 1 });
    });

    it('logs a failure nobody listens for instead of dropping it', async () => {
      const cause = new Error('unheard');
      h.queue.process(q, async () => {
        throw cause;
      });
      await h.queue.add(q, 'lonely', {});
      const entry = await waitFor(() => logger.entries.find((e) => e.level === 'error' && e.msg === 'job failed'), 'the log entry');
      const err = entry.obj.err;
      expect(err).toBeInstanceOf(PacerError);
      expect((err as PacerError).cause).toBe(cause);
    });

    it('makes progress visible while the job runs', async () => {
      const gate = new Gate();
      h.queue.process(q, async (job) => {
        await job.updateProgress(40);
        await gate.promise;
        await job.updateProgress({ rowsDone: 10, rowsTotal: 10 });
      });
      const id = await h.queue.add(q, 'import', {});
      const running = await waitFor(async () => {
        const job = await h.queue.getJob(q, id);
        return job?.progress === 40 ? job : undefined;
      }, 'progress 40');
      expect(running.state).toBe('active');
      gate.open();
      const done = await waitFor(async () => {
        const job = await h.queue.getJob(q, id);
        return job?.state === 'completed' ? job : undefined;
      }, 'completion');
      expect(done.progress).toEqual({ rowsDone: 10, rowsTotal: 10 });
    });

    it('returns undefined for an unknown job', async () => {
      expect(await h.queue.getJob(q, `nope-${randomUUID()}`)).toBeUndefined();
    });

    it('rejects bad requests with VALIDATION_FAILED naming the field, and adds nothing', async () => {
      expectPacerError(await rejectionOf(h.queue.add(q, 'x', {}, { jobId: '123' })), 'VALIDATION_FAILED', 'jobId');
      expectPacerError(await rejectionOf(h.queue.add(q, 'x', {}, { jobId: 'a:b' })), 'VALIDATION_FAILED', 'jobId');
      expectPacerError(await rejectionOf(h.queue.add('bad:queue', 'x', {})), 'VALIDATION_FAILED', 'queue');
      expectPacerError(await rejectionOf(h.queue.add(q, '', {})), 'VALIDATION_FAILED', 'name');
      expectPacerError(await rejectionOf(h.queue.add(q, 'x', {}, { attempts: 0 })), 'VALIDATION_FAILED', 'attempts');
      expectPacerError(await rejectionOf(h.queue.add(q, 'x', {}, { delayMs: -1 })), 'VALIDATION_FAILED', 'delayMs');
      expectPacerError(
        await rejectionOf(h.queue.add(q, 'x', {}, { backoff: { type: 'fixed', delayMs: 1.5 } })),
        'VALIDATION_FAILED',
        'backoff.delayMs',
      );
      expectPacerError(await rejectionOf(h.queue.add(q, 'x', { big: 1n })), 'VALIDATION_FAILED', 'data');
      expectPacerError(await rejectionOf(h.queue.add(q, 'x', undefined)), 'VALIDATION_FAILED', 'data');
      expectPacerError(await rejectionOf(h.queue.getJob('bad:queue', 'x')), 'VALIDATION_FAILED', 'queue');
      let thrown: unknown;
      try {
        h.queue.process(q, async () => undefined, { concurrency: 0 });
      } catch (err) {
        thrown = err;
      }
      expectPacerError(thrown, 'VALIDATION_FAILED', 'concurrency');
      const ran: string[] = [];
      h.queue.process(q, async (job) => {
        ran.push(job.name);
      });
      await h.queue.add(q, 'sentinel', {});
      await waitFor(() => ran.length > 0, 'the sentinel job');
      await flush();
      expect(ran).toEqual(['sentinel']);
    });

    it('refuses a second handler for the same queue with CONFLICT', () => {
      h.queue.process(q, async () => undefined);
      let thrown: unknown;
      try {
        h.queue.process(q, async () => undefined);
      } catch (err) {
        thrown = err;
      }
      expectPacerError(thrown, 'CONFLICT');
    });

    it('answers ping while open', async () => {
      expect(await h.queue.ping()).toBe(true);
    });

    it('close waits for running jobs, is idempotent, and then add and process reject with QUEUE_CLOSED', async () => {
      const events: string[] = [];
      const gate = new Gate();
      h.queue.process(q, async () => {
        events.push('started');
        await gate.promise;
        events.push('finished');
      });
      await h.queue.add(q, 'long', {});
      await waitFor(() => events.includes('started'), 'the job to start');
      const first = h.queue.close().then(() => events.push('closed'));
      const second = h.queue.close();
      await flush();
      expect(events).toEqual(['started']);
      gate.open();
      await Promise.all([first, second]);
      await h.queue.close();
      expect(events).toEqual(['started', 'finished', 'closed']);
      expectPacerError(await rejectionOf(h.queue.add(q, 'late', {})), 'QUEUE_CLOSED');
      let thrown: unknown;
      try {
        h.queue.process(`${q}-other`, async () => undefined);
      } catch (err) {
        thrown = err;
      }
      expectPacerError(thrown, 'QUEUE_CLOSED');
    });
  });
}
