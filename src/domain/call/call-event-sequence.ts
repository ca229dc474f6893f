import type { CallEvent } from '../ports/telephony-port.ts';

/** A broken port invariant found in one call's event sequence. */
export interface SequenceViolation {
  index: number;
  event: CallEvent['type'];
  rule: 'after_terminal' | 'failed_after_answer' | 'needs_answer' | 'no_terminal' | 'duplicate_answer' | 'time_went_back';
}

/**
 * Checks one call's events against the telephony port's invariants. Used by the contract suite and
 * by the runtime's call session, which refuses (and logs) an impossible event instead of acting on it.
 *
 * @example
 * ```ts
 * checkCallEventSequence(events, { complete: true }); // [] when the sequence is valid
 * ```
 */
export function checkCallEventSequence(events: readonly CallEvent[], options: { complete: boolean }): SequenceViolation[] {
  const violations: SequenceViolation[] = [];
  let answered = false;
  let terminal = false;
  let lastAtMs = -Infinity;
  events.forEach((event, index) => {
    const flag = (rule: SequenceViolation['rule']): void => {
      violations.push({ index, event: event.type, rule });
    };
    if (event.atMs < lastAtMs) flag('time_went_back');
    lastAtMs = Math.max(lastAtMs, event.atMs);
    if (terminal) {
      flag('after_terminal');
      return;
    }
    switch (event.type) {
      case 'answered':
        if (answered) flag('duplicate_answer');
        answered = true;
        break;
      case 'failed':
        if (answered) flag('failed_after_answer');
        terminal = true;
        break;
      case 'hangup':
        terminal = true;
        break;
      case 'amd':
      case 'beep':
      case 'bridged':
        if (!answered) flag('needs_answer');
        break;
      case 'trying':
      case 'ringing':
        if (answered) flag('needs_answer');
        break;
    }
  });
  if (options.complete && !terminal) violations.push({ index: events.length, event: 'hangup', rule: 'no_terminal' });
  return violations;
}
