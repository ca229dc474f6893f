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
