-- Background exports of call records or dial decisions (large exports run as a job, downloaded when done).
CREATE TABLE exports (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  kind          text NOT NULL CHECK (kind IN ('call_records', 'dial_decisions')),
  format        text NOT NULL CHECK (format IN ('csv', 'ndjson')),
  filter        jsonb NOT NULL,
  status        text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'completed', 'failed')),
  rows_written  bigint NOT NULL DEFAULT 0,
  bytes_written bigint NOT NULL DEFAULT 0,
  file_path     text,
  error_code    text,
  error_message text,
  created_by    uuid,
  created_at    timestamptz NOT NULL DEFAULT now(),
  started_at    timestamptz,
  finished_at   timestamptz
);
CREATE INDEX exports_created ON exports (created_at);
