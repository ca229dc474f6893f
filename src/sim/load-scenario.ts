import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PacerError } from '../domain/pacer-error.ts';
import type { Scenario } from './scenario.ts';
import { validateScenario } from './validate-scenario.ts';

/** Directory of the built-in scenarios (`scenarios/` at the project root). */
export const BUILT_IN_SCENARIO_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'scenarios');

/** Names of the built-in scenarios (file names without `.json`). */
export function builtInScenarioNames(): string[] {
  if (!existsSync(BUILT_IN_SCENARIO_DIR)) return [];
  return readdirJson(BUILT_IN_SCENARIO_DIR);
}

function readdirJson(dir: string): string[] {
  return readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => basename(f, '.json')).sort();
}


/**
 * Loads a scenario from a JSON file path or a built-in name (`reference`, `reference-5`, ...) and
 * validates it. Throws `PacerError('SCENARIO_INVALID')` with issues naming the bad fields, or when
 * the file is missing or not JSON.
 *
 * @example
 * ```ts
 * const scenario = loadScenario('reference-100');
 * const custom = loadScenario('./my-team.json');
 * ```
 */
export function loadScenario(nameOrPath: string): Scenario {
  const looksLikePath = nameOrPath.endsWith('.json') || nameOrPath.includes('/') || nameOrPath.includes('\\');
  let path: string;
  if (looksLikePath) {
    path = resolve(nameOrPath);
  } else {
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(nameOrPath)) {
      throw new PacerError('SCENARIO_INVALID', `unknown scenario '${nameOrPath}'`, { issues: [{ field: 'scenario', reason: 'not a built-in name or a .json path' }] });
    }
    path = join(BUILT_IN_SCENARIO_DIR, `${nameOrPath}.json`);
    if (!existsSync(path)) {
      throw new PacerError('SCENARIO_INVALID', `unknown scenario '${nameOrPath}'; built-in scenarios: ${builtInScenarioNames().join(', ')}`, {
        issues: [{ field: 'scenario', reason: 'unknown built-in scenario' }],
      });
    }
  }
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new PacerError('SCENARIO_INVALID', `cannot read scenario file ${path}`, { cause, issues: [{ field: 'scenario', reason: 'file cannot be read' }] });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (cause) {
    throw new PacerError('SCENARIO_INVALID', `${path}: not valid JSON`, { cause, issues: [{ field: '(root)', reason: 'not valid JSON' }] });
  }
  return validateScenario(parsed, path);
}
