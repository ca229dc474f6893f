import { describe, expect, it } from 'vitest';
import { isPacerError } from '../../../src/domain/pacer-error.ts';
import type { AgentPacingState, PacingPolicyConfig, PacingSnapshot } from '../../../src/domain/pacing/pacing-policy.ts';
import { createVicidialPolicy } from '../../../src/domain/pacing/vicidial-policy.ts';
import type { VicidialPolicyOptions } from '../../../src/domain/pacing/vicidial-policy.ts';

// 2026-01-05 12:30:00 UTC: the HHMM the TAPERED mode reads is 1230.
const T0 = Date.UTC(2026, 0, 5, 12, 30, 0);
const DAY_MS = 86_400_000;

function config(vicidial: PacingPolicyConfig['vicidial'] = {}): PacingPolicyConfig {
  return { name: 'vicidial', maxAbandonRate: 0.03, abandonWindow: '30d', vicidial };
}

function snapshot(nowMs: number, agents: Partial<Record<AgentPacingState, number>>, calls: { dialing?: number; waiting?: number } = {}): PacingSnapshot {
  const list = Object.entries(agents).flatMap(([state, n]) => Array.from({ length: n }, () => ({ state: state as AgentPacingState, stateSinceMs: nowMs })));
  return {
    nowMs,
    agents: list,
    calls: [
      ...Array.from({ length: calls.dialing ?? 0 }, () => ({ stage: 'dialing' as const, originatedAtMs: nowMs, stageSinceMs: nowMs })),
      ...Array.from({ length: calls.waiting ?? 0 }, () => ({ stage: 'waiting_agent' as const, originatedAtMs: nowMs, stageSinceMs: nowMs })),
    ],
    budget: { maxAbandonRate: 0.03, liveAnswers: 0, abandoned: 0 },
    leadsAvailable: Number.POSITIVE_INFINITY,
    capacity: Number.POSITIVE_INFINITY,
  };
}

/** Calls decide once per second from `fromSec` to `toSec` inclusive and returns the last decision. */
function runSeconds(policy: ReturnType<typeof createVicidialPolicy>, fromSec: number, toSec: number, make: (nowMs: number) => PacingSnapshot) {
  let last = policy.decide(make(T0 + fromSec * 1000));
  for (let s = fromSec + 1; s <= toSec; s += 1) last = policy.decide(make(T0 + s * 1000));
  return last;
}

/** 60 calls placed at T0-10s..: 40 human (2 abandoned, 5 % of answers) and 20 no-answer. */
function observeBadDay(policy: ReturnType<typeof createVicidialPolicy>, startMs = T0 - 10_000): void {
  for (let i = 0; i < 60; i += 1) {
    const originatedAtMs = startMs + i * 100;
    const human = i < 40;
    policy.observe({
      type: 'call_ended',
      originatedAtMs,
      ...(human ? { answeredAtMs: originatedAtMs + 5_000 } : {}),
      endedAtMs: startMs + 9_000,
      result: human ? 'human' : 'no_answer',
      abandoned: human && i < 2,
    });
  }
}

const steady = (nowMs: number) => snapshot(nowMs, { ready: 4, on_call: 6 });

