-- The hopper leases due leads by priority: callbacks, then due retries, then fresh leads (issue 14).
-- Each class is an equality on (campaign_id, status) and a range on next_attempt_at, read in order
-- from this index and stopped at the batch size; without it PostgreSQL sorted every due retry of the
-- campaign on each lease (65-90 ms per lease of 100 on 300,000 leads instead of ~5 ms).
CREATE INDEX leads_hopper_by_status ON leads (campaign_id, status, next_attempt_at, id) WHERE status IN ('new', 'scheduled', 'callback');
