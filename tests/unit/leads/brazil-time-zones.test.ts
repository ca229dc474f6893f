import { DateTime, IANAZone } from 'luxon';
import { describe, expect, it } from 'vitest';
import { createPackagedTimeZoneLookups, loadPhonePrefixTimeZones } from '../../../src/adapters/import/packaged-time-zone-lookups.ts';
import { BRAZIL_DDD_TIME_ZONES, brazilTimeZones } from '../../../src/domain/leads/brazil-time-zones.ts';
import { normalizePhoneNumber } from '../../../src/domain/leads/phone-number.ts';
import { createTimeZoneResolver } from '../../../src/domain/leads/time-zone-resolver.ts';

/** UTC offset (minutes) of every DDD by its state, from the states' legal time (Lei 11.662/2008, Decreto 9.772/2019). */
const OFFSET_BY_DDD: Record<string, number | readonly number[]> = {};
const put = (ddds: string, minutes: number | readonly number[]) => {
  for (const d of ddds.split(' ')) OFFSET_BY_DDD[d] = minutes;
};
put('11 12 13 14 15 16 17 18 19 21 22 24 27 28 31 32 33 34 35 37 38 41 42 43 44 45 46 47 48 49 51 53 54 55 61 62 64 63', -180);
put('71 73 74 75 77 79 81 82 83 84 85 86 87 88 89 91 93 94 96 98 99', -180);
put('65 66 67 69 92 95', -240);
put('68', -300);
put('97', [-240, -300]);

const lookups = createPackagedTimeZoneLookups();
const offsetsOf = (zones: readonly string[], atIso: string): number[] => zones.map((z) => DateTime.fromISO(atIso, { zone: z }).offset);

describe("Brazil's time zones by DDD (Pacer's table over Google's prefix data)", () => {
  it('covers exactly the 67 DDDs in use, each with a valid IANA zone at its legal offset, with no daylight saving time', () => {
    expect(Object.keys(BRAZIL_DDD_TIME_ZONES).sort()).toEqual(Object.keys(OFFSET_BY_DDD).sort());
    expect(Object.keys(BRAZIL_DDD_TIME_ZONES)).toHaveLength(67);
    for (const [ddd, zones] of Object.entries(BRAZIL_DDD_TIME_ZONES)) {
      for (const z of zones) expect(IANAZone.isValidZone(z), `${ddd}: ${z}`).toBe(true);
      const want = OFFSET_BY_DDD[ddd];
      const expected = typeof want === 'number' ? [want] : [...(want ?? [])];
      // January and July: the same offset (no DST since 2019).
      expect({ ddd, jan: offsetsOf(zones, '2027-01-15T12:00'), jul: offsetsOf(zones, '2026-07-15T12:00') }).toEqual({ ddd, jan: expected, jul: expected });
    }
  });

  it('fixes what Google gets wrong: Recife mobiles, Pará, Roraima', () => {
    const google = loadPhonePrefixTimeZones();
    // The defect, so this test shows what the table corrects: Google puts 55819 in Noronha (UTC-2).
    expect(google.get('55819')).toEqual(['America/Noronha']);
    expect(lookups.phoneTimeZones('+5581987654321')).toEqual(['America/Recife']);
    expect(lookups.phoneTimeZones('+5591987654321')).toEqual(['America/Belem']);
    expect(lookups.phoneTimeZones('+5593991234567')).toEqual(['America/Santarem']);
    expect(lookups.phoneTimeZones('+5594991234567')).toEqual(['America/Belem']);
    expect(lookups.phoneTimeZones('+5595991234567')).toEqual(['America/Boa_Vista']);
    expect(lookups.phoneTimeZones('+5568999123456')).toEqual(['America/Rio_Branco']);
    expect(lookups.phoneTimeZones('+5511987654321')).toEqual(['America/Sao_Paulo']);
  });

  it('keeps the exceptions: Fernando de Noronha on DDD 81, DDD 97 in two zones; an unused DDD has no zone', () => {
    expect(brazilTimeZones('+558136191234')).toEqual(['America/Noronha']);
    expect(brazilTimeZones('+558133331234')).toEqual(['America/Recife']);
    expect(brazilTimeZones('+5597981234567')).toEqual(['America/Manaus', 'America/Eirunepe']);
    expect(lookups.phoneTimeZones('+5520987654321')).toBeUndefined();
    expect(brazilTimeZones('+12125550100')).toBeUndefined();
  });

  it('resolves a lead: a Recife mobile in Recife (07:30 there is before 08:00), DDD 97 ambiguous with both zones as candidates', () => {
    const resolve = createTimeZoneResolver(lookups);
    expect(resolve({ phones: ['+5581987654321'] })).toMatchObject({ zone: 'America/Recife', source: 'phone' });
    expect(resolve({ phones: ['+5597981234567'] })).toMatchObject({ zone: null, source: 'ambiguous', candidates: ['America/Manaus', 'America/Eirunepe'] });
    // 10:30 UTC = 07:30 in Recife (outside 08:00-21:00), 08:30 in Noronha (inside): the zone decides.
    expect(DateTime.fromISO('2026-12-07T10:30:00Z').setZone('America/Recife').hour).toBe(7);
  });
});

describe('Brazilian legacy 8-digit mobiles', () => {
  it('gain their 9 (E.164 with nine digits after the DDD); landlines and other countries are unchanged', () => {
    expect(normalizePhoneNumber('+558187654321', 'BR')).toMatchObject({ ok: true, e164: '+5581987654321' });
    expect(normalizePhoneNumber('(81) 8765-4321', 'BR')).toMatchObject({ ok: true, e164: '+5581987654321' });
    expect(normalizePhoneNumber('(21) 9876-5432', 'BR')).toMatchObject({ ok: true, e164: '+5521998765432' });
    expect(normalizePhoneNumber('(81) 3333-1234', 'BR')).toMatchObject({ ok: true, e164: '+558133331234' });
    expect(normalizePhoneNumber('+5581987654321', 'US')).toMatchObject({ ok: true, e164: '+5581987654321' });
    expect(normalizePhoneNumber('(20) 8765-4321', 'BR')).toMatchObject({ ok: false });
  });
});
