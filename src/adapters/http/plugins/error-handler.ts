import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isPacerError, type FieldIssue, type PacerErrorCode } from '../../../domain/pacer-error.ts';
import type { ErrorBodyType } from '../schemas/error-body.ts';

const statusByCode: Partial<Record<PacerErrorCode, number>> = {
  VALIDATION_FAILED: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  RECORDING_NOT_FOUND: 404,
  RECORDING_EXPIRED: 404,
  CONFLICT: 409,
  RATE_LIMITED: 429,
};

/** What Fastify hands the error handler for schema-validation failures (Ajv errors). */
interface ValidationItem {
  instancePath?: string;
  keyword?: string;
  message?: string;
  params?: Record<string, unknown>;
}

function isFastifyError(err: unknown): err is FastifyError {
  return err instanceof Error && typeof (err as { code?: unknown }).code === 'string';
}

/** `/callingHours/start` + context -> `callingHours.start`; the root of the body -> `body`. */
function fieldOf(item: ValidationItem, context: string | undefined): string {
  const path = (item.instancePath ?? '').split('/').filter((p) => p !== '').map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  const missing = item.params?.missingProperty;
  const extra = item.params?.additionalProperty;
  if (typeof missing === 'string') path.push(missing);
  else if (typeof extra === 'string') path.push(extra);
  const joined = path.map((p, i) => (/^\d+$/.test(p) ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
  if (joined !== '') return context === 'body' || context === undefined ? joined : `${context}.${joined}`;
  return context ?? 'body';
}

function reasonOf(item: ValidationItem): string {
  if (item.keyword === 'additionalProperties') return 'is not a known field';
  if (item.keyword === 'required') return 'is required';
  const allowed = item.params?.allowedValues;
  if (item.keyword === 'enum' && Array.isArray(allowed)) return `must be one of ${allowed.map(String).join(', ')}`;
  return item.message ?? 'is invalid';
}

function body(code: string, message: string, issues?: readonly FieldIssue[]): ErrorBodyType {
  return { error: { code, message, ...(issues !== undefined && issues.length > 0 ? { issues: issues.map((i) => ({ ...i })) } : {}) } };
}

/** `message: cause` unless the message already names the cause. */
function withCause(message: string, cause: unknown): string {
  const text = cause instanceof Error ? cause.message : typeof cause === 'string' ? cause : '';
  return text === '' || message.includes(text) ? message : `${message}: ${text}`;
}

/** Ajv reports a failed `anyOf` with one error per branch plus the anyOf itself: keep the useful ones. */
function validationIssues(items: readonly ValidationItem[], context: string | undefined): FieldIssue[] {
  const seen = new Set<string>();
  const issues: FieldIssue[] = [];
  for (const item of items) {
    if (item.keyword === 'anyOf' || item.keyword === 'oneOf') continue;
    const issue = { field: fieldOf(item, context), reason: reasonOf(item) };
    const key = `${issue.field}\u0000${issue.reason}`;
    if (!seen.has(key)) {
      seen.add(key);
      issues.push(issue);
    }
  }
  return issues;
}

/**
 * The one error handler: a PacerError answers with the status of its code; Fastify validation
 * errors become 400 VALIDATION_FAILED naming each field; malformed JSON is a 400 naming the body;
 * anything else is a logged 500 whose body never shows internals.
 *
 * @example
 * ```ts
 * registerErrorHandler(app); // once, on the root instance
 * ```
 */
export function registerErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: unknown, request: FastifyRequest, reply: FastifyReply) => {
    if (isPacerError(err)) {
      if (err.code === 'TELEPHONY_UNAVAILABLE') {
        // Telephony (drachtio, FreeSWITCH, a SIP contact) refused or is down: 503 naming the cause.
        request.log.warn({ err, cause: err.cause }, 'telephony unavailable');
        return reply.status(503).send(body(err.code, withCause(err.message, err.cause)));
      }
      const status = statusByCode[err.code] ?? 500;
      if (status >= 500) {
        request.log.error({ err, cause: err.cause }, 'request failed');
        return reply.status(500).send(body('INTERNAL', 'internal error'));
      }
      return reply.status(status).send(body(err.code, err.message, err.issues));
    }
    if (isFastifyError(err)) {
      if (Array.isArray(err.validation)) {
        const issues = validationIssues(err.validation as ValidationItem[], err.validationContext);
        return reply.status(400).send(body('VALIDATION_FAILED', `invalid request: ${issues.map((i) => i.field).join(', ')}`, issues));
      }
      switch (err.code) {
        case 'FST_ERR_CTP_INVALID_JSON_BODY':
          return reply.status(400).send(body('VALIDATION_FAILED', 'the request body is not valid JSON', [{ field: 'body', reason: 'not valid JSON' }]));
        case 'FST_ERR_CTP_EMPTY_JSON_BODY':
          return reply.status(400).send(body('VALIDATION_FAILED', 'the request body is empty', [{ field: 'body', reason: 'empty JSON body' }]));
        case 'FST_ERR_CTP_BODY_TOO_LARGE':
          return reply.status(413).send(body('PAYLOAD_TOO_LARGE', 'the request body is too large', [{ field: 'body', reason: 'too large' }]));
        case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
          return reply.status(415).send(body('UNSUPPORTED_MEDIA_TYPE', `unsupported content type '${request.headers['content-type'] ?? ''}'`, [{ field: 'content-type', reason: 'unsupported' }]));
        default:
          break;
      }
      const status = err.statusCode ?? 500;
      if (status >= 400 && status < 500) {
        return reply.status(status).send(body(status === 400 ? 'VALIDATION_FAILED' : err.code, err.message));
      }
    }
    request.log.error({ err }, 'unexpected error');
    return reply.status(500).send(body('INTERNAL', 'internal error'));
  });

  app.setNotFoundHandler((request, reply) => {
    return reply.status(404).send(body('NOT_FOUND', `no route ${request.method} ${request.url.split('?')[0] ?? ''}`));
  });
}
