import { describe, expect, it } from 'vitest';
import { CopyBuffer } from '../../../src/adapters/import/copy-buffer.ts';

describe('CopyBuffer', () => {
  it('writes integers, ASCII, UTF-8 text and raw byte ranges, growing as needed', () => {
    const out = new CopyBuffer(1);
    const expected: string[] = [];
    for (const n of [0, 7, 10, 99, 1000, 1234567890123, Number.MAX_SAFE_INTEGER]) {
      out.integer(n);
      out.ascii('\t+12125550100');
      out.write('\tZoë 😀\n');
      expected.push(`${n}\t+12125550100\tZoë 😀\n`);
    }
    out.ascii('mixed é text\n');
    out.raw(Buffer.from('xxabcxx'), 2, 5);
    out.raw(Buffer.from('\n'));
    expected.push('mixed é text\n', 'abc', '\n');
    for (let i = 0; i < 2000; i++) {
      out.ascii('0123456789');
      expected.push('0123456789');
    }
    expect(out.bytes().toString('utf8')).toBe(expected.join(''));
    out.clear();
    out.write('again');
    expect(out.bytes().toString()).toBe('again');
  });
});
