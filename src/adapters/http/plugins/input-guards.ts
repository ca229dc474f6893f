import type { FastifyInstance } from 'fastify';
import { PacerError, type FieldIssue } from '../../../domain/pacer-error.ts';

/** Deepest nesting inspected; deeper bodies are rejected rather than walked without end. */
const MAX_DEPTH = 64;

function joinPath(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  return parent === '' ? key : `${parent}.${key}`;
}

/**
 * The fields of a parsed JSON value (or query string) whose string contains a NUL character
 * (`\u0000`), by path (`callingHours.start`, `rows[2].name`). PostgreSQL cannot store NUL in `text`
 * or `jsonb`, so such input is refused at the edge instead of failing at the database as a 500.
 *
 * @example
 * ```ts
 * fieldsWithNul({ name: 'a\u0000', tags: ['ok', '\u0000'] }); // ['name', 'tags[1]']
 * ```
 */
export function fieldsWithNul(value: unknown, path = '', depth = 0): string[] {
  if (typeof value === 'string') return value.includes('\u0000') ? [path === '' ? 'body' : path] : [];
  if (value === null || typeof value !== 'object') return [];
  if (depth > MAX_DEPTH) return [path === '' ? 'body' : path];
  const found: string[] = [];
  if (Array.isArray(value)) {
    value.forEach((item: unknown, i) => found.push(...fieldsWithNul(item, joinPath(path, i), depth + 1)));
    return found;
  }
  for (const [key, item] of Object.entries(value)) {
    const here = joinPath(path, key.split('\u0000').join('\\u0000'));
    if (key.includes('\u0000')) found.push(here);
    found.push(...fieldsWithNul(item, here, depth + 1));
  }
  return found;
}

/** A number literal (or Infinity/NaN) JavaScript reads as a non-finite number: `1e309`, `-Infinity`, `NaN`. */
const NUMBER_LIKE = /^\s*[+-]?(?:(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?|infinity|nan)\s*$/i;

/**
 * The query parameters that look like numbers but are not finite ones (`offset=1e309`). Ajv's type
 * coercion turns them into Infinity/NaN and lets them through even with `strictNumbers`, so they
 * are refused before validation.
 *
 * @example
 * ```ts
 * nonFiniteNumbers({ offset: '1e309', limit: '10' }); // ['offset']
 * ```
 */
export function nonFiniteNumbers(query: unknown): string[] {
  if (query === null || typeof query !== 'object') return [];
  const found: string[] = [];
  for (const [key, value] of Object.entries(query)) {
    const values: unknown[] = Array.isArray(value) ? value : [value];
    if (values.some((v) => typeof v === 'string' && NUMBER_LIKE.test(v) && !Number.isFinite(Number(v)))) found.push(key);
  }
  return found;
}

/**
 * Refuses, on every route, a JSON body, query string or path parameter holding a NUL character,
 * and a query parameter that is a non-finite number: 400 VALIDATION_FAILED naming each field.
 * Register on the root instance, before the routes.
 */
export function registerInputGuards(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => {
    const issues: FieldIssue[] = [];
    const reason = 'must not contain the NUL character (\\u0000)';
    for (const field of fieldsWithNul(request.params)) issues.push({ field: `params.${field}`, reason });
    for (const field of fieldsWithNul(request.query)) issues.push({ field: `querystring.${field}`, reason });
    for (const field of nonFiniteNumbers(request.query)) issues.push({ field: `querystring.${field}`, reason: 'must be a finite number' });
    // Streams (CSV uploads) are checked by their own readers.
    const body: unknown = request.body;
    if (body !== null && typeof body === 'object' && !('pipe' in body)) for (const field of fieldsWithNul(body)) issues.push({ field, reason });
    else if (typeof body === 'string') for (const field of fieldsWithNul(body)) issues.push({ field, reason });
    if (issues.length > 0) throw new PacerError('VALIDATION_FAILED', `invalid request: ${issues.map((i) => i.field).join(', ')}`, { issues });
  });
}
