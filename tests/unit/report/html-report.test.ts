import { describe, expect, it } from 'vitest';
import { REPORT_CHART_IDS, renderHtmlReport } from '../../../src/sim/report/html-report.ts';
import { escapeHtml } from '../../../src/sim/report/escape-html.ts';
import { niceTicks } from '../../../src/sim/report/svg-chart.ts';
import { MAX_CHART_POINTS, layoutTimeline } from '../../../src/sim/report/timeline-axis.ts';
import type { SimulationResult, TimelinePoint } from '../../../src/sim/simulation-result.ts';

function timeline(days: number, minutesPerDay: number): TimelinePoint[] {
  const points: TimelinePoint[] = [];
  for (let d = 0; d < days; d += 1) {
    for (let m = 0; m < minutesPerDay; m += 1) {
      points.push({
        atSec: d * 86_400 + m * 60,
        dialLevel: 1 + (m % 30) / 30,
        agentsReady: 3,
        agentsOnCall: 12,
        agentsWrapUp: 4,
        agentsPaused: 1,
        callsInFlight: 9,
        rollingAbandonRate: 0.01 + m / (minutesPerDay * 100),
        utilization: 0.8,
      });
    }
  }
  return points;
}

function result(overrides: Partial<SimulationResult> = {}): SimulationResult {
  return {
    scenario: 'reference',
    policy: 'predictive',
    seed: 7,
    agents: 20,
    days: 1,
    shiftHours: 8,
    simulatedSec: 86_400,
    dials: 12_345,
    humanAnswers: 4_000,
    machineAnswers: 900,
    failed: 1_200,
    noAnswer: 6_245,
    connects: 3_900,
    abandoned: 100,
    amdFalsePositives: 12,
    abandonRate: 0.025,
    worstWindowAbandonRate: 0.025,
    windowsOverCap: 0,
    windowsEvaluated: 1,
    abandonTarget: null,
    windowsOverTarget: 0,
    windowsOverTwoPercent: 0,
    restarts: 0,
    utilization: 0.8123,
    talkOccupancy: 0.61,
    meanAgentWaitSec: 14.2,
    p95AgentWaitSec: 48.9,
    connectsPerAgentHour: 24.4,
    dialsPerConnect: 3.17,
    leadsUsed: 9_000,
    leadsExhausted: false,
    agentHours: 160,
    maxAbandonRate: 0.03,
    abandonWindow: '30d',
    engineBudget: { maxAbandonRate: 0.03, liveAnswers: 4_000, abandoned: 98 },
    engineAbandonRate: 0.0245,
    timeline: timeline(1, 480),
    ...overrides,
  };
}

function chartFigure(html: string, id: string): string {
  const start = html.indexOf(`<figure class="chart" data-chart="${id}">`);
  expect(start).toBeGreaterThanOrEqual(0);
  return html.slice(start, html.indexOf('</figure>', start));
}

