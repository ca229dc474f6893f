import { describe, expect, it } from 'vitest';
import { resolveCampaignSettings } from '../../../src/domain/campaign/resolve-campaign-settings.ts';
import { nextCampaignStatus } from '../../../src/domain/campaign/campaign-status.ts';
import { dncListsApplyingTo } from '../../../src/domain/dnc/dnc-lists-applying-to.ts';
import { INTERNAL_DNC_LIST_ID } from '../../../src/domain/dnc/dnc-list.ts';
import { isPacerError, type PacerError } from '../../../src/domain/pacer-error.ts';
import type { CampaignInput } from '../../../src/domain/campaign/campaign.ts';

const manager = { actorRole: 'manager' as const, defaultRegion: 'US' as const };
const admin = { actorRole: 'admin' as const, defaultRegion: 'US' as const };
const base: CampaignInput = { name: 'Spring', dialMode: 'predictive', callerId: '+12125550100' };

function failure(fn: () => unknown): PacerError {
  try {
    fn();
  } catch (err) {
    if (isPacerError(err)) return err;
    throw err;
  }
  throw new Error('expected a PacerError');
}

describe('resolveCampaignSettings', () => {
  it('derives the pacing policy from the dial mode unless one is named, and follows a dial-mode change', () => {
    expect(resolveCampaignSettings(null, base, manager).pacingPolicy).toBe('predictive');
    expect(resolveCampaignSettings(null, { ...base, dialMode: 'preview' }, manager).pacingPolicy).toBe('progressive');
    const vicidial = resolveCampaignSettings(null, { ...base, pacingPolicy: 'vicidial' }, manager);
    expect(vicidial.pacingPolicy).toBe('vicidial');
    expect(resolveCampaignSettings(vicidial, { name: 'Renamed' }, manager).pacingPolicy).toBe('vicidial');
    expect(resolveCampaignSettings(vicidial, { dialMode: 'progressive' }, manager).pacingPolicy).toBe('progressive');
  });

  it('accepts calling hours exactly at the legal edges and nothing outside them', () => {
    expect(resolveCampaignSettings(null, { ...base, callingHours: { start: '08:00', end: '21:00' } }, manager).callingHours).toEqual({ start: '08:00', end: '21:00' });
    expect(failure(() => resolveCampaignSettings(null, { ...base, callingHours: { start: '07:59' } }, manager)).issues.map((i) => i.field)).toEqual(['callingHours.start']);
    expect(failure(() => resolveCampaignSettings(null, { ...base, callingHours: { end: '21:01' } }, manager)).issues.map((i) => i.field)).toEqual(['callingHours.end']);
  });

  it('keeps the 3% ceiling: a manager can neither exceed it nor lift it; an admin can, explicitly', () => {
    expect(resolveCampaignSettings(null, { ...base, maxAbandonRate: 0.03 }, manager).maxAbandonRate).toBe(0.03);
    expect(failure(() => resolveCampaignSettings(null, { ...base, maxAbandonRate: 0.031 }, admin)).code).toBe('VALIDATION_FAILED');
    expect(failure(() => resolveCampaignSettings(null, { ...base, maxAbandonRate: 0.05, abandonRateOverride: true }, manager)).code).toBe('FORBIDDEN');
    const lifted = resolveCampaignSettings(null, { ...base, maxAbandonRate: 0.05, abandonRateOverride: true }, admin);
    expect(lifted).toMatchObject({ maxAbandonRate: 0.05, abandonRateOverride: true });
    // A manager may still edit other settings of an admin-lifted campaign, but not raise the rate further.
    expect(resolveCampaignSettings(lifted, { name: 'Renamed' }, manager).maxAbandonRate).toBe(0.05);
    expect(failure(() => resolveCampaignSettings(lifted, { maxAbandonRate: 0.06 }, manager)).code).toBe('FORBIDDEN');
    // Turning the override off while above the ceiling is refused.
    expect(failure(() => resolveCampaignSettings(lifted, { abandonRateOverride: false }, admin)).issues.map((i) => i.field)).toEqual(['maxAbandonRate']);
  });

  it('requires pacingRatio for the ratio policy and bounds retry attempts by maxAttemptsPerLead', () => {
    expect(failure(() => resolveCampaignSettings(null, { ...base, pacingPolicy: 'ratio' }, manager)).issues.map((i) => i.field)).toEqual(['pacingRatio']);
    expect(resolveCampaignSettings(null, { ...base, pacingPolicy: 'ratio', pacingRatio: 2.5 }, manager).pacingRatio).toBe(2.5);
    const err = failure(() => resolveCampaignSettings(null, { ...base, maxAttemptsPerLead: 2 }, manager));
    expect(err.issues.map((i) => i.field).sort()).toEqual(['retryRules.busy.maxAttempts', 'retryRules.noAnswer.maxAttempts']);
  });

  it('merges partial nested updates over the current settings', () => {
    const current = resolveCampaignSettings(null, base, manager);
    const next = resolveCampaignSettings(current, { retryRules: { busy: { delayMs: 1000 } }, amd: { enabled: false } }, manager);
    expect(next.retryRules.busy).toEqual({ delayMs: 1000, maxAttempts: current.retryRules.busy.maxAttempts });
    expect(next.retryRules.noAnswer).toEqual(current.retryRules.noAnswer);
    expect(next.amd).toEqual({ enabled: false, machineAction: 'hangup' });
  });
});

describe('nextCampaignStatus', () => {
  it.each([
    ['draft', 'start', 'running'],
    ['paused', 'start', 'running'],
    ['running', 'pause', 'paused'],
    ['draft', 'stop', 'stopped'],
    ['running', 'stop', 'stopped'],
    ['paused', 'stop', 'stopped'],
  ] as const)('%s --%s--> %s', (from, command, to) => {
    expect(nextCampaignStatus(from, command)).toEqual({ ok: true, to });
  });

  it.each([
    ['running', 'start'],
    ['draft', 'pause'],
    ['paused', 'pause'],
    ['stopped', 'start'],
    ['stopped', 'pause'],
    ['stopped', 'stop'],
  ] as const)('refuses %s --%s-->', (from, command) => {
    expect(nextCampaignStatus(from, command)).toMatchObject({ ok: false, from });
  });
});

describe('dncListsApplyingTo', () => {
  it('applies the internal list, every global list and only the attached campaign lists', () => {
    const lists = [
      { id: 'g', scope: 'global' as const },
      { id: 'a', scope: 'campaign' as const },
      { id: 'b', scope: 'campaign' as const },
    ];
    expect(dncListsApplyingTo({ dncListIds: ['b'] }, lists)).toEqual([INTERNAL_DNC_LIST_ID, 'g', 'b']);
    expect(dncListsApplyingTo({ dncListIds: [] }, lists)).toEqual([INTERNAL_DNC_LIST_ID, 'g']);
  });
});
