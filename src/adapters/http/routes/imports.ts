import type { Readable } from 'node:stream';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { actorOf } from '../../../domain/auth/principal.ts';
import { PacerError } from '../../../domain/pacer-error.ts';
import type { LeadImportService } from '../../import/lead-import-service.ts';
import type { SpooledUpload } from '../../import/spool-upload.ts';
import { errorResponses } from '../schemas/error-body.ts';

export interface ImportRoutesOptions {
  imports: LeadImportService;
  /** Largest accepted CSV, bytes (also enforced while spooling). Default 5 GiB. */
  maxUploadBytes?: number;
}

const tags = ['imports'];
const DEFAULT_MAX_UPLOAD_BYTES = 5 * 1024 ** 3;

const CampaignParams = Type.Object({ id: Type.String({ format: 'uuid' }) });
const UploadQuery = Type.Object(
  {
    mapping: Type.Optional(Type.String({ description: 'JSON `{ "<our column>": "<their header>" }`, e.g. `{"phone":"Mobile"}`' })),
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Lead list name (default: the file name)' })),
    defaultRegion: Type.Optional(Type.String({ minLength: 2, maxLength: 2, description: 'Region for numbers written without + (default from config, usually US)' })),
  },
  { additionalProperties: false },
);
const Accepted = Type.Object({
  importId: Type.String({ format: 'uuid' }),
  leadListId: Type.String({ format: 'uuid' }),
  status: Type.Literal('queued'),
});
const ImportParams = Type.Object({ id: Type.String({ format: 'uuid' }) });
const ImportQuery = Type.Object(
  {
    errorsOffset: Type.Integer({ minimum: 0, maximum: 1_000_000_000, default: 0 }),
    errorsLimit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
  },
  { additionalProperties: false },
);
const ImportSchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  campaignId: Type.String({ format: 'uuid' }),
  leadListId: Type.Union([Type.String({ format: 'uuid' }), Type.Null()]),
  status: Type.Enum(['queued', 'running', 'completed', 'failed']),
  fileName: Type.Union([Type.String(), Type.Null()]),
  rowsTotal: Type.Integer({ description: 'Data rows read (the header is not counted); grows while running' }),
  rowsAccepted: Type.Integer({ description: 'Leads created' }),
  rowsRejected: Type.Integer({ description: 'Rows with no valid phone number, a wrong field count or non-UTF-8 bytes' }),
  rowsDuplicate: Type.Integer({ description: 'Valid rows all of whose numbers were earlier in the file or already in the campaign' }),
  rowsDnc: Type.Integer({ description: 'Created leads with a number on an applicable DNC list (kept, flagged)' }),
  bytesRead: Type.Integer(),
  bytesTotal: Type.Union([Type.Integer(), Type.Null()]),
  errors: Type.Array(
    Type.Object({ row: Type.Integer({ minimum: 0, description: '1-based data row; 0 = the header / whole file' }), field: Type.Union([Type.String(), Type.Null()]), reason: Type.String() }),
    { description: 'Row issues in row order, one page (errorsOffset/errorsLimit); the first 10,000 are kept' },
  ),
  errorsTotal: Type.Integer({ description: 'Row issues kept for this import' }),
  error: Type.Optional(Type.Object({ code: Type.String(), message: Type.String() }, { description: 'Why the import failed' })),
  createdAt: Type.String({ format: 'date-time' }),
  startedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  finishedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});

function isReadable(value: unknown): value is Readable {
  return typeof value === 'object' && value !== null && typeof (value as Readable).pipe === 'function' && typeof (value as Readable).on === 'function';
}

/** Lets an unread request body flow away so the error answer can be sent. */
function drain(request: FastifyRequest): void {
  if (isReadable(request.body)) request.body.resume();
  else request.raw.resume();
}

/**
 * Lead-list imports: `POST /campaigns/{id}/leads` takes a CSV (text/csv body or multipart field
 * `file`), spools it, and answers 202 with the queued import; `GET /imports/{id}` reports
 * progress, counts, row issues and the failure reason.
 *
 * @example
 * ```ts
 * await v1.register(importRoutes, { imports: leadImportService });
 * // curl -X POST -H 'content-type: text/csv' --data-binary @leads.csv '/v1/campaigns/<id>/leads?name=May'
 * ```
 */
