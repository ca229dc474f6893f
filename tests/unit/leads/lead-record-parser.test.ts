import { describe, expect, it } from 'vitest';
import { layoutLeadColumns } from '../../../src/domain/leads/lead-column-layout.ts';
import { createLeadRecordParser } from '../../../src/domain/leads/lead-record-parser.ts';
import { createPhoneNormalizer } from '../../../src/domain/leads/phone-normalizer.ts';
import { createTimeZoneResolver } from '../../../src/domain/leads/time-zone-resolver.ts';

const headers = ['phone', 'phone2', 'phone3', 'first_name', 'state', 'zip', 'timezone', 'Plan', 'Notes'];
const parse = createLeadRecordParser({
  layout: layoutLeadColumns(headers, {}),
  normalizePhone: createPhoneNormalizer('US'),
  // A fixed lookup table keeps this test about the parser, not the datasets.
  resolveTimeZone: createTimeZoneResolver({ zipTimeZone: (zip) => (zip === '10001' ? 'America/New_York' : undefined), phoneTimeZones: () => undefined }),
});

describe('createLeadRecordParser', () => {
  it('normalizes phones, resolves the zone and keeps unknown columns as custom fields', () => {
    const result = parse(['(212) 555-0100', '+1 212 555 0101', '', ' Ann ', 'NY', '10001', '', 'gold', ''], 7);
    expect(result).toEqual({
      ok: true,
      issues: [],
      lead: {
        sourceRow: 7, firstName: 'Ann', lastName: null, email: null, state: 'NY', zip: '10001',
        timezone: 'America/New_York', timezoneSource: 'zip', timezoneCandidates: null,
        custom: { Plan: 'gold' }, phones: ['+12125550100', '+12125550101'], phoneTimeZones: null,
      },
    });
  });

  it('carries a zone per number when the resolver resolves per number', () => {
    const perNumber = createLeadRecordParser({
      layout: layoutLeadColumns(['phone', 'phone2', 'first_name', 'zip'], {}),
      normalizePhone: createPhoneNormalizer('US'),
      resolveTimeZone: createTimeZoneResolver(
        { zipTimeZone: () => 'America/New_York', phoneTimeZones: (e164) => (e164.startsWith('+81') ? ['Asia/Tokyo'] : ['America/New_York']) },
        { perNumber: true },
      ),
    });
    const result = perNumber(['(212) 555-0100', '+81 3-1234-5678', 'Ann', '10001'], 2);
    expect(result.ok && result.lead.phoneTimeZones).toEqual([
      { zone: 'America/New_York', source: 'zip', candidates: null },
      { zone: 'Asia/Tokyo', source: 'phone', candidates: null },
    ]);
  });

  it('keeps a row whose first number is bad but another is good, reporting the bad one', () => {
    const result = parse(['12', '212-555-0100', '212.555.0100', '', '', '', '', '', ''], 3);
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.lead.phones).toEqual(['+12125550100']);
    expect(result.issues).toEqual([{ row: 3, field: 'phone', reason: expect.stringContaining("invalid phone number '12'") }]);
  });

  it('rejects a row without a valid number, naming row and field', () => {
    expect(parse(['', '', '', 'Bob', '', '', '', '', ''], 4)).toEqual({ ok: false, issues: [{ row: 4, field: 'phone', reason: 'no phone number' }] });
    const bad = parse(['(000) 555-0100', 'abc', '', '', '', '', '', '', ''], 5);
    expect(bad.ok).toBe(false);
    expect(bad.issues.map((i) => [i.row, i.field])).toEqual([[5, 'phone'], [5, 'phone2']]);
  });

  it('rejects a row with the wrong number of fields', () => {
    expect(parse(['2125550100', 'x'], 9)).toEqual({ ok: false, issues: [{ row: 9, field: 'row', reason: 'expected 9 fields as in the header, found 2' }] });
  });

  it('rejects a row holding bytes that were not UTF-8, naming the column', () => {
    const result = parse(['2125550100', '', '', 'Jos\uFFFD', '', '', '', '', ''], 11);
    expect(result).toEqual({ ok: false, issues: [{ row: 11, field: 'first_name', reason: expect.stringContaining('not valid UTF-8') }] });
  });

  it('reports an unknown zone name as a row issue but keeps the lead', () => {
    const result = parse(['2125550100', '', '', '', 'TX', '', 'Moon', '', ''], 12);
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.lead).toMatchObject({ timezone: null, timezoneSource: 'ambiguous', timezoneCandidates: ['America/Chicago', 'America/Denver'] });
    expect(result.issues).toEqual([{ row: 12, field: 'timezone', reason: expect.stringContaining("'Moon'") }]);
  });
});
