import { describe, expect, it } from 'vitest';
import { resolveCampaignSettings } from '../../../src/domain/campaign/resolve-campaign-settings.ts';
import { isPacerError, type PacerError } from '../../../src/domain/pacer-error.ts';
import type { CampaignInput, RecordingSettings } from '../../../src/domain/campaign/campaign.ts';

const manager = { actorRole: 'manager' as const, defaultRegion: 'US' as const };
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

describe('campaign recording settings', () => {
  it('is off by default, kept 90 days, abandoned-call messages included once enabled', () => {
    expect(resolveCampaignSettings(null, base, manager).recording).toEqual({ enabled: false, retentionDays: 90, abandonMessage: true });
    const on = resolveCampaignSettings(null, { ...base, recording: { enabled: true } }, manager);
    expect(on.recording).toEqual({ enabled: true, retentionDays: 90, abandonMessage: true });
  });

  it('merges a patch over the stored setting, field by field', () => {
    const current = resolveCampaignSettings(null, { ...base, recording: { enabled: true, retentionDays: 30, abandonMessage: false } }, manager);
    expect(resolveCampaignSettings(current, { recording: { retentionDays: 365 } }, manager).recording).toEqual({ enabled: true, retentionDays: 365, abandonMessage: false });
    expect(resolveCampaignSettings(current, { name: 'Other' }, manager).recording).toEqual(current.recording);
    expect(resolveCampaignSettings(current, { recording: { enabled: false } }, manager).recording.enabled).toBe(false);
  });

  it('accepts retention at its edges (1 and 3650 days) and nothing outside, naming the field', () => {
    expect(resolveCampaignSettings(null, { ...base, recording: { retentionDays: 1 } }, manager).recording.retentionDays).toBe(1);
    expect(resolveCampaignSettings(null, { ...base, recording: { retentionDays: 3650 } }, manager).recording.retentionDays).toBe(3650);
    for (const retentionDays of [0, 3651, 1.5, -3, Number.NaN]) {
      const err = failure(() => resolveCampaignSettings(null, { ...base, recording: { retentionDays } }, manager));
      expect(err.code).toBe('VALIDATION_FAILED');
      expect(err.issues).toEqual([{ field: 'recording.retentionDays', reason: 'must be an integer number of days between 1 and 3650' }]);
    }
  });

  it('refuses non-boolean switches (callers other than the HTTP API), every bad field at once', () => {
    const bad = { enabled: 'yes', retentionDays: 0, abandonMessage: 1 } as unknown as Partial<RecordingSettings>;
    const err = failure(() => resolveCampaignSettings(null, { ...base, recording: bad }, manager));
    expect(err.issues.map((i) => i.field)).toEqual(['recording.enabled', 'recording.retentionDays', 'recording.abandonMessage']);
    expect(err.message).toContain('recording.retentionDays');
  });
});
