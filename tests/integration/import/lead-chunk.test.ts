import { describe, expect, it } from 'vitest';
import { LeadChunk } from '../../../src/adapters/import/lead-chunk.ts';

describe('LeadChunk', () => {
  it('keeps each lead\'s bytes and numbers, packed or not, until cleared', () => {
    const chunk = new LeadChunk(2);
    let start = chunk.text.length;
    chunk.text.write('1\tZoë');
    chunk.push(start, ['+12125550100', '+442079460958']);
    start = chunk.text.length;
    chunk.text.write('2\tAnn');
    chunk.push(start, ['+0123', '+12125550101', 'odd']);
    expect(chunk.size).toBe(2);
    expect(chunk.full).toBe(true);
    expect(chunk.text.bytes().subarray(chunk.start(0), chunk.end(0)).toString()).toBe('1\tZoë');
    expect(chunk.text.bytes().subarray(chunk.start(1), chunk.end(1)).toString()).toBe('2\tAnn');
    expect([chunk.phoneCount(0), chunk.phoneCount(1)]).toEqual([2, 3]);
    expect(chunk.phoneKey(0, 0)).toBe(12125550100);
    expect([0, 1].map((k) => chunk.phone(0, k))).toEqual(['+12125550100', '+442079460958']);
    // '+0123' and 'odd' do not pack: kept as text, key 0.
    expect([0, 1, 2].map((k) => chunk.phoneKey(1, k))).toEqual([0, 12125550101, 0]);
    expect([0, 1, 2].map((k) => chunk.phone(1, k))).toEqual(['+0123', '+12125550101', 'odd']);
    expect(() => chunk.push(0, ['+12125550102'])).toThrow(RangeError);

    chunk.clear();
    expect([chunk.size, chunk.full, chunk.text.length]).toEqual([0, false, 0]);
    chunk.push(0, ['odd2']);
    expect(chunk.phone(0, 0)).toBe('odd2');
  });

  it('refuses a lead without numbers or with more than three', () => {
    const chunk = new LeadChunk(4);
    expect(() => chunk.push(0, [])).toThrow(RangeError);
    expect(() => chunk.push(0, ['+1', '+2', '+3', '+4'])).toThrow(RangeError);
    expect(chunk.size).toBe(0);
  });
});
