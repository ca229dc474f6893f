import { describe, expect, it } from 'vitest';
import { checkCallEventSequence } from '../../../src/domain/call/call-event-sequence.ts';
import type { CallEvent } from '../../../src/domain/ports/telephony-port.ts';

const id = 'c1';
describe('checkCallEventSequence', () => {
  it('accepts a normal answered call and a failed one', () => {
    const ok: CallEvent[] = [
      { type: 'trying', callId: id, atMs: 0 },
      { type: 'ringing', callId: id, atMs: 100, earlyMedia: false },
      { type: 'answered', callId: id, atMs: 5000 },
      { type: 'amd', callId: id, atMs: 7000, result: 'human', decisionMs: 2000 },
      { type: 'bridged', callId: id, atMs: 7050, agentId: 'a1' },
      { type: 'hangup', callId: id, atMs: 90000, by: 'remote' },
    ];
    expect(checkCallEventSequence(ok, { complete: true })).toEqual([]);
    expect(checkCallEventSequence([{ type: 'failed', callId: id, atMs: 3, reason: 'busy', sipCause: 486 }], { complete: true })).toEqual([]);
  });

  it('flags failed after answered, amd before answer, events after the terminal one, and a missing terminal', () => {
    const bad: CallEvent[] = [
      { type: 'amd', callId: id, atMs: 1, result: 'machine', decisionMs: 1 },
      { type: 'answered', callId: id, atMs: 2 },
      { type: 'failed', callId: id, atMs: 3, reason: 'cancelled' },
      { type: 'hangup', callId: id, atMs: 4, by: 'local' },
    ];
    expect(checkCallEventSequence(bad, { complete: true }).map((v) => v.rule)).toEqual(['needs_answer', 'failed_after_answer', 'after_terminal']);
    expect(checkCallEventSequence([{ type: 'trying', callId: id, atMs: 0 }], { complete: true }).map((v) => v.rule)).toEqual(['no_terminal']);
  });
});
