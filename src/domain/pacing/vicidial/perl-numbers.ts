/**
 * Perl's `sprintf` rounding, which Vicidial applies to every stored dial level and percentage.
 * C's printf rounds the exact binary value to nearest and, on an exact tie, to even
 * (`sprintf("%.0f", 2.5)` is `2`, `sprintf("%.0f", 3.5)` is `4`).
 *
 * @example
 * ```ts
 * perlRound(2.5, 0); // 2   (sprintf("%.0f", 2.5))
 * perlRound(1.23456, 3); // 1.235 (sprintf("%.3f", 1.23456))
 * ```
 */
export function perlRound(value: number, decimals: number): number {
  if (!Number.isFinite(value)) return value;
  const scale = 10 ** decimals;
  const scaled = value * scale;
  const floor = Math.floor(scaled);
  const diff = scaled - floor;
  // An exact binary tie only survives the scaling when `scaled` is exactly k + 0.5.
  if (diff === 0.5) {
    const even = floor % 2 === 0 ? floor : floor + 1;
    return even / scale;
  }
  return Number(value.toFixed(decimals));
}
