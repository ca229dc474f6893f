/** First characters a spreadsheet reads as the start of a formula (OWASP "CSV Injection"). */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * A phone number in E.164 (`+` then 1-15 digits) or a plain number: a spreadsheet reads it as a
 * number at worst, never as a formula that calls a function or another program, so it is kept as
 * it is (compliance tooling matches numbers in E.164; `'+1202…` would break every join).
 */
const HARMLESS_NUMBER = /^[+-]?\d{1,15}(?:\.\d+)?$/;

/**
 * Neutralises a CSV cell against formula injection: a value starting with `=`, `+`, `-`, `@`, tab
 * or carriage return gets a leading `'`, as OWASP recommends, except a bare E.164 number or plain
 * number (see HARMLESS_NUMBER). Applied to every string cell of every CSV the service writes;
 * NDJSON keeps the values as they are.
 *
 * @example
 * ```ts
 * neutraliseCsvFormula('=HYPERLINK("http://x")'); // "'=HYPERLINK(\"http://x\")"
 * neutraliseCsvFormula('+12025550123');           // '+12025550123'
 * neutraliseCsvFormula('+cmd|calc');               // "'+cmd|calc"
 * ```
 */
export function neutraliseCsvFormula(value: string): string {
  if (!FORMULA_START.test(value) || HARMLESS_NUMBER.test(value)) return value;
  return `'${value}`;
}
