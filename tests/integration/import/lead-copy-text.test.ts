import { describe, expect, it } from 'vitest';
import { copyText, leadColumnsText } from '../../../src/adapters/import/lead-copy-text.ts';
import type { ParsedLead } from '../../../src/domain/leads/lead-record-parser.ts';

describe('COPY text of a lead', () => {
  it('escapes backslash, tab, newline and CR, and writes null as \\N', () => {
    expect(copyText('plain Zoë')).toBe('plain Zoë');
    expect(copyText('a\\b\tc\nd\re')).toBe('a\\\\b\\tc\\nd\\re');
    expect(copyText(null)).toBe('\\N');
  });

  it('writes the leads columns from source_row to custom, tab-separated', () => {
    const lead: ParsedLead = {
      sourceRow: 7, firstName: 'Ann\tMarie', lastName: null, email: 'a@example.com', state: 'FL', zip: null,
      timezone: null, timezoneSource: 'ambiguous', timezoneCandidates: ['America/New_York', 'America/Chicago'],
      custom: { note: 'said "hi"\nbye', plan: 'gold' }, phones: ['+13055550100'],
    };
    expect(leadColumnsText(lead).split('\t')).toEqual([
      '7', 'Ann\\tMarie', '\\N', 'a@example.com', 'FL', '\\N', '\\N', 'ambiguous',
      '{"America/New_York","America/Chicago"}', '{"note":"said \\\\"hi\\\\"\\\\nbye","plan":"gold"}',
    ]);
    expect(leadColumnsText({ ...lead, timezoneCandidates: null, custom: {} }).split('\t').slice(8)).toEqual(['\\N', '{}']);
  });
});
