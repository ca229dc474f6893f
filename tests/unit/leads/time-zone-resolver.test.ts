import { describe, expect, it } from 'vitest';
import { createTimeZoneResolver, usZip5 } from '../../../src/domain/leads/time-zone-resolver.ts';
import { regionTimeZones, zoneAliasTimeZones } from '../../../src/domain/leads/region-time-zones.ts';
import { createPackagedTimeZoneLookups } from '../../../src/adapters/import/packaged-time-zone-lookups.ts';

const resolve = createTimeZoneResolver(createPackagedTimeZoneLookups());
const NYC = '+12125550100';

describe('createTimeZoneResolver (with the packaged ZIP and phone-prefix data)', () => {
  it('takes an explicit IANA zone from the timezone column first, in any case', () => {
    expect(resolve({ timezone: 'america/chicago', zip: '10001', phones: [NYC] })).toEqual({ zone: 'America/Chicago', source: 'column', candidates: null, issues: [] });
  });

  it('accepts North American abbreviations; MST and AST stand for two zones and stay ambiguous', () => {
    expect(resolve({ timezone: 'EST', phones: [] })).toMatchObject({ zone: 'America/New_York', source: 'column' });
    expect(resolve({ timezone: 'Pacific Time', phones: [] })).toMatchObject({ zone: 'America/Los_Angeles', source: 'column' });
    expect(resolve({ timezone: 'MST', phones: [] })).toEqual({ zone: null, source: 'ambiguous', candidates: ['America/Denver', 'America/Phoenix'], issues: [] });
  });

  it('reports an unrecognized zone name and falls back to the next source', () => {
    const r = resolve({ timezone: 'Mars/Olympus', zip: '94103', phones: [NYC] });
    expect(r).toMatchObject({ zone: 'America/Los_Angeles', source: 'zip' });
    expect(r.issues).toEqual([{ field: 'timezone', reason: expect.stringContaining("unknown time zone 'Mars/Olympus'") }]);
  });

  it('uses the ZIP before the state and the number, also ZIP+4 and ZIPs that lost their leading zero', () => {
    expect(resolve({ zip: '33101', state: 'FL', phones: [NYC] })).toMatchObject({ zone: 'America/New_York', source: 'zip' });
    expect(resolve({ zip: '32501', state: 'FL', phones: [NYC] })).toMatchObject({ zone: 'America/Chicago', source: 'zip' }); // Pensacola
    expect(resolve({ zip: '94103-1234', phones: [] })).toMatchObject({ zone: 'America/Los_Angeles', source: 'zip' });
    expect(resolve({ zip: '2134', phones: [] })).toMatchObject({ zone: 'America/New_York', source: 'zip' }); // 02134 Boston
  });

  it('uses a single-zone state, and calls a multi-zone state ambiguous with its zones', () => {
    expect(resolve({ state: 'ny', phones: ['+13125550100'] })).toMatchObject({ zone: 'America/New_York', source: 'state' });
    expect(resolve({ state: 'Texas', phones: [NYC] })).toEqual({ zone: null, source: 'ambiguous', candidates: ['America/Chicago', 'America/Denver'], issues: [] });
    expect(resolve({ zip: '00000', state: 'FL', phones: [] })).toMatchObject({ source: 'ambiguous', candidates: ['America/New_York', 'America/Chicago'] });
  });

  it('falls back to the number prefix; Alaska and toll-free numbers are ambiguous', () => {
    expect(resolve({ phones: ['+13125550100'] })).toMatchObject({ zone: 'America/Chicago', source: 'phone' });
    expect(resolve({ state: 'Narnia', phones: ['+442079460958'] })).toMatchObject({ zone: 'Europe/London', source: 'phone' });
    const alaska = resolve({ phones: ['+19075550100'] });
    expect(alaska).toMatchObject({ zone: null, source: 'ambiguous' });
    expect(alaska.candidates).toEqual(expect.arrayContaining(['America/Anchorage', 'America/Adak']));
    const tollFree = resolve({ phones: ['+18005550100'] });
    expect(tollFree.source).toBe('ambiguous');
    expect(tollFree.candidates?.length).toBeGreaterThan(10);
  });

  it('says unknown when nothing locates the callee', () => {
    expect(resolve({ phones: [] })).toEqual({ zone: null, source: 'unknown', candidates: null, issues: [] });
    expect(resolve({ zip: 'SW1A 1AA', state: '', phones: [] })).toMatchObject({ source: 'unknown' });
  });
});