const importRoutes: FastifyPluginAsyncTypebox<ImportRoutesOptions> = async function importRoutes(app, opts) {
  const { imports } = opts;
  const maxUploadBytes = opts.maxUploadBytes ?? DEFAULT_MAX_UPLOAD_BYTES;

  app.post('/campaigns/:id/leads', {
    config: { roles: ['admin', 'manager'] },
    schema: {
      tags,
      summary: 'Import leads from a CSV (text/csv body or multipart `file`)',
      description:
        'Columns: phone (required), phone2, phone3, first_name, last_name, email, state, zip, timezone; others are kept as custom fields. ' +
        'Options as query parameters or (multipart) fields before or after the file: mapping, name, defaultRegion. The file is processed in the background: poll GET /v1/imports/{importId}.',
      params: CampaignParams,
      querystring: UploadQuery,
      consumes: ['text/csv', 'multipart/form-data'],
      body: {
        content: {
          'text/csv': { schema: Type.Unknown({ description: 'The CSV file' }) },
          'multipart/form-data': { schema: Type.Unknown({ description: 'Field `file` (the CSV); optional fields `mapping`, `name`, `defaultRegion`' }) },
        },
      },
      response: { 202: Accepted, ...errorResponses(400, 401, 403, 404, 413, 415) },
    },
  }, async (request, reply) => {
    const campaignId = request.params.id;
    if (!(await imports.campaignExists(campaignId))) {
      drain(request);
      throw new PacerError('NOT_FOUND', `campaign ${campaignId} not found`);
    }
    const options: { mapping?: string; name?: string; defaultRegion?: string } = { ...request.query };
    const actor = actorOf(request.principal);

    if (request.isMultipart()) {
      let upload: SpooledUpload | undefined;
      let fileName: string | null = null;
      try {
        for await (const part of request.parts({ limits: { fileSize: maxUploadBytes, files: 1 } })) {
          if (part.type === 'field') {
            if (part.fieldname === 'mapping' || part.fieldname === 'name' || part.fieldname === 'defaultRegion') options[part.fieldname] = String(part.value);
            continue;
          }
          if (part.fieldname !== 'file' || upload !== undefined) {
            part.file.resume();
            throw new PacerError('VALIDATION_FAILED', `unexpected file field '${part.fieldname}'`, { issues: [{ field: part.fieldname, reason: "send one CSV, in the field 'file'" }] });
          }
          // Options sent before the file are checked before any byte is spooled.
          imports.validateOptions({ mapping: options.mapping, defaultRegion: options.defaultRegion, listName: options.name });
          upload = await imports.spool(part.file);
          fileName = part.filename === '' ? null : part.filename;
          if (part.file.truncated) throw new PacerError('VALIDATION_FAILED', `the file is larger than ${maxUploadBytes} bytes`, { issues: [{ field: 'file', reason: 'too large' }] });
        }
      } catch (err) {
        if (upload !== undefined) await imports.discard(upload);
        throw err;
      }
      if (upload === undefined) throw new PacerError('VALIDATION_FAILED', 'no CSV file in the upload', { issues: [{ field: 'file', reason: 'required' }] });
      const started = await imports.start({ campaignId, upload, fileName, mapping: options.mapping, listName: options.name, defaultRegion: options.defaultRegion, actor });
      return reply.status(202).send(started);
    }

    if (!isReadable(request.body)) {
      throw new PacerError('VALIDATION_FAILED', 'send the CSV as a text/csv body or a multipart field `file`', { issues: [{ field: 'body', reason: 'must be text/csv or multipart/form-data' }] });
    }
    try {
      imports.validateOptions({ mapping: options.mapping, defaultRegion: options.defaultRegion, listName: options.name });
    } catch (err) {
      drain(request);
      throw err;
    }
    const upload = await imports.spool(request.body);
    const started = await imports.start({ campaignId, upload, fileName: null, mapping: options.mapping, listName: options.name, defaultRegion: options.defaultRegion, actor });
    return reply.status(202).send(started);
  });

  app.get('/imports/:id', {
    config: { roles: ['admin', 'manager', 'compliance'] },
    schema: {
      tags,
      summary: 'An import: status, progress, counts, row issues, failure reason',
      params: ImportParams,
      querystring: ImportQuery,
      response: { 200: ImportSchema, ...errorResponses(400, 401, 403, 404) },
    },
  }, async (request) => {
    const found = await imports.get(request.params.id, { offset: request.query.errorsOffset, limit: request.query.errorsLimit });
    if (found === undefined) throw new PacerError('NOT_FOUND', `import ${request.params.id} not found`);
    return {
      id: found.id,
      campaignId: found.campaignId,
      leadListId: found.leadListId,
      status: found.status,
      fileName: found.fileName,
      rowsTotal: found.rowsTotal,
      rowsAccepted: found.rowsAccepted,
      rowsRejected: found.rowsRejected,
      rowsDuplicate: found.rowsDuplicate,
      rowsDnc: found.rowsDnc,
      bytesRead: found.bytesRead,
      bytesTotal: found.bytesTotal,
      errors: found.errors.items,
      errorsTotal: found.errors.total,
      ...(found.error === null ? {} : { error: found.error }),
      createdAt: found.createdAt.toISOString(),
      startedAt: found.startedAt?.toISOString() ?? null,
      finishedAt: found.finishedAt?.toISOString() ?? null,
    };
  });
};

export default importRoutes;
