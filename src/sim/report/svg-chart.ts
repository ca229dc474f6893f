import { escapeHtml } from './escape-html.ts';

export interface ChartSeries {
  label: string;
  /** CSS colour. */
  color: string;
  values: readonly number[];
  dashed?: boolean;
}

/** Where the points sit on the x axis: positions and where a new segment (a new shift) starts. */
export interface ChartXAxis {
  /** One x position per point, increasing (any unit; scaled to the plot width). */
  positions: readonly number[];
  /** `true` at index i when point i starts a new segment (no line drawn from i - 1). */
  segmentStarts: readonly boolean[];
  ticks: readonly { position: number; label: string }[];
  /** Vertical separators (e.g. day boundaries). */
  separators: readonly number[];
}

export interface ChartSpec {
  /** Stable id, used as the `data-chart` attribute. */
  id: string;
  title: string;
  /** One-line explanation shown under the title. */
  caption: string;
  kind: 'line' | 'stacked';
  x: ChartXAxis;
  series: readonly ChartSeries[];
  yFormat: (value: number) => string;
  /** Fixed y range; otherwise 0 .. a rounded maximum of the data. */
  yMax?: number;
  /** A horizontal reference line (e.g. the abandon cap). */
  reference?: { value: number; label: string; color: string };
}

const WIDTH = 960;
const HEIGHT = 250;
const MARGIN = { left: 64, right: 16, top: 14, bottom: 30 };
const PLOT_W = WIDTH - MARGIN.left - MARGIN.right;
const PLOT_H = HEIGHT - MARGIN.top - MARGIN.bottom;

/**
 * Renders one chart as a `<figure>` holding inline SVG (no external references, no script), with an
 * HTML legend. All text is escaped.
 *
 * @example
 * ```ts
 * const html = renderChart({ id: 'dial-level', title: 'Dial level', caption: 'Lines per agent', kind: 'line',
 *   x: { positions: [0, 60], segmentStarts: [true, false], ticks: [], separators: [] },
 *   series: [{ label: 'Dial level', color: '#6a1b9a', values: [1, 1.4] }], yFormat: (v) => v.toFixed(1) });
 * ```
 */
export function renderChart(spec: ChartSpec): string {
  const n = spec.x.positions.length;
  const legend = spec.series
    .map((s) => `<span class="key"><i style="background:${escapeHtml(s.color)}"></i>${escapeHtml(s.label)}</span>`)
    .concat(spec.reference === undefined ? [] : [`<span class="key"><i class="dash" style="border-color:${escapeHtml(spec.reference.color)}"></i>${escapeHtml(spec.reference.label)}</span>`])
    .join('');
  const body = n === 0 ? emptyPlot() : plot(spec);
  return [
    `<figure class="chart" data-chart="${escapeHtml(spec.id)}">`,
    `<figcaption><h3>${escapeHtml(spec.title)}</h3><p>${escapeHtml(spec.caption)}</p></figcaption>`,
    `<svg viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="${escapeHtml(spec.title)}" preserveAspectRatio="xMidYMid meet">`,
    `<title>${escapeHtml(spec.title)}</title>`,
    body,
    '</svg>',
    `<div class="legend">${legend}</div>`,
    '</figure>',
  ].join('\n');
}

function emptyPlot(): string {
  return [
    frame(),
    `<text x="${WIDTH / 2}" y="${HEIGHT / 2}" text-anchor="middle" class="empty">No timeline recorded for this run</text>`,
  ].join('\n');
}

function frame(): string {
  return `<rect x="${MARGIN.left}" y="${MARGIN.top}" width="${PLOT_W}" height="${PLOT_H}" class="plot"/>`;
}

