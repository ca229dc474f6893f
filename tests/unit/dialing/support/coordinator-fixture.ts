import { CallSession } from '../../../../src/domain/call/call-session.ts';
import { AbandonLedger } from '../../../../src/domain/compliance/abandon-ledger.ts';
import { createPacingPolicy } from '../../../../src/domain/pacing/create-pacing-policy.ts';
import { silentLogger } from '../../../../src/domain/ports/logger.ts';
import type { CallEvent, TelephonyPort } from '../../../../src/domain/ports/telephony-port.ts';
import type { VirtualScheduler } from '../../../../src/domain/time/virtual-scheduler.ts';
import { CallCoordinator } from '../../../../src/runtime/call-coordinator.ts';

/** A coordinator for one progressive campaign on virtual time, 30 s wrap-up limit, no prompts. */
export function coordinator(telephony: TelephonyPort, scheduler: VirtualScheduler): CallCoordinator {
  return new CallCoordinator({
    scheduler,
    telephony,
    policy: createPacingPolicy({ name: 'progressive', maxAbandonRate: 0.03, abandonWindow: '30d' }),
    ledger: new AbandonLedger({ window: '30d', maxAbandonRate: 0.03 }),
    logger: silentLogger,
    listener: { onCallEnded: () => Promise.resolve() },
    abandonMessage: null,
    voicemailMessage: null,
    wrapUpLimitMs: 30_000,
  });
}

/** A call answered by a live person (AMD off): it asks for an agent at once. */
export function answer(c: CallCoordinator, callId: string, atMs: number): (event: CallEvent) => void {
  const session = new CallSession({ callId, amdEnabled: false, machineAction: 'hangup', beepTimeoutMs: 30_000 }, atMs);
  const onEvent = c.track(callId, '+16465550100', session, silentLogger);
  onEvent({ type: 'trying', callId, atMs });
  onEvent({ type: 'answered', callId, atMs });
  return onEvent;
}

export const flush = async (): Promise<void> => {
  for (let i = 0; i < 5; i += 1) await new Promise((resolve) => setImmediate(resolve));
};