describe('vicidial policy', () => {
  it('recomputes the dial level every 15 s from the 15-sample averages', () => {
    const policy = createVicidialPolicy(config());
    // 0..14 s: level stays at the initial 1.0; goal 1.0 x 10 = 10, exist 6 connected -> 4
    const early = runSeconds(policy, 0, 14, steady);
    expect(early).toMatchObject({ dialLevel: 1, callsToPlace: 4, reason: 'vicidial_initial_level' });
    expect(policy.state().lastRecomputeMs).toBeUndefined();
    // 15 s: differential 4 / 10 agents -> 1.0 x 1.4 = 1.4; goal 14 - 6 = 8
    const first = policy.decide(steady(T0 + 15_000));
    expect(first).toMatchObject({ dialLevel: 1.4, callsToPlace: 8, reason: 'vicidial_adaptive' });
    expect(policy.state().lastRecomputeMs).toBe(T0 + 15_000);
    // unchanged until 30 s, then 1.4 x 1.4 = 1.96
    expect(runSeconds(policy, 16, 29, steady).dialLevel).toBe(1.4);
    expect(policy.decide(steady(T0 + 30_000)).dialLevel).toBe(1.96);
  });

  it('takes at most one sample per second however often it is asked', () => {
    const policy = createVicidialPolicy(config());
    for (let ms = 0; ms < 3_000; ms += 250) policy.decide(steady(T0 + ms));
    expect(policy.state().samples).toBe(3);
  });

  it('averages exactly the last 15 one-second samples', () => {
    const policy = createVicidialPolicy(config());
    // t=0: 30 ready (of 30 agents)... keep 30 agents logged in throughout
    policy.decide(snapshot(T0, { ready: 30 }));
    runSeconds(policy, 1, 14, (now) => snapshot(now, { on_call: 30 }));
    // t=15: window = t1..t15 = 14 x 0 + 15 ready -> avg 1; agents avg 30 -> 1 x (1 + 1/30)
    const decision = policy.decide(snapshot(T0 + 15_000, { ready: 15, on_call: 15 }));
    expect(decision.dialLevel).toBe(1.033);
  });

  it('counts waiting customers against ready agents', () => {
    const policy = createVicidialPolicy(config(), { initialDialLevel: 2 });
    // ready 1, waiting 3 -> differential -2 over 10 agents -> 2 x 0.8 = 1.6
    const decision = runSeconds(policy, 0, 15, (now) => snapshot(now, { ready: 1, on_call: 9 }, { waiting: 3 }));
    expect(decision.dialLevel).toBe(1.6);
  });

  it('climbs to adaptive_maximum_level and stays there; never goes below 1.0', () => {
    const up = createVicidialPolicy(config({ maxLevel: 3 }));
    expect(runSeconds(up, 0, 120, (now) => snapshot(now, { ready: 8, on_call: 2 })).dialLevel).toBe(3);
    expect(up.state().lastResult?.adjustments).toContain('over_cap');
    const down = createVicidialPolicy(config(), { initialDialLevel: 2 });
    const floor = runSeconds(down, 0, 120, (now) => snapshot(now, { on_call: 10 }, { waiting: 5 }));
    expect(floor).toMatchObject({ dialLevel: 1, reason: 'vicidial_min_level' });
  });

  it('available-only tally dials for ready agents only', () => {
    const policy = createVicidialPolicy(config({ availableOnlyTally: true }));
    // level 1.0: goal 1 x 4 + 6 connected = 10, exist 2 dialing + 6 connected = 8 -> 2
    expect(policy.decide(snapshot(T0, { ready: 4, on_call: 6 }, { dialing: 2 })).callsToPlace).toBe(2);
    const tallyAll = createVicidialPolicy(config({ availableOnlyTally: false }));
    // goal 1 x 10 = 10, exist 8 -> 2 as well at level 1; differs at level 2:
    expect(tallyAll.decide(snapshot(T0, { ready: 4, on_call: 6 }, { dialing: 2 })).callsToPlace).toBe(2);
    const both = [true, false].map((availableOnlyTally) =>
      createVicidialPolicy(config({ availableOnlyTally }), { initialDialLevel: 2 }).decide(snapshot(T0, { ready: 4, on_call: 6 }, { dialing: 2 })).callsToPlace,
    );
    // available only: 2 x 4 + 6 - 8 = 6; all non-paused: 2 x 10 - 8 = 12
    expect(both).toEqual([6, 12]);
  });

  it('counts wrap-up and reserved agents as INCALL but adds a connected call only for on_call agents', () => {
    const snap = snapshot(T0, { ready: 2, on_call: 3, wrap_up: 2, reserved: 1 }, { dialing: 2, waiting: 1 });
    // all non-paused: 2 x (2 + 3 + 2 + 1) = 16; exist 3 calls + 3 connected = 6 -> 10
    expect(createVicidialPolicy(config(), { initialDialLevel: 2 }).decide(snap).callsToPlace).toBe(10);
    // available only: 2 x 2 + 3 connected = 7; exist 6 -> 1
    expect(createVicidialPolicy(config({ availableOnlyTally: true }), { initialDialLevel: 2 }).decide(snap).callsToPlace).toBe(1);
  });

  it('HARD_LIMIT drops to 1.0 once today\'s drops over answers exceed the cap', () => {
    const policy = createVicidialPolicy(config({ dropMode: 'HARD_LIMIT' }), { initialDialLevel: 2 });
    observeBadDay(policy);
    const decision = runSeconds(policy, 0, 15, steady);
    expect(policy.state().dropStats).toEqual({ callsToday: 60, dropsAnswersTodayPct: 5, callsOne: 60, dropsOnePct: 3.33 });
    // 2 x 1.4 = 2.8, then the hard limit
    expect(decision).toMatchObject({ dialLevel: 1, reason: 'vicidial_drop_limit_hard_limit' });
  });

  it('AVERAGE halves and TAPERED scales by the time left before the latest server time', () => {
    const average = createVicidialPolicy(config({ dropMode: 'AVERAGE' }), { initialDialLevel: 2 });
    observeBadDay(average);
    // 2 x 1.4 = 2.8 / 2 = 1.4
    expect(runSeconds(average, 0, 15, steady)).toMatchObject({ dialLevel: 1.4, reason: 'vicidial_drop_limit_average' });

    const options: VicidialPolicyOptions = { initialDialLevel: 2, latestServerTimeHhmm: 2100 };
    const tapered = createVicidialPolicy(config({ dropMode: 'TAPERED' }), options);
    observeBadDay(tapered);
    // 12:30:15 -> 1230; (2100 - 1230) / 1000 = 0.87; 2.8 x 0.87 = 2.436
    expect(runSeconds(tapered, 0, 15, steady)).toMatchObject({ dialLevel: 2.436, reason: 'vicidial_drop_limit_tapered' });

    const late = createVicidialPolicy(config({ dropMode: 'TAPERED' }), { ...options, latestServerTimeHhmm: 1200 });
    observeBadDay(late);
    expect(runSeconds(late, 0, 15, steady).dialLevel).toBe(1);

    // the server clock offset moves the HHMM: UTC+2 -> 1430; (2100 - 1430) / 1000 = 0.67 -> 2.8 x 0.67 = 1.876
    const shifted = createVicidialPolicy(config({ dropMode: 'TAPERED' }), { ...options, serverUtcOffsetMin: 120 });
    observeBadDay(shifted);
    expect(runSeconds(shifted, 0, 15, steady).dialLevel).toBe(1.876);
  });

  it('ignores the drop limit under 51 calls today', () => {
    const policy = createVicidialPolicy(config({ dropMode: 'HARD_LIMIT' }), { initialDialLevel: 2 });
    for (let i = 0; i < 50; i += 1) {
      policy.observe({ type: 'call_ended', originatedAtMs: T0 - 10_000 + i, endedAtMs: T0 - 1_000, result: 'human', abandoned: i < 10 });
    }
    expect(runSeconds(policy, 0, 15, steady).dialLevel).toBe(2.8);
  });

  it('refreshes the drop figures every 60 s, not at every recompute', () => {
    const policy = createVicidialPolicy(config({ dropMode: 'HARD_LIMIT' }), { initialDialLevel: 2 });
    runSeconds(policy, 0, 1, steady);
    observeBadDay(policy, T0 + 1_500);
    // drops refreshed at t=0 (nothing yet): at 15 s and 30 s the level rises, at 60 s the limit bites
    expect(runSeconds(policy, 2, 30, steady).dialLevel).toBe(3);
    expect(policy.state().dropStats.callsToday).toBe(0);
    expect(runSeconds(policy, 31, 60, steady)).toMatchObject({ dialLevel: 1, reason: 'vicidial_drop_limit_hard_limit' });
    expect(policy.state().dropStats.callsToday).toBe(60);
  });

  it('starts a new day 24 h after its first call and forgets yesterday\'s drops', () => {
    const policy = createVicidialPolicy(config({ dropMode: 'HARD_LIMIT' }), { initialDialLevel: 2 });
    observeBadDay(policy);
    expect(policy.state().today).toEqual({ calls: 60, answers: 40, drops: 2 });
    const dayZero = policy.state().dayStartMs ?? Number.NaN;
    // a late observation of a call placed yesterday after the boundary does not count today
    policy.observe({ type: 'call_ended', originatedAtMs: dayZero + DAY_MS - 5, endedAtMs: dayZero + DAY_MS + 10, result: 'human', abandoned: true });
    expect(policy.state()).toMatchObject({ dayStartMs: dayZero + DAY_MS, today: { calls: 0, answers: 0, drops: 0 } });
    policy.observe({ type: 'call_ended', originatedAtMs: dayZero + DAY_MS + 1, endedAtMs: dayZero + DAY_MS + 20, result: 'machine', abandoned: false });
    expect(policy.state().today).toEqual({ calls: 1, answers: 0, drops: 0 });
    // a decide three days later lands on the right day boundary
    policy.decide(steady(dayZero + 3 * DAY_MS + 7));
    expect(policy.state().dayStartMs).toBe(dayZero + 3 * DAY_MS);
  });

  it('never places more calls than capacity or leads allow', () => {
    const policy = createVicidialPolicy(config(), { initialDialLevel: 3 });
    const snap = { ...steady(T0), capacity: 5 };
    expect(policy.decide(snap)).toMatchObject({ callsToPlace: 5, reason: 'vicidial_initial_level_capacity_limited' });
    expect(policy.decide({ ...steady(T0 + 1000), leadsAvailable: 2 }).callsToPlace).toBe(2);
    expect(policy.decide({ ...steady(T0 + 2000), leadsAvailable: 0 }).callsToPlace).toBe(0);
  });

  it('rejects bad settings with CONFIG_INVALID naming each field', () => {
    let caught: unknown;
    try {
      createVicidialPolicy({ ...config({ maxLevel: 0.5 }), maxAbandonRate: 3 }, { intensity: 99, latestServerTimeHhmm: 2175 });
    } catch (err) {
      caught = err;
    }
    expect(isPacerError(caught, 'CONFIG_INVALID')).toBe(true);
    if (!isPacerError(caught)) return;
    expect(caught.issues.map((i) => i.field)).toEqual(['vicidial.maxLevel', 'maxAbandonRate', 'intensity', 'latestServerTimeHhmm', 'initialDialLevel']);
  });

  it('also reads its extra options from config.vicidial, type-checked', () => {
    const fromConfig = { dropMode: 'HARD_LIMIT', initialDialLevel: 2, dlDiffTarget: 'x', dialLevelThreshold: null } as unknown as PacingPolicyConfig['vicidial'];
    let caught: unknown;
    try {
      createVicidialPolicy(config(fromConfig));
    } catch (err) {
      caught = err;
    }
    expect(isPacerError(caught, 'CONFIG_INVALID') ? caught.issues.map((i) => i.field) : caught).toEqual(['dlDiffTarget']);
    const ok = { initialDialLevel: 2 } as unknown as PacingPolicyConfig['vicidial'];
    // level 2 x 10 non-paused agents - 6 connected = 14
    expect(createVicidialPolicy(config(ok)).decide(steady(T0)).callsToPlace).toBe(14);
  });
});
