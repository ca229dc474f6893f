import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { createPhoneNormalizer, NANP_SUFFIX_DEPENDENT_PREFIXES } from '../../../src/domain/leads/phone-normalizer.ts';
import { normalizePhoneNumber } from '../../../src/domain/leads/phone-number.ts';

let seed = 42;
function random(): number {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed / 2147483648;
}

function spellings(national: string): string[] {
  const [a, b, c] = [national.slice(0, 3), national.slice(3, 6), national.slice(6)];
  return [national, `(${a}) ${b}-${c}`, `${a}-${b}-${c}`, `+1${national}`, `1-${a}-${b}-${c}`, `${a}.${b}.${c}`, ` +1 ${a} ${b} ${c} `];
}

describe('createPhoneNormalizer', () => {
  it('answers exactly like libphonenumber for NANP numbers in every common spelling', () => {
    const normalize = createPhoneNormalizer('US');
    let compared = 0;
    for (let i = 0; i < 800; i++) {
      // Any 10 digits: valid, invalid area codes (0xx/1xx), invalid exchanges, Caribbean, Canada, toll-free...
      const national = String(Math.floor(random() * 1e10)).padStart(10, '0');
      for (const raw of spellings(national)) {
        expect(normalize(raw), raw).toEqual(normalizePhoneNumber(raw, 'US'));
        compared += 1;
      }
    }
    // Repeats of already-seen prefixes take the cached path and must still agree.
    for (let i = 0; i < 2000; i++) {
      const national = `212${String(200 + Math.floor(random() * 800))}${String(Math.floor(random() * 1e4)).padStart(4, '0')}`;
      expect(normalize(national)).toEqual(normalizePhoneNumber(national, 'US'));
    }
    expect(compared).toBe(5600);
  });

  it('leaves non-NANP and odd inputs to libphonenumber', () => {
    const normalize = createPhoneNormalizer('US');
    const odd = [
      '+44 20 7946 0958', '+33 1 23 45 67 89', '12', '', 'n/a', '212-555-0100 ext 5', '+1 212 555 01000', '555-0100',
      '(+1) 212 555 0100', '1+2125550100', '++12125550100', '+2125550100', '\u00a0212 555 0100', '\t2125550100\n', '212\u2009555\u20090100',
      '0125550100', '1125550100', '10125550100', '+10125550100', '12125550100', '22125550100', '(212)(555)(0100)', '212--555..0100', '+1+2125550100',
      '２１２５５５０１００', '2125550100x', '99999999999', '+19999999999',
    ];
    for (const raw of odd) {
      expect(normalize(raw)).toEqual(normalizePhoneNumber(raw, 'US'));
    }
    expect(normalize('+44 20 7946 0958')).toMatchObject({ ok: true, e164: '+442079460958', country: 'GB' });
  });

  it('agrees with libphonenumber on random decorated spellings (the fast path\'s edges)', () => {
    const normalize = createPhoneNormalizer('US');
    const pieces = ['+', '1', '(', ')', '-', '.', ' ', '\t', '2', '5', '0', '9', '+1', '212', '555', '0100', '\u00a0', 'x'];
    for (let i = 0; i < 20_000; i++) {
      let raw = '';
      const length = 1 + Math.floor(random() * 9);
      for (let k = 0; k < length; k++) raw += pieces[Math.floor(random() * pieces.length)] ?? '';
      expect(normalize(raw), JSON.stringify(raw)).toEqual(normalizePhoneNumber(raw, 'US'));
    }
  });

  it('answers like libphonenumber for prefixes an earlier normalizer (another import, another region) saw', () => {
    const nationals = Array.from({ length: 300 }, () => String(Math.floor(random() * 1e10)).padStart(10, '0'));
    const first = createPhoneNormalizer('US');
    for (const national of nationals) first(`+1${national}`);
    for (const region of ['CA', 'JM', 'GB', 'US'] as const) {
      const later = createPhoneNormalizer(region);
      for (const national of nationals) {
        for (const raw of spellings(national)) expect(later(raw), `${region} ${raw}`).toEqual(normalizePhoneNumber(raw, region));
      }
    }
  });

  it('reads national numbers in a non-NANP default region without the NANP fast path', () => {
    const normalize = createPhoneNormalizer('GB');
    expect(normalize('020 7946 0958')).toEqual({ ok: true, e164: '+442079460958', country: 'GB' });
    expect(normalize('2125550100')).toEqual(normalizePhoneNumber('2125550100', 'GB'));
    expect(normalize('+1 212 555 0100')).toMatchObject({ ok: true, e164: '+12125550100' });
  });

  it('knows every NANP prefix whose validity depends on digits after the exchange (metadata check)', () => {
    // Recomputes NANP_SUFFIX_DEPENDENT_PREFIXES from libphonenumber-js's metadata: for every area
    // code + exchange, does any number-type pattern of any NANP country give different answers for
    // different line numbers? Fails when a libphonenumber-js update changes the answer.
    const require = createRequire(import.meta.url);
    const metadata = require('libphonenumber-js/metadata.max.json') as {
      country_calling_codes: Record<string, string[]>;
      countries: Record<string, unknown[]>;
    };
    const sources: string[] = [];
    for (const country of metadata.country_calling_codes['1'] ?? []) {
      const types = (metadata.countries[country]?.[11] ?? []) as unknown[];
      for (const type of types) if (Array.isArray(type) && typeof type[0] === 'string' && type[0] !== '') sources.push(type[0]);
    }
    const anyType = new RegExp(`^(?:${sources.map((s) => `(?:${s})`).join('|')})$`);
    const suffixes = ['0000', '1111', '5555', '9999', '0100', '0199', '4321', '7000'];
    const found: string[] = [];
    for (let p = 200000; p < 1000000; p++) {
      const prefix = String(p);
      const first = anyType.test(prefix + suffixes[0]);
      if (suffixes.some((s) => anyType.test(prefix + s) !== first)) found.push(prefix);
    }
    expect(found).toEqual([...NANP_SUFFIX_DEPENDENT_PREFIXES]);
  }, 120_000);
});
