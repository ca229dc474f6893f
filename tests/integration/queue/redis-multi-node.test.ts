import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { RedisEventBus } from '../../../src/adapters/bus/redis-event-bus.ts';
import { RedisLease } from '../../../src/adapters/lease/redis-lease.ts';
import { BullmqJobQueue } from '../../../src/adapters/queue/bullmq-job-queue.ts';
import { Gate, RecordingLogger, waitFor } from '../../contract/wait-for.ts';
import { deleteKeys, uniquePrefix } from '../../contract/redis-test-support.ts';

/** Several "nodes" (adapter instances with their own connections) sharing one Redis. */
describe('Redis adapters across nodes', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('BullMQ: jobs added on one node are processed exactly once by the workers of two nodes', async () => {
    const prefix = uniquePrefix('jobs');
    const logger = new RecordingLogger();
    const nodes = [0, 1].map(() => new BullmqJobQueue({ redisUrl: inject('redisUrl'), prefix, logger }));
    cleanups.push(async () => {
      await Promise.all(nodes.map((n) => n.close()));
      await deleteKeys(prefix);
    });
    const q = `q-${randomUUID()}`;
    const runs = new Map<string, string[]>();
    nodes.forEach((node, i) =>
      node.process<{ n: number }>(
        q,
        async (job) => {
          runs.set(job.id, [...(runs.get(job.id) ?? []), `node${i}`]);
        },
        { concurrency: 3 },
      ),
    );
    const [producer, other] = nodes;
    if (producer === undefined || other === undefined) throw new Error('two nodes expected');
    const ids = await Promise.all(Array.from({ length: 60 }, (_, n) => producer.add(q, 'n', { n })));
    await waitFor(() => runs.size === 60, 'all jobs processed');
    expect([...runs.values()].every((r) => r.length === 1)).toBe(true);
    expect(new Set(runs.keys())).toEqual(new Set(ids));
    // Any node sees any job.
    const seen = await other.getJob(q, ids[0] ?? '');
    expect(seen?.state).toBe('completed');
    expect(logger.entries).toEqual([]);
  });

  it('BullMQ: closing a node lets its running job finish and records it as completed', async () => {
    const prefix = uniquePrefix('jobs');
    const redisUrl = inject('redisUrl');
    const leaving = new BullmqJobQueue({ redisUrl, prefix });
    const staying = new BullmqJobQueue({ redisUrl, prefix });
    cleanups.push(async () => {
      await Promise.all([leaving.close(), staying.close()]);
      await deleteKeys(prefix);
    });
    const q = `q-${randomUUID()}`;
    const gate = new Gate();
    let started = false;
    leaving.process(q, async (job) => {
      started = true;
      await job.updateProgress(50);
      await gate.promise;
    });
    const id = await staying.add(q, 'long', {});
    await waitFor(() => started, 'the job to start');
    const closed = leaving.close();
    gate.open();
    await closed;
    expect(await staying.getJob(q, id)).toMatchObject({ state: 'completed', attemptsMade: 1, progress: 50 });
  });

  it('event bus: an event published on one node reaches subscribers on the others; other prefixes hear nothing', async () => {
    const prefix = uniquePrefix('bus');
    const redisUrl = inject('redisUrl');
    const a = new RedisEventBus({ redisUrl, prefix });
    const b = new RedisEventBus({ redisUrl, prefix });
    const stranger = new RedisEventBus({ redisUrl, prefix: uniquePrefix('bus') });
    cleanups.push(async () => {
      await Promise.all([a.close(), b.close(), stranger.close()]);
    });
    const topic = 'agent.screen-pop';
    const atB: unknown[] = [];
    const atA: unknown[] = [];
    const atStranger: unknown[] = [];
    await b.subscribe(topic, (e) => {
      atB.push(e);
    });
    await a.subscribe(topic, (e) => {
      atA.push(e);
    });
    await stranger.subscribe(topic, (e) => {
      atStranger.push(e);
    });
    await a.publish(topic, { agentId: 'ag-1', leadId: 'ld-1' });
    await stranger.publish(topic, 'sentinel');
    await waitFor(() => atB.length === 1 && atA.length === 1 && atStranger.length === 1, 'deliveries');
    expect(atB).toEqual([{ agentId: 'ag-1', leadId: 'ld-1' }]);
    expect(atA).toEqual([{ agentId: 'ag-1', leadId: 'ld-1' }]);
    expect(atStranger).toEqual(['sentinel']);
  });

  it('lease: two nodes contend for a campaign; only one holds it, the other takes over after it lapses', async () => {
    const prefix = uniquePrefix('lease');
    const redisUrl = inject('redisUrl');
    const nodeA = new RedisLease({ redisUrl, prefix });
    const nodeB = new RedisLease({ redisUrl, prefix });
    cleanups.push(async () => {
      await Promise.all([nodeA.close(), nodeB.close()]);
      await deleteKeys(prefix);
    });
    const name = `campaign:${randomUUID()}`;
    const [gotA, gotB] = await Promise.all([nodeA.acquire(name, 'a', 50), nodeB.acquire(name, 'b', 60_000)]);
    expect([gotA, gotB].filter(Boolean)).toHaveLength(1);
    if (gotA) {
      // a stops renewing; b takes over once the 50 ms lease lapses.
      await waitFor(() => nodeB.acquire(name, 'b', 60_000), 'b to take over', 5_000);
      expect(await nodeA.renew(name, 'a', 60_000)).toBe(false);
    } else {
      expect(await nodeA.acquire(name, 'a', 60_000)).toBe(false);
    }
    expect((await nodeA.inspect(name))?.ownerId).toBe('b');
  });
});
