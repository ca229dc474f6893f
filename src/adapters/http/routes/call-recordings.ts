import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';
import { Type } from 'typebox';
import { actorOf } from '../../../domain/auth/principal.ts';
import { PacerError } from '../../../domain/pacer-error.ts';
import type { AuditLogRepository } from '../../db/repositories/audit-log-repository.ts';
import type { RecordingRepository } from '../../db/repositories/recording-repository.ts';
import type { RecordingFiles } from '../../recording/recording-files.ts';
import { errorResponses } from '../schemas/error-body.ts';

export interface CallRecordingRoutesOptions {
  recordings: RecordingRepository;
  files: RecordingFiles;
  auditLog: AuditLogRepository;
}

/**
 * `GET /v1/call-records/{id}/recording` (roles compliance and admin): the call's recording as
 * `audio/wav`, streamed; every download is audited (`call.recording.download`, with the path and
 * size). 404 `NOT_FOUND` for an unknown call record, `RECORDING_NOT_FOUND` when the call was not
 * recorded or its file is missing, `RECORDING_EXPIRED` when the retention sweep deleted it.
 *
 * @example
 * ```ts
 * // curl -H "Authorization: Bearer $KEY" -o call.wav /v1/call-records/$ID/recording
 * await v1.register(callRecordingRoutes, { recordings, files: new RecordingFiles(dir), auditLog });
 * ```
 */
const callRecordingRoutes: FastifyPluginAsyncTypebox<CallRecordingRoutesOptions> = async function callRecordingRoutes(app, opts) {
  app.get('/call-records/:id/recording', {
    config: { roles: ['admin', 'compliance'] },
    schema: {
      tags: ['compliance'],
      summary: "Download a call's recording (audio/wav); audited",
      params: Type.Object({ id: Type.String({ format: 'uuid' }) }),
      response: {
        200: { description: 'The recording: WAV, 8 kHz (stereo from FreeSWITCH: the callee left, what the callee heard right)', content: { 'audio/wav': { schema: Type.String({ format: 'binary' }) } } },
        ...errorResponses(400, 401, 403, 404),
      },
    },
  }, async (request, reply) => {
    const id = request.params.id;
    const recording = await opts.recordings.recordingOf(id);
    if (recording === undefined) throw new PacerError('NOT_FOUND', `no call record ${id}`);
    if (recording.expiredAt !== null) {
      throw new PacerError('RECORDING_EXPIRED', `the recording of call ${id} expired on ${recording.expiredAt.toISOString()} (its campaign's retention period) and was deleted`);
    }
    if (recording.path === null) throw new PacerError('RECORDING_NOT_FOUND', `call ${id} was not recorded`);
    const file = await opts.files.open(recording.path);
    if (file === undefined) throw new PacerError('RECORDING_NOT_FOUND', `the recording file of call ${id} (${recording.path}) is missing from the recordings directory`);
    try {
      await opts.auditLog.record({ ...actorOf(request.principal), action: 'call.recording.download', entityType: 'call_attempt', entityId: id, before: null, after: { path: recording.path, bytes: file.bytes } });
    } catch (err) {
      file.stream.destroy();
      throw err;
    }
    // The typed reply expects the schema's string; the body is the file's stream.
    const raw: FastifyReply = reply;
    return raw
      .header('content-type', 'audio/wav')
      .header('content-length', String(file.bytes))
      .header('content-disposition', `attachment; filename="${id}.wav"`)
      .header('cache-control', 'no-store')
      .send(file.stream);
  });
};

export default callRecordingRoutes;
