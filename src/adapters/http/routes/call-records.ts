import { Readable } from 'node:stream';
import { CALL_OUTCOMES } from '../../../domain/call/call-outcome.ts';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { stringify } from 'csv-stringify/sync';
import { PacerError } from '../../../domain/pacer-error.ts';
import type { CallRecordExportRepository, CallRecordFilter } from '../../db/repositories/call-record-export-repository.ts';
import { errorResponses } from '../schemas/error-body.ts';
import { neutraliseCsvFormula } from '../../export/csv-formula.ts';

export interface CallRecordsRoutesOptions {
  exports: CallRecordExportRepository;
  /** Longest from/to range a synchronous export accepts, days. Default 366. */
  maxRangeDays?: number;
  /** Rows read per database round trip. Default 2000. */
  batchSize?: number;
}

/** CSV columns and NDJSON keys of a call record, in order. */
export const CALL_RECORD_FIELDS = [
  'attemptId', 'campaignId', 'campaignName', 'leadId', 'leadName', 'listId', 'listName', 'phone', 'callerId', 'timezone', 'localTimeAtDial',
  'dncListsChecked', 'originatedAt', 'ringingAt', 'answeredAt', 'greetingEndedAt', 'agentConnectedAt', 'endedAt', 'outcome', 'sipCause',
  'amdResult', 'amdDecisionMs', 'abandoned', 'messagePlayed', 'agentId', 'disposition', 'dispositionNote', 'callbackAt', 'nodeId',
  'recordingPath', 'recordingExpiredAt',
] as const;

/** CSV columns and NDJSON keys of a dial decision, in order. */
export const DIAL_DECISION_FIELDS = ['campaignId', 'seq', 'decidedAt', 'leadId', 'phone', 'attemptId', 'decision', 'reason', 'inputs', 'prevHash', 'hash'] as const;

const DAY_MS = 86_400_000;

const StreamBody = {
  description: 'A CSV (header row first) or NDJSON (one JSON object per line) stream, per the Accept header',
  content: { 'text/csv': { schema: Type.String() }, 'application/x-ndjson': { schema: Type.String() } },
};

const CommonQuery = {
  campaignId: Type.Optional(Type.String({ format: 'uuid' })),
  from: Type.Optional(Type.String({ description: 'ISO-8601 date or date-time (UTC if no offset), inclusive' })),
  to: Type.Optional(Type.String({ description: 'ISO-8601 date or date-time, exclusive' })),
  phone: Type.Optional(Type.String({ pattern: '^\\+[1-9][0-9]{6,14}$', description: 'E.164' })),
  format: Type.Optional(Type.Union([Type.Literal('csv'), Type.Literal('ndjson')], { description: 'Overrides the Accept header' })),
};

type Format = 'csv' | 'ndjson';

/** The export format: `format` query parameter, else the Accept header (CSV when it allows anything). */
export function negotiateFormat(accept: string | undefined, format: Format | undefined): Format {
  if (format !== undefined) return format;
  const a = (accept ?? '*/*').toLowerCase();
  if (a.includes('application/x-ndjson')) return 'ndjson';
  if (a.includes('text/csv') || a.includes('*/*') || a.includes('text/*')) return 'csv';
  throw new PacerError('VALIDATION_FAILED', `Accept: must allow text/csv or application/x-ndjson, got '${accept ?? ''}'`, { issues: [{ field: 'Accept', reason: 'must allow text/csv or application/x-ndjson' }] });
}

/** Parses the optional from/to range, naming the bad field. */
export function parseRange(from: string | undefined, to: string | undefined, maxRangeDays: number): { fromMs?: number; toMs?: number } {
  const bad = (field: string, reason: string): PacerError => new PacerError('VALIDATION_FAILED', `${field}: ${reason}`, { issues: [{ field, reason }] });
  const fromMs = from === undefined ? undefined : Date.parse(from);
  const toMs = to === undefined ? undefined : Date.parse(to);
  if (fromMs !== undefined && Number.isNaN(fromMs)) throw bad('from', `not an ISO-8601 date or date-time: '${from ?? ''}'`);
  if (toMs !== undefined && Number.isNaN(toMs)) throw bad('to', `not an ISO-8601 date or date-time: '${to ?? ''}'`);
  if (fromMs !== undefined && toMs !== undefined) {
    if (toMs <= fromMs) throw bad('to', 'must be after from');
    if (toMs - fromMs > maxRangeDays * DAY_MS) throw bad('to', `range longer than the export limit of ${maxRangeDays} days: split it or narrow it`);
  }
  return { ...(fromMs !== undefined ? { fromMs } : {}), ...(toMs !== undefined ? { toMs } : {}) };
}

/** Every string cell is neutralised against formula injection (objects are JSON, starting with `{` or `[`). */
const csvCast = { boolean: (v: boolean) => (v ? 'true' : 'false'), object: (v: object) => neutraliseCsvFormula(JSON.stringify(v)), string: neutraliseCsvFormula };

