import { describe, expect, it, vi } from 'vitest';
import { SimTelephony } from '../../../src/adapters/telephony/sim/sim-telephony.ts';
import { CONNECT_WITHIN_MS } from '../../../src/domain/call/call-session.ts';
import { VirtualScheduler } from '../../../src/domain/time/virtual-scheduler.ts';
import { answer, coordinator, flush } from './support/coordinator-fixture.ts';

/**
 * Found on the live stack (1 abandoned call in about 4 runs of 18): an agent freed right after a
 * waiting call's deadline, before the deadline's own timer ran, was offered the call; the session
 * refused the late offer, but the offer had cancelled the deadline timer, so the call was never
 * abandoned: it waited silently until the callee hung up, recorded `abandoned` without its message.
 */
describe('CallCoordinator: an agent freed just after a waiting call missed its deadline', () => {
  it('abandons the call with its message at once instead of leaving it waiting with no timer', async () => {
    const scheduler = new VirtualScheduler(0);
    const telephony = new SimTelephony({ scheduler, seed: 1 });
    const played = vi.spyOn(telephony, 'playPrompt').mockResolvedValue(undefined);
    vi.spyOn(telephony, 'hangup').mockResolvedValue(undefined);
    const c = coordinator(telephony, scheduler);
    // Registered before the call, so at the same instant it runs before the call's deadline timer.
    scheduler.at(CONNECT_WITHIN_MS + 1, () => {
      c.setAgentState('a1', 'ready');
    });
    answer(c, 'call-1', 0);
    expect(c.callCountsByPhase()).toEqual({ waiting_agent: 1 });
    await scheduler.advanceTo(CONNECT_WITHIN_MS + 1);
    await flush();
    expect(played.mock.calls.map((x) => x[0])).toEqual(['call-1']);
    expect(c.callCountsByPhase()).toEqual({ abandoning: 1 });
    // The agent was not taken for a call it could no longer get.
    expect(c.roster.get('a1')?.state).toBe('ready');
  });
});

describe('CallCoordinator: a deadline timer that fires a millisecond early', () => {
  it('still abandons the call with its message (the tick never reads a time before the deadline passed)', async () => {
    const scheduler = new VirtualScheduler(0);
    const telephony = new SimTelephony({ scheduler, seed: 1 });
    const played = vi.spyOn(telephony, 'playPrompt').mockResolvedValue(undefined);
    vi.spyOn(telephony, 'hangup').mockResolvedValue(undefined);
    // The wall clock reads 2 ms behind the timer's time when it fires.
    const early = { nowMs: () => scheduler.nowMs() - 2, at: (atMs: number, fn: () => void) => scheduler.at(atMs, fn) } as unknown as VirtualScheduler;
    const c = coordinator(telephony, early);
    answer(c, 'call-1', 0);
    await scheduler.advanceTo(CONNECT_WITHIN_MS + 1);
    await flush();
    expect(played.mock.calls.map((x) => x[0])).toEqual(['call-1']);
  });
});
