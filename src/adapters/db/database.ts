import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

/**
 * Kysely table types. Kept in step with `migrations/*.sql` by hand; the real-Postgres tests
 * catch any drift.
 */
type Timestamp = ColumnType<Date, Date | string, Date | string>;
type DefaultTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Json<T> = ColumnType<T, string, string>;
type JsonDefault<T> = ColumnType<T, string | undefined, string>;
/** numeric columns arrive from pg as strings. */
type Numeric = ColumnType<string, number | string, number | string>;
type NumericDefault = ColumnType<string, number | string | undefined, number | string>;

export type ApiKeyRole = 'admin' | 'manager' | 'agent' | 'compliance';

export interface ApiKeysTable {
  id: Generated<string>;
  name: string;
  role: ApiKeyRole;
  key_prefix: string;
  key_hash: string;
  agent_id: string | null;
  created_by: string | null;
  created_at: DefaultTimestamp;
  revoked_at: Timestamp | null;
}

export interface AgentsTable {
  id: Generated<string>;
  name: string;
  external_ref: string | null;
  sip_contact: string | null;
  state: Generated<'logged_out' | 'ready' | 'reserved' | 'on_call' | 'wrap_up' | 'paused'>;
  state_reason: string | null;
  state_since: DefaultTimestamp;
  campaign_id: string | null;
  created_at: DefaultTimestamp;
}

export interface CampaignsTable {
  id: Generated<string>;
  name: string;
  status: Generated<'draft' | 'running' | 'paused' | 'stopped'>;
  dial_mode: 'predictive' | 'progressive' | 'preview';
  pacing_policy: Generated<'predictive' | 'progressive' | 'ratio' | 'vicidial'>;
  pacing_ratio: Numeric | null;
  max_abandon_rate: NumericDefault;
  abandon_rate_override: Generated<boolean>;
  abandon_window: Generated<'30d' | '24h'>;
  caller_id: string;
  calling_hours_start: Generated<string>;
  calling_hours_end: Generated<string>;
  unknown_zone_policy: Generated<'deny' | 'campaign_zone' | 'strictest'>;
  default_time_zone: string | null;
  ring_timeout_ms: Generated<number>;
  wrap_up_limit_ms: Generated<number>;
  abandon_message: string | null;
  amd: JsonDefault<unknown>;
  retry_rules: JsonDefault<unknown>;
  max_attempts_per_lead: Generated<number>;
  /** bigint, bumped by every settings edit (migration 0009). */
  settings_version: Generated<string>;
  /** Call recording (migration 0012). */
  recording_enabled: Generated<boolean>;
  recording_retention_days: Generated<number>;
  recording_abandon_message: Generated<boolean>;
  /** AMD false-positive estimate and planning target (migration 0013). */
  amd_false_positive_rate: NumericDefault;
  amd_false_positive_source: Generated<'configured' | 'measured'>;
  abandon_target: Numeric | null;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
  deleted_at: Timestamp | null;
}

export interface AuditLogTable {
  id: Generated<string>;
  at: DefaultTimestamp;
  actor_key_id: string | null;
  actor_role: string | null;
  action: string;
  entity_type: string;
  entity_id: string | null;
  before: Json<unknown> | null;
  after: Json<unknown> | null;
}

export interface DncListsTable {
  id: Generated<string>;
  name: string;
  scope: 'global' | 'campaign';
  is_internal: Generated<boolean>;
  version: Generated<string>;
  created_at: DefaultTimestamp;
  deleted_at: Timestamp | null;
}

export interface DncEntriesTable {
  dnc_list_id: string;
  e164: string;
  added_at: DefaultTimestamp;
}

export interface CampaignDncListsTable {
  campaign_id: string;
  dnc_list_id: string;
}

export type ImportStatus = 'queued' | 'running' | 'completed' | 'failed';

export interface ImportsTable {
  id: Generated<string>;
  campaign_id: string;
  lead_list_id: string | null;
  status: Generated<ImportStatus>;
  file_name: string | null;
  mapping: JsonDefault<Record<string, string>>;
  default_region: string | null;
  upload_path: string | null;
  bytes_total: string | null;
  bytes_read: Generated<string>;
  rows_total: Generated<number>;
  rows_accepted: Generated<number>;
  rows_rejected: Generated<number>;
  rows_duplicate: Generated<number>;
  rows_dnc: Generated<number>;
  error_code: string | null;
  error_message: string | null;
  created_by: string | null;
  created_at: DefaultTimestamp;
  started_at: Timestamp | null;
  finished_at: Timestamp | null;
}

export interface ImportErrorsTable {
  import_id: string;
  row: number;
  field: string | null;
  reason: string;
}

