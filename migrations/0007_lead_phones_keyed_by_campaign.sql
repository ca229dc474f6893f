-- Lead imports: lead_phones had two B-trees, the primary key (lead_id, position) and an index on
-- (campaign_id) for reading a campaign's numbers. One primary key (campaign_id, lead_id, position)
-- serves both; every query that looks numbers up by lead also names the lead's campaign. Writing
-- 1,149,671 numbers of a new campaign into a table holding another campaign's: 2.24-2.29 s instead
-- of 2.97-3.02 s. See docs/adr/0006-lead-numbers-keyed-by-campaign.md.
ALTER TABLE lead_phones DROP CONSTRAINT lead_phones_pkey;
DROP INDEX lead_phones_campaign;
ALTER TABLE lead_phones ADD PRIMARY KEY (campaign_id, lead_id, position);
