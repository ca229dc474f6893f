import { describeTelephonyContract, type CalleeBehaviour, type TelephonyContractHarness } from './telephony-port.contract.ts';
import type { SipCalleeScript } from '../telephony/support/drachtio-server-double.ts';
import { startDrachtioRig } from '../telephony/support/drachtio-test-rig.ts';

/** The drachtio adapter, real drachtio-srf against the scripted drachtio-server and media server. */
const harness: TelephonyContractHarness = {
  async create() {
    const rig = await startDrachtioRig();
    const media = rig.media[0];
    if (!media) throw new Error('rig has no media server');
    const sip = (b: CalleeBehaviour): SipCalleeScript => {
      switch (b.kind) {
        case 'answer':
          return { kind: 'answer', afterMs: b.afterMs, ...(b.hangupAfterMs === undefined ? {} : { hangupAfterMs: b.hangupAfterMs }) };
        case 'busy':
          return { kind: 'reject', status: 486, reason: 'Busy Here' };
        case 'invalid':
          return { kind: 'reject', status: 404, reason: 'Not Found' };
        case 'unavailable':
          return { kind: 'reject', status: 480, reason: 'Temporarily Unavailable' };
        case 'congestion':
          return { kind: 'reject', status: 503, reason: 'Service Unavailable' };
        case 'no-answer':
          return { kind: 'no-answer' };
        case 'answer-racing-cancel':
          return { kind: 'answer-on-cancel' };
      }
    };
    return {
      telephony: rig.telephony,
      scriptCallee(to, behaviour) {
        rig.double.script(to, sip(behaviour));
        if (behaviour.kind === 'answer' && behaviour.amd) media.scriptCallee(to, { amd: behaviour.amd });
      },
      advance: (ms) => rig.timers.advance(ms),
      agent(agentId) {
        rig.double.script(agentId, { kind: 'answer', afterMs: 0 });
        return { agentId, contact: `sip:${agentId}@192.0.2.40:5062` };
      },
      async dropAgentLeg(agentId) {
        rig.double.sendBye(agentId);
      },
      close: () => rig.close(),
    };
  },
};

describeTelephonyContract('drachtio', harness);
