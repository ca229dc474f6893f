import { describe, expect, it } from 'vitest';
import { PhoneNumberSet } from '../../../src/domain/leads/phone-number-set.ts';

describe('PhoneNumberSet', () => {
  it('answers exactly like a Set<string>, through growth, for numbers and odd strings alike', () => {
    const set = new PhoneNumberSet(4);
    const reference = new Set<string>();
    let seed = 7;
    const next = (): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed;
    };
    const odd = ['', '+', '+0', '+012', '12125550100', '+1 212', '+1234567890123456', '+999999999999999', 'n/a', '+1212555010x'];
    for (let i = 0; i < 50_000; i++) {
      const value = i % 500 === 0 ? (odd[(i / 500) % odd.length] ?? '') : `+${1 + (next() % 9)}${String(next() % 1_000_000_000).padStart(9, '0')}`;
      expect(set.add(value)).toBe(!reference.has(value));
      reference.add(value);
    }
    expect(set.size).toBe(reference.size);
    for (const value of reference) expect(set.has(value)).toBe(true);
    for (const value of ['+12125550100', '+1', '+01', '+1234567890123456', 'x']) expect(set.has(value)).toBe(reference.has(value));
    expect([...set.values()].sort()).toEqual([...reference].sort());
  });

  it('keeps numbers that differ only by leading zeros or length apart', () => {
    const set = new PhoneNumberSet();
    set.add('+12125550100');
    expect(set.has('+012125550100')).toBe(false);
    expect(set.has('+1212555010')).toBe(false);
    expect(set.has('+121255501000')).toBe(false);
    expect(set.has('+12125550100')).toBe(true);
  });

  it('answers by key as by string, and refuses the empty-slot key', () => {
    const set = new PhoneNumberSet();
    const key = PhoneNumberSet.key('+12125550100');
    expect(key).toBe(12125550100);
    expect(PhoneNumberSet.key('+0123')).toBe(0);
    expect(PhoneNumberSet.key('n/a')).toBe(0);
    expect(set.addKey(key)).toBe(true);
    expect(set.add('+12125550100')).toBe(false);
    expect(set.hasKey(key)).toBe(true);
    expect(set.hasKey(12125550101)).toBe(false);
    expect(set.hasKey(0)).toBe(false);
    expect(() => set.addKey(0)).toThrow(RangeError);
    expect(set.size).toBe(1);
  });

  it('adds newline-separated lines without splitting them first', () => {
    const set = new PhoneNumberSet();
    set.addLines('+12125550100\n+442079460958\n\nnot a number\n+12125550100');
    expect(set.size).toBe(3);
    expect(['+12125550100', '+442079460958', 'not a number'].every((n) => set.has(n))).toBe(true);
    expect(set.has('')).toBe(false);
  });
});
