import { describe, expect, it } from 'vitest';
import { REPORT_CHART_IDS, renderHtmlReport } from '../../../src/sim/report/html-report.ts';
import { loadScenario } from '../../../src/sim/load-scenario.ts';
import { runSimulation } from '../../../src/sim/run-simulation.ts';

describe('renderHtmlReport on a real simulation', () => {
  it('renders a vicidial run of the 5-agent reference scenario with every chart and no broken numbers', () => {
    const scenario = loadScenario('reference-5');
    const result = runSimulation({
      scenario,
      policy: { name: 'vicidial', maxAbandonRate: scenario.maxAbandonRate, abandonWindow: scenario.abandonWindow },
      seed: 11,
      days: 1,
      recordTimeline: true,
    });
    expect(result.timeline.length).toBeGreaterThan(0);
    // the Vicidial baseline keeps its level within Vicidial's bounds all day
    for (const point of result.timeline) {
      expect(point.dialLevel).toBeGreaterThanOrEqual(1);
      expect(point.dialLevel).toBeLessThanOrEqual(3);
    }
    const html = renderHtmlReport(result);
    expect([...html.matchAll(/data-chart="([^"]+)"/g)].map((m) => m[1])).toEqual([...REPORT_CHART_IDS]);
    expect(html).not.toMatch(/NaN|Infinity|undefined|https?:/);
    expect(html).toContain('reference-5');
    expect(html).toContain(`${(result.utilization * 100).toFixed(2)} %`);
  });
});
