import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ScenarioSchema } from './scenario.ts';

/** Where the generated JSON Schema lives. */
export const SCENARIO_SCHEMA_PATH = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'schemas', 'scenario.schema.json');

/**
 * The scenario JSON Schema text, generated from the TypeBox definition (the single source of truth).
 *
 * @example
 * ```ts
 * writeFileSync('schemas/scenario.schema.json', scenarioJsonSchemaText());
 * ```
 */
export function scenarioJsonSchemaText(): string {
  return `${JSON.stringify({ $schema: 'https://json-schema.org/draft/2020-12/schema', ...ScenarioSchema }, null, 2)}\n`;
}

// `npx tsx src/sim/emit-scenario-schema.ts` regenerates schemas/scenario.schema.json.
if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(SCENARIO_SCHEMA_PATH, scenarioJsonSchemaText());
  process.stdout.write(`wrote ${SCENARIO_SCHEMA_PATH}\n`);
}
