-- Core: API keys with roles, agents, campaigns, the audit log.
CREATE TABLE api_keys (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name         text NOT NULL,
  role         text NOT NULL CHECK (role IN ('admin', 'manager', 'agent', 'compliance')),
  key_prefix   text NOT NULL,
  key_hash     text NOT NULL UNIQUE,
  agent_id     uuid,
  created_by   uuid REFERENCES api_keys (id),
  created_at   timestamptz NOT NULL DEFAULT now(),
  revoked_at   timestamptz
);

CREATE TABLE agents (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name          text NOT NULL,
  external_ref  text UNIQUE,
  sip_contact   text,
  state         text NOT NULL DEFAULT 'logged_out'
                CHECK (state IN ('logged_out', 'ready', 'reserved', 'on_call', 'wrap_up', 'paused')),
  state_reason  text,
  state_since   timestamptz NOT NULL DEFAULT now(),
  campaign_id   uuid,
  created_at    timestamptz NOT NULL DEFAULT now()
);
ALTER TABLE api_keys ADD CONSTRAINT api_keys_agent_fk FOREIGN KEY (agent_id) REFERENCES agents (id);

CREATE TABLE campaigns (
  id                    uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name                  text NOT NULL,
  status                text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'running', 'paused', 'stopped')),
  dial_mode             text NOT NULL CHECK (dial_mode IN ('predictive', 'progressive', 'preview')),
  pacing_policy         text NOT NULL DEFAULT 'predictive' CHECK (pacing_policy IN ('predictive', 'progressive', 'ratio', 'vicidial')),
  pacing_ratio          numeric(5, 2),
  max_abandon_rate      numeric(6, 5) NOT NULL DEFAULT 0.03 CHECK (max_abandon_rate >= 0 AND max_abandon_rate <= 1),
  abandon_rate_override boolean NOT NULL DEFAULT false,
  abandon_window        text NOT NULL DEFAULT '30d' CHECK (abandon_window IN ('30d', '24h')),
  caller_id             text NOT NULL,
  calling_hours_start   text NOT NULL DEFAULT '09:00',
  calling_hours_end     text NOT NULL DEFAULT '20:00',
  unknown_zone_policy   text NOT NULL DEFAULT 'deny' CHECK (unknown_zone_policy IN ('deny', 'campaign_zone', 'strictest')),
  default_time_zone     text,
  ring_timeout_ms       integer NOT NULL DEFAULT 25000 CHECK (ring_timeout_ms >= 15000),
  wrap_up_limit_ms      integer NOT NULL DEFAULT 60000,
  abandon_message       text,
  amd                   jsonb NOT NULL DEFAULT '{"enabled": true, "machineAction": "hangup"}',
  retry_rules           jsonb NOT NULL DEFAULT '{}',
  max_attempts_per_lead integer NOT NULL DEFAULT 5,
  created_at            timestamptz NOT NULL DEFAULT now(),
  updated_at            timestamptz NOT NULL DEFAULT now(),
  deleted_at            timestamptz
);
CREATE UNIQUE INDEX campaigns_name_live ON campaigns (name) WHERE deleted_at IS NULL;
ALTER TABLE agents ADD CONSTRAINT agents_campaign_fk FOREIGN KEY (campaign_id) REFERENCES campaigns (id);

CREATE TABLE audit_log (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at           timestamptz NOT NULL DEFAULT now(),
  actor_key_id uuid,
  actor_role   text,
  action       text NOT NULL,
  entity_type  text NOT NULL,
  entity_id    text,
  before       jsonb,
  after        jsonb
);
CREATE INDEX audit_log_entity ON audit_log (entity_type, entity_id, at);