describe('renderHtmlReport', () => {
  it('is one self-contained page: no URLs, scripts, external styles or fonts', () => {
    const html = renderHtmlReport(result());
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).not.toMatch(/https?:/i);
    expect(html).not.toMatch(/\b(src|href)\s*=/i);
    expect(html).not.toMatch(/<script|<link|@import|url\(/i);
    expect(html).toContain('<style>');
    expect(html).not.toContain('NaN');
  });

  it('escapes the scenario name everywhere it appears', () => {
    const html = renderHtmlReport(result({ scenario: '<script>alert("pwned")</script> & co' }));
    expect(html).not.toContain('<script');
    expect(html).toContain('&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt; &amp; co');
    expect(escapeHtml(`<a href='x'>`)).toBe('&lt;a href=&#39;x&#39;&gt;');
  });

  it('draws one chart per series: dial level, agents by state, abandon vs cap, utilization, calls in flight', () => {
    const html = renderHtmlReport(result());
    const ids = [...html.matchAll(/data-chart="([^"]+)"/g)].map((m) => m[1]);
    expect(ids).toEqual([...REPORT_CHART_IDS]);
    for (const id of ['dial-level', 'rolling-abandon-rate', 'utilization', 'calls-in-flight']) {
      expect(chartFigure(html, id).match(/<path d="M/g)).toHaveLength(1);
    }
    // four stacked states, one shift: four polygons
    const agents = chartFigure(html, 'agents-by-state');
    expect(agents.match(/<polygon /g)).toHaveLength(4);
    for (const state of ['Ready', 'On call', 'Wrap-up', 'Paused']) expect(agents).toContain(`<title>${state}</title>`);
    // the cap is drawn as a reference line on the abandon chart only
    expect(chartFigure(html, 'rolling-abandon-rate')).toContain('class="reference"');
    expect(chartFigure(html, 'rolling-abandon-rate')).toContain('Cap 3.00 %');
    expect(chartFigure(html, 'dial-level')).not.toContain('class="reference"');
  });

  it('shows the headline figures and flags an abandon rate over the cap', () => {
    const ok = renderHtmlReport(result());
    expect(ok).toContain('81.23 %');
    expect(ok).toContain('12\u2009345');
    expect(ok).toContain('24.4');
    expect(ok).toContain('14.2 s');
    expect(ok).toContain('p95 48.9 s');
    expect(ok).not.toContain('card bad');
    const over = renderHtmlReport(result({ abandonRate: 0.041, worstWindowAbandonRate: 0.05, windowsOverCap: 3, windowsEvaluated: 10 }));
    expect(over.match(/class="card bad"/g)).toHaveLength(2);
    expect(over).toContain('3 of 10 windows over the cap');
  });

  it('renders an empty timeline without crashing', () => {
    const html = renderHtmlReport(result({ timeline: [] }));
    expect(html.match(/No timeline recorded/g)).toHaveLength(REPORT_CHART_IDS.length);
    expect(html).not.toContain('NaN');
    expect(html).not.toContain('<path');
  });

  it('lays several days side by side, one segment per shift, and averages long runs down', () => {
    const html = renderHtmlReport(result({ days: 3, timeline: timeline(3, 60) }));
    const dial = chartFigure(html, 'dial-level');
    // three shifts: three "M" moves in the one path, two day separators, a Day 2 label
    expect(dial.match(/[M]\d/g)).toHaveLength(3);
    expect(dial.match(/class="sep"/g)).toHaveLength(2);
    expect(dial).toContain('Day 2');
    expect(chartFigure(html, 'agents-by-state').match(/<polygon /g)).toHaveLength(12);

    const long = layoutTimeline(timeline(30, 480));
    expect(long.points.length).toBeLessThanOrEqual(MAX_CHART_POINTS);
    expect(long.x.segmentStarts.filter(Boolean)).toHaveLength(30);
    // averaging keeps the values of constant series
    expect(new Set(long.points.map((p) => p.agentsOnCall))).toEqual(new Set([12]));
  });

  it('leaves a gap instead of printing NaN when a point has no value', () => {
    const points = timeline(1, 10).map((p, i) => (i === 4 ? { ...p, rollingAbandonRate: Number.NaN, dialLevel: Number.POSITIVE_INFINITY } : p));
    const html = renderHtmlReport(result({ timeline: points }));
    expect(html).not.toMatch(/NaN|Infinity/);
    // the pen lifts at the missing point: two moves in one path
    expect(chartFigure(html, 'rolling-abandon-rate').match(/[M]\d/g)).toHaveLength(2);
  });

  it('picks round y ticks', () => {
    expect(niceTicks(3.24)).toEqual([0, 1, 2, 3, 4]);
    expect(niceTicks(0.034)).toEqual([0, 0.01, 0.02, 0.03, 0.04]);
    expect(niceTicks(0)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
  });
});
