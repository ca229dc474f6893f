-- Bulk lead imports: the per-row foreign-key triggers on leads and lead_phones were ~60% of the
-- insert cost of an import (see docs/adr/0004-lead-tables-without-foreign-keys.md). Integrity is
-- kept by the one writer of these rows, the import: campaign and lead list come from its imports
-- row (which keeps its foreign keys), lead ids are reserved from the sequence in the same
-- transaction. Nothing deletes leads, lead lists or campaigns, so the ON DELETE CASCADE of
-- lead_phones never fired.
ALTER TABLE leads DROP CONSTRAINT IF EXISTS leads_campaign_id_fkey;
ALTER TABLE leads DROP CONSTRAINT IF EXISTS leads_lead_list_id_fkey;
ALTER TABLE lead_phones DROP CONSTRAINT IF EXISTS lead_phones_lead_id_fkey;
-- An import reserves one lead id per accepted row; a session-cached sequence hands them out
-- without touching the sequence page for each (gaps of up to 1000 ids per session are harmless).
ALTER TABLE leads ALTER COLUMN id SET CACHE 1000;
