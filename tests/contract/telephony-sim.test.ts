import { describeTelephonyContract, type CalleeBehaviour, type TelephonyContractHarness } from './telephony-port.contract.ts';
import { SimTelephony } from '../../src/adapters/telephony/sim/sim-telephony.ts';
import type { CalleeScript } from '../../src/adapters/telephony/sim/callee-model.ts';
import { VirtualScheduler } from '../../src/domain/time/virtual-scheduler.ts';
import type { TelephonyPort } from '../../src/domain/ports/telephony-port.ts';

const FOREVER_MS = 1e9;

/** The contract's callee behaviours as simulated callees. */
function script(b: CalleeBehaviour): CalleeScript {
  switch (b.kind) {
    case 'answer': {
      const hangupMs = b.hangupAfterMs ?? FOREVER_MS;
      return {
        kind: b.amd?.result === 'machine' ? 'machine' : 'human',
        ringMs: 0,
        answerAfterMs: b.afterMs,
        amdResult: b.amd?.result ?? 'human',
        amdDecisionMs: b.amd?.afterMs ?? 0,
        ...(b.amd === undefined ? {} : { amdCause: b.amd.cause }),
        talkMs: hangupMs,
        beepAfterMs: FOREVER_MS,
        patienceMs: hangupMs,
      };
    }
    case 'busy':
      return { kind: 'failed', ringMs: 0, failAfterMs: 0, reason: 'busy', sipCause: 486 };
    case 'invalid':
      return { kind: 'failed', ringMs: 0, failAfterMs: 0, reason: 'invalid', sipCause: 404 };
    case 'unavailable':
      return { kind: 'failed', ringMs: 0, failAfterMs: 0, reason: 'unavailable', sipCause: 480 };
    case 'congestion':
      return { kind: 'failed', ringMs: 0, failAfterMs: 0, reason: 'congestion', sipCause: 503 };
    case 'no-answer':
      return { kind: 'no_answer', ringMs: 0 };
    case 'answer-racing-cancel':
      return { kind: 'no_answer', ringMs: 0, answersOnCancel: true };
  }
}

/** The simulated adapter on a virtual scheduler; what is due now runs right after each call into it. */
const harness: TelephonyContractHarness = {
  async create() {
    const scheduler = new VirtualScheduler(Date.UTC(2026, 0, 5, 15));
    const scripts = new Map<string, CalleeScript>();
    const sim = new SimTelephony({ scheduler, seed: 1, bridgeDelayMs: 0, script: (r) => scripts.get(r.to) });
    const settle = <T>(p: Promise<T>): Promise<T> => p.then(async (v) => {
      await scheduler.advanceBy(0);
      return v;
    });
    const telephony: TelephonyPort = {
      originate: (r, onEvent) => settle(sim.originate(r, onEvent)),
      cancel: (id) => settle(sim.cancel(id)),
      bridge: (id, agentId) => settle(sim.bridge(id, agentId)),
      playPrompt: (id, prompt) => {
        const done = sim.playPrompt(id, prompt);
        void scheduler.advanceBy(60_000);
        return done;
      },
      hangup: (id) => settle(sim.hangup(id)),
      startRecording: (id, options) => settle(sim.startRecording(id, options)),
      agentLogin: (a, onLost) => sim.agentLogin(a, onLost),
      agentLogout: (id) => sim.agentLogout(id),
      capacity: () => sim.capacity(),
      ready: () => sim.ready(),
      close: () => sim.close(),
    };
    return {
      telephony,
      scriptCallee: (to, behaviour) => scripts.set(to, script(behaviour)),
      advance: (ms) => scheduler.advanceBy(ms),
      agent: (agentId) => ({ agentId }),
      async dropAgentLeg(agentId) {
        if (!sim.dropAgentLeg(agentId)) throw new Error(`${agentId} is not logged in`);
        await scheduler.advanceBy(0);
      },
      close: () => sim.close(),
    };
  },
};

describeTelephonyContract('simulated', harness);
