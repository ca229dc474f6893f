import type { CampaignStatus } from './campaign.ts';

export type CampaignCommand = 'start' | 'pause' | 'stop';

const transitions: Record<CampaignCommand, Partial<Record<CampaignStatus, CampaignStatus>>> = {
  start: { draft: 'running', paused: 'running' },
  pause: { running: 'paused' },
  stop: { draft: 'stopped', running: 'stopped', paused: 'stopped' },
};

export type TransitionResult = { ok: true; to: CampaignStatus } | { ok: false; from: CampaignStatus; reason: string };

/**
 * The campaign state machine: draft -> running <-> paused, and any live state -> stopped (final).
 * An illegal command is an expected outcome, returned, not thrown.
 *
 * @example
 * ```ts
 * nextCampaignStatus('draft', 'start');   // { ok: true, to: 'running' }
 * nextCampaignStatus('stopped', 'start'); // { ok: false, from: 'stopped', reason: 'cannot start a stopped campaign' }
 * ```
 */
export function nextCampaignStatus(from: CampaignStatus, command: CampaignCommand): TransitionResult {
  const to = transitions[command][from];
  if (to !== undefined) return { ok: true, to };
  return { ok: false, from, reason: `cannot ${command} a ${from} campaign` };
}
