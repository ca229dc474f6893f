import { describe, expect, it } from 'vitest';
import { DEFAULT_RETRY_RULES, nextStep } from '../../../src/domain/call/retry-schedule.ts';

describe('nextStep', () => {
  it('retries after the outcome delay until the outcome or lead limit', () => {
    const rules = { busy: { delayMs: 60_000, maxAttempts: 2 } };
    expect(nextStep({ outcome: 'busy', attemptsWithOutcome: 1, leadAttempts: 1 }, rules, 5, 1000)).toEqual({ action: 'retry', atMs: 61_000 });
    expect(nextStep({ outcome: 'busy', attemptsWithOutcome: 2, leadAttempts: 2 }, rules, 5, 1000)).toEqual({ action: 'close', reason: 'outcome_limit' });
    expect(nextStep({ outcome: 'busy', attemptsWithOutcome: 1, leadAttempts: 5 }, rules, 5, 1000)).toEqual({ action: 'close', reason: 'lead_limit' });
  });

  it('falls back to the default rule for an outcome the campaign did not configure', () => {
    expect(nextStep({ outcome: 'noAnswer', attemptsWithOutcome: 1, leadAttempts: 1 }, {}, 5, 0)).toEqual({ action: 'retry', atMs: DEFAULT_RETRY_RULES.noAnswer.delayMs });
  });
});

describe('the default retry table', () => {
  it('is one table: the retry schedule falls back to the campaign defaults', async () => {
    const { DEFAULT_RETRY_RULES: campaignDefaults } = await import('../../../src/domain/campaign/campaign-defaults.ts');
    expect(DEFAULT_RETRY_RULES).toEqual(campaignDefaults);
    for (const outcome of ['noAnswer', 'busy', 'machine', 'failed'] as const) {
      const rule = campaignDefaults[outcome];
      expect(nextStep({ outcome, attemptsWithOutcome: 0, leadAttempts: 1 }, {}, 100, 0)).toEqual({ action: 'retry', atMs: rule.delayMs });
    }
  });

  it('is what a new campaign gets', async () => {
    const { resolveCampaignSettings } = await import('../../../src/domain/campaign/resolve-campaign-settings.ts');
    const created = resolveCampaignSettings(null, { name: 'Spring', dialMode: 'predictive', callerId: '+12125550100', maxAttemptsPerLead: 5 }, { actorRole: 'manager', defaultRegion: 'US' });
    expect(created.retryRules).toEqual(DEFAULT_RETRY_RULES);
  });
});
