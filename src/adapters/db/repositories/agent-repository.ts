import type { Kysely } from 'kysely';
import type { Database } from '../database.ts';
import type { AgentState } from '../../../domain/agent/agent-roster.ts';
import type { AgentStore, StoredAgent } from '../../../runtime/ports/agent-store.ts';

export interface AgentView {
  id: string;
  name: string;
  campaignId: string | null;
  sipContact: string | null;
  externalRef: string | null;
  state: string;
  stateReason: string | null;
  stateSince: string;
}

export interface ScreenPop {
  callId: string;
  lead: { id: string; firstName: string | null; lastName: string | null; email: string | null; state: string | null; zip: string | null; timezone: string | null; custom: Record<string, string>; phones: string[] };
  history: { attemptId: string; originatedAt: string | null; outcome: string | null; disposition: string | null; agentId: string | null }[];
}

type AgentRow = { id: string; name: string; campaign_id: string | null; sip_contact: string | null; external_ref: string | null; state: string; state_reason: string | null; state_since: Date };

const view = (r: AgentRow): AgentView => ({
  id: r.id,
  name: r.name,
  campaignId: r.campaign_id,
  sipContact: r.sip_contact,
  externalRef: r.external_ref,
  state: r.state,
  stateReason: r.state_reason,
  stateSince: r.state_since.toISOString(),
});

/** Agents, and the lead data an agent sees when a call is bridged (the screen pop). */
export class AgentRepository implements AgentStore {
  readonly #db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  async create(input: { name: string; campaignId: string | null; sipContact: string | null; externalRef: string | null }): Promise<AgentView> {
    const row = await this.#db
      .insertInto('agents')
      .values({ name: input.name, campaign_id: input.campaignId, sip_contact: input.sipContact, external_ref: input.externalRef })
      .returningAll()
      .executeTakeFirstOrThrow();
    return view(row);
  }

  async get(id: string): Promise<AgentView | undefined> {
    const row = await this.#db.selectFrom('agents').selectAll().where('id', '=', id).executeTakeFirst();
    return row === undefined ? undefined : view(row);
  }

  async find(agentId: string): Promise<StoredAgent | undefined> {
    const row = await this.#db.selectFrom('agents').select(['id', 'campaign_id', 'state', 'sip_contact']).where('id', '=', agentId).executeTakeFirst();
    return row === undefined ? undefined : { id: row.id, campaignId: row.campaign_id, state: row.state, sipContact: row.sip_contact };
  }

  async saveState(agentId: string, state: AgentState, reason: string | null, atMs: number): Promise<void> {
    await this.#db.updateTable('agents').set({ state, state_reason: reason, state_since: new Date(atMs) }).where('id', '=', agentId).execute();
  }

  async list(campaignId?: string): Promise<AgentView[]> {
    let q = this.#db.selectFrom('agents').selectAll().orderBy('name');
    if (campaignId !== undefined) q = q.where('campaign_id', '=', campaignId);
    return (await q.execute()).map(view);
  }

  async screenPop(callId: string): Promise<ScreenPop | undefined> {
    const call = await this.#db.selectFrom('call_attempts').select(['lead_id']).where('id', '=', callId).executeTakeFirst();
    if (call === undefined) return undefined;
    const lead = await this.#db.selectFrom('leads').selectAll().where('id', '=', call.lead_id).executeTakeFirst();
    if (lead === undefined) return undefined;
    const phones = await this.#db.selectFrom('lead_phones').select('e164').where('campaign_id', '=', lead.campaign_id).where('lead_id', '=', lead.id).orderBy('position').execute();
    const history = await this.#db
      .selectFrom('call_attempts')
      .select(['id', 'originated_at', 'outcome', 'disposition', 'agent_id'])
      .where('lead_id', '=', lead.id)
      .where('id', '!=', callId)
      .orderBy('originated_at', 'desc')
      .limit(20)
      .execute();
    return {
      callId,
      lead: {
        id: lead.id,
        firstName: lead.first_name,
        lastName: lead.last_name,
        email: lead.email,
        state: lead.state,
        zip: lead.zip,
        timezone: lead.timezone,
        custom: lead.custom,
        phones: phones.map((p) => p.e164),
      },
      history: history.map((h) => ({ attemptId: h.id, originatedAt: h.originated_at?.toISOString() ?? null, outcome: h.outcome, disposition: h.disposition, agentId: h.agent_id })),
    };
  }
}