export interface LeadListsTable {
  id: Generated<string>;
  campaign_id: string;
  name: string;
  import_id: string | null;
  created_at: DefaultTimestamp;
}

export type TimezoneSource = 'column' | 'zip' | 'state' | 'phone' | 'ambiguous' | 'unknown';
export type LeadStatus = 'new' | 'scheduled' | 'leased' | 'in_call' | 'callback' | 'done' | 'dnc' | 'exhausted';

export interface LeadsTable {
  /** bigint: pg returns it as a string. */
  id: Generated<string>;
  campaign_id: string;
  lead_list_id: string;
  source_row: number;
  first_name: string | null;
  last_name: string | null;
  email: string | null;
  state: string | null;
  zip: string | null;
  timezone: string | null;
  timezone_source: TimezoneSource;
  timezone_candidates: string[] | null;
  custom: JsonDefault<Record<string, string>>;
  status: Generated<LeadStatus>;
  dnc_flagged: Generated<boolean>;
  attempts: Generated<number>;
  next_attempt_at: Timestamp | null;
  lease_owner: string | null;
  lease_expires_at: Timestamp | null;
  callback_agent_id: string | null;
  last_outcome: string | null;
  created_at: DefaultTimestamp;
}

export interface LeadPhonesTable {
  lead_id: string;
  position: number;
  campaign_id: string;
  e164: string;
  attempts: Generated<number>;
  dnc_flagged: Generated<boolean>;
  /** This number's zone (migration 0008); a NULL source means "use the lead's zone". */
  timezone: ColumnType<string | null, string | null | undefined, string | null>;
  timezone_source: ColumnType<TimezoneSource | null, TimezoneSource | null | undefined, TimezoneSource | null>;
  timezone_candidates: ColumnType<string[] | null, string[] | null | undefined, string[] | null>;
}

export type CallOutcome =
  | 'human' | 'machine' | 'no_answer' | 'busy' | 'invalid' | 'unavailable' | 'congestion' | 'cancelled' | 'failed' | 'unknown' | 'not_dialed';

export interface CallAttemptsTable {
  id: Generated<string>;
  campaign_id: string;
  lead_id: string;
  phone: string;
  caller_id: string;
  timezone: string | null;
  local_time_at_dial: string | null;
  dnc_lists_checked: JsonDefault<unknown>;
  originated_at: Timestamp | null;
  ringing_at: Timestamp | null;
  answered_at: Timestamp | null;
  greeting_ended_at: Timestamp | null;
  agent_connected_at: Timestamp | null;
  ended_at: Timestamp | null;
  outcome: CallOutcome | null;
  sip_cause: number | null;
  amd_result: 'human' | 'machine' | 'unknown' | null;
  amd_decision_ms: number | null;
  abandoned: Generated<boolean>;
  message_played: Generated<boolean>;
  agent_id: string | null;
  disposition: string | null;
  disposition_note: string | null;
  callback_at: Timestamp | null;
  node_id: string | null;
  /** Why a recorded dial never reached the network (outcome `not_dialed`, migration 0009). */
  not_dialed_reason: string | null;
  /** The recording, relative to PACER_RECORDINGS_DIR (migration 0012); kept after it expires. */
  recording_path: ColumnType<string | null, string | null | undefined, string | null>;
  /** When the retention sweep deleted the recording's file. */
  recording_expired_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  created_at: DefaultTimestamp;
}

export interface DialDecisionsTable {
  id: Generated<string>;
  campaign_id: string;
  seq: string;
  decided_at: Timestamp;
  lead_id: string | null;
  phone: string | null;
  attempt_id: string | null;
  decision: 'placed' | 'blocked';
  reason: string | null;
  inputs: Json<unknown>;
  prev_hash: string;
  hash: string;
}

export interface Database {
  api_keys: ApiKeysTable;
  agents: AgentsTable;
  campaigns: CampaignsTable;
  audit_log: AuditLogTable;
  dnc_lists: DncListsTable;
  dnc_entries: DncEntriesTable;
  campaign_dnc_lists: CampaignDncListsTable;
  imports: ImportsTable;
  import_errors: ImportErrorsTable;
  lead_lists: LeadListsTable;
  leads: LeadsTable;
  lead_phones: LeadPhonesTable;
  call_attempts: CallAttemptsTable;
  dial_decisions: DialDecisionsTable;
}

export type CampaignRow = Selectable<CampaignsTable>;
export type NewCampaignRow = Insertable<CampaignsTable>;
export type CampaignUpdate = Updateable<CampaignsTable>;
export type ImportRow = Selectable<ImportsTable>;
export type LeadRow = Selectable<LeadsTable>;
export type CallAttemptRow = Selectable<CallAttemptsTable>;
