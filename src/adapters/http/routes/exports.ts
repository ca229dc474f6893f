import { createReadStream } from 'node:fs';
import { CALL_OUTCOMES } from '../../../domain/call/call-outcome.ts';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';
import { Type } from 'typebox';
import { PacerError } from '../../../domain/pacer-error.ts';
import type { JobQueue } from '../../../domain/ports/job-queue.ts';
import type { CallRecordExportRepository } from '../../db/repositories/call-record-export-repository.ts';
import type { ExportFilter, ExportJobRepository } from '../../db/repositories/export-job-repository.ts';
import { EXPORT_JOB, EXPORTS_QUEUE, type ExportJobData } from '../../export/export-job-worker.ts';
import { errorResponses } from '../schemas/error-body.ts';
import { parseRange } from './call-records.ts';

export interface ExportsRoutesOptions {
  jobs: ExportJobRepository;
  exports: CallRecordExportRepository;
  queue: JobQueue;
  /** Longest from/to range of a background export, days. Default 3660. */
  maxRangeDays?: number;
}


const ExportStatus = Type.Object({
  id: Type.String(),
  kind: Type.Union([Type.Literal('call_records'), Type.Literal('dial_decisions')]),
  format: Type.Union([Type.Literal('csv'), Type.Literal('ndjson')]),
  status: Type.Union([Type.Literal('queued'), Type.Literal('running'), Type.Literal('completed'), Type.Literal('failed')]),
  rowsWritten: Type.Integer(),
  bytesWritten: Type.Integer(),
  error: Type.Union([Type.Object({ code: Type.String(), message: Type.String() }), Type.Null()]),
  createdAt: Type.String({ format: 'date-time' }),
  startedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  finishedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  downloadUrl: Type.Union([Type.String(), Type.Null()]),
});

/**
 * Background exports for exports too large to stream in one request: `POST /v1/exports` queues one,
 * `GET /v1/exports/{id}` shows progress, `GET /v1/exports/{id}/download` returns the file when done.
 *
 * @example
 * ```ts
 * // POST /v1/exports { "kind": "call_records", "format": "csv", "campaignId": "…", "from": "2025-01-01", "to": "2026-01-01" } -> 202 { id, status: "queued" }
 * ```
 */
const exportsRoutes: FastifyPluginAsyncTypebox<ExportsRoutesOptions> = async function exportsRoutes(app, opts) {
  const maxRangeDays = opts.maxRangeDays ?? 3660;
  const view = async (id: string) => {
    const e = await opts.jobs.get(id);
    if (e === undefined) throw new PacerError('NOT_FOUND', `export ${id} not found`);
    return {
      id: e.id, kind: e.kind, format: e.format, status: e.status, rowsWritten: e.rowsWritten, bytesWritten: e.bytesWritten,
      error: e.errorCode === null ? null : { code: e.errorCode, message: e.errorMessage ?? '' },
      createdAt: e.createdAt.toISOString(), startedAt: e.startedAt?.toISOString() ?? null, finishedAt: e.finishedAt?.toISOString() ?? null,
      downloadUrl: e.status === 'completed' ? `/v1/exports/${e.id}/download` : null,
    };
  };

  app.post('/exports', {
    config: { roles: ['admin', 'compliance'] },
    schema: {
      tags: ['compliance'],
      summary: 'Queue a background export of call records or dial decisions',
      body: Type.Object({
        kind: Type.Union([Type.Literal('call_records'), Type.Literal('dial_decisions')]),
        format: Type.Optional(Type.Union([Type.Literal('csv'), Type.Literal('ndjson')], { default: 'csv' })),
        campaignId: Type.Optional(Type.String({ format: 'uuid' })),
        from: Type.Optional(Type.String()),
        to: Type.Optional(Type.String()),
        outcome: Type.Optional(Type.Union(CALL_OUTCOMES.map((o) => Type.Literal(o)))),
        agentId: Type.Optional(Type.String({ format: 'uuid' })),
        phone: Type.Optional(Type.String({ pattern: '^\\+[1-9][0-9]{6,14}$' })),
        decision: Type.Optional(Type.Union([Type.Literal('placed'), Type.Literal('blocked')])),
      }, { additionalProperties: false }),
      response: { 202: ExportStatus, ...errorResponses(400, 401, 403, 404) },
    },
  }, async (request, reply) => {
    const b = request.body;
    const bad = (field: string): PacerError => new PacerError('VALIDATION_FAILED', `${field}: only for kind=${field === 'decision' ? 'dial_decisions' : 'call_records'}`, { issues: [{ field, reason: 'not a filter of this kind' }] });
    if (b.kind === 'dial_decisions' && b.outcome !== undefined) throw bad('outcome');
    if (b.kind === 'dial_decisions' && b.agentId !== undefined) throw bad('agentId');
    if (b.kind === 'call_records' && b.decision !== undefined) throw bad('decision');
    const filter: ExportFilter = {
      ...parseRange(b.from, b.to, maxRangeDays),
      ...(b.campaignId !== undefined ? { campaignId: b.campaignId } : {}),
      ...(b.outcome !== undefined ? { outcome: b.outcome } : {}),
      ...(b.agentId !== undefined ? { agentId: b.agentId } : {}),
      ...(b.phone !== undefined ? { phone: b.phone } : {}),
      ...(b.decision !== undefined ? { decision: b.decision } : {}),
    };
    if (b.campaignId !== undefined && !(await opts.exports.campaignExists(b.campaignId))) {
      throw new PacerError('NOT_FOUND', `campaignId: campaign ${b.campaignId} not found`, { issues: [{ field: 'campaignId', reason: 'no such campaign' }] });
    }
    const id = await opts.jobs.create({ kind: b.kind, format: b.format ?? 'csv', filter, createdBy: request.principal.keyId });
    await opts.queue.add<ExportJobData>(EXPORTS_QUEUE, EXPORT_JOB, { exportId: id }, { jobId: id });
    return reply.code(202).send(await view(id));
  });

  app.get('/exports/:id', {
    config: { roles: ['admin', 'compliance'] },
    schema: { tags: ['compliance'], summary: 'Progress of a background export', params: Type.Object({ id: Type.String({ format: 'uuid' }) }), response: { 200: ExportStatus, ...errorResponses(400, 401, 403, 404) } },
  }, async (request) => view(request.params.id));

  app.get('/exports/:id/download', {
    config: { roles: ['admin', 'compliance'] },
    schema: {
      tags: ['compliance'],
      summary: 'Download a completed export',
      params: Type.Object({ id: Type.String({ format: 'uuid' }) }),
      response: { 200: { description: 'The export file', content: { 'text/csv': { schema: Type.String() }, 'application/x-ndjson': { schema: Type.String() } } }, ...errorResponses(400, 401, 403, 404, 409) },
    },
  }, async (request, reply) => {
    const e = await opts.jobs.get(request.params.id);
    if (e === undefined) throw new PacerError('NOT_FOUND', `export ${request.params.id} not found`);
    if (e.status !== 'completed' || e.filePath === null) throw new PacerError('CONFLICT', `export ${e.id} is ${e.status}, not completed`);
    const raw: FastifyReply = reply;
    return raw
      .header('content-type', e.format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8')
      .header('content-disposition', `attachment; filename="${e.kind}-${e.id}.${e.format}"`)
      .send(createReadStream(e.filePath));
  });
};

export default exportsRoutes;
