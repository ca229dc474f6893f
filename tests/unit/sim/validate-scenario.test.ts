import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PacerError } from '../../../src/domain/pacer-error.ts';
import { SCENARIO_SCHEMA_PATH, scenarioJsonSchemaText } from '../../../src/sim/emit-scenario-schema.ts';
import { builtInScenarioNames, loadScenario } from '../../../src/sim/load-scenario.ts';
import { validateScenario } from '../../../src/sim/validate-scenario.ts';

function fieldsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(PacerError);
    const e = err as PacerError;
    expect(e.code).toBe('SCENARIO_INVALID');
    return e.issues.map((i) => i.field);
  }
  throw new Error('expected a SCENARIO_INVALID error');
}

function reference(): Record<string, unknown> {
  return structuredClone(loadScenario('reference')) as unknown as Record<string, unknown>;
}

describe('scenario validation', () => {
  it('accepts every built-in scenario, including the shared ones', () => {
    const names = builtInScenarioNames();
    expect(names).toEqual(expect.arrayContaining(['reference', 'reference-5', 'reference-100', 'amd-errors', 'answer-rate-drop', 'uk-24h', 'small-team-3', 'fast-voicemail', 'amd-off-floor', 'hot-morning', 'small-team-3-warm']));
    for (const name of names) expect(loadScenario(name).name).toBe(name);
  });

  it('names each bad field', () => {
    const s = reference();
    s['talkSec'] = { dist: 'lognormal', mean: -1, cv: 1 };
    s['wrapSec'] = { dist: 'gamma', mean: 3 };
    s['greetingSec'] = { dist: 'uniform', min: 3, max: 1 };
    (s['amd'] as Record<string, unknown>)['falsePositive'] = 1.5;
    (s['amd'] as Record<string, unknown>)['humanDecisionSec'] = { dist: 'constant' };
    s['extra'] = true;
    delete s['leads'];
    expect(fieldsOf(() => validateScenario(s)).sort()).toEqual(
      ['amd.falsePositive', 'amd.humanDecisionSec.value', 'extra', 'greetingSec.max', 'leads', 'talkSec.mean', 'wrapSec.dist'].sort(),
    );
  });

  it('checks that outcome probabilities sum to 1, and schedules', () => {
    const s = reference();
    s['outcomes'] = [
      { atSec: 0, human: 0.2, machine: 0.25, failed: 0.15, noAnswer: 0.4 },
      { atSec: 3600, human: 0.5, machine: 0.25, failed: 0.15, noAnswer: 0.4 },
    ];
    s['agents'] = [{ atSec: 10, count: 3 }, { atSec: 99_999, count: 2.5 }];
    expect(fieldsOf(() => validateScenario(s))).toEqual(expect.arrayContaining(['outcomes[1]', 'agents[1].count']));
    s['agents'] = [{ atSec: 10, count: 3 }, { atSec: 5, count: 2 }];
    expect(fieldsOf(() => validateScenario(s))).toEqual(expect.arrayContaining(['agents[0].atSec', 'agents[1].atSec']));
    s['agents'] = -1;
    s['outcomes'] = { human: 0.2, machine: 0.2, failed: 0.2, noAnswer: 0.2 };
    expect(fieldsOf(() => validateScenario(s)).sort()).toEqual(['agents', 'outcomes']);
  });

  it('rejects a non-object, an unknown name, a missing file and bad JSON clearly', () => {
    expect(fieldsOf(() => validateScenario([1, 2]))).toEqual(['(root)']);
    expect(fieldsOf(() => loadScenario('no-such-scenario'))).toEqual(['scenario']);
    const dir = mkdtempSync(join(tmpdir(), 'pacer-scn-'));
    expect(fieldsOf(() => loadScenario(join(dir, 'missing.json')))).toEqual(['scenario']);
    writeFileSync(join(dir, 'bad.json'), '{ "name": ');
    expect(fieldsOf(() => loadScenario(join(dir, 'bad.json')))).toEqual(['(root)']);
  });

  it('keeps schemas/scenario.schema.json generated from the TypeBox definition', () => {
    expect(readFileSync(SCENARIO_SCHEMA_PATH, 'utf8')).toBe(scenarioJsonSchemaText());
  });
});