/** Turns batches of rows into CSV or NDJSON text chunks; the header goes first even with no rows. */
export async function* encodeBatches<R extends object>(batches: AsyncIterable<R[]>, format: Format, columns: readonly string[]): AsyncGenerator<string> {
  if (format === 'csv') yield stringify([], { header: true, columns: [...columns] });
  for await (const batch of batches) {
    if (format === 'csv') yield stringify(batch, { columns: [...columns], cast: csvCast });
    else yield batch.map((row) => JSON.stringify(row)).join('\n') + '\n';
  }
}

function sendStream(request: FastifyRequest, reply: FastifyReply, chunks: AsyncGenerator<string>, format: Format, name: string): FastifyReply {
  const stream = Readable.from(chunks);
  stream.on('error', (err) => request.log.error({ err }, 'export stream failed'));
  return reply
    .header('content-type', format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8')
    .header('content-disposition', `attachment; filename="${name}.${format === 'csv' ? 'csv' : 'ndjson'}"`)
    .header('cache-control', 'no-store')
    .send(stream);
}

/**
 * Streamed exports for compliance: `GET /v1/call-records` (originated calls) and `GET /v1/dial-decisions`
 * (the hash-chained trail, placed and blocked), as CSV or NDJSON, in constant memory.
 *
 * @example
 * ```ts
 * // curl -H 'Accept: application/x-ndjson' -H "Authorization: Bearer $KEY" '/v1/call-records?campaignId=...&from=2026-01-01&to=2026-02-01'
 * await v1.register(callRecordsRoutes, { exports: new CallRecordExportRepository(db) });
 * ```
 */
const callRecordsRoutes: FastifyPluginAsyncTypebox<CallRecordsRoutesOptions> = async function callRecordsRoutes(app, opts) {
  const maxRangeDays = opts.maxRangeDays ?? 366;
  const batchSize = opts.batchSize ?? 2000;

  const checkCampaign = async (campaignId: string | undefined): Promise<void> => {
    if (campaignId !== undefined && !(await opts.exports.campaignExists(campaignId))) {
      throw new PacerError('NOT_FOUND', `campaignId: campaign ${campaignId} not found`, { issues: [{ field: 'campaignId', reason: 'no such campaign' }] });
    }
  };

  app.get('/call-records', {
    config: { roles: ['admin', 'compliance'] },
    schema: {
      tags: ['compliance'],
      summary: 'Export call records (originated calls) as CSV or NDJSON, streamed',
      querystring: Type.Object({
        ...CommonQuery,
        outcome: Type.Optional(Type.Union(CALL_OUTCOMES.map((o) => Type.Literal(o)))),
        agentId: Type.Optional(Type.String({ format: 'uuid' })),
      }, { additionalProperties: false }),
      response: { 200: StreamBody, ...errorResponses(400, 401, 403, 404) },
    },
  }, async (request, reply) => {
    const q = request.query;
    const format = negotiateFormat(request.headers.accept, q.format);
    const filter: CallRecordFilter = {
      ...parseRange(q.from, q.to, maxRangeDays),
      ...(q.campaignId !== undefined ? { campaignId: q.campaignId } : {}),
      ...(q.outcome !== undefined ? { outcome: q.outcome } : {}),
      ...(q.agentId !== undefined ? { agentId: q.agentId } : {}),
      ...(q.phone !== undefined ? { phone: q.phone } : {}),
    };
    await checkCampaign(q.campaignId);
    return sendStream(request, reply, encodeBatches(opts.exports.callRecordBatches(filter, batchSize), format, CALL_RECORD_FIELDS), format, 'call-records');
  });

  app.get('/dial-decisions', {
    config: { roles: ['admin', 'compliance'] },
    schema: {
      tags: ['compliance'],
      summary: 'Export the dial-decision trail (placed and blocked) as CSV or NDJSON, streamed',
      querystring: Type.Object({
        ...CommonQuery,
        decision: Type.Optional(Type.Union([Type.Literal('placed'), Type.Literal('blocked')])),
      }, { additionalProperties: false }),
      response: { 200: StreamBody, ...errorResponses(400, 401, 403, 404) },
    },
  }, async (request, reply) => {
    const q = request.query;
    const format = negotiateFormat(request.headers.accept, q.format);
    const filter = {
      ...parseRange(q.from, q.to, maxRangeDays),
      ...(q.campaignId !== undefined ? { campaignId: q.campaignId } : {}),
      ...(q.phone !== undefined ? { phone: q.phone } : {}),
      ...(q.decision !== undefined ? { decision: q.decision } : {}),
    };
    await checkCampaign(q.campaignId);
    return sendStream(request, reply, encodeBatches(opts.exports.dialDecisionBatches(filter, batchSize), format, DIAL_DECISION_FIELDS), format, 'dial-decisions');
  });
};

export default callRecordsRoutes;
