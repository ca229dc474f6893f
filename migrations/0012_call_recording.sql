-- Call recording, per campaign and off by default (issue 12, "Call recording"):
-- * the campaign's setting: whether FreeSWITCH records bridged calls (and, with
--   recording_abandon_message, the identification message of abandoned ones) and how many days a
--   recording is kept;
-- * the call record's reference to its file (relative to PACER_RECORDINGS_DIR,
--   `<campaignId>/<yyyy-mm-dd>/<callId>.wav`), kept after the retention sweep deletes the file, which
--   then sets recording_expired_at.
ALTER TABLE campaigns ADD COLUMN recording_enabled boolean NOT NULL DEFAULT false;
ALTER TABLE campaigns ADD COLUMN recording_retention_days integer NOT NULL DEFAULT 90
  CHECK (recording_retention_days BETWEEN 1 AND 3650);
ALTER TABLE campaigns ADD COLUMN recording_abandon_message boolean NOT NULL DEFAULT true;
ALTER TABLE call_attempts ADD COLUMN recording_path text;
ALTER TABLE call_attempts ADD COLUMN recording_expired_at timestamptz;
-- The retention sweep reads the recordings not yet expired, oldest first.
CREATE INDEX call_attempts_recordings_kept ON call_attempts (ended_at, id) WHERE recording_path IS NOT NULL AND recording_expired_at IS NULL;
