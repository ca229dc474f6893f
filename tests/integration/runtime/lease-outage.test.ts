import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { InProcessEventBus } from '../../../src/adapters/bus/in-process-event-bus.ts';
import { createDatabase, type DatabaseHandle } from '../../../src/adapters/db/create-database.ts';
import { InProcessLease } from '../../../src/adapters/lease/in-process-lease.ts';
import { SimTelephony } from '../../../src/adapters/telephony/sim/sim-telephony.ts';
import { PacerError } from '../../../src/domain/pacer-error.ts';
import type { Lease } from '../../../src/domain/ports/lease.ts';
import { VirtualScheduler } from '../../../src/domain/time/virtual-scheduler.ts';
import { DialerRuntime, type RuntimeEvents } from '../../../src/runtime/dialer-runtime.ts';
import { SimAgents } from '../../../src/runtime/sim-agents.ts';
import { campaignOf, collectingLogger, seedCampaign, START_MS, storesFor } from './support/runtime-fixture.ts';

let handle: DatabaseHandle;
beforeAll(() => {
  handle = createDatabase({ connectionString: inject('databaseUrl'), maxConnections: 4 });
});
afterAll(() => handle.close());

/** The in-process lease behind a switch: while `down`, every call fails as an unreachable Redis does. */
function flakyLease(inner: Lease): { lease: Lease; outage: { down: boolean } } {
  const outage = { down: false };
  const guard = <T>(fn: () => Promise<T>): Promise<T> =>
    outage.down ? Promise.reject(new PacerError('QUEUE_UNAVAILABLE', 'connect ECONNREFUSED 127.0.0.1:6379 (simulated outage)')) : fn();
  return {
    outage,
    lease: {
      acquire: (n, o, t) => guard(() => inner.acquire(n, o, t)),
      renew: (n, o, t) => guard(() => inner.renew(n, o, t)),
      release: (n, o) => guard(() => inner.release(n, o)),
      inspect: (n) => guard(() => inner.inspect(n)),
      close: () => inner.close(),
    },
  };
}

async function runningNode(opts: { leads: number; agents: number }) {
  const { campaignId, agentIds } = await seedCampaign(handle.db, opts);
  const campaign = campaignOf(campaignId);
  const scheduler = new VirtualScheduler(START_MS);
  const sim = new SimTelephony({ scheduler, seed: 4 });
  const agents = new SimAgents({ scheduler, telephony: sim, seed: 6 });
  const inner = new InProcessLease({ clock: scheduler });
  const { lease, outage } = flakyLease(inner);
  const log = collectingLogger();
  const runtime = new DialerRuntime({
    stores: storesFor(handle.db, [campaign]), scheduler, telephony: sim, nodeId: `node-${randomUUID()}`, tickMs: 1_000, simAgents: agents, lease, leaseTtlMs: 15_000,
    eventBus: new InProcessEventBus<RuntimeEvents>(),
    logger: log.logger,
  });
  expect(await runtime.runCampaign(campaignId)).toBe('running');
  const runner = runtime.runner(campaignId);
  if (runner === undefined) throw new Error('campaign not running');
  for (const id of agentIds) await agents.login(id, runner.coordinator);
  const advance = (ms: number) => scheduler.advanceBy(ms, () => runtime.whenIdle());
  const originated = () => runner.stats().originated;
  return { runtime, runner, campaignId, inner, outage, log, advance, originated };
}

describe('campaign lease outage (Redis unreachable)', () => {
  it('places no new call while the lease cannot be renewed, lets live calls finish, and resumes when it can', async () => {
    const node = await runningNode({ leads: 400, agents: 4 });
    await node.advance(60_000);
    expect(node.originated()).toBeGreaterThan(0);

    node.outage.down = true;
    // The next renewal (every ttl / 3 = 5 s) fails: placing stops then.
    await node.advance(5_000);
    const atOutage = node.originated();
    expect(node.runner.stats().placing).toBe(false);
    // A long outage, past the lease's TTL: nothing new is dialed, the calls in progress end.
    await node.advance(10 * 60_000);
    expect(node.originated()).toBe(atOutage);
    expect(node.runner.coordinator.liveCallCount).toBe(0);
    expect(node.log.problems.some((p) => p.msg?.includes('campaign lease renewal failed') === true)).toBe(true);

    // Redis is back; the lease expired meanwhile and nobody took it: this node takes it back.
    node.outage.down = false;
    await node.advance(6_000);
    expect(node.runner.stats().placing).toBe(true);
    await node.advance(60_000);
    expect(node.originated()).toBeGreaterThan(atOutage);
    await node.runtime.close({ hangup: true });
  });

  it('stays paused after the outage when the manager paused the campaign meanwhile', async () => {
    const node = await runningNode({ leads: 200, agents: 2 });
    await node.advance(30_000);
    node.outage.down = true;
    await node.advance(6_000);
    node.runtime.pauseCampaign(node.campaignId);
    node.outage.down = false;
    await node.advance(30_000);
    expect(node.runner.stats().placing).toBe(false);
    // Started again by the manager: it places calls again.
    expect(await node.runtime.runCampaign(node.campaignId)).toBe('running');
    expect(node.runner.stats().placing).toBe(true);
    await node.runtime.close({ hangup: true });
  });

  it('does not dial while another node holds the campaign after the outage', async () => {
    const node = await runningNode({ leads: 200, agents: 2 });
    await node.advance(30_000);
    node.outage.down = true;
    await node.advance(20_000); // past the TTL: the lease expired
    // Another node takes the campaign while this one cannot reach Redis.
    expect(await node.inner.acquire(`campaign:${node.campaignId}`, 'other-node', 60_000)).toBe(true);
    node.outage.down = false;
    await node.advance(30_000);
    expect(node.runner.stats().placing).toBe(false);
    expect(node.log.problems.some((p) => p.msg?.includes('held by another node') === true)).toBe(true);
    await node.runtime.close({ hangup: true });
  });
});
