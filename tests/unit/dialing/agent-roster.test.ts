import { describe, expect, it } from 'vitest';
import { AgentRoster } from '../../../src/domain/agent/agent-roster.ts';

describe('AgentRoster', () => {
  it('reserves the longest-idle ready agent', () => {
    const r = new AgentRoster();
    for (const id of ['a', 'b', 'c']) r.add(id, 0);
    r.transition('b', 'ready', 'agent', 10);
    r.transition('a', 'ready', 'agent', 20);
    r.transition('c', 'paused', 'agent', 5, 'lunch');
    expect(r.reserveLongestIdle('call-1', 30)).toBe('b');
    expect(r.reserveLongestIdle('call-2', 31)).toBe('a');
    expect(r.reserveLongestIdle('call-3', 32)).toBeUndefined();
    expect(r.get('b')).toMatchObject({ state: 'reserved', callId: 'call-1', stateSinceMs: 30 });
  });

  it('lets only the dialer move an agent onto and off a call', () => {
    const r = new AgentRoster();
    r.add('a', 0);
    expect(r.transition('a', 'ready', 'agent', 1).ok).toBe(true);
    expect(r.transition('a', 'reserved', 'agent', 2)).toEqual({ ok: false, reason: 'illegal_transition', from: 'ready' });
    r.reserveLongestIdle('c1', 3);
    expect(r.transition('a', 'ready', 'agent', 4).ok).toBe(false);
    expect(r.transition('a', 'on_call', 'system', 5).ok).toBe(true);
    expect(r.transition('a', 'paused', 'agent', 6).ok).toBe(false);
    expect(r.transition('a', 'wrap_up', 'system', 7).ok).toBe(true);
    expect(r.transition('a', 'ready', 'agent', 8)).toMatchObject({ ok: true, agent: { state: 'ready', callId: undefined } });
    expect(r.transition('zz', 'ready', 'agent', 9)).toEqual({ ok: false, reason: 'unknown_agent' });
  });

  it('keeps pause reasons and leaves logged-out agents out of the pacing snapshot', () => {
    const r = new AgentRoster();
    r.add('a', 0);
    r.add('b', 0);
    r.transition('a', 'paused', 'agent', 1, 'training');
    expect(r.get('a')?.reason).toBe('training');
    expect(r.pacingSnapshot()).toEqual([{ state: 'paused', stateSinceMs: 1 }]);
    expect(r.countByState()).toMatchObject({ paused: 1, logged_out: 1 });
  });
});
