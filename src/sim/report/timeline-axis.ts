import type { TimelinePoint } from '../simulation-result.ts';
import type { ChartXAxis } from './svg-chart.ts';

/** Above this many points a chart's series are averaged into buckets (keeps the page light). */
export const MAX_CHART_POINTS = 1_200;
const DAY_SEC = 86_400;

export interface ChartTimeline {
  points: TimelinePoint[];
  x: ChartXAxis;
}

/**
 * Lays a run's timeline out for charts: shifts (runs of points without a gap) are placed side by side
 * so nights do not take up the width, each shift is labelled "Day N", and long runs are averaged
 * down to at most {@link MAX_CHART_POINTS} points (bucket averages, never crossing a shift).
 *
 * @example
 * ```ts
 * const { points, x } = layoutTimeline(result.timeline);
 * ```
 */
export function layoutTimeline(timeline: readonly TimelinePoint[]): ChartTimeline {
  if (timeline.length === 0) return { points: [], x: { positions: [], segmentStarts: [], ticks: [], separators: [] } };
  const sorted = [...timeline].sort((a, b) => a.atSec - b.atSec);
  const gapSec = gapThresholdSec(sorted);

  // split into shifts
  const segments: TimelinePoint[][] = [];
  let current: TimelinePoint[] = [];
  for (const point of sorted) {
    const prev = current.at(-1);
    if (prev !== undefined && point.atSec - prev.atSec > gapSec) {
      segments.push(current);
      current = [];
    }
    current.push(point);
  }
  segments.push(current);

  const bucket = Math.max(1, Math.ceil(sorted.length / MAX_CHART_POINTS));
  const points: TimelinePoint[] = [];
  const positions: number[] = [];
  const segmentStarts: boolean[] = [];
  const ticks: { position: number; label: string }[] = [];
  const separators: number[] = [];
  let offset = 0;
  const labelEvery = Math.max(1, Math.ceil(segments.length / 10));

  segments.forEach((segment, index) => {
    const start = segment[0]?.atSec ?? 0;
    const end = segment.at(-1)?.atSec ?? start;
    if (index > 0) separators.push(offset);
    if (index % labelEvery === 0) {
      const label = segments.length === 1 ? clock(start) : `Day ${Math.floor(start / DAY_SEC) + 1}`;
      ticks.push({ position: offset, label });
    }
    for (let k = 0; k < segment.length; k += bucket) {
      const slice = segment.slice(k, k + bucket);
      const merged = average(slice);
      points.push(merged);
      positions.push(offset + (merged.atSec - start));
      segmentStarts.push(k === 0);
    }
    if (segments.length === 1) {
      // a single shift: hourly-ish ticks on its own clock
      const stepSec = tickStepSec(end - start);
      for (let t = stepSec; t < end - start; t += stepSec) ticks.push({ position: offset + t, label: clock(start + t) });
    }
    offset += Math.max(end - start, 60) + gapPadSec(end - start);
  });
  return { points, x: { positions, segmentStarts, ticks, separators } };
}

/** A gap is anything longer than 10 x the usual spacing (and at least 10 min). */
function gapThresholdSec(sorted: readonly TimelinePoint[]): number {
  const steps: number[] = [];
  for (let i = 1; i < sorted.length; i += 1) steps.push((sorted[i]?.atSec ?? 0) - (sorted[i - 1]?.atSec ?? 0));
  steps.sort((a, b) => a - b);
  const median = steps[Math.floor(steps.length / 2)] ?? 60;
  return Math.max(600, median * 10);
}

function gapPadSec(segmentSec: number): number {
  return Math.max(60, segmentSec * 0.01);
}

function tickStepSec(spanSec: number): number {
  for (const step of [900, 1800, 3600, 7200, 14_400, 28_800, DAY_SEC]) if (spanSec / step <= 12) return step;
  return DAY_SEC;
}

/** "Day-relative" clock: seconds since the day's start as +HH:MM (the simulator starts shifts at day x 86400). */
function clock(atSec: number): string {
  const sec = ((atSec % DAY_SEC) + DAY_SEC) % DAY_SEC;
  const h = Math.floor(sec / 3600);
  const m = Math.floor((sec % 3600) / 60);
  return `+${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`;
}

function average(slice: readonly TimelinePoint[]): TimelinePoint {
  const n = slice.length;
  const first = slice[0];
  if (n === 1 && first !== undefined) return first;
  const sum = (pick: (p: TimelinePoint) => number): number => slice.reduce((s, p) => s + pick(p), 0) / n;
  return {
    atSec: sum((p) => p.atSec),
    dialLevel: sum((p) => p.dialLevel),
    agentsReady: sum((p) => p.agentsReady),
    agentsOnCall: sum((p) => p.agentsOnCall),
    agentsWrapUp: sum((p) => p.agentsWrapUp),
    agentsPaused: sum((p) => p.agentsPaused),
    callsInFlight: sum((p) => p.callsInFlight),
    rollingAbandonRate: sum((p) => p.rollingAbandonRate),
    utilization: sum((p) => p.utilization),
  };
}