describe('region and alias tables', () => {
  it('know every multi-zone US state the dialer must not guess', () => {
    for (const state of ['FL', 'IN', 'KY', 'TN', 'TX', 'ND', 'SD', 'NE', 'KS', 'OR', 'ID', 'MI', 'AK']) {
      expect(regionTimeZones(state)?.length, state).toBeGreaterThan(1);
    }
    expect(regionTimeZones('District of Columbia')).toEqual(['America/New_York']);
    expect(regionTimeZones('QC')).toEqual(['America/Toronto', 'America/Halifax']);
    expect(regionTimeZones('ZZ')).toBeUndefined();
    expect(zoneAliasTimeZones('cdt')).toEqual(['America/Chicago']);
    expect(zoneAliasTimeZones('Europe/Paris')).toBeUndefined();
  });

  it('only names zones that exist', () => {
    const zones = new Set<string>();
    for (const code of ['AL', 'AK', 'AZ', 'FL', 'HI', 'ID', 'IN', 'MI', 'NU', 'NL', 'SK', 'BC', 'PR', 'GU', 'AS', 'MP', 'VI', 'YT', 'NT']) {
      for (const z of regionTimeZones(code) ?? []) zones.add(z);
    }
    for (const alias of ['EST', 'MST', 'AST', 'NST', 'HST', 'AKST']) for (const z of zoneAliasTimeZones(alias) ?? []) zones.add(z);
    for (const zone of zones) expect(() => new Intl.DateTimeFormat('en-US', { timeZone: zone }), zone).not.toThrow();
  });

  it('reads ZIP codes', () => {
    expect(usZip5(' 02134 ')).toBe('02134');
    expect(usZip5('2134')).toBe('02134');
    expect(usZip5('12345-6789')).toBe('12345');
    expect(usZip5('123')).toBeUndefined();
    expect(usZip5('K1A 0B1')).toBeUndefined();
  });
});

describe('createTimeZoneResolver with perNumber: a zone for each number', () => {
  const perNumber = createTimeZoneResolver(createPackagedTimeZoneLookups(), { perNumber: true });
  const TOKYO = '+81312345678';
  const LONDON = '+442079460000';
  const MIAMI = '+13055550100';

  it('gives each number the zone of its own prefix; the lead keeps its first-number zone', () => {
    const r = perNumber({ phones: [NYC, TOKYO, LONDON] });
    expect(r).toMatchObject({ zone: 'America/New_York', source: 'phone' });
    expect(r.numbers).toEqual([
      { zone: 'America/New_York', source: 'phone', candidates: null },
      { zone: 'Asia/Tokyo', source: 'phone', candidates: null },
      { zone: 'Europe/London', source: 'phone', candidates: null },
    ]);
  });

  it('narrows a number by the ZIP / state / column only where they agree', () => {
    // ZIP 10001 is New York: agrees with the 212 number (source zip), not with the Tokyo one (its prefix wins).
    expect(perNumber({ zip: '10001', phones: [NYC, TOKYO] }).numbers).toEqual([
      { zone: 'America/New_York', source: 'zip', candidates: null },
      { zone: 'Asia/Tokyo', source: 'phone', candidates: null },
    ]);
    // Florida spans two zones; the 305 number's prefix is among them.
    expect(perNumber({ state: 'FL', phones: [MIAMI] }).numbers).toEqual([{ zone: 'America/New_York', source: 'state', candidates: null }]);
    expect(perNumber({ timezone: 'Asia/Tokyo', phones: [NYC, TOKYO] }).numbers).toEqual([
      { zone: 'America/New_York', source: 'phone', candidates: null },
      { zone: 'Asia/Tokyo', source: 'column', candidates: null },
    ]);
  });

  it('keeps an ambiguous prefix ambiguous unless the evidence picks one of its zones', () => {
    const alaska = '+19075550100';
    expect(perNumber({ phones: [alaska] }).numbers).toEqual([{ zone: null, source: 'ambiguous', candidates: ['America/Adak', 'America/Anchorage'] }]);
    expect(perNumber({ timezone: 'America/Anchorage', phones: [alaska] }).numbers).toEqual([{ zone: 'America/Anchorage', source: 'column', candidates: null }]);
  });

  it('takes the lead evidence for a number of unknown prefix, and unknown without either', () => {
    const lookups = { zipTimeZone: (zip: string) => (zip === '10001' ? 'America/New_York' : undefined), phoneTimeZones: () => undefined };
    const r = createTimeZoneResolver(lookups, { perNumber: true });
    expect(r({ zip: '10001', phones: ['+999123'] }).numbers).toEqual([{ zone: 'America/New_York', source: 'zip', candidates: null }]);
    expect(r({ phones: ['+999123'] }).numbers).toEqual([{ zone: null, source: 'unknown', candidates: null }]);
  });

  it('returns the same object for the same prefix and evidence (no object per number)', () => {
    const a = perNumber({ zip: '10001', phones: [NYC] }).numbers?.[0];
    const b = perNumber({ zip: '10001', phones: ['+12125550199'] }).numbers?.[0];
    expect(a).toBe(b);
    expect(perNumber({ phones: [NYC] }).numbers).toBeDefined();
    expect(resolve({ phones: [NYC] }).numbers).toBeUndefined();
  });
});
