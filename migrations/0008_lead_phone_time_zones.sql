-- A time zone per phone number (issue 11): a lead's second number was dialed under the zone of its
-- first. The zone is resolved per number at import (its own prefix, narrowed by the lead's column /
-- ZIP / state evidence where they agree); the hopper leases the zone of the number being dialed.
-- NULL timezone_source: a number written without a zone (other writers, fixtures): the hopper falls
-- back to the lead's zone for it.
ALTER TABLE lead_phones
  ADD COLUMN timezone            text,
  ADD COLUMN timezone_source     text CHECK (timezone_source IN ('column', 'zip', 'state', 'phone', 'ambiguous', 'unknown')),
  ADD COLUMN timezone_candidates text[];

-- Backfill of numbers imported before this migration (the number prefixes cannot be looked up in
-- SQL, so no number gets a zone it did not have in effect before, except where that was wrong):
-- * position 1: the lead's zone, which was resolved with this number as the phone evidence: exactly
--   what the dial gate used for it before.
-- * positions 2-3, lead zone from a column, ZIP or state ('column', 'zip', 'state'): that is the
--   lead's own location evidence, not another number's, so it is kept.
-- * positions 2-3, lead zone from the FIRST number's prefix ('phone'), or 'ambiguous' with no state
--   given (its candidates came from a column alias or, likely, the first number's prefix): that zone
--   says nothing about this number, so it becomes 'unknown' and the campaign's unknownZonePolicy
--   applies (default: not dialed). Re-import the leads to resolve these numbers from their prefixes.
-- * positions 2-3, 'ambiguous' with a state (a multi-zone state such as FL): the lead's candidates.
-- * 'unknown' stays unknown.
UPDATE lead_phones p
SET timezone = CASE WHEN k.keep THEN k.timezone END,
    timezone_source = CASE WHEN k.keep THEN k.timezone_source ELSE 'unknown' END,
    timezone_candidates = CASE WHEN k.keep THEN k.timezone_candidates END
FROM (SELECT q.campaign_id, q.lead_id, q.position, l.timezone, l.timezone_source, l.timezone_candidates,
             q.position = 1
               OR l.timezone_source IN ('column', 'zip', 'state', 'unknown')
               OR (l.timezone_source = 'ambiguous' AND coalesce(btrim(l.state), '') <> '') AS keep
      FROM lead_phones q JOIN leads l ON l.id = q.lead_id AND l.campaign_id = q.campaign_id
      WHERE q.timezone_source IS NULL) k
WHERE p.campaign_id = k.campaign_id AND p.lead_id = k.lead_id AND p.position = k.position;
