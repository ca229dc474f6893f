import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { run } from '../../../src/cli/commands/simulate.ts';

function capture(): { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    err += String(chunk);
    return true;
  });
  return { out: () => out, err: () => err };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('pacer simulate', () => {
  it('prints one JSON object with the contract fields', async () => {
    const io = capture();
    const code = await run(['--scenario', 'reference-5', '--policy', 'ratio', '--ratio', '1.5', '--seed', '3', '--days', '1', '--json']);
    expect(code).toBe(0);
    const lines = io.out().trim().split('\n');
    expect(lines).toHaveLength(1);
    const r = JSON.parse(lines[0] ?? '') as Record<string, unknown>;
    for (const k of ['scenario', 'policy']) expect(typeof r[k]).toBe('string');
    for (const k of ['seed', 'agents', 'simulatedSec', 'dials', 'humanAnswers', 'machineAnswers', 'abandoned', 'abandonRate', 'worstWindowAbandonRate', 'windowsOverCap', 'utilization', 'talkOccupancy', 'meanAgentWaitSec', 'p95AgentWaitSec', 'connectsPerAgentHour', 'dialsPerConnect']) {
      expect(typeof r[k], k).toBe('number');
    }
    expect(r).toMatchObject({ scenario: 'reference-5', policy: 'ratio', seed: 3, agents: 5, simulatedSec: 86_400 });
    expect(r['timeline']).toBeUndefined();
  });

  it('prints a readable summary by default', async () => {
    const io = capture();
    expect(await run(['--scenario', 'reference-5', '--policy', 'progressive', '--days', '1'])).toBe(0);
    expect(io.out()).toMatch(/utilization\s+\d+\.\d %/);
    expect(io.out()).toMatch(/abandoned\s+0 /);
  });

  it.each([
    [['--policy', 'progressive'], /--scenario is required/],
    [['--scenario', 'reference', '--policy', 'psychic'], /unknown policy 'psychic'/],
    [['--scenario', 'reference', '--policy', 'ratio', '--ratio', 'lots'], /--ratio must be a number/],
    [['--scenario', 'reference', '--policy', 'ratio', '--seed', '1.5'], /--seed must be an integer/],
    [['--scenario', 'reference', '--policy', 'ratio', '--days', '0'], /--days must be an integer/],
    [['--scenario', 'reference', '--policy', 'progressive', '--ratio', '2'], /--ratio only applies/],
    [['--scenario', 'reference', '--policy', 'ratio', '--frobnicate'], /Unknown option '--frobnicate'/],
    [['--scenario', 'no-such-thing', '--policy', 'ratio'], /unknown scenario 'no-such-thing'/],
  ])('exits 2 with a clear message for %j', async (argv, message) => {
    const io = capture();
    expect(await run(argv)).toBe(2);
    expect(io.err()).toMatch(message);
  });

  it('says so plainly when the HTML report writer is missing, or writes the report', async () => {
    const io = capture();
    const writer = new URL('../../../src/sim/report/html-report.ts', import.meta.url);
    const out = join(mkdtempSync(join(tmpdir(), 'pacer-sim-')), 'report.html');
    const code = await run(['--scenario', 'reference-5', '--policy', 'progressive', '--days', '1', '--report', out]);
    if (existsSync(writer)) {
      expect(code).toBe(0);
      expect(readFileSync(out, 'utf8')).toMatch(/^<!doctype html>/i);
    } else {
      expect(code).toBe(1);
      expect(io.err()).toMatch(/report writer not available/);
    }
  });
});
