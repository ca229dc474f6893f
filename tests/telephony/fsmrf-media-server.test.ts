import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/domain/ports/clock.ts';
import { FsmrfMediaServer } from '../../src/adapters/telephony/drachtio/fsmrf-media-server.ts';
import { guardSrfForFsmrf } from '../../src/adapters/telephony/drachtio/fsmrf-srf-guard.ts';
import { createSrfClient, type SrfClient } from '../../src/adapters/telephony/drachtio/srf-client.ts';
import { ManualTimers } from './support/manual-timers.ts';
import { recordingLogger } from './support/recording-logger.ts';
import { waitUntil } from './support/drachtio-test-rig.ts';

let server: FsmrfMediaServer | undefined;
afterEach(async () => {
  await server?.close();
});

/** A local port with nothing listening (connection refused). */
async function closedPort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const address = probe.address();
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

it('keeps retrying an unreachable FreeSWITCH with doubling backoff, through the real drachtio-fsmrf', async () => {
  const timers = new ManualTimers(new ManualClock(0));
  const logger = recordingLogger();
  const port = await closedPort();
  server = new FsmrfMediaServer(
    { id: 'fs1', eslHost: '127.0.0.1', eslPort: port, eslSecret: 'ClueCon', maxSessions: 10, maxCps: 5, hasModAmd: true, hasModAvmd: true },
    { srf: createSrfClient(), logger, timers, reconnect: { initialDelayMs: 100, maxDelayMs: 300 } },
  );
  server.start();
  const failures = (): unknown[] => logger.entries.filter((e) => e.msg === 'media server connection failed').map((e) => e.obj.retryInMs);
  await waitUntil(() => failures().length === 1, 'the first failure');
  expect(server.connected()).toBe(false);
  expect(server.stats()).toEqual({ maxSessions: 0, currentSessions: 0 });
  await expect(server.createEndpoint()).rejects.toThrow(/not connected/);
  // Each advance moves exactly to the next scheduled retry, so one attempt happens per step.
  for (const [attempt, delayMs] of [[2, 100], [3, 200], [4, 300]] as const) {
    await timers.advance(delayMs);
    await waitUntil(() => failures().length === attempt, `failure ${attempt}`);
  }
  expect(failures()).toEqual([100, 200, 300, 300]);
  await server.close();
  expect(timers.pending).toBe(0);
});

describe('guardSrfForFsmrf', () => {
  it("observes the rejection of fsmrf's fire-and-forget dialog.destroy() (no unhandled rejection), and still rejects for a caller that awaits", async () => {
    const failing = { destroy: () => Promise.reject(Object.assign(new Error('Server error: unable to find dialog for dialog id provided'), { code: 'ENODIALOG' })) };
    const srf = { createUAC: () => Promise.resolve(failing), disconnect: () => undefined } as unknown as SrfClient;
    const guarded = guardSrfForFsmrf(srf) as unknown as { createUAC: () => Promise<{ destroy: () => Promise<unknown> }>; disconnect: () => void };
    const dialog = await guarded.createUAC();
    void dialog.destroy(); // what drachtio-fsmrf's creation timeout does
    await new Promise((resolve) => setTimeout(resolve, 20));
    await expect(dialog.destroy()).rejects.toThrow(/unable to find dialog/);
    expect(() => guarded.disconnect()).not.toThrow();
  });
});