function plot(spec: ChartSpec): string {
  const { positions } = spec.x;
  const first = positions[0] ?? 0;
  const last = positions[positions.length - 1] ?? first;
  const span = last - first || 1;
  const xOf = (p: number): number => MARGIN.left + ((p - first) / span) * PLOT_W;

  const stacks = spec.kind === 'stacked' ? stackValues(spec.series) : undefined;
  let dataMax = spec.reference?.value ?? 0;
  if (stacks !== undefined) {
    for (const v of stacks.at(-1) ?? []) dataMax = Math.max(dataMax, v);
  } else {
    for (const s of spec.series) for (const v of s.values) if (Number.isFinite(v)) dataMax = Math.max(dataMax, v);
  }
  const ticks = niceTicks(spec.yMax ?? (dataMax > 0 ? dataMax * 1.08 : 1));
  const yTop = ticks.at(-1) ?? 1;
  const yOf = (v: number): number => MARGIN.top + PLOT_H - (Math.max(0, Math.min(v, yTop)) / yTop) * PLOT_H;

  const parts: string[] = [frame()];
  for (const t of ticks) {
    const y = fmt(yOf(t));
    parts.push(`<line x1="${MARGIN.left}" x2="${MARGIN.left + PLOT_W}" y1="${y}" y2="${y}" class="grid"/>`);
    parts.push(`<text x="${MARGIN.left - 6}" y="${y}" dy="0.32em" text-anchor="end" class="tick">${escapeHtml(spec.yFormat(t))}</text>`);
  }
  for (const s of spec.x.separators) {
    const x = fmt(xOf(s));
    parts.push(`<line x1="${x}" x2="${x}" y1="${MARGIN.top}" y2="${MARGIN.top + PLOT_H}" class="sep"/>`);
  }
  for (const t of spec.x.ticks) {
    parts.push(`<text x="${fmt(xOf(t.position))}" y="${HEIGHT - 10}" text-anchor="middle" class="tick">${escapeHtml(t.label)}</text>`);
  }

  const segments = segmentRanges(spec.x.segmentStarts, positions.length);
  if (stacks !== undefined) {
    spec.series.forEach((s, i) => {
      const top = stacks[i] ?? [];
      const bottom = i === 0 ? undefined : stacks[i - 1];
      for (const [from, to] of segments) {
        const pts: string[] = [];
        for (let k = from; k < to; k += 1) pts.push(`${fmt(xOf(positions[k] ?? 0))},${fmt(yOf(top[k] ?? 0))}`);
        for (let k = to - 1; k >= from; k -= 1) pts.push(`${fmt(xOf(positions[k] ?? 0))},${fmt(yOf(bottom?.[k] ?? 0))}`);
        parts.push(`<polygon points="${pts.join(' ')}" fill="${escapeHtml(s.color)}" fill-opacity="0.85" stroke="none"><title>${escapeHtml(s.label)}</title></polygon>`);
      }
    });
  } else {
    for (const s of spec.series) {
      const d: string[] = [];
      for (const [from, to] of segments) {
        let pen = false; // a missing (non-finite) value lifts the pen
        for (let k = from; k < to; k += 1) {
          const v = s.values[k];
          if (v === undefined || !Number.isFinite(v)) {
            pen = false;
            continue;
          }
          d.push(`${pen ? 'L' : 'M'}${fmt(xOf(positions[k] ?? 0))},${fmt(yOf(v))}`);
          pen = true;
        }
      }
      const dash = s.dashed === true ? ' stroke-dasharray="6 4"' : '';
      parts.push(`<path d="${d.join('')}" fill="none" stroke="${escapeHtml(s.color)}" stroke-width="1.6"${dash}><title>${escapeHtml(s.label)}</title></path>`);
    }
  }
  if (spec.reference !== undefined) {
    const y = fmt(yOf(spec.reference.value));
    parts.push(
      `<line x1="${MARGIN.left}" x2="${MARGIN.left + PLOT_W}" y1="${y}" y2="${y}" stroke="${escapeHtml(spec.reference.color)}" stroke-width="1.5" stroke-dasharray="8 5" class="reference"><title>${escapeHtml(spec.reference.label)}</title></line>`,
    );
  }
  return parts.join('\n');
}

/** Cumulative sums: stacks[i][k] = sum of series 0..i at point k. */
function stackValues(series: readonly ChartSeries[]): number[][] {
  const stacks: number[][] = [];
  series.forEach((s, i) => {
    const below = stacks[i - 1];
    stacks.push(s.values.map((v, k) => (Number.isFinite(v) ? v : 0) + (below?.[k] ?? 0)));
  });
  return stacks;
}

function segmentRanges(starts: readonly boolean[], n: number): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  let from = 0;
  for (let k = 1; k < n; k += 1) {
    if (starts[k] === true) {
      ranges.push([from, k]);
      from = k;
    }
  }
  if (n > 0) ranges.push([from, n]);
  return ranges;
}

/** 0 and 4-6 round steps up to at least `max`. */
export function niceTicks(max: number): number[] {
  const target = max > 0 && Number.isFinite(max) ? max : 1;
  const rough = target / 5;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const step = ([1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => s >= rough) ?? 10 * magnitude);
  const ticks: number[] = [];
  for (let i = 0; i * step < target + step * 0.999; i += 1) ticks.push(Number((i * step).toPrecision(12)));
  return ticks;
}

function fmt(n: number): string {
  return (Math.round(n * 10) / 10).toString();
}
