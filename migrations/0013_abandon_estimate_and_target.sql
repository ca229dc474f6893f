-- Issue 13, "UK 24-hour mode as production runs it goes over the cap":
-- * the campaign's reasoned estimate of the AMD false-positive rate (Ofcom: share of live people the
--   AMD classifies as machines), with its evidence: 'configured' (a figure the compliance officer
--   entered from their own testing) or 'measured' (a rate measured from the campaign's records);
--   the abandon ledger adds the estimated false positives to both counts in 24 h mode;
-- * a planning target below the legal cap (null = plan at the cap).
ALTER TABLE campaigns ADD COLUMN amd_false_positive_rate numeric(7, 6) NOT NULL DEFAULT 0
  CHECK (amd_false_positive_rate >= 0 AND amd_false_positive_rate < 1);
ALTER TABLE campaigns ADD COLUMN amd_false_positive_source text NOT NULL DEFAULT 'configured'
  CHECK (amd_false_positive_source IN ('configured', 'measured'));
ALTER TABLE campaigns ADD COLUMN abandon_target numeric(6, 5)
  CHECK (abandon_target IS NULL OR (abandon_target > 0 AND abandon_target <= max_abandon_rate));
-- The ledger is restored per minute of call end over the legal window.
CREATE INDEX call_attempts_campaign_ended ON call_attempts (campaign_id, ended_at) WHERE outcome = 'human';
