-- Lead imports: the UNIQUE (campaign_id, e164) index of lead_phones took half of PostgreSQL's time
-- in a 1,000,000-row import (random inserts into a large B-tree). See
-- docs/adr/0005-campaign-number-uniqueness-kept-by-the-import.md.
ALTER TABLE lead_phones DROP CONSTRAINT IF EXISTS lead_phones_campaign_id_e164_key;
CREATE INDEX lead_phones_campaign ON lead_phones (campaign_id);
