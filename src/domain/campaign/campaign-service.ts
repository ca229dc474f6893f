import { PacerError } from '../pacer-error.ts';
import { normalizePhoneNumber, type CountryCode } from '../leads/phone-number.ts';
import { actorOf, type Principal } from '../auth/principal.ts';
import type { Campaign, CampaignInput, CampaignStatus } from './campaign.ts';
import type { CampaignListQuery, CampaignStore } from './campaign-store.ts';
import { nextCampaignStatus, type CampaignCommand } from './campaign-status.ts';
import { resolveCampaignSettings } from './resolve-campaign-settings.ts';

/** What runs campaigns: told of every start / pause / stop after it is stored. */
export interface CampaignLifecycle {
  /** May refuse a start (e.g. no agents) by throwing a PacerError. */
  checkStartable?(campaign: Campaign): Promise<void>;
  onStatusChanged(campaign: Campaign, command: CampaignCommand): Promise<void>;
  /** The campaign's settings were edited (after they are stored): a running campaign uses them from its next tick. */
  onSettingsChanged?(campaign: Campaign): void;
}

export interface CampaignServiceOptions {
  store: CampaignStore;
  defaultRegion: CountryCode;
  lifecycle?: CampaignLifecycle;
}

/**
 * Campaign use cases: validated create/patch, the draft -> running <-> paused -> stopped state
 * machine, soft delete. Validation errors name every bad field; an illegal transition is a
 * `CONFLICT` naming the current state.
 *
 * @example
 * ```ts
 * const service = new CampaignService({ store, defaultRegion: 'US' });
 * const c = await service.create(principal, { name: 'Spring', dialMode: 'predictive', callerId: '+12125550100' });
 * await service.command(principal, c.id, 'start'); // CONFLICT 'the campaign has no leads' until leads are imported
 * ```
 */
export class CampaignService {
  readonly #store: CampaignStore;
  readonly #defaultRegion: CountryCode;
  #lifecycle: CampaignLifecycle | undefined;

  constructor(options: CampaignServiceOptions) {
    this.#store = options.store;
    this.#defaultRegion = options.defaultRegion;
    this.#lifecycle = options.lifecycle;
  }

  /** Connects the dialer (it is built after the services). */
  setLifecycle(lifecycle: CampaignLifecycle): void {
    this.#lifecycle = lifecycle;
  }

  async create(principal: Principal, input: CampaignInput): Promise<Campaign> {
    const settings = resolveCampaignSettings(null, input, { actorRole: principal.role, defaultRegion: this.#defaultRegion });
    await this.#checkDncLists(settings.dncListIds);
    return this.#store.create(settings, actorOf(principal));
  }

  async get(id: string): Promise<Campaign> {
    const campaign = await this.#store.get(id);
    if (campaign === undefined) throw notFound(id);
    return campaign;
  }

  list(query: CampaignListQuery): Promise<{ items: Campaign[]; total: number }> {
    return this.#store.list(query);
  }

  async update(principal: Principal, id: string, input: CampaignInput): Promise<Campaign> {
    if (input.dncListIds !== undefined) await this.#checkDncLists(input.dncListIds);
    const updated = await this.#store.update(
      id,
      (current) => {
        if (current.status === 'stopped') throw new PacerError('CONFLICT', `campaign ${id} is stopped and can no longer be changed`, { issues: [{ field: 'status', reason: 'stopped' }] });
        return resolveCampaignSettings(current, input, { actorRole: principal.role, defaultRegion: this.#defaultRegion });
      },
      actorOf(principal),
    );
    if (updated === undefined) throw notFound(id);
    this.#lifecycle?.onSettingsChanged?.(updated);
    return updated;
  }

  /** Applies start / pause / stop. Start checks the caller ID and that the campaign has leads. */
  async command(principal: Principal, id: string, command: CampaignCommand): Promise<Campaign> {
    const campaign = await this.get(id);
    const preview = nextCampaignStatus(campaign.status, command);
    if (preview.ok && command === 'start') {
      await this.#checkStartable(campaign);
      await this.#lifecycle?.checkStartable?.(campaign);
    }
    const updated = await this.#store.transition(
      id,
      `campaign.${command}`,
      (current): CampaignStatus => {
        const result = nextCampaignStatus(current.status, command);
        if (!result.ok) {
          throw new PacerError('CONFLICT', `${result.reason} (current state: ${result.from})`, { issues: [{ field: 'status', reason: `current state is ${result.from}` }] });
        }
        return result.to;
      },
      actorOf(principal),
    );
    if (updated === undefined) throw notFound(id);
    await this.#lifecycle?.onStatusChanged(updated, command);
    return updated;
  }

  async remove(principal: Principal, id: string): Promise<void> {
    const removed = await this.#store.softDelete(
      id,
      (current) => {
        if (current.status === 'running') {
          throw new PacerError('CONFLICT', 'a running campaign cannot be deleted: pause or stop it first (current state: running)', {
            issues: [{ field: 'status', reason: 'current state is running' }],
          });
        }
      },
      actorOf(principal),
    );
    if (removed === undefined) throw notFound(id);
  }

  async #checkStartable(campaign: Campaign): Promise<void> {
    const callerId = normalizePhoneNumber(campaign.callerId, this.#defaultRegion);
    if (!callerId.ok || callerId.e164 !== campaign.callerId) {
      throw new PacerError('VALIDATION_FAILED', 'the campaign caller ID is not a valid E.164 number', { issues: [{ field: 'callerId', reason: callerId.ok ? 'not in E.164 form' : callerId.reason }] });
    }
    if (!(await this.#store.hasLeads(campaign.id))) {
      throw new PacerError('CONFLICT', 'the campaign has no leads: import leads (POST /v1/campaigns/{id}/leads) before starting it', {
        issues: [{ field: 'leads', reason: 'NO_LEADS: the campaign has no leads' }],
      });
    }
  }

  async #checkDncLists(ids: readonly string[]): Promise<void> {
    const missing = await this.#store.missingDncLists(ids);
    if (missing.length > 0) {
      throw new PacerError('VALIDATION_FAILED', `unknown DNC list(s): ${missing.join(', ')}`, {
        issues: missing.map((m) => ({ field: `dncListIds[${ids.indexOf(m)}]`, reason: `no DNC list ${m}` })),
      });
    }
  }
}

function notFound(id: string): PacerError {
  return new PacerError('NOT_FOUND', `no campaign ${id}`);
}
