import { describe, expect, it } from 'vitest';
import { isPacerError, type PacerError } from '../../../src/domain/pacer-error.ts';
import { layoutLeadColumns, parseColumnMapping } from '../../../src/domain/leads/lead-column-layout.ts';

function thrown(fn: () => unknown): PacerError {
  try {
    fn();
  } catch (err) {
    if (isPacerError(err)) return err;
    throw err;
  }
  throw new Error('expected a PacerError');
}

describe('layoutLeadColumns', () => {
  it('finds known columns by name, case- and spacing-insensitively, and keeps the rest as custom fields', () => {
    const layout = layoutLeadColumns(['Phone', 'First Name', 'last-name', 'ZIP', 'Plan', ''], {});
    expect(layout.known).toMatchObject({ phone: 0, first_name: 1, last_name: 2, zip: 3, email: undefined, timezone: undefined });
    expect(layout.custom).toEqual([{ name: 'Plan', index: 4 }, { name: 'column_6', index: 5 }]);
    expect(layout.width).toBe(6);
  });

  it('applies the mapping before names', () => {
    const layout = layoutLeadColumns(['Mobile', 'phone', 'Postal Code'], { phone: 'Mobile', zip: 'postal code' });
    expect(layout.known.phone).toBe(0);
    expect(layout.known.zip).toBe(2);
    expect(layout.custom).toEqual([{ name: 'phone', index: 1 }]);
  });

  it("fails without a phone column, listing the headers and spotting a ';' delimiter", () => {
    const err = thrown(() => layoutLeadColumns(['phone;first_name;last_name'], {}));
    expect(err.code).toBe('IMPORT_FAILED');
    expect(err.message).toBe("no 'phone' column; found header 'phone;first_name;last_name' — is the delimiter ';'?");
    expect(err.issues).toEqual([{ field: 'phone', reason: err.message, row: 0 }]);
    expect(thrown(() => layoutLeadColumns(['tel', 'name'], {})).message).toBe("no 'phone' column; found headers 'tel', 'name'");
    expect(thrown(() => layoutLeadColumns(['phone\tname'], {})).message).toContain("is the delimiter '\\t'?");
  });

  it('fails when a mapped header is missing or a header repeats', () => {
    expect(thrown(() => layoutLeadColumns(['tel'], { phone: 'Mobile' })).issues).toEqual([
      { field: 'mapping.phone', reason: "header 'Mobile' is not in the file; found 'tel'" },
    ]);
    expect(thrown(() => layoutLeadColumns(['phone', 'Phone'], {})).message).toBe("header 'Phone' appears more than once");
  });
});

describe('parseColumnMapping', () => {
  it('accepts an object or its JSON text', () => {
    expect(parseColumnMapping('{"phone":"Mobile","zip":"Postal"}')).toEqual({ phone: 'Mobile', zip: 'Postal' });
    expect(parseColumnMapping({ email: 'E-mail' })).toEqual({ email: 'E-mail' });
    expect(parseColumnMapping(undefined)).toEqual({});
    expect(parseColumnMapping('')).toEqual({});
  });

  it('names every bad entry', () => {
    expect(thrown(() => parseColumnMapping('{phone:')).issues).toEqual([{ field: 'mapping', reason: expect.stringContaining('JSON object') }]);
    expect(thrown(() => parseColumnMapping('[1]')).code).toBe('VALIDATION_FAILED');
    const err = thrown(() => parseColumnMapping({ fone: 'Mobile', zip: '', email: 3 }));
    expect(err.code).toBe('VALIDATION_FAILED');
    expect(err.issues.map((i) => i.field)).toEqual(['mapping.fone', 'mapping.zip', 'mapping.email']);
  });
});
