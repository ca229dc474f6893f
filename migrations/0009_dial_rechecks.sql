-- The dial pipeline of issue 11 (docs/adr/0007-one-writer-per-campaign.md):
-- * A call record written in the dial transaction whose re-check failed just before originate (paused,
--   lease lost, window closing, a DNC entry committed after the batch's DNC read, telephony refused) is
--   closed as `not_dialed` with its reason: it never reached the network and is not an attempt.
-- * "One live call per number" across campaigns: the dial transaction looks for open records of the
--   numbers it is about to dial, under a transaction-scoped advisory lock per number.
ALTER TABLE call_attempts DROP CONSTRAINT IF EXISTS call_attempts_outcome_check;
ALTER TABLE call_attempts ADD CONSTRAINT call_attempts_outcome_check
  CHECK (outcome IN ('human', 'machine', 'no_answer', 'busy', 'invalid', 'unavailable', 'congestion', 'cancelled', 'failed', 'unknown', 'not_dialed'));
ALTER TABLE call_attempts ADD COLUMN not_dialed_reason text;
CREATE INDEX call_attempts_open_phone ON call_attempts (phone) WHERE ended_at IS NULL;
-- The settings version each decision used (bumped by every settings edit).
ALTER TABLE campaigns ADD COLUMN settings_version bigint NOT NULL DEFAULT 1;
