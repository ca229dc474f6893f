import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadScenario } from '../../src/sim/load-scenario.ts';
import type { GridScenario } from '../pacing.bench.ts';

/** The shared scenarios beside the project (`../shared/pacing`), minus those identical to a headline built-in. */
export function sharedGrid(skip: readonly string[]): GridScenario[] {
  const dir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'shared', 'pacing');
  if (!existsSync(dir)) return [];
  const same = (a: string, b: string): boolean => {
    const strip = (t: string): string => {
      const { $schema: _schema, ...rest } = JSON.parse(t) as Record<string, unknown>;
      return JSON.stringify(rest);
    };
    return strip(a) === strip(b);
  };
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .flatMap((f) => {
      const path = join(dir, f);
      const scenario = loadScenario(path);
      const builtIn = skip.find((n) => n === scenario.name);
      if (builtIn !== undefined && same(readFileSync(path, 'utf8'), readFileSync(join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'scenarios', `${builtIn}.json`), 'utf8'))) return [];
      return [{ group: 'shared scenarios (../shared/pacing, 3 seeds x the scenario\'s days)', label: `${scenario.name} (shared)`, scenario }];
    });
}

