import { Type, type Static } from 'typebox';

/** One bad field (or CSV row) in an error answer. */
export const FieldIssueSchema = Type.Object(
  {
    field: Type.String({ description: 'Field path (e.g. `callingHours.start`) or CSV column' }),
    reason: Type.String(),
    row: Type.Optional(Type.Integer({ minimum: 1, description: '1-based CSV data row' })),
  },
);

/**
 * The one error body every route answers errors with:
 * `{ error: { code, message, issues?: [{ field, reason, row? }] } }`. `code` is a stable
 * PacerError code (VALIDATION_FAILED, UNAUTHORIZED, FORBIDDEN, NOT_FOUND, CONFLICT, INTERNAL...).
 *
 * @example
 * ```ts
 * app.get('/v1/things/:id', { schema: { response: { 200: Thing, ...errorResponses(401, 403, 404) } } }, handler);
 * ```
 */
export const ErrorBody = Type.Object(
  {
    error: Type.Object({
      code: Type.String({ description: 'Stable machine-readable code' }),
      message: Type.String(),
      issues: Type.Optional(Type.Array(FieldIssueSchema)),
    }),
  },
  { description: 'Error' },
);

export type ErrorBodyType = Static<typeof ErrorBody>;

/** `{ [status]: ErrorBody }` for the listed statuses (500 is always added), to spread into `response`. */
export function errorResponses(...statuses: number[]): Record<number, typeof ErrorBody> {
  const out: Record<number, typeof ErrorBody> = {};
  for (const s of [...statuses, 500]) out[s] = ErrorBody;
  return out;
}
