-- The call record (one row per originated attempt) and the dial-decision trail (placed or blocked).
CREATE TABLE call_attempts (
  id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  campaign_id        uuid NOT NULL REFERENCES campaigns (id),
  lead_id            bigint NOT NULL REFERENCES leads (id),
  phone              text NOT NULL,
  caller_id          text NOT NULL,
  timezone           text,
  local_time_at_dial text,
  dnc_lists_checked  jsonb NOT NULL DEFAULT '[]',
  originated_at      timestamptz,
  ringing_at         timestamptz,
  answered_at        timestamptz,
  greeting_ended_at  timestamptz,
  agent_connected_at timestamptz,
  ended_at           timestamptz,
  outcome            text CHECK (outcome IN ('human', 'machine', 'no_answer', 'busy', 'invalid', 'unavailable', 'congestion', 'cancelled', 'failed', 'unknown')),
  sip_cause          integer,
  amd_result         text CHECK (amd_result IN ('human', 'machine', 'unknown')),
  amd_decision_ms    integer,
  abandoned          boolean NOT NULL DEFAULT false,
  message_played     boolean NOT NULL DEFAULT false,
  agent_id           uuid REFERENCES agents (id),
  disposition        text,
  disposition_note   text,
  callback_at        timestamptz,
  node_id            text,
  created_at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX call_attempts_campaign_time ON call_attempts (campaign_id, originated_at);
CREATE INDEX call_attempts_open ON call_attempts (node_id) WHERE ended_at IS NULL;

CREATE TABLE dial_decisions (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  campaign_id  uuid NOT NULL REFERENCES campaigns (id),
  seq          bigint NOT NULL,
  decided_at   timestamptz NOT NULL,
  lead_id      bigint,
  phone        text,
  attempt_id   uuid,
  decision     text NOT NULL CHECK (decision IN ('placed', 'blocked')),
  reason       text,
  inputs       jsonb NOT NULL,
  prev_hash    text NOT NULL,
  hash         text NOT NULL,
  UNIQUE (campaign_id, seq)
);
